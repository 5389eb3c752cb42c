from django.urls import path

from husly.followup import views

app_name = "followup"
urlpatterns = [
    path("kalender/", views.calendar_feed_manage, name="calendar_feed_manage"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("uten-avtale/", views.without_agreement, name="without_agreement"),
    path("risiko/", views.at_risk, name="at_risk"),
    path("beboere/<int:resident_pk>/avtale/ny/", views.agreement_create, name="agreement_create"),
    path("avtaler/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("avtaler/<int:pk>/signert/", views.agreement_sign, name="agreement_sign"),
    path("avtaler/<int:pk>/helse-avslatt/", views.health_care_decline,
         name="health_care_decline"),
    path("avtaler/<int:pk>/helse-akseptert/", views.health_care_accept,
         name="health_care_accept"),
    path("avtaler/<int:pk>/avslutt/", views.agreement_end, name="agreement_end"),
    path("avtaler/<int:pk>/avtale.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("beboere/<int:resident_pk>/planer/", views.plans, name="plans"),
    path("beboere/<int:resident_pk>/planer/<slug:kind>/", views.plan_edit, name="plan_edit"),
    path("beboere/<int:resident_pk>/planer/<slug:kind>.pdf", views.plan_pdf, name="plan_pdf"),
    path("besok/<int:pk>/", views.visit_record, name="visit_record"),
    path("besok/<int:pk>/flytt/", views.visit_reassign, name="visit_reassign"),
    path("besok/<int:pk>/ny-dag/", views.visit_reschedule, name="visit_reschedule"),
    path("besok/<int:pk>/fokus/", views.visit_focus_set, name="visit_focus_set"),
    path("koordinering/<int:pk>/", views.coordination_meeting, name="coordination_meeting"),
    path("koordinering/oppgaver/<int:pk>/utfort/", views.coordination_task_complete,
         name="coordination_task_complete"),
]
