from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "husly.api"
    label = "api"
