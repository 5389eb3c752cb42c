"""Husly's URLs plus the floor page: the fastest page Django serves on this stack."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from config.urls import *  # noqa: F403
from config.urls import urlpatterns as husly_urlpatterns
from husly.common.models import Municipality


@login_required
def floor(request):
    """One indexed query and the base template, behind the same login and middleware."""
    municipality = Municipality.objects.get(number=request.staff.municipality.number)
    return render(request, "bench/floor.html", {"municipality": municipality})


urlpatterns = [path("benk/gulv/", floor, name="bench_floor"), *husly_urlpatterns]
