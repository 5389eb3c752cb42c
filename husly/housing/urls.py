from django.urls import path

from husly.housing import landlord_views, views

app_name = "housing"
urlpatterns = [
    path("", views.dwelling_list, name="dwelling_list"),
    path("ny/", views.dwelling_create, name="dwelling_create"),
    path("<int:pk>/leieforhold/ny/", views.tenancy_create, name="tenancy_create"),
    path("leieforhold/<int:pk>/avslutt/", views.tenancy_end, name="tenancy_end"),
    path("arbeidsordrer/", views.work_order_list, name="work_order_list"),
    path("beboere/<int:resident_pk>/husleierestanse/", views.arrears_record,
         name="arrears_record"),
    path("beboere/<int:resident_pk>/husleierestanse/oppgjort/", views.arrears_settle,
         name="arrears_settle"),
    path("arbeidsordrer/<int:pk>/", views.work_order_detail, name="work_order_detail"),
    path("arbeidsordrer/<int:pk>/bilde/", views.work_order_photo, name="work_order_photo"),
    path("arbeidsordrer/<int:pk>/bilde/<int:photo_pk>/", views.work_order_photo_file,
         name="work_order_photo_file"),
    path("utleiere/", landlord_views.landlord_list, name="landlord_list"),
    path("utleiere/ny/", landlord_views.landlord_create, name="landlord_create"),
    path("utleiere/<int:pk>/", landlord_views.landlord_detail, name="landlord_detail"),
    path("utleiere/<int:pk>/endre/", landlord_views.landlord_edit, name="landlord_edit"),
    path("utleiere/<int:pk>/kontakt/", landlord_views.landlord_contact_add,
         name="landlord_contact_add"),
    path("utleiere/tilbud/<int:pk>/", landlord_views.landlord_offer_settle,
         name="landlord_offer_settle"),
    path("utleiere/<int:pk>/privat-leie/ny/", landlord_views.private_lease_create,
         name="private_lease_create"),
]
