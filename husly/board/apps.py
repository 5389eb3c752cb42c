from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "husly.board"
    label = "board"
