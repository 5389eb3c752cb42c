"""The internal audit: counted by the database, checked against a count by hand."""

import csv
import datetime
import io
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from husly.accounts.models import User
from husly.board.models import RedBoardEntry
from husly.common.models import Municipality
from husly.demo.scale import SCALES, Generator
from husly.followup.models import FollowUpAgreement
from husly.housing.models import Tenancy
from husly.outcomes.audit import AGE_BANDS, audit_figures
from husly.people.models import Resident

TODAY = datetime.date(2026, 3, 4)
NOON = datetime.datetime(2026, 3, 4, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Oslo"))


@pytest.fixture
def generated(db):
    with time_machine.travel(NOON):
        Generator(SCALES["tiny"], today=TODAY, seed=11).run()
    return Municipality.objects.get(number="3001")


def _age(born, today=TODAY):
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def test_the_audit_equals_a_count_by_hand(generated):
    # Given the residents of one municipality, one of them just put on the red board,
    # counted one by one
    from husly.board.services import red_board_put

    leader = User.objects.get(username="3001-leder-1")
    calm = (Resident.objects.filter(team__name="Housing First-teamet", municipality=generated)
            .exclude(red_board_entries__taken_off_at__isnull=True).first())
    with time_machine.travel(NOON):
        red_board_put(team=calm.team, resident=calm, reason="Ingen kontakt", by=leader)
    residents = list(Resident.objects.filter(municipality=generated))
    followed = set(FollowUpAgreement.objects.filter(end_date__isnull=True)
                   .values_list("resident", flat=True))
    housed = set(Tenancy.objects.current(on=TODAY).values_list("residents", flat=True))
    red = set(RedBoardEntry.objects.filter(taken_off_at__isnull=True)
              .values_list("resident", flat=True))
    # When the audit counts them in SQL
    with time_machine.travel(NOON):
        f = audit_figures(municipality=generated, today=TODAY)
    # Then every group has the same numbers
    for background, row in f["by_background"].items():
        group = [r for r in residents if r.background == background]
        assert row == {"all": len(group), "followed": sum(r.pk in followed for r in group)}
    for key, youngest, oldest in AGE_BANDS:
        group = [r for r in residents if r.birth_date and youngest <= _age(r.birth_date)
                 and (oldest is None or _age(r.birth_date) <= oldest)]
        assert f["by_band"][key]["all"] == len(group)
        assert f["by_band"][key]["followed"] == sum(r.pk in followed for r in group)
    assert sum(row["all"] for row in f["by_band"].values()) == len(residents)
    with_services = [r for r in residents if r.pk in housed and r.team_id]
    assert f["coverage"]["all"] == len(with_services) > 0
    assert f["coverage"]["with_agreement"] == sum(r.pk in followed for r in with_services)
    for team in f["teams"]:
        members = [r for r in residents if r.team_id == team["team"].pk]
        assert team["followed"] == len(members)
        assert team["red_board"] == sum(r.pk in red for r in members)
        assert team["without_contact"] == sum(
            r.primary_contact_id is None and r.pk not in red for r in members)
    assert any(t["red_board"] for t in f["teams"])
    assert calm.pk in red


def test_the_page_and_its_export_agree_and_the_analyst_sees_small_cells_hidden(
        generated, client, settings):
    settings.HUSLY_REQUIRE_2FA = False
    client.force_login(User.objects.get(username="3001-bolig-1"))
    with time_machine.travel(NOON):
        page = client.get(reverse("outcomes:audit")).content.decode()
        export = client.get(reverse("outcomes:audit") + "?eksport=csv&tabell=hovedkontakt")
    rows = list(csv.reader(io.StringIO(export.content.decode().lstrip("\ufeff")), delimiter=";"))
    # The screen's count is the link to the people behind it.
    assert rows[1][0] == "Housing First-teamet"
    assert re.search(rf'<td><a class="ds-link" href="[^"]*team-fulgt[^"]*">{rows[1][1]}</a></td>',
                     page)
    client.force_login(User.objects.get(username="3001-analytiker-1"))
    with time_machine.travel(NOON):
        analyst = client.get(reverse("outcomes:audit")).content.decode()
    assert "<td>:</td>" in analyst and "&lt; 5" not in analyst
    assert "/resultater/personer/" not in analyst
