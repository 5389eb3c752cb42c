import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from husly.common.models import DomainEvent
from husly.people import services
from husly.people.models import Case, HousingSituation, Resident
from tests.factories import ResidentFactory, national_id


def test_given_a_valid_person_when_registered_then_birth_date_comes_from_the_number(
    municipality, make_staff
):
    officer = make_staff("housing_officer")
    number = national_id(datetime.date(1979, 8, 30))
    resident = services.resident_register(
        municipality=municipality, by=officer, given_name="Ola", family_name="Nordmann",
        national_id=number, housing_situation=HousingSituation.STREET,
        housing_situation_since=datetime.date(2026, 1, 5),
        case_unit=officer.role_assignments.get().unit,
    )
    assert resident.birth_date == datetime.date(1979, 8, 30)
    assert Case.objects.open().filter(resident=resident, assigned_to=officer).exists()
    assert DomainEvent.objects.filter(name="case.opened").count() == 1


def test_duplicate_number_in_the_same_municipality_is_refused_and_nothing_saved(
    municipality, make_staff
):
    officer = make_staff("housing_officer")
    first = ResidentFactory(municipality=municipality, by=officer)
    with pytest.raises(ValidationError) as exc:
        ResidentFactory(municipality=municipality, by=officer, national_id=first.national_id)
    assert "national_id" in exc.value.message_dict
    assert "allerede registrert" in exc.value.message_dict["national_id"][0]
    assert Resident.objects.count() == 1
    assert DomainEvent.objects.filter(name="resident.registered").count() == 1


def test_same_number_in_another_municipality_is_another_record(
    municipality, other_municipality
):
    first = ResidentFactory(municipality=municipality)
    second = ResidentFactory(municipality=other_municipality, national_id=first.national_id)
    assert second.pk != first.pk


def test_a_resident_without_number_is_allowed_and_many_may_lack_one(municipality):
    ResidentFactory(municipality=municipality, national_id="",
                    birth_date=datetime.date(2000, 1, 1))
    ResidentFactory(municipality=municipality, national_id="")
    assert Resident.objects.filter(national_id="").count() == 2


def test_invalid_number_is_refused_next_to_the_field(municipality):
    with pytest.raises(ValidationError) as exc:
        ResidentFactory(municipality=municipality, national_id="12345678901")
    assert set(exc.value.message_dict) == {"national_id"}
    assert Resident.objects.count() == 0


def test_birth_date_that_contradicts_the_number_is_refused(municipality):
    with pytest.raises(ValidationError) as exc:
        ResidentFactory(municipality=municipality,
                        national_id=national_id(datetime.date(1990, 5, 17)),
                        birth_date=datetime.date(1991, 5, 17))
    assert "birth_date" in exc.value.message_dict


def test_future_situation_date_is_refused(municipality):
    with pytest.raises(ValidationError) as exc:
        ResidentFactory(municipality=municipality,
                        housing_situation_since=timezone.localdate() + datetime.timedelta(days=3))
    assert "housing_situation_since" in exc.value.message_dict


def test_update_records_only_changed_fields_and_hides_identifying_values(municipality):
    resident = ResidentFactory(municipality=municipality, phone="11111111")
    services.resident_update(resident=resident, by=None, phone="22222222", given_name="Per")
    event = DomainEvent.objects.get(name="resident.updated")
    assert event.changes == {"phone": "***", "given_name": [resident.given_name, "Per"]}


def test_note_event_never_holds_the_note_text(municipality, make_staff):
    worker = make_staff("followup_worker", health=True)
    resident = ResidentFactory(municipality=municipality)
    services.resident_note_write(resident=resident, category="health",
                                 text="Hemmelig helseopplysning", by=worker)
    event = DomainEvent.objects.get(name="resident.note_written")
    assert "Hemmelig" not in str(event.changes)


def test_case_close_refuses_twice(municipality, make_staff):
    officer = make_staff("housing_officer")
    resident = ResidentFactory(municipality=municipality)
    case = services.case_open(resident=resident, unit=officer.role_assignments.get().unit,
                              assigned_to=officer, by=officer)
    services.case_close(case=case, by=officer)
    with pytest.raises(ValidationError):
        services.case_close(case=case, by=officer)
