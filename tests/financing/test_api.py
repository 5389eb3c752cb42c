"""The financing records through the JSON API: list, register, decide, and refusals answered
422 in the user's language."""

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from husly.access.models import AccessLogEntry
from husly.accounts.models import Role
from husly.financing.models import FinancingApplication, FinancingStatus
from tests.factories import ResidentFactory
from tests.financing.helpers import registered


def _post(client, name, payload, **kwargs):
    return client.post(reverse(f"api:{name}", kwargs=kwargs or None), data=payload,
                       content_type="application/json")


def test_register_list_and_decide_through_the_api(login, municipality, team, make_staff):
    officer_user = make_staff(Role.HOUSING_OFFICER, team=team)
    nav_user = make_staff(Role.NAV_COUNSELLOR, team=team)
    officer, nav = login(Client(), officer_user), login(Client(), nav_user)
    resident = ResidentFactory(municipality=municipality, team=team)
    today = timezone.localdate()

    # Register a startlån: 201 with the record
    response = _post(officer, "financing_create", {
        "resident_id": resident.pk, "kind": "startlan", "amount_applied": 1800000})
    assert response.status_code == 201, response.content
    loan = response.json()
    assert loan["status"] == "submitted" and loan["category"] == "housing"
    assert loan["amount_applied"] == 1800000 and loan["applied_on"] == today.isoformat()

    # A grant larger than the application: 422, in Norwegian, with the field
    response = _post(officer, "financing_decision", {
        "status": "granted", "decided_on": today.isoformat(), "amount_granted": 2000000},
        pk=loan["id"])
    assert response.status_code == 422
    body = response.json()
    assert "amount_granted" in body["fields"]
    assert "større enn" in body["detail"][0]
    assert FinancingApplication.objects.get().status == FinancingStatus.SUBMITTED

    # A partial grant
    response = _post(officer, "financing_decision", {
        "status": "partly_granted", "decided_on": today.isoformat(),
        "amount_granted": 1500000}, pk=loan["id"])
    assert response.status_code == 200, response.content
    decided = response.json()
    assert decided["status"] == "partly_granted" and decided["amount_granted"] == 1500000
    assert decided["appeal_deadline"] == (today + datetime.timedelta(weeks=3)).isoformat() \
        or decided["appeal_deadline"] > (today + datetime.timedelta(weeks=3)).isoformat()

    # NAV may not register the housing service's kinds: 422 saying who handles it
    response = _post(nav, "financing_create", {
        "resident_id": resident.pk, "kind": "etableringstilskudd", "amount_applied": 100})
    assert response.status_code == 422
    assert "boligtjenesten" in response.json()["detail"][0]
    # NAV registers its own; bostøtte without an amount is the housing service's
    assert _post(nav, "financing_create", {
        "resident_id": resident.pk, "kind": "deposit_guarantee",
        "amount_applied": 25000}).status_code == 201

    # The resident's list, for NAV: its own record, and why the others are hidden (logged)
    response = nav.get(reverse("api:financing_list") + f"?resident={resident.pk}")
    assert response.status_code == 200
    listed = response.json()
    assert [r["kind"] for r in listed["records"]] == ["deposit_guarantee"]
    assert listed["hidden"] and "samtykke" in listed["hidden"][0]
    assert AccessLogEntry.objects.filter(view="api_financing", user=nav_user).count() == 1
    # The officer's caseload
    caseload = officer.get(reverse("api:financing_list")).json()
    assert [r["kind"] for r in caseload["records"]] == ["startlan"]
    # One record, as NAV: the loan is hidden, 403 with the reason
    response = nav.get(reverse("api:financing_record", args=[loan["id"]]))
    assert response.status_code == 403 and "samtykke" in str(response.json()["detail"])


def test_the_api_refuses_without_role_relation_or_valid_input(login, municipality, team,
                                                              make_staff, other_municipality):
    officer = login(Client(), make_staff(Role.HOUSING_OFFICER, team=team))
    caretaker = login(Client(), make_staff(Role.CARETAKER))
    resident = ResidentFactory(municipality=municipality, team=team)
    stranger = ResidentFactory(municipality=municipality)
    foreign = ResidentFactory(municipality=other_municipality)
    assert caretaker.get(reverse("api:financing_list")).status_code == 403
    assert _post(officer, "financing_create", {"resident_id": stranger.pk, "kind": "startlan",
                                               "amount_applied": 1}).status_code == 403
    assert _post(officer, "financing_create", {"resident_id": foreign.pk, "kind": "startlan",
                                               "amount_applied": 1}).status_code == 404
    for bad in ({"kind": "lotto", "amount_applied": 1}, {"kind": "startlan"},
                {"kind": "startlan", "amount_applied": -5},
                {"kind": "startlan", "amount_applied": 1.5}):
        response = _post(officer, "financing_create", {"resident_id": resident.pk, **bad})
        assert response.status_code == 422, bad
    assert not FinancingApplication.objects.exists()
    # A withdrawn application is not decided
    from husly.financing.services import financing_withdraw

    record = financing_withdraw(application=registered(resident),
                                on=timezone.localdate(), by=None)
    response = _post(officer, "financing_decision", {
        "status": "granted", "decided_on": timezone.localdate().isoformat()}, pk=record.pk)
    assert response.status_code == 422
    assert "trukket" in response.json()["detail"][0]


def test_a_draft_is_sent_a_refusal_appealed_and_another_withdrawn(login, municipality, team,
                                                                   make_staff):
    nav = login(Client(), make_staff(Role.NAV_COUNSELLOR, team=team))
    resident = ResidentFactory(municipality=municipality, team=team)
    today = timezone.localdate()
    draft = _post(nav, "financing_create", {"resident_id": resident.pk,
                                            "kind": "deposit_guarantee",
                                            "amount_applied": 24000, "submitted": False}).json()
    assert draft["status"] == "draft"
    # Sent: it waits for a decision; refused; appealed the same day
    assert _post(nav, "financing_submit", {}, pk=draft["id"]).json()["status"] == "submitted"
    _post(nav, "financing_decision", {"status": "refused", "decided_on": today.isoformat()},
          pk=draft["id"])
    appealed = _post(nav, "financing_appeal", {}, pk=draft["id"])
    assert appealed.status_code == 200 and appealed.json()["status"] == "appealed"
    # An appeal of an appealed record is refused in Norwegian; nothing changes
    again = _post(nav, "financing_appeal", {}, pk=draft["id"])
    assert again.status_code == 422 and again.json()["detail"]
    # Another application is withdrawn before a decision
    other = _post(nav, "financing_create", {"resident_id": resident.pk,
                                            "kind": "financial_help",
                                            "amount_applied": 5000}).json()
    withdrawn = _post(nav, "financing_withdraw", {"on": today.isoformat()}, pk=other["id"])
    assert withdrawn.json()["status"] == "withdrawn"
    assert FinancingApplication.objects.get(pk=other["id"]).withdrawn_on == today
    # The housing officer may not take NAV's steps
    officer = login(Client(), make_staff(Role.HOUSING_OFFICER, team=team, username="bolig9"))
    refused = _post(officer, "financing_withdraw", {}, pk=draft["id"])
    assert refused.status_code == 403  # NAV information: not read, let alone written
    assert FinancingApplication.objects.get(pk=draft["id"]).status == FinancingStatus.APPEALED
