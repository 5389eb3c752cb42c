"""The allocation flow through the JSON API: same services, same access rules."""

import datetime

import time_machine
from django.test import Client
from django.urls import reverse

from husly.access.models import AccessLogEntry
from husly.allocation.models import MoveInTask
from husly.housing.services import work_order_complete

TODAY = datetime.date(2026, 3, 30)


def _post(client, name, payload=None, **kwargs):
    return client.post(reverse(f"api:{name}", kwargs=kwargs or None), data=payload or {},
                       content_type="application/json")


@time_machine.travel(TODAY)
def test_from_application_to_keys_through_the_api(login, flow):
    officer, worker, nav = Client(), Client(), Client()
    login(officer, flow["officer"])
    login(worker, flow["worker"])
    login(nav, flow["nav"])

    response = _post(officer, "application_create",
                     {"applicant_id": flow["applicant"].pk, "housing_first": True})
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["state"] == "received"

    refused = _post(officer, "decision", {"granted": True, "reasons": "x", "legal_basis": "y",
                                          "dwelling_kind": "transitional", "lease_months": 36},
                    pk=pk)
    assert refused.status_code == 422
    assert "Dette kan bare gjøres" in refused.json()["detail"][0]

    assert _post(officer, "statement_request", pk=pk).status_code == 200
    # The housing officer may not write the follow-up unit's statement.
    assert _post(officer, "statement", {"text": "x"}, pk=pk).status_code == 403
    response = _post(worker, "statement", {"text": "Trenger rolig bolig."}, pk=pk)
    assert response.status_code == 200
    assert response.json()["statement"]["text"] == "Trenger rolig bolig."
    # Without consent the housing officer sees that the statement came, not what it says.
    seen = officer.get(reverse("api:application", args=[pk])).json()
    assert seen["statement"]["given_on"] == "2026-03-30"
    assert seen["statement"]["text"] is None
    assert any("samtykke" in reason for reason in seen["hidden"])
    # With the applicant's consent to the statement, the API reads it as the page does
    from husly.allocation.models import Application
    from husly.allocation.services import application_statement_consent_record

    application_statement_consent_record(application=Application.objects.get(pk=pk),
                                         form="verbal", by=flow["officer"])
    seen = officer.get(reverse("api:application", args=[pk])).json()
    assert seen["statement"]["text"] == "Trenger rolig bolig."

    no_reasons = _post(officer, "decision", {"granted": True, "reasons": " ",
                                             "legal_basis": "§ 3",
                                             "dwelling_kind": "transitional",
                                             "lease_months": 36}, pk=pk)
    assert no_reasons.status_code == 422
    assert "reasons" in no_reasons.json()["fields"]
    assert _post(officer, "decision", {"granted": True, "reasons": "Behov for bolig.",
                                       "legal_basis": "§ 3", "dwelling_kind": "transitional",
                                       "lease_months": 36}, pk=pk).status_code == 200
    assert _post(officer, "offer", {"dwelling_id": flow["dwelling"].pk}, pk=pk).status_code == 200
    assert _post(officer, "viewing", {"viewing_on": "2026-03-30", "companions": "Mats"},
                 pk=pk).status_code == 200
    assert _post(officer, "answer", {"accepted": True}, pk=pk).status_code == 200
    response = _post(officer, "allocate", {}, pk=pk)
    assert response.status_code == 200
    assert response.json()["allocation"]["meeting_deadline"] == "2026-04-07"
    response = _post(officer, "meeting", {"held_on": "2026-03-30",
                                          "attendee_ids": [flow["officer"].pk, flow["nav"].pk]},
                     pk=pk)
    assert response.status_code == 200
    assert len(response.json()["allocation"]["tasks"]) == 6

    tasks = nav.get(reverse("api:tasks")).json()
    assert [t["title"] for t in tasks] == ["Første husleie og depositumsgaranti"]
    assert _post(nav, "task_complete", pk=tasks[0]["id"]).status_code == 200
    housing_task = MoveInTask.objects.get(title="Nøkler")
    assert _post(nav, "task_complete", pk=housing_task.pk).status_code == 403

    early = _post(officer, "move_in", {"moved_in_on": "2026-03-30", "monthly_rent": "7200"},
                  pk=pk)
    assert early.status_code == 422
    for task in MoveInTask.objects.filter(done_on__isnull=True):
        if task.work_order_id:
            work_order_complete(work_order=task.work_order, what_was_done="ok",
                                by=flow["caretaker"])
        elif task.unit.kind == "housing":
            assert _post(officer, "task_complete", pk=task.pk).status_code == 200
        else:
            assert _post(worker, "task_complete", pk=task.pk).status_code == 200
    response = _post(officer, "move_in", {"moved_in_on": "2026-03-30", "monthly_rent": "7200"},
                     pk=pk)
    assert response.status_code == 200
    assert response.json()["state"] == "moved_in"
    assert AccessLogEntry.objects.filter(view="api_application").exists()


def test_openapi_documentation_is_served(client):
    schema = client.get(reverse("api:openapi-json")).json()
    assert schema["info"]["title"] == "Husly API"
    assert "/api/v1/applications/{pk}/decision" in schema["paths"]


def test_api_refuses_roles_and_other_municipalities(login, flow, make_staff,
                                                    other_municipality):
    from husly.accounts.models import Role
    from tests.factories import ResidentFactory, staff_make

    caretaker = Client()
    login(caretaker, flow["caretaker"])
    assert caretaker.get(reverse("api:applications")).status_code == 403
    stranger = staff_make(municipality=other_municipality, role=Role.HOUSING_OFFICER)
    foreign_applicant = ResidentFactory(municipality=other_municipality)
    from husly.allocation import services

    foreign = services.application_register(
        applicant=foreign_applicant, officer_unit=stranger.role_assignments.get().unit,
        by=stranger)
    officer = Client()
    login(officer, flow["officer"])
    assert officer.get(reverse("api:application", args=[foreign.pk])).status_code == 404
