"""The check (dry run) and the import: every problem by row and field, nothing saved until
the file is clean, one transaction, idempotent, within the municipality."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from husly.accounts.models import Role
from husly.common.models import DomainEvent
from husly.housing.models import Dwelling, Tenancy
from husly.imports import services
from husly.imports.models import ImportKind
from husly.people.models import Resident
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory, national_id
from tests.imports.helpers import (
    DWELLING_HEADER,
    RESIDENT_HEADER,
    TENANCY_HEADER,
    batch_for,
    csv_bytes,
    dwelling_row,
    resident_row,
    xlsx_bytes,
)


@pytest.fixture
def officer(make_staff):
    return make_staff(Role.HOUSING_OFFICER)


def dwellings_batch(municipality, by, rows, **kwargs):
    return batch_for(municipality=municipality, by=by, kind=ImportKind.DWELLINGS,
                     data=csv_bytes(DWELLING_HEADER, rows), **kwargs)


def problems_of(outcome):
    return [(p.row, p.field, p.message) for p in outcome.problems]


def test_the_columns_are_guessed_from_norwegian_and_english_names(municipality, officer):
    header = ["Address", "Postnummer", "City", "Unit", "Matrikkel", "Type", "Rooms", "BRA"]
    batch = batch_for(municipality=municipality, by=officer, kind=ImportKind.DWELLINGS,
                      data=csv_bytes(header, [dwelling_row()]))
    assert batch.mapping == {"street_address": 0, "postal_code": 1, "postal_place": 2,
                             "bruksenhetsnummer": 3, "matrikkel": 4, "kind": 5, "rooms": 6,
                             "area_m2": 7}


def test_a_missing_required_column_is_refused_on_that_field(municipality, officer):
    header = DWELLING_HEADER[:-1]  # no area
    batch = services.import_batch_upload(
        municipality=municipality, by=officer, kind=ImportKind.DWELLINGS,
        upload=__import__("tests.imports.helpers", fromlist=["upload"]).upload(
            csv_bytes(header, [dwelling_row()[:-1]])))
    assert "area_m2" not in batch.mapping
    with pytest.raises(ValidationError) as exc:
        services.import_batch_map(batch=batch, mapping=batch.mapping, by=officer)
    assert set(exc.value.message_dict) == {"area_m2"}


def test_the_check_saves_nothing_and_the_import_saves_every_row(municipality, officer):
    batch = dwellings_batch(municipality, officer, [dwelling_row(), dwelling_row(unit="H0102")])
    events = DomainEvent.objects.count()
    outcome = services.import_check(batch=batch, by=officer)
    assert outcome.clean and (outcome.new, outcome.changed, outcome.unchanged) == (2, 0, 0)
    assert not Dwelling.objects.exists() and DomainEvent.objects.count() == events
    services.import_apply(batch=batch, by=officer)
    dwelling = Dwelling.objects.get(bruksenhetsnummer="H0101")
    assert (dwelling.municipality, dwelling.rooms, dwelling.area_m2, str(dwelling.matrikkel)) == (
        municipality, 2, Decimal("48.5"), "38/501")
    assert Dwelling.objects.count() == 2
    assert DomainEvent.objects.filter(name="import.applied").count() == 1
    batch.refresh_from_db()
    assert batch.rows == [] and batch.counts["new"] == 2


def test_the_same_file_twice_changes_nothing_and_records_no_event(municipality, officer):
    rows = [dwelling_row(), dwelling_row(unit="H0102")]
    services.import_apply(batch=dwellings_batch(municipality, officer, rows), by=officer)
    events = DomainEvent.objects.count()
    again = dwellings_batch(municipality, officer, rows)
    outcome = services.import_check(batch=again, by=officer)
    assert (outcome.new, outcome.changed, outcome.unchanged, outcome.to_do) == (0, 0, 2, 0)
    services.import_apply(batch=again, by=officer)
    assert DomainEvent.objects.count() == events
    assert Dwelling.objects.count() == 2


def test_a_changed_row_updates_the_dwelling_and_leaves_unmapped_fields(municipality, officer):
    existing = DwellingFactory(municipality=municipality, street_address="Prøvegata 1",
                               bruksenhetsnummer="H0101", matrikkel="38/501", floor=3,
                               kind="transitional", area_m2=Decimal("48.5"))
    batch = dwellings_batch(municipality, officer, [dwelling_row(rooms="3")])
    outcome = services.import_check(batch=batch, by=officer)
    assert (outcome.new, outcome.changed) == (0, 1)
    services.import_apply(batch=batch, by=officer)
    existing.refresh_from_db()
    assert (existing.rooms, existing.floor) == (3, 3)  # floor is not in the file
    event = DomainEvent.objects.get(name="dwelling.updated")
    assert event.changes == {"rooms": [2, 3]}


def test_every_problem_is_listed_by_row_and_field_and_nothing_is_saved(municipality, officer):
    rows = [
        dwelling_row(),
        dwelling_row(unit="H0102", rooms="en"),
        dwelling_row(address='=HYPERLINK("http://x")', unit="H0201"),
        dwelling_row(address="Prøvegata 5", unit="", postal_code="43000", matrikkel="38",
                     kind="Slott"),
        dwelling_row(),
    ]
    batch = dwellings_batch(municipality, officer, rows)
    events = DomainEvent.objects.count()
    outcome = services.import_check(batch=batch, by=officer)
    found = {(row, field) for row, field, _m in problems_of(outcome)}
    assert found == {(3, "Rom"), (4, "Gateadresse"), (5, "Postnummer"),
                     (5, "Matrikkelnummer (gnr/bnr)"), (5, "Type"), (6, "Gateadresse")}
    messages = dict(((r, f), m) for r, f, m in problems_of(outcome))
    assert "formel" in messages[(4, "Gateadresse")]
    assert "rad 2 " in messages[(6, "Gateadresse")].casefold()
    with pytest.raises(ValidationError):
        services.import_apply(batch=batch, by=officer)
    assert not Dwelling.objects.exists() and DomainEvent.objects.count() == events


def test_an_xlsx_file_imports_like_a_csv(municipality, officer):
    data = xlsx_bytes(DWELLING_HEADER, [["Prøvegata 1", "4306", "Sandnes", "H0101", "38/501",
                                        "Omsorgsbolig", 2, 52.5]])
    batch = batch_for(municipality=municipality, by=officer, kind=ImportKind.DWELLINGS,
                      data=data, name="boliger.xlsx")
    services.import_apply(batch=batch, by=officer)
    dwelling = Dwelling.objects.get()
    assert (dwelling.kind, dwelling.area_m2) == ("care", Decimal("52.5"))


def test_a_formula_cell_in_an_xlsx_is_refused(municipality, officer):
    data = xlsx_bytes(DWELLING_HEADER, [["Prøvegata 1", "4306", "Sandnes", "H0101", "38/501",
                                        "Omsorgsbolig", "=1+1", 52]])
    batch = batch_for(municipality=municipality, by=officer, kind=ImportKind.DWELLINGS,
                      data=data, name="boliger.xlsx")
    outcome = services.import_check(batch=batch, by=officer)
    assert [(r, f) for r, f, _m in problems_of(outcome)] == [(2, "Rom")]


def test_another_municipality_with_the_same_address_is_not_touched(municipality,
                                                                   other_municipality,
                                                                   officer):
    foreign = DwellingFactory(municipality=other_municipality, street_address="Prøvegata 1",
                              bruksenhetsnummer="H0101", rooms=5)
    batch = dwellings_batch(municipality, officer, [dwelling_row()])
    assert services.import_check(batch=batch, by=officer).new == 1
    services.import_apply(batch=batch, by=officer)
    foreign.refresh_from_db()
    assert foreign.rooms == 5
    assert Dwelling.objects.filter(municipality=municipality).count() == 1


# -- residents ------------------------------------------------------------------------------


def residents_batch(municipality, by, rows):
    return batch_for(municipality=municipality, by=by, kind=ImportKind.RESIDENTS,
                     data=csv_bytes(RESIDENT_HEADER, rows))


def test_residents_are_imported_with_their_phone_and_a_case_for_the_officer(municipality,
                                                                             officer):
    number = national_id(datetime.date(1985, 3, 10))
    services.import_apply(batch=residents_batch(municipality, officer, [resident_row(number)]),
                          by=officer)
    resident = Resident.objects.get(national_id=number)
    assert (resident.phone, resident.housing_situation) == ("+47 912 34 567",
                                                            "shelter_temporary")
    assert resident.cases.get().assigned_to == officer


def test_an_invalid_fodselsnummer_is_a_problem_that_never_repeats_the_number(municipality,
                                                                             officer, settings):
    good = national_id(datetime.date(1985, 3, 10))
    wrong_digit = good[:-1] + str((int(good[-1]) + 1) % 10)
    synthetic = national_id(datetime.date(1990, 1, 1))
    batch = residents_batch(municipality, officer, [resident_row(wrong_digit),
                                                    resident_row("12345"),
                                                    resident_row(synthetic, given="-Kari")])
    found = problems_of(services.import_check(batch=batch, by=officer))
    assert [(r, f) for r, f, _m in found] == [
        (2, "Fødselsnummer eller D-nummer"), (3, "Fødselsnummer eller D-nummer"),
        (4, "Fornavn")]
    assert "kontrollsifrene" in found[0][2].casefold()
    assert "11 sifre" in found[1][2]
    # Synthetic numbers (month + 80) only where the installation allows them.
    settings.HUSLY_ALLOW_SYNTHETIC_IDS = False
    refused = problems_of(services.import_check(batch=batch, by=officer))
    assert (4, "Fødselsnummer eller D-nummer") in [(r, f) for r, f, _m in refused]
    assert any("syntetisk" in m for _r, _f, m in refused)
    text = repr(found + refused)
    for number in (wrong_digit, synthetic, "12345"):
        assert number not in text


def test_a_changed_name_updates_the_resident_and_a_duplicate_in_the_file_is_a_problem(
        municipality, officer):
    resident = ResidentFactory(municipality=municipality, given_name="Kari")
    batch = residents_batch(municipality, officer, [
        resident_row(resident.national_id, given="Karianne", phone=""),
        resident_row(resident.national_id, given="Karianne", phone="")])
    outcome = services.import_check(batch=batch, by=officer)
    assert [(r, f) for r, f, _m in problems_of(outcome)] == [(3, "Fødselsnummer eller D-nummer")]
    batch = residents_batch(municipality, officer, [
        resident_row(resident.national_id, given="Karianne", phone="")])
    assert services.import_apply(batch=batch, by=officer).changed == 1
    resident.refresh_from_db()
    assert resident.given_name == "Karianne"


# -- tenancies --------------------------------------------------------------------------------


def tenancy_row(number, address="Prøvegata 1", unit="H0101", start="01.02.2025", rent="7 500",
                end="", reason=""):
    return [address, "4306", unit, number, start, rent, end, reason]


def tenancies_batch(municipality, by, rows, data=None):
    return batch_for(municipality=municipality, by=by, kind=ImportKind.TENANCIES,
                     data=data or csv_bytes(TENANCY_HEADER, rows))


@pytest.fixture
def register(municipality):
    one = DwellingFactory(municipality=municipality, street_address="Prøvegata 1",
                          bruksenhetsnummer="H0101")
    two = DwellingFactory(municipality=municipality, street_address="Prøvegata 3",
                          bruksenhetsnummer="H0201")
    kari = ResidentFactory(municipality=municipality)
    ola = ResidentFactory(municipality=municipality)
    return {"one": one, "two": two, "kari": kari, "ola": ola}


def test_tenancies_are_imported_on_known_dwellings_and_residents(municipality, officer,
                                                                 register):
    kari = register["kari"]
    batch = tenancies_batch(municipality, officer, [
        tenancy_row(kari.national_id),
        tenancy_row(register["ola"].national_id, address="prøvegata 3", unit="h0201",
                    start="2023-06-01", end="30.09.2024", reason="Planlagt flytting")])
    outcome = services.import_apply(batch=batch, by=officer)
    assert outcome.new == 2
    current = Tenancy.objects.get(dwelling=register["one"])
    assert (current.start_date, current.monthly_rent) == (datetime.date(2025, 2, 1), 7500)
    assert list(current.residents.all()) == [kari]
    ended = Tenancy.objects.get(dwelling=register["two"])
    assert (ended.end_date, ended.end_reason) == (datetime.date(2024, 9, 30), "planned_move")


def test_unknown_dwelling_unknown_resident_overlap_and_bad_date_are_problems(
        municipality, other_municipality, officer, register):
    TenancyFactory(dwelling=register["two"], residents=[register["ola"]],
                   start_date=datetime.date(2024, 1, 1))
    foreign = ResidentFactory(municipality=other_municipality)
    DwellingFactory(municipality=other_municipality, street_address="Fremmedveien 1",
                    bruksenhetsnummer="H0101")
    kari = register["kari"].national_id
    batch = tenancies_batch(municipality, officer, [
        tenancy_row(kari, address="Finnesikkeveien 9"),  # 2: unknown dwelling
        tenancy_row(kari, address="Fremmedveien 1"),  # 3: another municipality's dwelling
        tenancy_row(foreign.national_id),  # 4: another municipality's resident
        tenancy_row(kari, address="Prøvegata 3", unit="H0201"),  # 5: overlaps Husly
        tenancy_row(kari, start="31.02.2025"),  # 6: no such date
        tenancy_row(kari, start="01.01.2024", end="01.06.2024", reason="Planlagt flytting"),
        tenancy_row(kari, start="01.05.2024", end="01.12.2024",
                    reason="Planlagt flytting"),  # 8: overlaps row 7 of the file
    ])
    outcome = services.import_check(batch=batch, by=officer)
    found = {(r, f) for r, f, _m in problems_of(outcome)}
    assert found == {(2, "Gateadresse"), (3, "Gateadresse"),
                     (4, "Fødselsnummer til beboerne"), (5, "Startdato"), (6, "Startdato"),
                     (8, "Startdato")}
    messages = {r: m for r, _f, m in problems_of(outcome)}
    assert "rad 7" in messages[8]
    assert foreign.national_id not in repr(problems_of(outcome))
    with pytest.raises(ValidationError):
        services.import_apply(batch=batch, by=officer)
    assert Tenancy.objects.count() == 1


def test_the_import_checks_again_and_saves_nothing_if_the_register_changed(
        municipality, officer, register):
    batch = tenancies_batch(municipality, officer, [
        tenancy_row(register["kari"].national_id),
        tenancy_row(register["ola"].national_id, address="Prøvegata 3", unit="H0201")])
    assert services.import_check(batch=batch, by=officer).clean
    # Meanwhile someone registers a tenancy on the second dwelling by hand.
    TenancyFactory(dwelling=register["two"], residents=[register["ola"]],
                   start_date=datetime.date(2024, 1, 1))
    events = DomainEvent.objects.count()
    with pytest.raises(ValidationError):
        services.import_apply(batch=batch, by=officer)
    assert not Tenancy.objects.filter(dwelling=register["one"]).exists()
    assert DomainEvent.objects.count() == events


def test_a_tenancy_imported_again_is_unchanged_and_an_end_date_ends_it(municipality, officer,
                                                                       register):
    kari = register["kari"].national_id
    services.import_apply(batch=tenancies_batch(municipality, officer, [tenancy_row(kari)]),
                          by=officer)
    again = services.import_check(
        batch=tenancies_batch(municipality, officer, [tenancy_row(kari)]), by=officer)
    assert (again.unchanged, again.to_do) == (1, 0)
    ending = tenancies_batch(municipality, officer, [
        tenancy_row(kari, end="31.10.2025", reason="Planlagt flytting")])
    assert services.import_apply(batch=ending, by=officer).changed == 1
    tenancy = Tenancy.objects.get()
    assert tenancy.end_date == datetime.date(2025, 10, 31)
    other_rent = services.import_check(batch=tenancies_batch(municipality, officer, [
        tenancy_row(kari, rent="9000", end="31.10.2025", reason="Planlagt flytting")]),
        by=officer)
    assert [(r, f) for r, f, _m in problems_of(other_rent)] == [(2, "Månedsleie (kr)")]


def test_tenancies_from_an_xlsx_file(municipality, officer, register):
    data = xlsx_bytes(TENANCY_HEADER, [["Prøvegata 1", 4306, "H0101",
                                        register["kari"].national_id,
                                        datetime.datetime(2025, 2, 1), 7500, None, None]])
    services.import_apply(batch=tenancies_batch(municipality, officer, [], data=data),
                          by=officer)
    assert Tenancy.objects.get().start_date == datetime.date(2025, 2, 1)


def test_old_uploads_are_cleared_after_a_day(municipality, officer):
    import time_machine

    batch = dwellings_batch(municipality, officer, [dwelling_row()])
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=25)):
        assert services.import_batches_clear() == 1
    batch.refresh_from_db()
    assert batch.rows == [] and batch.data_cleared_at is not None
    with pytest.raises(ValidationError):
        services.import_apply(batch=batch, by=officer)
