from django.urls import path

from husly.forum import views

app_name = "forum"
urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("nytt-mote/", views.meeting_create, name="meeting_create"),
    path("moter/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("moter/<int:pk>/endre/", views.meeting_edit, name="meeting_edit"),
    path("moter/<int:pk>/sak/", views.agenda_item_add, name="agenda_item_add"),
    path("moter/<int:pk>/referat/", views.minutes_save, name="minutes_save"),
    path("moter/<int:pk>/beslutning/", views.decision_record, name="decision_record"),
    path("moter/<int:pk>/avholdt/", views.meeting_hold, name="meeting_hold"),
    path("saker/<int:pk>/fjern/", views.agenda_item_remove, name="agenda_item_remove"),
    path("beslutninger/<int:pk>/utfort/", views.decision_done, name="decision_done"),
    path("beslutninger/<int:pk>/gjenapne/", views.decision_reopen, name="decision_reopen"),
]
