"""Agreements, visits, work orders and plans through the JSON API."""

import datetime

import time_machine
from django.test import Client
from django.urls import reverse

from husly.accounts.models import Role
from husly.followup.models import CoordinationMeeting, PlanVersion, Visit
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory

TODAY = datetime.date(2026, 1, 7)


def _post(client, name, payload=None, **kwargs):
    return client.post(reverse(f"api:{name}", kwargs=kwargs or None), data=payload or {},
                       content_type="application/json")


@time_machine.travel(TODAY)
def test_follow_up_through_the_api(login, municipality, team, make_staff):
    worker_user = make_staff(Role.FOLLOWUP_WORKER, team=team, health=True)
    colleague = make_staff(Role.FOLLOWUP_WORKER, team=team)
    nav_user = make_staff(Role.NAV_COUNSELLOR, team=team)
    caretaker_user = make_staff(Role.CARETAKER)
    resident = ResidentFactory(municipality=municipality, team=team, phone="41234567")
    dwelling = DwellingFactory(municipality=municipality)
    TenancyFactory(dwelling=dwelling, residents=[resident], start_date=datetime.date(2025, 12, 1))
    worker, nav, caretaker = Client(), Client(), Client()
    login(worker, worker_user)
    login(nav, nav_user)
    login(caretaker, caretaker_user)

    response = _post(worker, "agreement_create", {"team_id": team.pk,
                                                  "primary_contact_id": worker_user.pk,
                                                  "start_date": "2026-01-07"}, pk=resident.pk)
    assert response.status_code == 201, response.content
    agreement = response.json()
    assert agreement["visits"][0]["planned_on"] == "2026-01-07"
    assert nav.get(reverse("api:agreement", args=[resident.pk])).status_code == 403

    visits = worker.get(reverse("api:visits")).json()
    visit_id = visits[0]["id"]
    response = _post(worker, "visit", {"status": "done", "damage": True,
                                       "note_text": "Ny medisin", "note_category": "health"},
                     pk=visit_id)
    assert response.status_code == 200 and response.json()["status"] == "done"
    later = Visit.objects.filter(status="planned").order_by("planned_on").first()
    assert _post(worker, "visit_reassign", {"to_id": colleague.pk},
                 pk=later.pk).json()["assigned_to_id"] == colleague.pk
    response = _post(worker, "health_care", {"accepted": False, "on": "2026-01-07"},
                     pk=agreement["id"])
    assert response.json()["health_care_accepted"] is False
    assert CoordinationMeeting.objects.count() == 1

    first = _post(worker, "plan_save", {"answers": {"what_helps": "Ro"},
                                        "review_on": "2026-04-01", "based_on": 0},
                  pk=resident.pk, kind="crisis")
    assert first.status_code == 201
    stale = _post(colleague_client(login, colleague), "plan_save",
                  {"answers": {"what_helps": "Musikk"}, "review_on": "2026-04-01",
                   "based_on": 0}, pk=resident.pk, kind="crisis")
    assert stale.status_code == 409
    assert PlanVersion.objects.count() == 1

    response = _post(worker, "work_order_create", {"kind": "repair", "description": "Dør",
                                                   "due_on": "2026-01-09", "priority": 1},
                     pk=dwelling.pk)
    assert response.status_code == 201
    orders = caretaker.get(reverse("api:work_orders")).json()
    assert orders[0]["resident_phone"] == "41234567"
    assert set(orders[0]) == {"id", "dwelling_id", "address", "kind", "priority",
                              "description", "due_on", "done_on", "resident_name",
                              "resident_phone"}
    done = _post(caretaker, "work_order_complete", {"what_was_done": "Nytt hengsel"},
                 pk=orders[0]["id"])
    assert done.json()["done_on"] == "2026-01-07"
    assert _post(worker, "work_order_complete", {"what_was_done": "x"},
                 pk=orders[0]["id"]).status_code == 403


def colleague_client(login, user):
    client = Client()
    login(client, user)
    return client
