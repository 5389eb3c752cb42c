"""Process figures computed from what happened."""

import csv
import datetime
import io
import re

import time_machine
from django.urls import reverse
from django.utils import timezone

from husly.accounts.models import Role, User
from husly.common.measures import percentile
from husly.housing.services import tenancy_end
from husly.outcomes.process import process_figures
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory
from tests.outcomes.test_figures import NOON, generated  # noqa: F401  (a fixture)


def test_nearest_rankpercentile():
    assert percentile([], 0.9) is None
    assert percentile([5], 0.9) == 5
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert percentile(list(range(1, 11)), 0.5) == 5


def test_returns_to_homelessness_within_months_of_moving_in(municipality, make_staff):
    officer = make_staff(Role.HOUSING_OFFICER, username="bolig")
    today = timezone.localdate()
    # Moved in 400 days ago; evicted 100 days later: back within 6 months
    early = ResidentFactory(municipality=municipality)
    tenancy = TenancyFactory(dwelling=DwellingFactory(municipality=municipality),
                             residents=[early], start_date=today - datetime.timedelta(days=400))
    # Moved in 400 days ago and still there
    TenancyFactory(dwelling=DwellingFactory(municipality=municipality),
                   residents=[ResidentFactory(municipality=municipality)],
                   start_date=today - datetime.timedelta(days=400))
    tenancy_end(tenancy=tenancy, end_date=today - datetime.timedelta(days=300),
                end_reason="eviction", by=officer)
    figures = process_figures(municipality=municipality, today=today)
    by_months = {r["months"]: r for r in figures["returns"]}
    assert by_months[6]["tenancies"] == 2 and by_months[6]["returned"] == 1
    assert by_months[6]["share"] == 0.5
    assert by_months[12]["returned"] == 1
    assert by_months[24]["tenancies"] == 0 and by_months[24]["share"] is None


def test_the_process_page_and_export_agree(client, login, flow):
    login(client, flow["officer"])
    body = client.get(reverse("outcomes:process")).content.decode()
    export = client.get(reverse("outcomes:process") + "?eksport=csv").content.decode()
    # A figure with nobody to count is an empty cell in the export and a dash on the screen,
    # and the screen keeps "87,7 %" together with a non-breaking space.
    shown = body.replace("\xa0", " ")
    for line in export.lstrip("\ufeff").splitlines()[1:]:
        figure, value, _based_on = line.split(";")
        assert f"<th scope=\"row\">{figure}</th><td>{value or '–'}</td>" in shown


def test_joint_meetings_are_one_figure_on_the_dashboard_and_the_process_report(
        generated, client, settings):  # noqa: F811
    # Given the leader, who opens both pages
    settings.HUSLY_REQUIRE_2FA = False
    client.force_login(User.objects.get(username="3001-leder-1"))
    with time_machine.travel(NOON):
        dashboard = client.get(reverse("allocation:overview")).content.decode()
        export = client.get(reverse("outcomes:process") + "?eksport=csv").content.decode()
    # When the dashboard says "44 of 69 meetings (63,8 %)"
    kept, due, share = re.search(r'data-testid="meetings-kept">(\d+) av (\d+) møter? '
                                 r'\(([\d,]+)\xa0?\s?%\)', dashboard).groups()
    # Then the process report's row has the same counts and the same share
    row = next(r for r in csv.reader(io.StringIO(export.lstrip("\ufeff")), delimiter=";")
               if r[0] == "Samarbeidsmøter holdt innen tre virkedager")
    assert row[2] == f"{kept} av {due}"
    assert row[1].replace("\xa0", " ") == f"{share} %"
