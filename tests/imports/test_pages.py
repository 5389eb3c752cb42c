"""The import pages: upload → columns → check → import → receipt, who sees which kind, and
that no page repeats a fødselsnummer."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from husly.accounts.models import Role
from husly.housing.models import Dwelling
from husly.imports.models import ImportBatch, ImportKind
from husly.people.models import Resident
from tests.factories import national_id, staff_make
from tests.imports.helpers import (
    DWELLING_HEADER,
    RESIDENT_HEADER,
    batch_for,
    csv_bytes,
    dwelling_row,
    resident_row,
    upload,
)


@pytest.fixture
def officer(make_staff):
    return make_staff(Role.HOUSING_OFFICER)


def post_file(client, kind, data, name="fil.csv", encoding="utf-8"):
    return client.post(reverse("imports:start"), {"kind": kind, "encoding": encoding,
                                                  "upload": upload(data, name)})


def test_the_whole_flow_for_dwellings(client, login, officer):
    login(client, officer)
    page = client.get(reverse("imports:start"))
    assert page.status_code == 200
    response = post_file(client, "dwellings", csv_bytes(DWELLING_HEADER, [dwelling_row()]))
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("imports:mapping", args=[batch.pk])
    mapping = client.get(response["Location"])
    assert '<option value="0" selected>Adresse</option>' in mapping.content.decode()
    form = {name: str(index) for name, index in batch.mapping.items()}
    response = client.post(reverse("imports:mapping", args=[batch.pk]), form)
    assert response["Location"] == reverse("imports:check", args=[batch.pk])
    check = client.get(response["Location"]).content.decode()
    assert "Ingenting er lagret ennå." in check and ">Importer</button>" in check
    assert not Dwelling.objects.exists()
    response = client.post(reverse("imports:apply", args=[batch.pk]))
    assert response["Location"] == reverse("imports:receipt", args=[batch.pk])
    assert Dwelling.objects.count() == 1
    receipt = client.get(response["Location"]).content.decode()
    assert "Kvittering for import" in receipt
    # The check of an imported file goes to its receipt; a second import is refused there.
    assert client.get(reverse("imports:check", args=[batch.pk]))["Location"] == reverse(
        "imports:receipt", args=[batch.pk])


def test_a_missing_required_column_is_shown_on_the_mapping_form(client, login, officer):
    login(client, officer)
    post_file(client, "dwellings", csv_bytes(DWELLING_HEADER[:-1], [dwelling_row()[:-1]]))
    batch = ImportBatch.objects.get()
    form = {name: str(index) for name, index in batch.mapping.items()}
    response = client.post(reverse("imports:mapping", args=[batch.pk]), form)
    assert response.status_code == 200
    assert "Velg kolonnen som har dette" in response.content.decode()
    batch.refresh_from_db()
    assert batch.mapped_at is None


def test_an_unreadable_file_is_answered_on_the_upload_form(client, login, officer):
    login(client, officer)
    for data, text in ((b"", "Filen er tom"),
                       (csv_bytes(DWELLING_HEADER, [dwelling_row()], encoding="cp1252"),
                        "CSV UTF-8"),
                       (csv_bytes(DWELLING_HEADER, []), "ingen rader")):
        response = post_file(client, "dwellings", data)
        assert response.status_code == 200
        assert text in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_problem_page_never_shows_a_fodselsnummer(client, login, officer):
    good = national_id(datetime.date(1985, 3, 10))
    wrong = good[:-1] + str((int(good[-1]) + 1) % 10)
    batch = batch_for(municipality=officer.role_assignments.get().municipality, by=officer,
                      kind=ImportKind.RESIDENTS,
                      data=csv_bytes(RESIDENT_HEADER, [resident_row(wrong)]))
    login(client, officer)
    page = client.get(reverse("imports:check", args=[batch.pk])).content.decode()
    assert "Kontrollsifrene stemmer ikke" in page
    assert wrong not in page and wrong[:6] not in page
    assert ">Importer</button>" not in page
    assert client.post(reverse("imports:apply", args=[batch.pk])).status_code == 302
    assert not Resident.objects.exists()


def test_the_administrator_imports_dwellings_but_not_people(client, login, municipality):
    admin = staff_make(municipality=municipality, role=Role.ADMINISTRATOR)
    login(client, admin)
    page = client.get(reverse("imports:start")).content.decode()
    assert 'value="dwellings"' in page and 'value="residents"' not in page
    response = post_file(client, "residents", csv_bytes(RESIDENT_HEADER, [resident_row()]))
    assert response.status_code == 200 and not ImportBatch.objects.exists()


def test_an_upload_is_only_its_uploaders_in_their_municipality(client, login, municipality,
                                                              other_municipality, officer):
    batch = batch_for(municipality=municipality, by=officer, kind=ImportKind.DWELLINGS,
                      data=csv_bytes(DWELLING_HEADER, [dwelling_row()]))
    colleague = staff_make(municipality=municipality, role=Role.HOUSING_OFFICER)
    foreign = staff_make(municipality=other_municipality, role=Role.HOUSING_OFFICER)
    for user in (colleague, foreign):
        login(client, user)
        for name in ("imports:mapping", "imports:check", "imports:receipt"):
            assert client.get(reverse(name, args=[batch.pk])).status_code == 404
        assert client.post(reverse("imports:apply", args=[batch.pk])).status_code == 404
    assert not Dwelling.objects.exists()


def test_the_import_menu_item_is_shown_to_those_who_import(client, login, municipality,
                                                           officer):
    login(client, officer)
    assert f'href="{reverse("imports:start")}"' in client.get(
        reverse("housing:dwelling_list")).content.decode()
    worker = staff_make(municipality=municipality, role=Role.FOLLOWUP_WORKER)
    login(client, worker)
    assert f'href="{reverse("imports:start")}"' not in client.get(
        reverse("housing:dwelling_list")).content.decode()


def test_the_clear_command_clears_old_uploads(municipality, officer, capsys):
    import time_machine

    batch_for(municipality=municipality, by=officer, kind=ImportKind.DWELLINGS,
              data=csv_bytes(DWELLING_HEADER, [dwelling_row()]))
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)):
        call_command("import_batches_clear")
    assert "1 uploads cleared" in capsys.readouterr().out
    assert ImportBatch.objects.get().rows == []
