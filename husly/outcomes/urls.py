from django.urls import path

from husly.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("uten-bolig/", views.by_name_list, name="by_name_list"),
    path("uten-bolig/<int:pk>/inaktiv/", views.mark_inactive, name="mark_inactive"),
    path("uten-bolig/<int:pk>/aktiv/", views.reactivate, name="reactivate"),
    path("inn-og-utstrom/", views.flow, name="flow"),
    path("bostabilitet/", views.stability, name="stability"),
    path("frister-og-tempo/", views.process, name="process"),
    path("internkontroll/", views.audit, name="audit"),
    path("kostra/", views.kostra_figures, name="kostra"),
    path("kostra/innbyggere/", views.population_record, name="population_record"),
    path("rapport/", views.council_report, name="council_report"),
    path("personer/<slug:figure>/", views.figure_people, name="figure_people"),
    path("inn-og-utstrom/<str:month>/<str:direction>/<str:kind>/", views.flow_people,
         name="flow_people"),
]
