"""Query budgets (issue 8): the number of SQL queries of each key page does not grow with
the data (DESIGN.md, "Scale the design is held to").

Each page is rendered twice: on a small world with one household of every kind, where the
number of queries is measured, and on the same world grown sevenfold (63 households), which
must fit the same budget. Every kind of household feeds the per-row paths of the pages
(tenancies, agreements and visits, coordination meetings, red-board entries, plans due,
applications in several states, joint meetings and move-in tasks, cases, consents,
re-settlement, spells without a home), so a page that runs a query per row uses more
queries on the larger world and fails.

All names and texts here are synthetic and hold no health information.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from husly.access.services import consent_record
from husly.accounts.models import Role, UnitKind
from husly.allocation import services as allocation
from husly.allocation.models import Application
from husly.board import services as board
from husly.followup import services as followup
from husly.housing import services as housing
from husly.housing.models import Tenancy
from husly.outcomes import services as outcomes
from husly.outcomes.models import HomelessEpisode
from husly.people import services as people
from tests.conftest import verified_login
from tests.factories import DwellingFactory, ResidentFactory, staff_make

TZ = timezone.get_current_timezone()
TODAY = datetime.date(2026, 3, 4)  # a Wednesday: the weekly visits below fall on it
WEDNESDAY = 2
FAMILY = "Budsjett"  # every resident's family name, so one search finds them all
STREET = "Budsjettveien"
ROUNDS_SMALL = 1
ROUNDS_LARGE = 7  # 7 × 9 households = 63 residents (and as many dwellings and more)


def at(day: datetime.date):
    """Travel to noon on `day`, Oslo time (the services stamp dates from the clock)."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12), tzinfo=TZ))


@dataclass
class World:
    """One municipality with one team, grown one round (a household of each kind) at a time."""

    municipality: object
    team: object
    officer: object
    worker: object
    leader: object
    analyst: object
    units: dict
    templates: dict  # unit kind -> move-in task template id
    tag: object
    focus: object = None  # the resident whose own page is measured
    rounds: int = 0
    dwellings: int = 0
    names: list = field(default_factory=list)  # residents' given names, in creation order

    # -- building blocks ------------------------------------------------------------------

    def dwelling(self):
        self.dwellings += 1
        return DwellingFactory(municipality=self.municipality, by=None,
                               street_address=f"{STREET} {self.dwellings}",
                               suitability=[self.tag])

    def resident(self, *, team=True, primary_contact=None, since=datetime.date(2025, 6, 2)):
        name = f"Person{len(self.names)}"
        self.names.append(name)
        return ResidentFactory(municipality=self.municipality, given_name=name,
                               family_name=FAMILY, team=self.team if team else None,
                               primary_contact=primary_contact, housing_situation_since=since)

    def housed(self, resident, start):
        return housing.tenancy_register(dwelling=self.dwelling(), residents=[resident],
                                        start_date=start, monthly_rent=Decimal("7500"),
                                        by=self.officer)

    def agreement(self, resident):
        return followup.agreement_create(resident=resident, team=self.team,
                                         primary_contact=self.worker,
                                         start_date=datetime.date(2025, 12, 1),
                                         visit_weekday=WEDNESDAY, by=self.worker)

    def application(self, resident, *, registered_on=datetime.date(2026, 1, 15)):
        return allocation.application_register(applicant=resident,
                                               officer_unit=self.units[UnitKind.HOUSING],
                                               by=self.officer, registered_on=registered_on,
                                               housing_first=True)

    def decided(self, resident):
        application = self.application(resident)
        allocation.statement_request(application=application, by=self.officer)
        allocation.statement_give(application=application, text="Uttale", by=self.worker)
        allocation.application_decide(application=application, granted=True, kind="dwelling",
                                      reasons="Vilkårene er oppfylt", legal_basis="§ 3",
                                      dwelling_kind="transitional", lease_months=36,
                                      by=self.officer)
        return application

    def allocated(self, resident, *, on):
        with at(on):
            application = self.decided(resident)
            allocation.offer_make(application=application, dwelling=self.dwelling(),
                                  by=self.officer)
            allocation.offer_answer(application=application, accepted=True, by=self.officer)
            return allocation.allocation_register(application=application, by=self.officer)

    # -- the households: one of each kind per round ---------------------------------------

    def housed_on_the_red_board(self):
        # Visits done with remarks, health care declined (a coordination meeting), rent
        # arrears, a plan due for review, a consent and notes; then onto the red board.
        resident = self.resident(primary_contact=self.worker)
        tenancy = self.housed(resident, datetime.date(2025, 11, 3))
        agreement = self.agreement(resident)
        for visit in agreement.visits.filter(planned_on__lt=TODAY).order_by("-planned_on")[:3]:
            followup.visit_record(visit=visit, status="done", by=self.worker, damage=True,
                                  neighbour_complaint=True, note_text="Besøk gjennomført")
        followup.health_care_decline(agreement=agreement, on=TODAY, by=self.worker)
        housing.rent_arrears_record(tenancy=tenancy, amount=Decimal("9000"), months_behind=2,
                                    category="housing", by=self.officer)
        with at(datetime.date(2026, 1, 10)):
            followup.plan_save(resident=resident, kind="crisis", answers={"what_helps": "Ro"},
                               review_on=datetime.date(2026, 2, 1), based_on=0, by=self.worker)
        self.consent(resident)
        people.resident_note_write(resident=resident, category="housing", text="Notat",
                                   by=self.officer)
        board.red_board_put(team=self.team, resident=resident, reason="Trenger tett oppfølging",
                            by=self.leader)
        return resident

    def housed_with_missed_visits(self):
        # A tenancy before this one (history for the stability report), no visits done
        # (a missed-visit alert), a weekly review already held.
        resident = self.resident(primary_contact=self.worker, since=datetime.date(2022, 6, 1))
        housing.tenancy_register(dwelling=self.dwelling(), residents=[resident],
                                 start_date=datetime.date(2023, 1, 2),
                                 end_date=datetime.date(2025, 9, 30), end_reason="planned_move",
                                 monthly_rent=Decimal("7000"), by=self.officer)
        self.housed(resident, datetime.date(2025, 10, 1))
        self.agreement(resident)
        board.review_record(team=self.team, resident=resident, what_matters_now="Trives",
                            next_steps="Fortsett", by=self.leader,
                            held_on=TODAY - datetime.timedelta(days=1))
        return resident

    def waiting_for_the_statement(self):
        # Registered seven weeks ago: the statement is awaited, a preliminary reply is due.
        resident = self.resident()
        allocation.statement_request(application=self.application(resident), by=self.officer)
        return resident

    def offered(self):
        resident = self.resident(primary_contact=self.worker)
        application = self.decided(resident)
        allocation.offer_make(application=application, dwelling=self.dwelling(), by=self.officer)
        allocation.offer_viewing_record(application=application, viewing_on=TODAY,
                                        companions="Miljøterapeut", by=self.officer)
        return resident

    def declined(self):
        resident = self.resident()
        application = self.decided(resident)
        allocation.offer_make(application=application, dwelling=self.dwelling(), by=self.officer)
        allocation.offer_answer(application=application, accepted=False,
                                decline_reason="location", by=self.officer)
        return resident

    def allocated_meeting_due(self):
        resident = self.resident()
        self.allocated(resident, on=TODAY)
        return resident

    def allocated_tasks_due(self):
        # The joint meeting was held last week: its move-in tasks are due.
        resident = self.resident(primary_contact=self.worker)
        registered = self.allocated(resident, on=datetime.date(2026, 2, 23))
        with at(datetime.date(2026, 2, 24)):
            # The viewing companion is a named worker; the other tasks are their units'.
            allocation.joint_meeting_hold(meeting=registered.meeting,
                                          held_on=datetime.date(2026, 2, 24),
                                          attendees=[self.officer, self.worker], note="",
                                          assignees={self.templates["followup"]: self.worker},
                                          by=self.officer)
        return resident

    def evicted(self):
        # No team: the officer's re-settlement case is the only work relation.
        resident = self.resident(team=False)
        tenancy = self.housed(resident, datetime.date(2024, 5, 2))
        housing.tenancy_end(tenancy=tenancy, end_date=datetime.date(2026, 1, 20),
                            end_reason="eviction", what_went_wrong="Husleie",
                            by=self.officer)
        return resident

    def inactive(self):
        # Nobody works with them: a row without a name on the by-name list.
        resident = self.resident(team=False)
        tenancy = self.housed(resident, datetime.date(2024, 8, 1))
        housing.tenancy_end(tenancy=tenancy, end_date=datetime.date(2025, 12, 1),
                            end_reason="abandonment", by=None)
        outcomes.homelessness_mark_inactive(resident=resident, by=self.officer,
                                            on=datetime.date(2026, 2, 2))
        return resident

    KINDS = ("housed_on_the_red_board", "housed_with_missed_visits", "waiting_for_the_statement",
             "offered", "declined", "allocated_meeting_due", "allocated_tasks_due", "evicted",
             "inactive")

    def consent(self, resident, given_on=datetime.date(2025, 12, 1)):
        return consent_record(resident=resident, from_units=[self.units[UnitKind.FOLLOWUP]],
                              to_units=[self.units[UnitKind.HOUSING]], categories=["followup"],
                              purpose="Beholde boligen", given_on=given_on, form="written",
                              by=self.worker)

    def grow_focus(self):
        """The resident page's own rows grow too: a past tenancy, a consent, rent arrears
        and notes in every category for each round."""
        year = 2020 - self.rounds
        housing.tenancy_register(dwelling=self.dwelling(), residents=[self.focus],
                                 start_date=datetime.date(year, 1, 6),
                                 end_date=datetime.date(year, 12, 20), end_reason="planned_move",
                                 monthly_rent=Decimal("6000"), by=self.officer)
        self.consent(self.focus, given_on=datetime.date(2025, 12, 2 + self.rounds))
        current = Tenancy.objects.current().get(residents=self.focus)
        housing.rent_arrears_record(tenancy=current, amount=Decimal("1000"), months_behind=1,
                                    category="housing", by=self.officer)
        for category, by in (("housing", self.officer), ("followup", self.worker),
                             ("health", self.worker), ("nav", self.officer)):
            people.resident_note_write(resident=self.focus, category=category,
                                       text=f"Notat {self.rounds}", by=by)

    def grow(self, rounds: int):
        for _ in range(rounds):
            for kind in self.KINDS:
                resident = getattr(self, kind)()
                if self.focus is None:
                    self.focus = resident
            self.grow_focus()
            self.rounds += 1


def build_world(municipality, team) -> World:
    officer = staff_make(municipality=municipality, role=Role.HOUSING_OFFICER, team=team)
    worker = staff_make(municipality=municipality, role=Role.FOLLOWUP_WORKER, team=team,
                        health=True)
    leader = staff_make(municipality=municipality, role=Role.TEAM_LEADER, team=team,
                        health=True)
    nav = staff_make(municipality=municipality, role=Role.NAV_COUNSELLOR, team=team)
    caretaker = staff_make(municipality=municipality, role=Role.CARETAKER, team=team)
    analyst = staff_make(municipality=municipality, role=Role.ANALYST)
    units = {user.role_assignments.get().unit.kind: user.role_assignments.get().unit
             for user in (officer, worker, nav, caretaker)}
    allocation.allocation_settings_save(municipality=municipality, by=None,
                                        lease_lengths_months=[36, 60])
    templates = {
        unit_kind: allocation.task_template_create(municipality=municipality, title=title,
                                                   unit_kind=unit_kind, is_preparation=prep,
                                                   by=None).pk
        for title, unit_kind, prep in [("Følge til visning", "followup", False),
                                       ("Første husleie", "nav", False),
                                       ("Klargjøre boligen", "caretaker", True),
                                       ("Nøkler", "housing", False)]}
    tag = housing.suitability_tag_create(municipality=municipality, code="bakkeplan",
                                         name="Bakkeplan", by=None)
    return World(municipality=municipality, team=team, officer=officer, worker=worker,
                 leader=leader, analyst=analyst, units=units, templates=templates,
                 tag=tag)


@dataclass(frozen=True)
class Page:
    """A key page: who opens it, its URL, and a text only the larger world puts on it."""

    user: str  # the World attribute of the staff member who opens it
    url: Callable[[World], str]
    shows: Callable[[World], str]
    search: str = ""  # the resident search is posted and kept in the session


def _stability_n(world):
    return str(Tenancy.objects.filter(municipality=world.municipality,
                                      start_date__lte=TODAY).count())


def _without_a_home_now(world):
    return str(HomelessEpisode.objects.filter(municipality=world.municipality,
                                              ended_on__isnull=True).count())


def _received_this_year(world):
    return str(Application.objects.filter(municipality=world.municipality,
                                          registered_on__year=TODAY.year).count())


# Each "shows" names a resident or a figure that exists only after the larger world is
# built (index 9 and up are from the second round on), so an empty or refused page fails.
PAGES = {
    "resident_search": Page(
        user="officer", url=lambda w: reverse("people:resident_list"), search=FAMILY,
        # Sorted by name, "Person10" (round two) is on the first page of 25.
        shows=lambda w: "Person10"),
    "resident_page": Page(
        user="officer", url=lambda w: reverse("people:resident_detail", args=[w.focus.pk]),
        shows=lambda w: f"Notat {w.rounds - 1}"),
    "dwelling_list_filtered": Page(
        user="officer",
        url=lambda w: reverse("housing:dwelling_list")
        + f"?status=let&kind=transitional&suitability=bakkeplan&q={STREET}",
        # The address with its unit number, so "Budsjettveien 1" is not found in "… 12".
        shows=lambda w: Tenancy.objects.current().filter(municipality=w.municipality)
        .order_by("-pk").first().dwelling.address),
    "allocation_dashboard": Page(
        user="officer", url=lambda w: reverse("allocation:overview"),
        shows=lambda w: w.names[-4]),  # the last round's applicant whose meeting is due
    "team_board": Page(
        user="leader", url=lambda w: reverse("board:team_board", args=[w.team.pk]),
        shows=lambda w: w.names[-8]),  # the last round's resident with missed visits
    "by_name_list": Page(
        user="officer", url=lambda w: reverse("outcomes:by_name_list"),
        shows=lambda w: w.names[-2]),  # the last round's evicted resident
    "stability_report": Page(
        user="analyst", url=lambda w: reverse("outcomes:stability"),
        shows=lambda w: f"<dd>{_stability_n(w)}</dd>"),
    "flow_report": Page(
        user="analyst", url=lambda w: reverse("outcomes:flow"),
        shows=lambda w: f"<dd>{_without_a_home_now(w)}</dd>"),
    "kostra_figures": Page(
        user="leader", url=lambda w: reverse("outcomes:kostra") + f"?år={TODAY.year}",
        shows=lambda w: f">{_received_this_year(w)}</a>"),
    "figure_people": Page(
        user="leader", url=lambda w: reverse("outcomes:figure_people", args=["rod-tavle"]),
        shows=lambda w: w.names[-9]),  # the last round's resident on the red board
    "my_visits": Page(
        user="worker", url=lambda w: reverse("followup:my_week"),
        shows=lambda w: w.names[-8]),  # an alert for the last round's missed visits
}


def open_page(client, world, page) -> str:
    """The page's URL, opened once so that the session and caches are warm before counting."""
    url = page.url(world)
    if page.search:
        client.post(reverse("people:resident_list"), {"q": page.search})
    assert client.get(url).status_code == 200, url
    return url


@pytest.mark.parametrize("name", list(PAGES))
def test_the_number_of_queries_does_not_grow_with_the_data(
    name, client, municipality, team, django_assert_max_num_queries
):
    page = PAGES[name]
    with at(TODAY):
        # Given a small world, one household of each kind, and a user who may open the page
        world = build_world(municipality, team)
        world.grow(ROUNDS_SMALL)
        verified_login(client, getattr(world, page.user))
        # When the page is rendered, the number of its queries is the budget
        url = open_page(client, world, page)
        with CaptureQueriesContext(connection) as small:
            assert client.get(url).status_code == 200
        budget = len(small)
        # Then on a world grown sevenfold the page fits the same budget
        world.grow(ROUNDS_LARGE - ROUNDS_SMALL)
        url = open_page(client, world, page)
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        # And it is the page with the larger world's rows, not an empty or refused one
        assert response.status_code == 200
        assert page.shows(world) in response.content.decode(), (
            f"{name}: the larger world's rows are not on the page")
