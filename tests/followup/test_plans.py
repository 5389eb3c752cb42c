import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from husly.accounts.models import Role
from husly.common.models import DomainEvent
from husly.followup import selectors, services
from husly.followup.models import PlanVersion
from tests.factories import ResidentFactory

TODAY = datetime.date(2026, 2, 2)
LATER = TODAY + datetime.timedelta(days=90)


@pytest.fixture
def people(municipality, team, make_staff):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    colleague = make_staff(Role.FOLLOWUP_WORKER, team=team)
    resident = ResidentFactory(municipality=municipality, team=team)
    return worker, colleague, resident


@time_machine.travel(TODAY)
def test_each_change_is_a_new_version_and_the_event_holds_no_words(people):
    worker, colleague, resident = people
    services.plan_save(resident=resident, kind="safety", based_on=0, by=worker,
                       answers={"when_intoxicated": "Bli hos meg til jeg sovner"},
                       review_on=LATER)
    services.plan_save(resident=resident, kind="safety", based_on=1, by=colleague,
                       answers={"when_intoxicated": "Ring søsteren min"}, review_on=LATER)
    versions = list(selectors.plan_versions(resident=resident, kind="safety"))
    assert [v.number for v in versions] == [2, 1]
    assert versions[1].answers["when_intoxicated"] == "Bli hos meg til jeg sovner"
    assert versions[0].written_by == colleague
    assert "søsteren" not in str(DomainEvent.objects.filter(name="plan.saved").values("changes"))


@time_machine.travel(TODAY)
def test_saving_over_a_newer_version_is_refused(people):
    worker, colleague, resident = people
    services.plan_save(resident=resident, kind="crisis", based_on=0, by=worker,
                       answers={"what_helps": "Ro"}, review_on=LATER)
    with pytest.raises(services.PlanConflict):
        services.plan_save(resident=resident, kind="crisis", based_on=0, by=colleague,
                           answers={"what_helps": "Musikk"}, review_on=LATER)
    assert PlanVersion.objects.count() == 1
    with pytest.raises(ValidationError):
        services.plan_save(resident=resident, kind="crisis", based_on=1, by=colleague,
                           answers={}, review_on=LATER)


@time_machine.travel(TODAY)
def test_the_second_writer_is_told_and_keeps_their_text(client, login, people):
    worker, colleague, resident = people
    login(client, colleague)
    url = reverse("followup:plan_edit", args=[resident.pk, "user_contract"])
    assert client.get(url).status_code == 200
    services.plan_save(resident=resident, kind="user_contract", based_on=0, by=worker,
                       answers={"goals": "Beholde leiligheten"}, review_on=LATER)
    response = client.post(url, {"a_goals": "Få jobb", "review_on": LATER.isoformat(),
                                 "based_on": "0"})
    body = response.content.decode()
    assert "Få jobb" in body and "Beholde leiligheten" in body
    assert PlanVersion.objects.count() == 1
    response = client.post(url, {"a_goals": "Få jobb og beholde leiligheten",
                                 "review_on": LATER.isoformat(), "based_on": "1"})
    assert response.status_code == 302
    assert PlanVersion.objects.count() == 2
    pdf = client.get(reverse("followup:plan_pdf", args=[resident.pk, "user_contract"]))
    assert pdf.content.startswith(b"%PDF")


def test_a_plan_due_for_review_shows_up(client, login, people):
    worker, _colleague, resident = people
    with time_machine.travel(TODAY):
        services.plan_save(resident=resident, kind="crisis", based_on=0, by=worker,
                           answers={"what_helps": "Ro"}, review_on=TODAY + datetime.timedelta(
                               days=10))
    with time_machine.travel(TODAY + datetime.timedelta(days=11)):
        login(client, worker)
        body = client.get(reverse("followup:my_week")).content.decode()
    assert reverse("followup:plan_edit", args=[resident.pk, "crisis"]) in body


@time_machine.travel(TODAY)
def test_nav_does_not_open_the_plans(client, login, people, team, make_staff):
    _worker, _colleague, resident = people
    nav = make_staff(Role.NAV_COUNSELLOR, team=team)
    login(client, nav)
    assert client.get(reverse("followup:plans", args=[resident.pk])).status_code == 403
