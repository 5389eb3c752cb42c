from django.apps import AppConfig


class FinancingConfig(AppConfig):
    name = "husly.financing"
    label = "financing"
