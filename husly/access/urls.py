from django.urls import path

from husly.access import views

app_name = "access"
urlpatterns = [
    path("beboer/<int:pk>/samtykke/", views.consent_list, name="consent_list"),
    path("samtykke/<int:pk>/trekk-tilbake/", views.consent_withdraw, name="consent_withdraw"),
    path("samtykke/<int:pk>/skjema/", views.consent_attachment, name="consent_attachment"),
    path("beboer/<int:pk>/nodtilgang/", views.break_glass, name="break_glass"),
    path("beboer/<int:pk>/logg/", views.access_log, name="access_log"),
    path("beboer/<int:pk>/logg/brev.pdf", views.access_log_letter, name="access_log_letter"),
    path("beboer/<int:pk>/innsyn/", views.data_copy, name="data_copy"),
    path("beboer/<int:pk>/innsyn.pdf", views.data_copy_pdf, name="data_copy_pdf"),
    path("beboer/<int:pk>/innsyn.json", views.data_copy_json, name="data_copy_json"),
    path("gjennomgang/", views.access_review, name="access_review"),
    path("nodtilgang/<int:pk>/vurder/", views.break_glass_review, name="break_glass_review"),
    path("oppbevaring/", views.retention, name="retention"),
]
