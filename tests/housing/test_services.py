import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from husly.housing import services
from husly.housing.models import Dwelling, DwellingStatus, Tenancy, TenancyEndReason
from husly.people.models import HousingSituation
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory


def test_dwelling_is_registered_with_parsed_matrikkel(municipality):
    dwelling = DwellingFactory(municipality=municipality, matrikkel="1108-38/112/0/3",
                               bruksenhetsnummer="h0203")
    assert (dwelling.gnr, dwelling.bnr, dwelling.fnr, dwelling.snr) == (38, 112, 0, 3)
    assert dwelling.bruksenhetsnummer == "H0203"
    assert dwelling.status == DwellingStatus.VACANT


@pytest.mark.parametrize("field, value", [
    ("matrikkel", "38-112"),
    ("matrikkel", "4614-38/112"),  # another municipality's number
    ("bruksenhetsnummer", "H12"),
    ("postal_code", "43A6"),
    ("rooms", 0),
])
def test_malformed_dwelling_data_is_refused_by_field(municipality, field, value):
    with pytest.raises(ValidationError) as exc:
        DwellingFactory(municipality=municipality, **{field: value})
    assert field in exc.value.message_dict
    assert Dwelling.objects.count() == 0


def test_the_same_address_and_unit_cannot_be_registered_twice(municipality):
    DwellingFactory(municipality=municipality, street_address="Storgata 1")
    with pytest.raises(ValidationError) as exc:
        DwellingFactory(municipality=municipality, street_address="Storgata 1")
    assert "street_address" in exc.value.message_dict


def test_private_dwelling_needs_a_landlord(municipality):
    with pytest.raises(ValidationError) as exc:
        DwellingFactory(municipality=municipality, owner_kind="private")
    assert "landlord" in exc.value.message_dict


def test_landlord_organisation_number_is_checked(municipality):
    with pytest.raises(ValidationError):
        services.landlord_register(municipality=municipality, name="X AS",
                                   organisation_number="123456789", by=None)
    landlord = services.landlord_register(municipality=municipality, name="Y AS",
                                          organisation_number="974760673", by=None)
    assert landlord.organisation_number == "974760673"


@time_machine.travel(datetime.date(2026, 6, 1))
def test_a_current_tenancy_lets_the_dwelling_and_houses_the_resident(municipality):
    dwelling = DwellingFactory(municipality=municipality)
    resident = ResidentFactory(municipality=municipality)
    TenancyFactory(dwelling=dwelling, residents=[resident],
                   start_date=datetime.date(2026, 5, 1))
    dwelling.refresh_from_db()
    resident.refresh_from_db()
    assert dwelling.status == DwellingStatus.LET
    assert resident.housing_situation == HousingSituation.MUNICIPAL_TENANCY
    assert resident.housing_situation_since == datetime.date(2026, 5, 1)


def test_overlapping_tenancy_on_the_same_dwelling_is_refused(municipality):
    dwelling = DwellingFactory(municipality=municipality)
    a = ResidentFactory(municipality=municipality)
    b = ResidentFactory(municipality=municipality)
    TenancyFactory(dwelling=dwelling, residents=[a], start_date=datetime.date(2024, 1, 1))
    with pytest.raises(ValidationError) as exc:
        TenancyFactory(dwelling=dwelling, residents=[b], start_date=datetime.date(2025, 1, 1))
    assert "start_date" in exc.value.message_dict
    assert Tenancy.objects.count() == 1


def test_tenancies_back_to_back_are_allowed(municipality):
    dwelling = DwellingFactory(municipality=municipality)
    a = ResidentFactory(municipality=municipality)
    b = ResidentFactory(municipality=municipality)
    TenancyFactory(dwelling=dwelling, residents=[a], start_date=datetime.date(2023, 1, 1),
                   end_date=datetime.date(2023, 12, 31), end_reason=TenancyEndReason.PLANNED_MOVE)
    TenancyFactory(dwelling=dwelling, residents=[b], start_date=datetime.date(2024, 1, 1))
    with pytest.raises(ValidationError):
        TenancyFactory(dwelling=dwelling, residents=[a], start_date=datetime.date(2023, 6, 1),
                       end_date=datetime.date(2023, 7, 1), end_reason="other")


def test_end_date_before_start_is_refused(municipality):
    dwelling = DwellingFactory(municipality=municipality)
    resident = ResidentFactory(municipality=municipality)
    tenancy = TenancyFactory(dwelling=dwelling, residents=[resident],
                             start_date=datetime.date(2025, 3, 1))
    with pytest.raises(ValidationError) as exc:
        services.tenancy_end(tenancy=tenancy, end_date=datetime.date(2025, 2, 1),
                             end_reason=TenancyEndReason.PLANNED_MOVE, by=None)
    assert "end_date" in exc.value.message_dict
    tenancy.refresh_from_db()
    assert tenancy.end_date is None


@time_machine.travel(datetime.date(2026, 6, 1))
def test_ending_a_tenancy_frees_the_dwelling_and_records_the_situation(municipality):
    dwelling = DwellingFactory(municipality=municipality)
    resident = ResidentFactory(municipality=municipality)
    tenancy = TenancyFactory(dwelling=dwelling, residents=[resident],
                             start_date=datetime.date(2025, 3, 1))
    services.tenancy_end(tenancy=tenancy, end_date=datetime.date(2026, 5, 20),
                         end_reason=TenancyEndReason.EVICTION,
                         housing_situation_after=HousingSituation.FRIENDS_FAMILY, by=None)
    dwelling.refresh_from_db()
    resident.refresh_from_db()
    assert dwelling.status == DwellingStatus.VACANT
    assert resident.housing_situation == HousingSituation.FRIENDS_FAMILY
    tenancy.refresh_from_db()
    assert tenancy.is_unplanned_end


def test_ending_twice_is_refused(municipality):
    dwelling = DwellingFactory(municipality=municipality)
    tenancy = TenancyFactory(dwelling=dwelling,
                             residents=[ResidentFactory(municipality=municipality)])
    services.tenancy_end(tenancy=tenancy, end_date=datetime.date(2025, 1, 1),
                         end_reason="planned_move", by=None)
    with pytest.raises(ValidationError):
        services.tenancy_end(tenancy=tenancy, end_date=datetime.date(2025, 2, 1),
                             end_reason="planned_move", by=None)


def test_a_resident_of_another_municipality_cannot_be_a_tenant(municipality, other_municipality):
    dwelling = DwellingFactory(municipality=municipality)
    stranger = ResidentFactory(municipality=other_municipality)
    with pytest.raises(ValidationError) as exc:
        TenancyFactory(dwelling=dwelling, residents=[stranger])
    assert "residents" in exc.value.message_dict


def test_negative_rent_is_refused(municipality):
    dwelling = DwellingFactory(municipality=municipality)
    with pytest.raises(ValidationError) as exc:
        TenancyFactory(dwelling=dwelling, residents=[ResidentFactory(municipality=municipality)],
                       monthly_rent=Decimal("-1"))
    assert "monthly_rent" in exc.value.message_dict


def test_status_let_cannot_be_set_by_hand(municipality):
    dwelling = DwellingFactory(municipality=municipality)
    with pytest.raises(ValidationError):
        services.dwelling_status_set(dwelling=dwelling, status=DwellingStatus.LET, by=None)
    services.dwelling_status_set(dwelling=dwelling, status=DwellingStatus.BEING_PREPARED, by=None)
    dwelling.refresh_from_db()
    assert dwelling.status == DwellingStatus.BEING_PREPARED


def test_a_dwellings_description_is_corrected_with_one_event(municipality):
    from husly.common.models import DomainEvent

    dwelling = DwellingFactory(municipality=municipality, matrikkel="38/1", rooms=2)
    services.dwelling_update(dwelling=dwelling, by=None, rooms=3, matrikkel="38/1/0/4")
    dwelling.refresh_from_db()
    assert (dwelling.rooms, str(dwelling.matrikkel)) == (3, "38/1/0/4")
    event = DomainEvent.objects.get(name="dwelling.updated")
    assert event.changes == {"rooms": [2, 3], "matrikkel": ["38/1", "38/1/0/4"]}
    services.dwelling_update(dwelling=dwelling, by=None, rooms=3)
    assert DomainEvent.objects.filter(name="dwelling.updated").count() == 1


@pytest.mark.parametrize("fields", [{"rooms": 0}, {"matrikkel": "0000-38/1"},
                                    {"matrikkel": "38"}])
def test_a_wrong_correction_of_a_dwelling_is_refused_by_field(municipality, fields):
    dwelling = DwellingFactory(municipality=municipality)
    with pytest.raises(ValidationError) as exc:
        services.dwelling_update(dwelling=dwelling, by=None, **fields)
    assert set(exc.value.message_dict) == set(fields)
