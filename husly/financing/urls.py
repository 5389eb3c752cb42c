from django.urls import path

from husly.financing import views

app_name = "financing"
urlpatterns = [
    path("", views.financing_list, name="list"),
    path("beboere/<int:resident_pk>/ny/", views.financing_create, name="create"),
    path("beboere/<int:resident_pk>/boligkjop/", views.home_purchase, name="home_purchase"),
    path("<int:pk>/", views.financing_detail, name="detail"),
    path("<int:pk>/send/", views.financing_submit, name="submit"),
    path("<int:pk>/vedtak/", views.financing_decide, name="decide"),
    path("<int:pk>/klage/", views.financing_appeal, name="appeal"),
    path("<int:pk>/klagevedtak/", views.financing_appeal_decide, name="appeal_decide"),
    path("<int:pk>/trekk/", views.financing_withdraw, name="withdraw"),
]
