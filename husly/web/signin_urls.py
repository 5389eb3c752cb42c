from django.urls import path

from husly.web import signin as views

app_name = "accounts"
urlpatterns = [
    path("logg-inn/", views.login_view, name="login"),
    path("logg-ut/", views.logout_view, name="logout"),
    path("tofaktor/", views.otp_verify, name="otp_verify"),
    path("tofaktor/oppsett/", views.otp_setup, name="otp_setup"),
    path("sso/", views.sso_login, name="sso_login"),
    path("sso/svar/", views.sso_callback, name="sso_callback"),
    path("kommune/", views.municipality_switch, name="municipality_switch"),
]
