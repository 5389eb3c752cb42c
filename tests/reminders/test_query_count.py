"""The reminders of a municipality are collected in a fixed number of queries, however
many people and deadlines there are (DESIGN.md, "Scale the design is held to")."""

import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from husly.accounts.models import Role
from husly.allocation import services as allocation
from husly.followup import services as followup
from husly.followup.models import PlanKind
from husly.reminders.selectors import reminders_for
from tests.factories import (
    DwellingFactory,
    ResidentFactory,
    TeamFactory,
    TenancyFactory,
    staff_make,
)

TZ = timezone.get_current_timezone()
TODAY = datetime.date(2026, 3, 4)


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12), tzinfo=TZ))


def _round(municipality, n: int):
    """One more officer, follow-up worker and team leader, each with deadlines of every
    kind they are responsible for."""
    team = TeamFactory(municipality=municipality, name=f"Team {n}")
    officer = staff_make(municipality=municipality, role=Role.HOUSING_OFFICER, team=team)
    worker = staff_make(municipality=municipality, role=Role.FOLLOWUP_WORKER, team=team)
    staff_make(municipality=municipality, role=Role.TEAM_LEADER, team=team)
    unit = officer.role_assignments.get().unit
    with at(datetime.date(2026, 2, 2)):
        housed = ResidentFactory(municipality=municipality, team=team, primary_contact=worker)
        TenancyFactory(dwelling=DwellingFactory(municipality=municipality), residents=[housed],
                       start_date=datetime.date(2025, 12, 1))
        followup.agreement_create(resident=housed, team=team, primary_contact=worker,
                                  start_date=datetime.date(2026, 2, 2), by=worker)
    with at(datetime.date(2026, 2, 25)):
        for registered in (datetime.date(2026, 1, 20), datetime.date(2026, 2, 5)):
            allocation.application_register(
                applicant=ResidentFactory(municipality=municipality), officer_unit=unit,
                by=officer, registered_on=registered)
        asked = allocation.application_register(
            applicant=ResidentFactory(municipality=municipality, team=team,
                                      primary_contact=worker),
            officer_unit=unit, by=officer)
        allocation.statement_request(application=asked, by=officer,
                                     due_on=datetime.date(2026, 3, 5))
        followup.plan_save(resident=housed, kind=PlanKind.CRISIS,
                           answers={"warning_signs": "Syntetisk tekst"},
                           review_on=datetime.date(2026, 3, 3), based_on=0, by=worker)


def _count(municipality):
    with CaptureQueriesContext(connection) as queries:
        people = reminders_for(municipality=municipality, today=TODAY)
        items = sum(len(p.due_soon) + len(p.overdue) for p in people)
    return len(queries), len(people), items


def test_the_number_of_queries_does_not_grow_with_people_or_deadlines(municipality):
    _round(municipality, 1)
    small, people_small, items_small = _count(municipality)
    for n in range(2, 6):
        _round(municipality, n)
    large, people_large, items_large = _count(municipality)
    assert people_small == 3 and items_small == 6  # officer 2, worker 3, leader 1
    assert (people_large, items_large) == (15, 30)
    assert large == small, (small, large)
    # One per kind of deadline, the team leaders and the staff, and the hand-offs past their
    # deadline for the leaders' escalations (one per kind of hand-off, ADR 0030)
    assert small <= 16
