from django.urls import path

from husly.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.start, name="start"),
    path("<int:pk>/kolonner/", views.mapping, name="mapping"),
    path("<int:pk>/kontroll/", views.check, name="check"),
    path("<int:pk>/importer/", views.apply, name="apply"),
    path("<int:pk>/kvittering/", views.receipt, name="receipt"),
]
