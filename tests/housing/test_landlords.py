"""The private-landlord register: who the landlords are, what they lease, every contact and
offer, and residents renting directly from them (issue 9, part 2)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from husly.accounts.models import Role
from husly.common.models import DomainEvent
from husly.housing import selectors, services
from husly.housing.models import LandlordKind, OfferStatus
from husly.outcomes.models import EpisodeEnd, HomelessEpisode
from husly.people.models import HousingSituation
from tests.factories import DwellingFactory, ResidentFactory

TODAY = datetime.date(2026, 5, 4)
VALID = "912345688"


@pytest.fixture
def officer(make_staff, team):
    return make_staff(Role.HOUSING_OFFICER, team=team, username="bolig")


def test_a_company_needs_a_valid_organisation_number(municipality, officer):
    # Given a company without a number, or with a wrong check digit: refused, nothing saved
    for number in ("", "912345687", "12345"):
        with pytest.raises(ValidationError) as exc:
            services.landlord_register(municipality=municipality, name="Utleie AS",
                                       organisation_number=number, by=officer)
        assert "organisation_number" in exc.value.message_dict
    # A private person needs none; spaces in a number are allowed and removed
    person = services.landlord_register(municipality=municipality, name="Ola Utleier",
                                        kind=LandlordKind.PERSON, by=officer)
    company = services.landlord_register(municipality=municipality, name="Utleie AS",
                                         organisation_number="912 345 688", by=officer)
    assert person.organisation_number == "" and company.organisation_number == VALID
    assert DomainEvent.objects.filter(name="landlord.registered").count() == 2


def test_an_edit_is_checked_like_a_registration(municipality, officer):
    landlord = services.landlord_register(municipality=municipality, name="Utleie AS",
                                          organisation_number=VALID, by=officer)
    with pytest.raises(ValidationError):
        services.landlord_update(landlord=landlord, organisation_number="", by=officer)
    services.landlord_update(landlord=landlord, phone="51000000", by=officer)
    landlord.refresh_from_db()
    assert landlord.phone == "51000000" and landlord.organisation_number == VALID
    event = DomainEvent.objects.get(name="landlord.updated")
    assert event.changes == {"fields": ["phone"]}


@time_machine.travel(TODAY)
def test_contacts_and_offers(municipality, officer):
    landlord = services.landlord_register(municipality=municipality, name="Utleie AS",
                                          organisation_number=VALID, by=officer)
    # An offer needs its address; other contacts take no offer details; no future dates
    with pytest.raises(ValidationError) as exc:
        services.landlord_contact_record(landlord=landlord, kind="offer", summary="Hybel",
                                         contacted_on=TODAY, by=officer)
    assert "offered_address" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.landlord_contact_record(landlord=landlord, kind="call", summary="Ringte",
                                         contacted_on=TODAY, offered_rooms=2, by=officer)
    assert "kind" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.landlord_contact_record(landlord=landlord, kind="call", summary="Ringte",
                                         contacted_on=TODAY + datetime.timedelta(days=1),
                                         by=officer)
    offer = services.landlord_contact_record(
        landlord=landlord, kind="offer", summary="Hybel", contacted_on=TODAY, by=officer,
        offered_address="Storgata 1", offered_rooms=1, offered_rent=Decimal("6500"))
    services.landlord_contact_record(landlord=landlord, kind="call", summary="Ringte",
                                     contacted_on=TODAY - datetime.timedelta(days=3),
                                     by=officer)
    assert offer.offer_status == OfferStatus.OPEN
    listed = selectors.landlords_listed(staff=_staff(officer, municipality)).get()
    assert (listed.open_offers, listed.last_contact) == (1, TODAY)
    # Settled once: accepted; a second answer is refused
    services.landlord_offer_settle(contact=offer, accepted=True, by=officer)
    with pytest.raises(ValidationError):
        services.landlord_offer_settle(contact=offer, accepted=False, by=officer)
    offer.refresh_from_db()
    assert offer.offer_status == OfferStatus.ACCEPTED


def _staff(user, municipality):
    from husly.access.policy import staff_context_for

    return staff_context_for(user, municipality.pk)


@time_machine.travel(TODAY)
def test_the_register_counts_what_each_landlord_gives(municipality, officer):
    landlord = services.landlord_register(municipality=municipality, name="Utleie AS",
                                          organisation_number=VALID, by=officer)
    other = services.landlord_register(municipality=municipality, name="Annen",
                                       kind=LandlordKind.PERSON, by=officer)
    for _ in range(2):
        DwellingFactory(municipality=municipality, owner_kind="private", landlord=landlord,
                        kind="private_lease")
    for resident in ResidentFactory.create_batch(3, municipality=municipality):
        services.private_lease_register(
            landlord=landlord, resident=resident, street_address="Fjordgata 4",
            postal_code="4306", postal_place="Sandnes", monthly_rent=Decimal("8000"),
            start_date=TODAY, by=officer)
    rows = {row.name: row for row in selectors.landlords_listed(
        staff=_staff(officer, municipality))}
    # One row per landlord however many dwellings and leases it has
    assert len(rows) == 2
    assert (rows["Utleie AS"].leased_dwellings, rows["Utleie AS"].direct_leases) == (2, 3)
    assert (rows[other.name].leased_dwellings, rows[other.name].direct_leases) == (0, 0)


@time_machine.travel(TODAY)
def test_a_direct_lease_ends_the_spell_without_a_home(municipality, officer):
    landlord = services.landlord_register(municipality=municipality, name="Utleie AS",
                                          organisation_number=VALID, by=officer)
    resident = ResidentFactory(municipality=municipality,
                               housing_situation=HousingSituation.STREET,
                               housing_situation_since=datetime.date(2026, 1, 5))
    with pytest.raises(ValidationError) as exc:
        services.private_lease_register(
            landlord=landlord, resident=resident, street_address="Fjordgata 4",
            postal_code="43", postal_place="Sandnes", monthly_rent=Decimal("8000"),
            start_date=TODAY, by=officer)
    assert "postal_code" in exc.value.message_dict
    services.private_lease_register(
        landlord=landlord, resident=resident, street_address="Fjordgata 4",
        postal_code="4306", postal_place="Sandnes", monthly_rent=Decimal("8000"),
        start_date=TODAY - datetime.timedelta(days=2), by=officer)
    resident.refresh_from_db()
    episode = HomelessEpisode.objects.get(resident=resident)
    assert resident.housing_situation == HousingSituation.OWN_HOME
    assert (episode.ended_on, episode.end_kind) == (TODAY - datetime.timedelta(days=2),
                                                    EpisodeEnd.NO_LONGER_HOMELESS)
    # One running lease at a time
    with pytest.raises(ValidationError) as exc:
        services.private_lease_register(
            landlord=landlord, resident=resident, street_address="Storgata 1",
            postal_code="4306", postal_place="Sandnes", monthly_rent=Decimal("7000"),
            start_date=TODAY, by=officer)
    assert "resident" in exc.value.message_dict


@time_machine.travel(TODAY)
def test_the_pages_register_a_landlord_record_an_offer_and_export(client, login, municipality,
                                                                   officer, team):
    login(client, officer)
    # A wrong organisation number comes back with the reason and nothing is saved
    response = client.post(reverse("housing:landlord_create"), {
        "kind": "company", "name": "Utleie AS", "organisation_number": "912345687"})
    assert response.status_code == 200 and "kontrollsiffer" in response.content.decode()
    response = client.post(reverse("housing:landlord_create"), {
        "kind": "company", "name": "Utleie AS", "organisation_number": VALID,
        "contact_name": "Siri", "phone": "51000001"})
    detail = response["Location"]
    response = client.post(detail + "kontakt/", {
        "kind": "offer", "contacted_on": "2026-05-02", "summary": "Hybel med eget bad",
        "offered_address": "Storgata 12", "offered_rooms": "1", "offered_rent": "6500"})
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert "Storgata 12" in page and "Hybel med eget bad" in page
    # A resident the officer works with rents directly: chosen among those they may see
    resident = ResidentFactory(municipality=municipality, team=team, family_name="Leietaker")
    response = client.post(detail + "privat-leie/ny/", {
        "resident": resident.pk, "street_address": "Fjordgata 4", "postal_code": "4306",
        "postal_place": "Sandnes", "monthly_rent": "8000", "start_date": "2026-05-01"})
    assert response.status_code == 302
    assert "Leietaker" in client.get(detail).content.decode()
    export = client.get(reverse("housing:landlord_list") + "?eksport=csv").content.decode()
    rows = list(csv.reader(io.StringIO(export.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][:3] == ["Utleie AS", "Selskap", VALID]
    assert rows[1][5:8] == ["0", "1", "1"]


def test_the_api_lists_and_registers_landlords(client, login, municipality, officer,
                                               make_staff):
    login(client, officer)
    response = client.post(reverse("api:landlords"), {"name": "Utleie AS",
                                                      "organisation_number": "912345687"},
                           content_type="application/json")
    assert response.status_code == 422
    assert "organisation_number" in response.json()["fields"]
    response = client.post(reverse("api:landlords"), {"name": "Utleie AS",
                                                      "organisation_number": VALID},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["organisation_number"] == VALID
    listed = client.get(reverse("api:landlords")).json()
    assert [landlord["name"] for landlord in listed] == ["Utleie AS"]
    # A caretaker may not read the register
    login(client, make_staff(Role.CARETAKER, username="vaktmester"))
    assert client.get(reverse("api:landlords")).status_code == 403
