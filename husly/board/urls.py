from django.urls import path

from husly.board import views

app_name = "board"
urlpatterns = [
    path("", views.board_home, name="home"),
    path("<int:pk>/", views.team_board, name="team_board"),
    path("<int:pk>/raud-tavle/pa/", views.red_board_put, name="red_board_put"),
    path("<int:pk>/raud-tavle/av/", views.red_board_take_off, name="red_board_take_off"),
    path("<int:pk>/raud-tavle/historikk/", views.red_board_history, name="red_board_history"),
    path("<int:pk>/gjennomgang/", views.review, name="review"),
    path("<int:pk>/notat/", views.note, name="note"),
]
