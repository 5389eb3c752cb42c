from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "husly.access"
    label = "access"
