"""Inputs the security tools found answered with a server error: refused with 422 now."""

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from husly.accounts.models import Role
from husly.housing.models import WorkOrder
from tests.factories import DwellingFactory, ResidentFactory

BIG = 2**63


def test_out_of_range_ids_and_bad_work_orders_are_refused(login, municipality, team,
                                                          make_staff):
    officer = make_staff(Role.HOUSING_OFFICER, team=team, username="bolig")
    client = login(Client(), officer)
    resident = ResidentFactory(municipality=municipality, team=team)
    response = client.post(reverse("api:application_create"),
                           data={"applicant_id": resident.pk, "household_member_ids": [BIG]},
                           content_type="application/json")
    assert response.status_code == 422
    dwelling = DwellingFactory(municipality=municipality)
    due = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    for bad in ({"kind": "annet", "priority": -1}, {"kind": "x", "priority": 3},
                {"kind": "repair", "priority": 99}):
        response = client.post(reverse("api:work_order_create", args=[dwelling.pk]),
                               data={**bad, "description": "Lekk kran", "due_on": due},
                               content_type="application/json")
        assert response.status_code == 422, bad
    assert not WorkOrder.objects.exists()


def test_the_december_drill_down_opens(client, login, make_staff):
    login(client, make_staff(Role.TEAM_LEADER, username="leder"))
    for direction, kind in (("inn", "newly_identified"), ("ut", "housed")):
        url = reverse("outcomes:flow_people", args=["2025-12", direction, kind])
        assert client.get(url).status_code == 200
