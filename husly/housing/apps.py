from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "husly.housing"
    label = "housing"
