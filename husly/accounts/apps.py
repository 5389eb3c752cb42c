from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "husly.accounts"
    label = "accounts"
