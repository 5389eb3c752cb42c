from django.urls import path

from husly.costs import views

app_name = "costs"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("ny/", views.position_create, name="position_create"),
    path("stilling/<int:pk>/", views.position_edit, name="position_edit"),
    path("kopier/", views.year_copy, name="year_copy"),
]
