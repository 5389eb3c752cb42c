from django.urls import path

from husly.fidelity import views

app_name = "fidelity"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("ny/", views.start, name="start"),
    path("vurdering/<int:pk>/", views.assessment, name="assessment"),
    path("vurdering/<int:pk>/poeng/", views.score, name="score"),
    path("vurdering/<int:pk>/gjenapne/", views.reopen, name="reopen"),
    path("punkter/", views.items, name="items"),
    path("punkter/<int:pk>/", views.item_edit, name="item_edit"),
]
