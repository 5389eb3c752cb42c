from django.urls import path

from husly.inbox import views

app_name = "inbox"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("ta/", views.take, name="take"),
    path("gi/", views.give, name="give"),
    path("legg-tilbake/", views.release, name="release"),
]
