"""The financing pages through the Django test client: the resident's section, registering
and deciding, the caseload with its bostøtte deadline and export, and who sees what."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from husly.access.models import AccessLogEntry
from husly.access.services import consent_record
from husly.accounts.models import Role, Unit, UnitKind
from husly.financing.models import FinancingApplication, FinancingKind, FinancingStatus
from husly.housing.models import TenancyEndReason
from husly.people.models import HousingSituation
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory
from tests.financing.helpers import granted, registered

TZ = timezone.get_current_timezone()
D = datetime.date


def _at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12), tzinfo=TZ))


@pytest.fixture
def world(municipality, team, make_staff, login):
    officer = make_staff(Role.HOUSING_OFFICER, team=team, username="bolig")
    nav = make_staff(Role.NAV_COUNSELLOR, team=team, username="nav")
    leader = make_staff(Role.TEAM_LEADER, team=team, username="leder")
    resident = ResidentFactory(municipality=municipality, team=team, given_name="Kari",
                               family_name="Kjøper")
    clients = {}
    for name, user in (("officer", officer), ("nav", nav), ("leader", leader)):
        clients[name] = login(Client(), user)
    return {"officer": officer, "nav": nav, "leader": leader, "resident": resident,
            "clients": clients, "municipality": municipality}


def _text(response) -> str:
    return response.content.decode()


def test_the_officer_registers_and_decides_a_startlan_and_a_grant_over_is_refused(world):
    client, resident = world["clients"]["officer"], world["resident"]
    # Given the resident's page: a financing section with a link to register
    page = client.get(reverse("people:resident_detail", args=[resident.pk]))
    assert "Finansiering" in _text(page)
    assert reverse("financing:create", args=[resident.pk]) in _text(page)
    # The housing officer is offered only the housing service's kinds
    form = client.get(reverse("financing:create", args=[resident.pk]))
    assert 'value="startlan"' in _text(form) and 'value="deposit_guarantee"' not in _text(form)
    # When a startlån of 2 000 000 kr is registered as sent
    response = client.post(reverse("financing:create", args=[resident.pk]), {
        "kind": "startlan", "amount_applied": "2000000", "sent": "1",
        "applied_on": timezone.localdate().isoformat()})
    record = FinancingApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "financing:detail", args=[record.pk])
    # And 2 500 000 kr is granted: the page says why it is refused, nothing is saved
    today = timezone.localdate().isoformat()
    refused = client.post(reverse("financing:decide", args=[record.pk]), {
        "vedtak-status": "granted", "vedtak-amount_granted": "2500000",
        "vedtak-decided_on": today})
    assert refused.status_code == 200
    assert "større enn" in _text(refused)
    record.refresh_from_db()
    assert record.status == FinancingStatus.SUBMITTED
    # And it is granted in full
    done = client.post(reverse("financing:decide", args=[record.pk]), {
        "vedtak-status": "granted", "vedtak-decided_on": today})
    assert done.status_code == 302
    record.refresh_from_db()
    assert record.status == FinancingStatus.GRANTED and record.amount_granted == 2_000_000


def test_a_nav_counsellor_cannot_register_a_startlan_by_posting_it(world):
    client, resident = world["clients"]["nav"], world["resident"]
    response = client.post(reverse("financing:create", args=[resident.pk]), {
        "kind": "startlan", "amount_applied": "100", "sent": "1"})
    assert response.status_code == 200
    assert not FinancingApplication.objects.exists()
    # The deposit guarantee is theirs
    response = client.post(reverse("financing:create", args=[resident.pk]), {
        "kind": "deposit_guarantee", "amount_applied": "24000", "sent": "1",
        "applied_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert FinancingApplication.objects.get().category == "nav"


def test_the_appeal_refused_after_the_deadline_on_the_page(world):
    client, resident = world["clients"]["officer"], world["resident"]
    with _at(D(2026, 4, 1)):
        record = granted(resident, outcome=FinancingStatus.REFUSED, by=world["officer"])
    with _at(D(2026, 5, 4)):
        page = client.get(reverse("financing:detail", args=[record.pk]))
        assert "22. april 2026" in _text(page)
        response = client.post(reverse("financing:appeal", args=[record.pk]),
                               {"klage-lodged_on": "2026-05-04"})
    assert response.status_code == 200
    assert "Klagefristen gikk ut 22. april 2026" in _text(response)
    record.refresh_from_db()
    assert record.status == FinancingStatus.REFUSED


def test_the_nav_counsellor_sees_housing_records_only_with_consent(world, municipality):
    resident, nav = world["resident"], world["clients"]["nav"]
    loan = granted(resident, by=world["officer"])
    guarantee = registered(resident, kind=FinancingKind.DEPOSIT_GUARANTEE,
                           amount=Decimal(24_000), by=world["nav"])
    # Given no consent: the NAV counsellor's resident page shows the guarantee, not the loan,
    # and says what is hidden and why
    page = _text(nav.get(reverse("people:resident_detail", args=[resident.pk])))
    assert reverse("financing:detail", args=[guarantee.pk]) in page
    assert reverse("financing:detail", args=[loan.pk]) not in page
    assert "Startlån, etableringstilskudd og bostøtte er skjult" in page
    assert "Depositumsgaranti og økonomisk stønad er skjult" not in page
    # The loan's page is refused with the reason; the caseload leaves it out
    refused = nav.get(reverse("financing:detail", args=[loan.pk]))
    assert refused.status_code == 403 and "samtykke" in _text(refused)
    caseload = _text(nav.get(reverse("financing:list")))
    assert reverse("financing:detail", args=[guarantee.pk]) in caseload
    assert reverse("financing:detail", args=[loan.pk]) not in caseload
    # When the resident consents to share housing information with NAV
    units = Unit.objects.filter(municipality=municipality)
    consent_record(resident=resident, from_units=units.filter(kind=UnitKind.HOUSING),
                   to_units=units.filter(kind=UnitKind.NAV), categories=["housing"],
                   purpose="Kjøpe egen bolig", given_on=timezone.localdate(), form="written",
                   by=world["officer"])
    # Then NAV reads the loan (a logged read) but does not decide housing's applications
    before = AccessLogEntry.objects.filter(view="financing_detail").count()
    assert nav.get(reverse("financing:detail", args=[loan.pk])).status_code == 200
    assert AccessLogEntry.objects.filter(view="financing_detail",
                                         user=world["nav"]).count() == before + 1
    assert reverse("financing:detail", args=[loan.pk]) in _text(
        nav.get(reverse("financing:list")))
    open_loan = registered(resident, by=world["officer"])
    response = nav.post(reverse("financing:decide", args=[open_loan.pk]), {
        "vedtak-status": "refused", "vedtak-decided_on": timezone.localdate().isoformat()})
    assert response.status_code == 403
    open_loan.refresh_from_db()
    assert open_loan.status == FinancingStatus.SUBMITTED


def test_without_a_work_relation_or_in_another_municipality_nothing_is_shown(
        world, make_staff, other_municipality, login):
    resident = world["resident"]
    guarantee = registered(resident, kind=FinancingKind.DEPOSIT_GUARANTEE,
                           amount=Decimal(24_000))
    stranger = login(Client(), make_staff(Role.NAV_COUNSELLOR))
    assert stranger.get(reverse("financing:detail", args=[guarantee.pk])).status_code == 403
    assert reverse("financing:detail", args=[guarantee.pk]) not in _text(
        stranger.get(reverse("financing:list")))
    foreign = registered(ResidentFactory(municipality=other_municipality),
                         kind=FinancingKind.DEPOSIT_GUARANTEE, amount=Decimal(1))
    assert world["clients"]["nav"].get(
        reverse("financing:detail", args=[foreign.pk])).status_code == 404
    assert not AccessLogEntry.objects.filter(view="financing_detail").exists()


def test_the_leader_sees_the_section_with_reasons_and_registers_nothing(world, make_staff,
                                                                       login):
    resident = world["resident"]
    granted(resident)
    page = _text(world["clients"]["leader"].get(
        reverse("people:resident_detail", args=[resident.pk])))
    assert "Finansiering" in page
    assert reverse("financing:create", args=[resident.pk]) not in page
    assert "Startlån, etableringstilskudd og bostøtte er skjult" in page
    assert "Depositumsgaranti og økonomisk stønad er skjult" in page
    assert world["clients"]["leader"].get(
        reverse("financing:create", args=[resident.pk])).status_code == 403
    # A property manager's role has no financing pages: no section at all
    manager = make_staff(Role.PROPERTY_MANAGER, team=resident.team)
    page = _text(login(Client(), manager).get(
        reverse("people:resident_detail", args=[resident.pk])))
    assert "financing-heading" not in page


def test_the_home_purchase_from_the_resident_page(world, municipality):
    resident, client = world["resident"], world["clients"]["officer"]
    today = timezone.localdate()
    tenancy = TenancyFactory(dwelling=DwellingFactory(municipality=municipality),
                             residents=[resident], start_date=today - datetime.timedelta(400))
    url = reverse("financing:home_purchase", args=[resident.pk])
    # No granted startlån: no button, and the page refuses with the reason
    assert url not in _text(client.get(reverse("people:resident_detail", args=[resident.pk])))
    response = client.post(url, {"purchased_on": today.isoformat()})
    assert response.status_code == 200 and "startlån" in _text(response)
    # With one: the button, and the purchase ends the tenancy
    granted(resident, by=world["officer"], applied_on=today - datetime.timedelta(60),
            decided_on=today - datetime.timedelta(30))
    assert url in _text(client.get(reverse("people:resident_detail", args=[resident.pk])))
    assert world["clients"]["nav"].get(url).status_code == 403
    response = client.post(url, {"purchased_on": today.isoformat()})
    assert response.status_code == 302
    tenancy.refresh_from_db()
    resident.refresh_from_db()
    assert tenancy.end_reason == TenancyEndReason.BOUGHT_OWN_HOME
    assert resident.housing_situation == HousingSituation.OWN_HOME
    page = _text(client.get(reverse("people:resident_detail", args=[resident.pk])))
    assert "Kjøpt egen bolig" in page and url not in page


@_at(D(2026, 3, 26))
def test_the_caseload_shows_the_bostotte_deadline_filters_and_exports(world):
    resident, client = world["resident"], world["clients"]["officer"]
    granted(resident, by=world["officer"])
    registered(resident, kind=FinancingKind.BOSTOTTE, amount=None, by=world["officer"])
    # The next deadline is 25 April, 30 days away, for May's payment
    page = _text(client.get(reverse("financing:list")))
    assert "25. april 2026" in page and "30 dager" in page and "mai 2026" in page
    # Filtered to bostøtte: only that row
    filtered = _text(client.get(reverse("financing:list") + "?type=bostotte"))
    assert filtered.count("Kjøper</a>") == 1
    # The download has the same rows, with names
    response = client.get(reverse("financing:list") + "?eksport=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 3 and rows[1][0] == "Kari Kjøper"
    assert {r[1] for r in rows[1:]} == {"Startlån", "Bostøtte"}
    xlsx = client.get(reverse("financing:list") + "?eksport=xlsx&type=startlan")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_residents_list_links_to_the_caseload_for_those_with_financing(world, make_staff,
                                                                         login):
    url = reverse("financing:list")
    assert url in _text(world["clients"]["nav"].get(reverse("people:resident_list")))
    manager = login(Client(), make_staff(Role.PROPERTY_MANAGER))
    assert url not in _text(manager.get(reverse("people:resident_list")))


def test_a_co_tenant_is_offered_as_household_member(world, municipality, team):
    resident, client = world["resident"], world["clients"]["officer"]
    partner = ResidentFactory(municipality=municipality, team=team, given_name="Per")
    TenancyFactory(dwelling=DwellingFactory(municipality=municipality),
                   residents=[resident, partner], start_date=D(2025, 1, 1))
    url = reverse("financing:create", args=[resident.pk])
    assert f'value="{partner.pk}"' in _text(client.get(url))
    response = client.post(url, {"kind": "bostotte", "sent": "1",
                                 "applied_on": timezone.localdate().isoformat(),
                                 "household_members": [partner.pk]})
    assert response.status_code == 302
    record = FinancingApplication.objects.get()
    assert list(record.household_members.all()) == [partner]
    assert "Per Nordmann" in _text(client.get(reverse("financing:detail", args=[record.pk])))
