from django.urls import path

from husly.guidance import views

app_name = "guidance"
urlpatterns = [
    path("", views.home, name="home"),
    path("sjekkliste/<int:pk>/", views.tick, name="tick"),
    path("rediger/", views.manage, name="manage"),
    path("rediger/tekst/<int:pk>/", views.text_edit, name="text_edit"),
    path("rediger/tekst/ny/", views.text_add, name="text_add"),
    path("rediger/sjekkliste/", views.checklist_manage, name="checklist_manage"),
    path("rediger/sjekkliste/<int:pk>/", views.checklist_item_edit, name="checklist_item_edit"),
    path("rediger/sjekkliste/<int:pk>/flytt/", views.checklist_item_move,
         name="checklist_item_move"),
]
