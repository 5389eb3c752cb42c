from django.urls import path

from husly.people import views

app_name = "people"
urlpatterns = [
    path("", views.resident_list, name="resident_list"),
    path("ny/", views.resident_create, name="resident_create"),
    path("<int:pk>/rett/", views.resident_correct, name="resident_correct"),
]
