from django.urls import path

from husly.allocation import views

app_name = "allocation"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("mine-oppgaver/", views.my_tasks, name="my_tasks"),
    path("oppgaver/<int:pk>/utfort/", views.task_complete, name="task_complete"),
    path("oppgaver/<int:pk>/flytt/", views.task_reassign, name="task_reassign"),
    path("soknader/ny/", views.application_create, name="application_create"),
    path("soknader/<int:pk>/kriterier/", views.assess, name="assess"),
    path("soknader/<int:pk>/uttale/be-om/", views.statement_request, name="statement_request"),
    path("soknader/<int:pk>/uttale/", views.statement_give, name="statement_give"),
    path("soknader/<int:pk>/uttale/samtykke/", views.statement_consent,
         name="statement_consent"),
    path("soknader/<int:pk>/fellesmote/", views.joint_meeting, name="joint_meeting"),
    path("soknader/<int:pk>/vedtak/", views.decide, name="decide"),
    path("soknader/<int:pk>/vedtak.pdf", views.decision_letter, name="decision_letter"),
    path("soknader/<int:pk>/forelopig-svar/", views.preliminary_reply,
         name="preliminary_reply"),
    path("soknader/<int:pk>/forelopig-svar.pdf", views.preliminary_reply_letter,
         name="preliminary_reply_letter"),
    path("soknader/<int:pk>/visning/", views.offer_viewing, name="offer_viewing"),
    path("soknader/<int:pk>/svar/", views.offer_answer, name="offer_answer"),
    path("soknader/<int:pk>/tildel/", views.allocate, name="allocate"),
    path("soknader/<int:pk>/mote/planlegg/", views.meeting_schedule, name="meeting_schedule"),
    path("soknader/<int:pk>/mote/", views.meeting_hold, name="meeting_hold"),
    path("soknader/<int:pk>/innflytting/", views.move_in, name="move_in"),
    path("soknader/<int:pk>/trekk/", views.withdraw, name="withdraw"),
]
