"""The benchmark data sets: the generator's output keeps the domain's rules and the pages
open on it. Run at the tiny scale (two municipalities) on both databases."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.db.models import F, Q

from husly.accounts.models import Team, User
from husly.allocation.models import Allocation, Application
from husly.demo.scale import SCALES, Generator, municipality_sizes
from husly.followup.models import FollowUpAgreement, Visit
from husly.housing.models import Dwelling, Tenancy
from husly.outcomes.models import HomelessEpisode
from husly.people.models import HousingSituation, Resident

TODAY = datetime.date(2026, 3, 4)


@pytest.fixture
def generated(db):
    with time_machine.travel(datetime.datetime(2026, 3, 4, 12,
                                               tzinfo=zoneinfo.ZoneInfo("Europe/Oslo"))):
        summary = Generator(SCALES["tiny"], today=TODAY, seed=7).run()
    connection.check_constraints()  # SQLite: every foreign key and check, before rollback
    return summary


def test_sizes_add_up_to_the_scale():
    for name in ("city", "national"):
        scale = SCALES[name]
        sizes = municipality_sizes(scale)
        assert len(sizes) == scale.municipalities
        assert sum(d for d, _p in sizes) == scale.dwellings
        assert sum(p for _d, p in sizes) == scale.persons
        assert min(p for _d, p in sizes) >= 40
    # The largest municipality of the national set is the city set.
    assert municipality_sizes(SCALES["national"])[0] == (SCALES["city"].dwellings,
                                                        SCALES["city"].persons)


def test_generated_rows_point_at_rows_that_exist(generated):
    # PostgreSQL loads with foreign-key triggers off, so check the links the pages follow.
    assert generated["rows"]["visit"] > 1000
    assert not Visit.objects.exclude(agreement__in=FollowUpAgreement.objects.all()).exists()
    assert not Tenancy.objects.exclude(dwelling__in=Dwelling.objects.all()).exists()
    assert not Tenancy.residents.through.objects.exclude(
        resident__in=Resident.objects.all()).exists()
    assert not Allocation.objects.exclude(application__in=Application.objects.all()).exists()
    assert not FollowUpAgreement.objects.exclude(tenancy__in=Tenancy.objects.all()).exists()


def test_a_dwelling_holds_one_tenancy_at_a_time(generated):
    overlapping = Tenancy.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=F("dwelling__tenancies__start_date")),
        dwelling__tenancies__start_date__gte=F("start_date"),
    ).exclude(dwelling__tenancies__pk=F("pk"))
    assert not overlapping.exists()
    let = set(Tenancy.objects.filter(end_date__isnull=True).values_list("dwelling", flat=True))
    assert let == set(Dwelling.objects.filter(status="let").values_list("pk", flat=True))


def test_the_by_name_list_is_the_people_without_a_home(generated):
    open_ = set(HomelessEpisode.objects.filter(ended_on__isnull=True)
                .values_list("resident", flat=True))
    homeless = set(Resident.objects.filter(housing_situation__in=HousingSituation.homeless())
                   .values_list("pk", flat=True))
    assert open_ == homeless
    housed = set(Tenancy.objects.filter(end_date__isnull=True)
                 .values_list("residents", flat=True))
    assert housed == set(Resident.objects.filter(housing_situation="municipal_tenancy")
                         .values_list("pk", flat=True))
    # Tenancies end and restart: some people are back on the list after an unplanned end.
    assert HomelessEpisode.objects.filter(start_kind="returned_from_housing").exists()


def test_visits_are_weekly_inside_a_running_agreement(generated):
    outside = Visit.objects.filter(
        Q(planned_on__lt=F("agreement__start_date") - datetime.timedelta(days=6))
        | Q(agreement__end_date__isnull=False,
            week_start__gt=F("agreement__end_date")))
    assert not outside.exists()
    assert not Visit.objects.filter(planned_on__lt=TODAY, status="planned").exists()
    assert Visit.objects.filter(planned_on__gte=TODAY, status="planned").exists()


def test_applications_are_in_many_states(generated):
    states = set(Application.objects.values_list("state", flat=True))
    assert {"moved_in", "refused", "received", "decided"} <= states
    assert len(states) >= 6


@pytest.mark.parametrize("username,path", [
    ("3001-bolig-1", "/beboere/"),
    ("3001-bolig-1", "/boliger/?status=let"),
    ("3001-bolig-1", "/tildeling/"),
    ("3001-bolig-1", "/resultater/uten-bolig/"),
    ("3001-leder-1", "board"),
    ("3001-miljo-1", "/oppfolging/min-uke/"),
    ("3001-analytiker-1", "/resultater/bostabilitet/"),
])
def test_the_benchmark_users_open_the_key_pages(generated, client, settings, username, path):
    settings.HUSLY_REQUIRE_2FA = False
    if path == "board":
        team = Team.objects.get(municipality__number="3001", name="Housing First-teamet")
        path = f"/tavle/{team.pk}/"
        assert Resident.objects.filter(team=team).exists()
    client.force_login(User.objects.get(username=username))
    with time_machine.travel(datetime.datetime(2026, 3, 4, 12,
                                               tzinfo=zoneinfo.ZoneInfo("Europe/Oslo"))):
        response = client.get(path)
    assert response.status_code == 200


def test_the_dashboard_figures_equal_a_count_by_hand(generated):
    # Given the generated move-ins, decisions and joint meetings of one municipality
    import statistics

    from husly.access.policy import staff_context_for
    from husly.allocation.selectors import allocation_figures

    staff = staff_context_for(User.objects.get(username="3001-bolig-1"), None)
    since = TODAY - datetime.timedelta(days=365)
    allocations = list(Allocation.objects.filter(municipality=staff.municipality)
                       .select_related("application__decision", "meeting"))
    waits = sorted((a.moved_in_on - a.application.decision.decided_on).days
                   for a in allocations if a.moved_in_on and since <= a.moved_in_on <= TODAY)
    held = [a for a in allocations if a.allocated_on >= since
            and hasattr(a, "meeting") and a.meeting.held_on]
    within = [a for a in held if a.meeting.held_on <= a.meeting_deadline]
    # When the dashboard counts the last twelve months
    figures = allocation_figures(staff=staff, today=TODAY)
    # Then it finds the same, and leaves out what is older
    assert len(waits) > 5 and len(held) > 5
    assert any(a.moved_in_on and a.moved_in_on < since for a in allocations)
    assert figures["moved_in"] == len(waits)
    assert figures["median_days"] == statistics.median(waits)
    assert figures["p90_days"] == statistics.quantiles(waits, n=10, method="inclusive")[-1]
    assert figures["meetings_held"] == len(held)
    assert figures["meetings_within_deadline_pct"] == round(100 * len(within) / len(held))
