from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "husly.followup"
    label = "followup"
