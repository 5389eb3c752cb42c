from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "husly.allocation"
    label = "allocation"
