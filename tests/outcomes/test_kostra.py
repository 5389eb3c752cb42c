"""KOSTRA-style annual figures on a hand-made year, the people behind each, the inhabitants
form, and the situation history they are counted from."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from husly.accounts.models import Role
from husly.allocation import rules as allocation_rules
from husly.allocation import services as allocation
from husly.allocation.models import MoveInTask
from husly.housing.models import DwellingKind
from husly.housing.services import landlord_register, work_order_complete
from husly.outcomes import kostra
from husly.outcomes.figures import figure_residents
from husly.outcomes.models import Population, SituationSpell
from husly.outcomes.services import population_record
from husly.people import services as people
from husly.people.models import HousingSituation
from tests.factories import DwellingFactory, ResidentFactory

YEAR = 2025
TODAY = datetime.date(2026, 3, 2)


def _on(day, action):
    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 10, 0)):
        return action()


def _granted(flow, applicant, day):
    def act():
        application = allocation.application_register(
            applicant=applicant, officer_unit=flow["officer_unit"], by=flow["officer"])
        if allocation_rules.statement_required(application):
            allocation.statement_request(application=application, by=flow["officer"])
            allocation.statement_give(application=application, text="Ok", by=flow["worker"])
        allocation.application_decide(
            application=application, granted=True, kind="dwelling", reasons="x",
            legal_basis="y", dwelling_kind="transitional", lease_months=36, by=flow["officer"])
        return application
    return _on(day, act)


def _allocated(flow, application, dwelling, day):
    def act():
        allocation.offer_make(application=application, dwelling=dwelling, by=flow["officer"])
        allocation.offer_answer(application=application, accepted=True, by=flow["officer"])
        return allocation.allocation_register(application=application, by=flow["officer"])
    return _on(day, act)


def _moved_in(flow, application, dwelling, day):
    placed = _allocated(flow, application, dwelling, day)

    def act():
        allocation.joint_meeting_hold(meeting=placed.meeting, held_on=day, attendees=[],
                                      note="", assignees={}, by=flow["officer"])
        for task in MoveInTask.objects.filter(allocation=placed):
            if task.work_order_id:
                work_order_complete(work_order=task.work_order, what_was_done="Klar",
                                    guidance_given="", by=flow["caretaker"])
            else:
                allocation.move_in_task_complete(task=task, by=flow["officer"])
        allocation.allocation_move_in(allocation=placed, moved_in_on=day,
                                      monthly_rent=Decimal("7000"), by=flow["officer"])
    _on(day, act)


def _situation(resident, situation, day, by):
    _on(day, lambda: people.resident_update(resident=resident, by=by,
                                            housing_situation=situation,
                                            housing_situation_since=day))


@pytest.fixture
def year(flow):
    """One year of a small municipality, each case placed on one side of a line."""
    m, officer = flow["municipality"], flow["officer"]
    # The flow's dwelling, the December applicant's (below) and one leased: two owned.
    landlord = landlord_register(municipality=m, name="Utleier AS", by=officer,
                                 organisation_number="912345718")
    DwellingFactory(municipality=m, kind=DwellingKind.PRIVATE_LEASE, owner_kind="private",
                    landlord=landlord)
    r = {name: ResidentFactory(municipality=m, given_name=name,
                               housing_situation=HousingSituation.FRIENDS_FAMILY,
                               housing_situation_since=datetime.date(2024, 6, 1))
         for name in ("Inn", "Venter", "Trakk", "Avslag", "Sent", "Kort", "Lang", "Fjor")}
    # Moved in during the year: counted as moved in, not waiting at the year's end.
    inn = _granted(flow, r["Inn"], datetime.date(YEAR, 3, 3))
    _moved_in(flow, inn, flow["dwelling"], datetime.date(YEAR, 5, 5))
    # Granted and still waiting on 31 December.
    _granted(flow, r["Venter"], datetime.date(YEAR, 7, 1))
    # Granted, then withdrawn before the year's end: not waiting.
    trakk = _granted(flow, r["Trakk"], datetime.date(YEAR, 8, 1))
    _on(datetime.date(YEAR, 11, 3),
        lambda: allocation.application_withdraw(application=trakk, by=officer))
    # Refused in the year.
    def refuse():
        application = allocation.application_register(
            applicant=r["Avslag"], officer_unit=flow["officer_unit"], by=officer)
        allocation.statement_request(application=application, by=officer)
        allocation.statement_give(application=application, text="Ok", by=flow["worker"])
        allocation.application_decide(application=application, granted=False,
                                      kind="dwelling", reasons="x", legal_basis="y", by=officer)
    _on(datetime.date(YEAR, 10, 6), refuse)
    # Granted in December, allocated in January: waiting on 31 December.
    sent = _granted(flow, r["Sent"], datetime.date(YEAR, 12, 1))
    _allocated(flow, sent, DwellingFactory(municipality=m), datetime.date(YEAR + 1, 1, 12))
    # Temporary housing: a short stay in the year, a long one still running, one last year.
    _situation(r["Kort"], HousingSituation.SHELTER_TEMPORARY, datetime.date(YEAR, 1, 10), officer)
    _situation(r["Kort"], HousingSituation.FRIENDS_FAMILY, datetime.date(YEAR, 2, 1), officer)
    _situation(r["Lang"], HousingSituation.SHELTER_TEMPORARY, datetime.date(YEAR, 6, 1), officer)
    _situation(r["Fjor"], HousingSituation.SHELTER_TEMPORARY, datetime.date(YEAR - 1, 7, 1),
               officer)
    _situation(r["Fjor"], HousingSituation.FRIENDS_FAMILY, datetime.date(YEAR - 1, 12, 31),
               officer)
    return {"residents": r, "flow": flow}


def _names(municipality, figure, **params):
    params = {"år": str(YEAR), **params}
    _figure, residents = figure_residents(municipality=municipality, figure=figure,
                                         params=params, today=TODAY)
    return sorted(residents.values_list("given_name", flat=True))


def test_each_figure_counts_the_hand_made_year(year):
    # Given the year above, when the figures are counted after it ended
    m = year["flow"]["municipality"]
    f = kostra.kostra_figures(municipality=m, year=YEAR, today=TODAY)
    # Then each case falls where its definition puts it
    assert f["complete"] and f["last"] == datetime.date(YEAR, 12, 31)
    assert f["dwellings"] == {"all": 3, "owned": 2, "leased": 1}
    assert f["moved_in"] == 1 and _names(m, "kostra-innflyttet") == ["Inn"]
    assert f["waiting"] == 2 and _names(m, "kostra-venteliste") == ["Sent", "Venter"]
    assert f["received"] == 5 and f["granted"] == 4 and f["refused"] == 1
    assert _names(m, "kostra-avslag") == ["Avslag"]
    # (Kari, the flow's applicant, has been in a shelter since 10 January of the year.)
    assert f["temporary"] == 3 and _names(m, "kostra-midlertidig") == ["Kari", "Kort", "Lang"]
    assert f["temporary_long"] == 2
    assert _names(m, "kostra-midlertidig-lenge") == ["Kari", "Lang"]
    # And without inhabitants there is no per-1,000 figure
    assert f["population"] is None and f["per_1000"] is None


def test_the_waiting_list_in_the_running_year_is_the_one_today(year):
    m = year["flow"]["municipality"]
    # On 2 March the next year, the December applicant has been allocated a dwelling.
    f = kostra.kostra_figures(municipality=m, year=YEAR + 1, today=TODAY)
    assert not f["complete"] and f["last"] == TODAY
    assert f["waiting"] == 1 and f["moved_in"] == 0


def test_inhabitants_give_dwellings_per_thousand(year):
    m, leader = year["flow"]["municipality"], year["flow"]["officer"]
    population_record(municipality=m, year=YEAR, inhabitants=1500, by=leader)
    population_record(municipality=m, year=YEAR, inhabitants=1200, by=leader)  # corrected
    f = kostra.kostra_figures(municipality=m, year=YEAR, today=TODAY)
    assert Population.objects.filter(municipality=m).count() == 1
    assert f["per_1000"] == 2.5  # 3 dwellings per 1,200 inhabitants
    with pytest.raises(ValidationError):
        population_record(municipality=m, year=YEAR, inhabitants=0, by=leader)


def test_a_situation_change_closes_one_spell_and_opens_the_next(municipality, make_staff):
    officer = make_staff(Role.HOUSING_OFFICER, username="bolig")
    resident = ResidentFactory(municipality=municipality,
                               housing_situation=HousingSituation.STREET,
                               housing_situation_since=datetime.date(2025, 1, 1))
    _situation(resident, HousingSituation.SHELTER_TEMPORARY, datetime.date(2025, 3, 1), officer)
    # The same situation again is no new spell; a backdated correction replaces the open one.
    _situation(resident, HousingSituation.SHELTER_TEMPORARY, datetime.date(2025, 3, 1), officer)
    _situation(resident, HousingSituation.FRIENDS_FAMILY, datetime.date(2025, 2, 1), officer)
    spells = list(SituationSpell.objects.filter(resident=resident).values_list(
        "situation", "started_on", "ended_on"))
    assert spells == [
        (HousingSituation.STREET, datetime.date(2025, 1, 1), datetime.date(2025, 3, 1)),
        (HousingSituation.FRIENDS_FAMILY, datetime.date(2025, 3, 1), None)]


def test_the_page_its_export_and_the_analyst(client, login, year, make_staff):
    m = year["flow"]["municipality"]
    leader = make_staff(Role.TEAM_LEADER, username="leder")
    analyst = make_staff(Role.ANALYST, username="analytiker")
    login(client, leader)
    url = reverse("outcomes:kostra") + f"?år={YEAR}"
    with time_machine.travel(TODAY):
        # The leader enters the inhabitants through the form on the page
        response = client.post(reverse("outcomes:population_record"),
                               {"year": YEAR, "inhabitants": "1200"})
        assert response.status_code == 302
        page = client.get(url).content.decode()
        export = client.get(url + "&eksport=csv").content.decode()
    rows = list(csv.reader(io.StringIO(export.lstrip("\ufeff")), delimiter=";"))
    values = {row[0]: row[1] for row in rows[1:]}
    assert values["Kommunalt disponerte boliger per 1 000 innbyggere"] == "2,5"
    assert values["Husstander på venteliste"] == "2"
    # Every number behind which there are people links to them, with the year
    assert f"/resultater/personer/kostra-venteliste/?%C3%A5r={YEAR}" in page
    login(client, analyst)
    with time_machine.travel(TODAY):
        seen = client.get(url).content.decode()
        refused = client.get(reverse("outcomes:figure_people", args=["kostra-venteliste"])
                             + f"?år={YEAR}")
    assert "<td>:</td>" in seen and "/resultater/personer/" not in seen
    assert refused.status_code == 403
    assert Population.objects.get(municipality=m, year=YEAR).inhabitants == 1200
