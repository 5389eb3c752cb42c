"""The inbox's other kinds of item: each reaches exactly the person or unit whose work it is,
and leaves when the work is done (ADR 0030)."""

import datetime

import pytest
import time_machine

from husly.access.policy import staff_context_for
from husly.access.services import (
    break_glass_review,
    break_glass_start,
    consent_record,
    consent_withdraw,
)
from husly.accounts.models import Role, Team
from husly.allocation import rules as allocation_rules
from husly.allocation import services as allocation
from husly.board.services import review_record
from husly.followup.services import plan_save
from husly.housing.services import rent_arrears_record, rent_arrears_settle
from husly.inbox.models import ItemKind
from husly.inbox.selectors import inbox_for
from tests.factories import ResidentFactory, TenancyFactory

TODAY = datetime.date(2026, 3, 30)  # a Monday
K = ItemKind
travel = time_machine.travel(datetime.datetime(2026, 3, 30, 10, 0))


def kinds(user):
    return {(i.kind, i.pk) for i in inbox_for(staff=staff_context_for(user, None),
                                              today=TODAY)["items"]}


def others(flow, *but):
    """Everyone else, a second follow-up worker on the same team included."""
    return [u for u in (flow["officer"], flow["worker"], flow["nav"], flow["caretaker"],
                        flow["worker2"]) if u not in but]


@pytest.fixture(autouse=True)
def _second_worker(flow, team, make_staff):
    flow["worker2"] = make_staff(Role.FOLLOWUP_WORKER, team=team, username="miljo2",
                                 health=True)


def _followed(flow, municipality, team):
    return ResidentFactory(municipality=municipality, team=team,
                           primary_contact=flow["worker"])


@travel
def test_a_plan_due_for_review_is_the_primary_contact_s(flow, municipality, team):
    resident = _followed(flow, municipality, team)
    plan_save(resident=resident, kind="user_contract", answers={"goals": "Egen leilighet"},
              review_on=TODAY + datetime.timedelta(days=2), based_on=0, by=flow["worker"])
    item = (K.PLAN_REVIEW, resident.pk)
    assert item in kinds(flow["worker"])
    assert all(item not in kinds(u) for u in others(flow, flow["worker"]))
    # Reviewed with the resident: the new version is due in half a year
    plan_save(resident=resident, kind="user_contract", answers={"goals": "Egen leilighet"},
              review_on=TODAY + datetime.timedelta(days=180), based_on=1, by=flow["worker"])
    assert item not in kinds(flow["worker"])


@travel
def test_the_weekly_review_comes_up_for_the_primary_contact_until_it_is_held(
        flow, municipality, team):
    Team.objects.filter(pk=team.pk).update(review_interval_weeks=1)  # every week
    resident = _followed(flow, municipality, team)
    item = (K.WEEKLY_REVIEW, resident.pk)
    assert item in kinds(flow["worker"])
    assert all(item not in kinds(u) for u in others(flow, flow["worker"]))
    review_record(team=team, resident=resident, what_matters_now="Ro i boligen",
                  next_steps="Besøk torsdag", by=flow["worker"], held_on=TODAY)
    assert item not in kinds(flow["worker"])


@travel
def test_a_consent_about_to_expire_asks_the_primary_contact(flow, municipality, team):
    resident = _followed(flow, municipality, team)
    worker_unit = flow["worker"].role_assignments.get().unit
    nav_unit = flow["nav"].role_assignments.get().unit
    consent = consent_record(resident=resident, from_units=[worker_unit], to_units=[nav_unit],
                             categories=["followup"], purpose="Samarbeid om bolig",
                             given_on=TODAY, expires_on=TODAY + datetime.timedelta(days=10),
                             form="written", by=flow["worker"])
    later = consent_record(resident=resident, from_units=[worker_unit], to_units=[nav_unit],
                           categories=["followup"], purpose="Samarbeid om bolig",
                           given_on=TODAY, expires_on=TODAY + datetime.timedelta(days=200),
                           form="written", by=flow["worker"])
    item = (K.CONSENT_EXPIRING, consent.pk)
    assert item in kinds(flow["worker"])
    assert (K.CONSENT_EXPIRING, later.pk) not in kinds(flow["worker"])  # not soon
    assert all(item not in kinds(u) for u in others(flow, flow["worker"]))
    consent_withdraw(consent=consent, by=flow["worker"], on=TODAY)
    assert item not in kinds(flow["worker"])


@travel
def test_an_emergency_access_waits_for_the_team_leader_s_review(flow, municipality, team,
                                                                make_staff):
    leader = make_staff(Role.TEAM_LEADER, team=team, username="leder", health=True)
    other_leader = make_staff(Role.TEAM_LEADER, username="leder2")  # on no team
    outsider = make_staff(Role.HOUSING_OFFICER, username="bolig9")
    resident = _followed(flow, municipality, team)
    glass = break_glass_start(staff=staff_context_for(outsider, None), resident=resident,
                              reason="danger", explanation="Bekymringsmelding kl. 02")
    item = (K.BREAK_GLASS_REVIEW, glass.pk)
    assert item in kinds(leader)
    assert all(item not in kinds(u) for u in [*others(flow), outsider, other_leader])
    break_glass_review(staff=staff_context_for(leader, None), break_glass=glass,
                       outcome="accepted")
    assert item not in kinds(leader)


def test_a_month_old_application_asks_the_officer_for_a_preliminary_reply(flow):
    with time_machine.travel(datetime.datetime(2026, 2, 23, 10, 0)):
        application = allocation.application_register(
            applicant=flow["applicant"], officer_unit=flow["officer_unit"],
            by=flow["officer"])
    with travel:
        item = (K.DECISION_DUE, application.pk)
        assert item in kinds(flow["officer"])
        assert all(item not in kinds(u) for u in others(flow, flow["officer"]))
        allocation.preliminary_reply_record(application=application, by=flow["officer"])
        # The decision the reply promises is four weeks away: not this week's work
        assert item not in kinds(flow["officer"])


@travel
def test_an_offer_waits_for_its_answer_with_the_officer(flow):
    application = allocation.application_register(
        applicant=flow["applicant"], officer_unit=flow["officer_unit"], by=flow["officer"])
    if allocation_rules.statement_required(application):
        allocation.statement_request(application=application, by=flow["officer"])
        allocation.statement_give(application=application, text="Ok", by=flow["worker"])
    allocation.application_decide(application=application, granted=True, kind="dwelling",
                                  reasons="x", legal_basis="y", dwelling_kind="transitional",
                                  lease_months=36, by=flow["officer"])
    allocation.offer_make(application=application, dwelling=flow["dwelling"],
                          by=flow["officer"])
    item = (K.OFFER_ANSWER, application.pk)
    assert item in kinds(flow["officer"])
    assert all(item not in kinds(u) for u in others(flow, flow["officer"]))
    allocation.offer_answer(application=application, accepted=False,
                            decline_reason="location", by=flow["officer"])
    assert item not in kinds(flow["officer"])


@travel
def test_rent_arrears_reach_the_unit_of_their_category_until_settled(flow, municipality,
                                                                    make_staff):
    colleague = make_staff(Role.HOUSING_OFFICER, username="bolig2")
    tenancy = TenancyFactory(dwelling=flow["dwelling"], residents=[flow["applicant"]])
    housing = rent_arrears_record(tenancy=tenancy, amount=14800, months_behind=2,
                                  category="housing", by=flow["officer"])
    nav = rent_arrears_record(tenancy=tenancy, amount=7400, months_behind=1, category="nav",
                              by=flow["nav"])
    for officer in (flow["officer"], colleague):  # the whole housing unit
        assert (K.RENT_ARREARS, housing.pk) in kinds(officer)
        assert (K.RENT_ARREARS, nav.pk) not in kinds(officer)
    assert (K.RENT_ARREARS, nav.pk) in kinds(flow["nav"])
    assert (K.RENT_ARREARS, housing.pk) not in kinds(flow["nav"])
    assert all((K.RENT_ARREARS, housing.pk) not in kinds(u)
               for u in (flow["worker"], flow["caretaker"]))
    rent_arrears_settle(arrears=housing, by=flow["officer"])
    assert (K.RENT_ARREARS, housing.pk) not in kinds(colleague)
