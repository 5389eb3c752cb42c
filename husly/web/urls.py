"""Pages that live in `web` because they show the parts of several apps, each added to the
namespace of the app whose part of the site it is for the user: the addresses and the names
(`{% url "people:resident_detail" %}`) stay as they were. config/urls.py includes every app's
URLs through `app_urls` (ADR 0031)."""

from importlib import import_module

from django.urls import path

from husly.web import (
    application_page,
    dwelling_page,
    resident_page,
    settings_page,
    week_page,
)

PAGES = {
    "people": [
        path("<int:pk>/", resident_page.resident_detail, name="resident_detail"),
    ],
    "housing": [
        path("<int:pk>/", dwelling_page.dwelling_detail, name="dwelling_detail"),
        path("<int:pk>/arbeidsordre/ny/", dwelling_page.work_order_create,
             name="work_order_create"),
    ],
    "allocation": [
        path("innstillinger/", settings_page.settings_page, name="settings"),
        path("soknader/<int:pk>/", application_page.application_detail,
             name="application_detail"),
        path("soknader/<int:pk>/tilbud/", application_page.offer_make, name="offer_make"),
    ],
    "followup": [
        path("min-uke/", week_page.my_week, name="my_week"),
    ],
}


def app_urls(module_name: str) -> tuple[list, str]:
    """The app's URL patterns and those of its pages that live here, under its namespace."""
    module = import_module(module_name)
    return [*module.urlpatterns, *PAGES.get(module.app_name, [])], module.app_name
