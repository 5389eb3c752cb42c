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
    path("arbeidsordrer/<int:pk>/bilde/", views.work_order_photo, name="work_order_photo"),
    path("arbeidsordrer/<int:pk>/bilde/<int:photo_pk>/", views.work_order_photo_file,
         name="work_order_photo_file"),
    path("<int:pk>/arbeidsordre/ny/", views.work_order_create, name="work_order_create"),
]
