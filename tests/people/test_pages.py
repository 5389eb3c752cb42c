"""The resident's page as the shortest path to the next step."""

import datetime

import time_machine
from django.urls import reverse

from husly.allocation import services as allocation

TODAY = datetime.date(2026, 3, 30)


@time_machine.travel(TODAY)
def test_the_resident_page_registers_an_application_or_opens_the_open_one(client, login,
                                                                          flow):
    applicant = flow["applicant"]
    page = reverse("people:resident_detail", args=[applicant.pk])
    register = reverse("allocation:application_create") + f"?beboer={applicant.pk}"
    # Given a housing officer on the page of a resident without an application
    login(client, flow["officer"])
    body = client.get(page).content.decode()
    # Then the page offers to register one, for this resident
    assert f'href="{register}"' in body
    form = client.get(register).content.decode()
    assert f'<option value="{applicant.pk}" selected>' in form
    # And once an application is open, the page opens it instead
    application = allocation.application_register(
        applicant=applicant, officer_unit=flow["officer_unit"], by=flow["officer"])
    body = client.get(page).content.decode()
    assert register not in body
    assert reverse("allocation:application_detail", args=[application.pk]) in body
    # A withdrawn application is not open: registering a new one is offered again
    allocation.application_withdraw(application=application, by=flow["officer"])
    assert f'href="{register}"' in client.get(page).content.decode()


@time_machine.travel(TODAY)
def test_only_those_who_manage_applications_are_offered_to_register_one(client, login, flow):
    login(client, flow["worker"])
    body = client.get(reverse("people:resident_detail",
                              args=[flow["applicant"].pk])).content.decode()
    assert reverse("allocation:application_create") not in body
