from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "husly.demo"
    label = "demo"
