from django.urls import path

from husly.integrations import views

app_name = "integrations"
urlpatterns = [
    path("", views.token_list, name="token_list"),
    path("ny/", views.token_create, name="token_create"),
    path("<int:pk>/", views.token_detail, name="token_detail"),
    path("<int:pk>/trekk-tilbake/", views.token_revoke, name="token_revoke"),
]
