from django.urls import path

from husly.housing import views

app_name = "housing"
urlpatterns = [
    path("", views.dwelling_list, name="dwelling_list"),
    path("ny/", views.dwelling_create, name="dwelling_create"),
    path("<int:pk>/", views.dwelling_detail, name="dwelling_detail"),
    path("<int:pk>/leieforhold/ny/", views.tenancy_create, name="tenancy_create"),
    path("leieforhold/<int:pk>/avslutt/", views.tenancy_end, name="tenancy_end"),
    path("arbeidsordrer/", views.work_order_list, name="work_order_list"),
    path("beboere/<int:resident_pk>/husleierestanse/", views.arrears_record,
         name="arrears_record"),
    path("arbeidsordrer/<int:pk>/", views.work_order_detail, name="work_order_detail"),
]
