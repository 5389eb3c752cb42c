"""The cost-sharing pages through the test client: the page and its export agree, the forms
write through the service and show its refusals."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from husly.accounts.models import Role, UnitKind
from husly.costs.models import FundedPosition
from tests.costs.helpers import position, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(make_staff, team):
    return make_staff(Role.TEAM_LEADER, team=team)


@pytest.fixture
def units(municipality):
    return {"nav": unit(municipality, UnitKind.NAV, "NAV Sandnes"),
            "followup": unit(municipality, UnitKind.FOLLOWUP, "Mestringsenheten"),
            "housing": unit(municipality, UnitKind.HOUSING, "Boligtjenesten")}


def _csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_page_and_its_export_agree(client, login, municipality, leader, units):
    # given two positions in 2026
    position(municipality, cost=Decimal(750_000),
             shares=[(units["nav"], 50), (units["followup"], 50)])
    position(municipality, title="Miljøvaktmester", cost=Decimal(620_001),
             shares=[(units["housing"], 50), (units["followup"], 50)])
    login(client, leader)
    url = reverse("costs:overview")
    # when the page and its CSV are fetched
    page = client.get(url, {"år": 2026})
    exported = client.get(url, {"år": 2026, "eksport": "csv"})
    # then every exported cell is on the page, with thousand grouping
    html = page.content.decode()
    rows = _csv_rows(exported)
    assert rows[0] == ["Enhet", "Andel av kostnadene (kr)", "Årsverk"]
    assert [r[0] for r in rows[1:]] == ["Boligtjenesten", "Mestringsenheten", "NAV Sandnes",
                                        "Totalt"]
    assert rows[-1][1].replace("\xa0", " ") == "1 370 001"
    for row in rows[1:]:
        for cell in row:
            assert cell in html
    xlsx = client.get(url, {"år": 2026, "eksport": "xlsx"})
    assert xlsx["Content-Disposition"].endswith('kostnadsdeling-2026.xlsx"')


def test_the_leader_adds_a_position_through_the_form(client, login, municipality, leader,
                                                     units):
    login(client, leader)
    response = client.post(reverse("costs:position_create"), {
        "year": 2026, "title": "NAV-veileder", "holder": "", "fte_percent": 100,
        "annual_cost": "750000", "note": "", "unit_1": units["nav"].pk, "percent_1": 50,
        "unit_2": units["followup"].pk, "percent_2": 50})
    assert response.status_code == 302
    saved = FundedPosition.objects.get()
    assert saved.shares.count() == 2
    page = client.get(response["Location"])
    assert "375\xa0000" in page.content.decode() or "375 000" in page.content.decode()


def test_a_refused_position_shows_the_reason_and_saves_nothing(client, login, municipality,
                                                               leader, units):
    login(client, leader)
    response = client.post(reverse("costs:position_create"), {
        "year": 2026, "title": "NAV-veileder", "fte_percent": 100, "annual_cost": "750000",
        "unit_1": units["nav"].pk, "percent_1": 50, "unit_2": units["followup"].pk,
        "percent_2": 40})
    assert response.status_code == 200
    assert "100 %" in response.content.decode()
    assert not FundedPosition.objects.exists()


def test_editing_and_copying_through_the_pages(client, login, municipality, leader, units):
    saved = position(municipality, shares=[(units["nav"], 50), (units["followup"], 50)])
    login(client, leader)
    edit = reverse("costs:position_edit", args=[saved.pk])
    assert client.get(edit).status_code == 200
    client.post(edit, {"year": 2026, "title": "NAV-veileder", "fte_percent": 80,
                       "annual_cost": "600000", "unit_1": units["nav"].pk, "percent_1": 100})
    saved.refresh_from_db()
    assert (saved.fte_percent, saved.annual_cost, saved.shares.count()) == (80, 600_000, 1)
    response = client.post(reverse("costs:year_copy"), {"from_year": 2026, "to_year": 2027})
    assert response.status_code == 302 and "2027" in response["Location"]
    assert FundedPosition.objects.filter(year=2027).count() == 1


def test_the_analyst_reads_but_does_not_edit(client, login, municipality, make_staff, units):
    position(municipality, shares=[(units["nav"], 100)])
    login(client, make_staff(Role.ANALYST))
    page = client.get(reverse("costs:overview"), {"år": 2026})
    assert page.status_code == 200
    assert reverse("costs:position_create") not in page.content.decode()
    assert client.post(reverse("costs:year_copy"),
                       {"from_year": 2026, "to_year": 2027}).status_code == 403


def test_the_outcomes_subnav_links_to_cost_sharing_only_for_those_who_open_it(
        client, login, make_staff, team):
    link = reverse("costs:overview")
    login(client, make_staff(Role.TEAM_LEADER, team=team))
    assert link in client.get(reverse("outcomes:stability")).content.decode()
    client.logout()
    login(client, make_staff(Role.HOUSING_OFFICER, team=team))
    assert link not in client.get(reverse("outcomes:stability")).content.decode()
    client.logout()
    login(client, make_staff(Role.ADMINISTRATOR))
    assert link in client.get(reverse("allocation:settings")).content.decode()
