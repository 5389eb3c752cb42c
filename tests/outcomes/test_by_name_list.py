"""The by-name list, its monthly flow and functional zero, and re-settlement."""

import csv
import datetime
import io

import time_machine
from django.urls import reverse
from django.utils import timezone

from husly.accounts.models import Role
from husly.housing.services import tenancy_end
from husly.outcomes.models import HomelessEpisode, Resettlement
from husly.outcomes.selectors import monthly_flow
from husly.people import services as people
from husly.people.models import Case, CaseKind
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory

TZ = timezone.get_current_timezone()


def _at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12), tzinfo=TZ))


def test_inflow_outflow_and_functional_zero_on_a_hand_made_month(municipality):
    # Given two people housed in each of August, September and October, and three people
    # newly without a home in October (two of them among those housed)
    oct_ = datetime.date(2026, 10, 1)
    with _at(datetime.date(2026, 8, 1)):
        early = [ResidentFactory(municipality=municipality,
                                 housing_situation_since=datetime.date(2026, 7, 20))
                 for _ in range(4)]
    for resident, day in zip(early, (datetime.date(2026, 8, 10), datetime.date(2026, 8, 20),
                                     datetime.date(2026, 9, 5), datetime.date(2026, 9, 25)),
                             strict=True):
        with _at(day):
            TenancyFactory(dwelling=DwellingFactory(municipality=municipality),
                           residents=[resident], start_date=day)
    with _at(datetime.date(2026, 10, 20)):
        october = [ResidentFactory(municipality=municipality,
                                   housing_situation_since=oct_ + datetime.timedelta(days=i))
                   for i in range(3)]
        for resident in october[:2]:
            TenancyFactory(dwelling=DwellingFactory(municipality=municipality),
                           residents=[resident], start_date=datetime.date(2026, 10, 15))
    # When the flow is computed in November
    flow = monthly_flow(municipality=municipality, months=4,
                        today=datetime.date(2026, 11, 10))
    rows = {r["month"]: r for r in flow["rows"]}
    # Then October had three in (newly identified) and two out (housed)
    assert rows[oct_]["inflow"]["newly_identified"] == 3
    assert rows[oct_]["outflow"]["housed"] == 2
    assert rows[datetime.date(2026, 8, 1)]["outflow"]["housed"] == 2
    # One is without a home; two housed per month over three months: functional zero
    assert flow["current"] == 1
    assert flow["housed_average"] == 2.0
    assert flow["functional_zero"] is True
    # Two more without a home tip it over
    with _at(datetime.date(2026, 11, 2)):
        for _ in range(2):
            ResidentFactory(municipality=municipality,
                            housing_situation_since=datetime.date(2026, 11, 1))
    flow = monthly_flow(municipality=municipality, months=4,
                        today=datetime.date(2026, 11, 10))
    assert flow["current"] == 3 and flow["functional_zero"] is False


def test_functional_zero_needs_fewer_and_the_average_is_the_same_on_every_page(municipality):
    # Given one person housed in each of August, September and October, and one without a
    # home now: as many without a home as housed per month
    for day in (datetime.date(2026, 8, 10), datetime.date(2026, 9, 10),
                datetime.date(2026, 10, 10)):
        with _at(day - datetime.timedelta(days=5)):
            resident = ResidentFactory(municipality=municipality,
                                       housing_situation_since=day - datetime.timedelta(days=5))
        with _at(day):
            TenancyFactory(dwelling=DwellingFactory(municipality=municipality),
                           residents=[resident], start_date=day)
    with _at(datetime.date(2026, 11, 2)):
        ResidentFactory(municipality=municipality,
                        housing_situation_since=datetime.date(2026, 11, 1))
    # When the by-name list (three months) and the flow page (twelve) compute it
    today = datetime.date(2026, 11, 10)
    short = monthly_flow(municipality=municipality, months=3, today=today)
    long = monthly_flow(municipality=municipality, months=12, today=today)
    # Then both average the three whole months, and each shows the months it asked for
    assert short["housed_average"] == long["housed_average"] == 1.0
    assert len(short["rows"]) == 3 and len(long["rows"]) == 12
    assert short["rows"] == long["rows"][-3:]
    # And equal is not functional zero: Built for Zero asks for fewer
    assert short["current"] == 1 and short["functional_zero"] is False


def test_the_stock_at_each_month_end_follows_inflow_and_outflow(municipality):
    with _at(datetime.date(2026, 9, 3)):
        a = ResidentFactory(municipality=municipality,
                            housing_situation_since=datetime.date(2026, 9, 2))
        ResidentFactory(municipality=municipality,
                        housing_situation_since=datetime.date(2026, 9, 3))
    with _at(datetime.date(2026, 10, 5)):
        TenancyFactory(dwelling=DwellingFactory(municipality=municipality), residents=[a],
                       start_date=datetime.date(2026, 10, 5))
    flow = monthly_flow(municipality=municipality, months=3, today=datetime.date(2026, 11, 1))
    assert [r["active"] for r in flow["rows"]] == [2, 1, 1]


def test_resettlement_opens_on_an_unplanned_end_and_not_on_a_planned_one(
        municipality, make_staff):
    officer = make_staff(Role.HOUSING_OFFICER, username="bolig")
    start = timezone.localdate() - datetime.timedelta(days=400)
    evicted = ResidentFactory(municipality=municipality)
    moved = ResidentFactory(municipality=municipality)
    tenancy = TenancyFactory(dwelling=DwellingFactory(municipality=municipality),
                             residents=[evicted], start_date=start)
    planned = TenancyFactory(dwelling=DwellingFactory(municipality=municipality),
                             residents=[moved], start_date=start)
    assert not HomelessEpisode.objects.filter(ended_on__isnull=True).exists()
    today = timezone.localdate()
    tenancy_end(tenancy=tenancy, end_date=today, end_reason="eviction", by=officer,
                what_went_wrong="Husleie ikke betalt", do_differently="Fast trekk fra NAV")
    tenancy_end(tenancy=planned, end_date=today, end_reason="bought_own_home", by=officer,
                housing_situation_after="own_home")
    # The evicted person is back on the list at once, returned from housing, with a case
    episode = HomelessEpisode.objects.get(resident=evicted, ended_on__isnull=True)
    assert episode.start_kind == "returned_from_housing" and episode.started_on == today
    record = Resettlement.objects.get()
    assert record.resident == evicted and record.what_went_wrong == "Husleie ikke betalt"
    assert Case.objects.get(kind=CaseKind.RESETTLEMENT).resident == evicted
    evicted.refresh_from_db()
    assert evicted.is_homeless
    # The planned move opens nothing
    assert not HomelessEpisode.objects.filter(resident=moved, ended_on__isnull=True).exists()
    assert not Resettlement.objects.filter(resident=moved).exists()


def test_the_resettlement_record_shows_at_the_next_application(client, login, flow):
    from husly.allocation.services import application_register

    officer, resident = flow["officer"], flow["applicant"]
    tenancy = TenancyFactory(dwelling=DwellingFactory(municipality=flow["municipality"]),
                             residents=[resident],
                             start_date=timezone.localdate() - datetime.timedelta(days=300))
    tenancy_end(tenancy=tenancy, end_date=timezone.localdate(), end_reason="abandonment",
                by=officer, what_went_wrong="Ensomhet", do_differently="Bo nær familie")
    application = application_register(applicant=resident, officer_unit=flow["officer_unit"],
                                       by=officer)
    login(client, officer)
    body = client.get(reverse("allocation:application_detail",
                              args=[application.pk])).content.decode()
    assert "Ensomhet" in body and "Bo nær familie" in body


def test_the_list_names_only_those_the_user_may_read(client, login, municipality, team,
                                                    make_staff):
    officer = make_staff(Role.HOUSING_OFFICER, team=team, username="bolig")
    mine = ResidentFactory(municipality=municipality, team=team, family_name="Synlig")
    ResidentFactory(municipality=municipality, family_name="Usynlig")
    login(client, officer)
    body = client.get(reverse("outcomes:by_name_list")).content.decode()
    assert "Synlig" in body and "Usynlig" not in body
    assert body.count("<tr>") == 3  # header and two rows: everyone is counted
    export = client.get(reverse("outcomes:by_name_list") + "?eksport=csv").content.decode()
    rows = list(csv.reader(io.StringIO(export.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 3 and "Usynlig" not in export
    assert any(r[0] == mine.full_name for r in rows)


def test_the_flow_export_has_the_numbers_of_the_screen_and_analysts_see_small_cells_hidden(
        client, login, municipality, make_staff):
    for _ in range(3):
        people.resident_register(municipality=municipality, by=None, given_name="Per",
                                 family_name="Hjemløs", housing_situation="street",
                                 housing_situation_since=timezone.localdate())
    leader = make_staff(Role.TEAM_LEADER, username="leder")
    analyst = make_staff(Role.ANALYST, username="analytiker")
    login(client, leader)
    screen = client.get(reverse("outcomes:flow")).content.decode()
    export = client.get(reverse("outcomes:flow") + "?eksport=csv").content.decode()
    last = list(csv.reader(io.StringIO(export.lstrip("\ufeff")), delimiter=";"))[-1]
    assert last[1] == "3" and last[-1] == "3"
    assert reverse("outcomes:flow_people", args=[
        timezone.localdate().strftime("%Y-%m"), "inn", "newly_identified"]) in screen
    login(client, analyst)
    screen = client.get(reverse("outcomes:flow")).content.decode()
    assert "<td>:</td>" in screen
    assert "/resultater/inn-og-utstrom/20" not in screen  # no drill-down to people
    export = client.get(reverse("outcomes:flow") + "?eksport=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("outcomes:by_name_list")).status_code == 403


def test_inactive_and_back_on_the_list(client, login, municipality, team, make_staff):
    officer = make_staff(Role.HOUSING_OFFICER, team=team, username="bolig")
    resident = ResidentFactory(municipality=municipality, team=team, family_name="Borte")
    login(client, officer)
    client.post(reverse("outcomes:mark_inactive", args=[resident.pk]))
    episode = HomelessEpisode.objects.get(resident=resident)
    assert episode.end_kind == "inactive"
    body = client.get(reverse("outcomes:by_name_list")).content.decode()
    assert reverse("outcomes:reactivate", args=[resident.pk]) in body
    client.post(reverse("outcomes:reactivate", args=[resident.pk]))
    back = HomelessEpisode.objects.get(resident=resident, ended_on__isnull=True)
    assert back.start_kind == "returned_from_inactive"
    body = client.get(reverse("outcomes:by_name_list")).content.decode()
    assert reverse("outcomes:reactivate", args=[resident.pk]) not in body


def test_a_long_list_is_shown_a_hundred_at_a_time_and_downloaded_whole(
        client, login, municipality, team, make_staff, settings):
    # Given 105 people without a home (a city's list runs to thousands)
    officer = make_staff(Role.HOUSING_OFFICER, team=team, username="bolig")
    for i in range(105):
        ResidentFactory(municipality=municipality, team=team, family_name=f"Venter{i:03d}")
    login(client, officer)
    # When the officer opens the list, then the next page
    first = client.get(reverse("outcomes:by_name_list")).content.decode()
    second = client.get(reverse("outcomes:by_name_list") + "?side=2").content.decode()
    # Then the first page has 100 rows and the count of everyone, the second the rest
    assert first.count("<tr>") == 101 and second.count("<tr>") == 6
    assert "<dd>105</dd>" in first and "side=2" in first
    export = client.get(reverse("outcomes:by_name_list") + "?eksport=csv").content.decode()
    assert len(export.strip().splitlines()) == 106
