"""Import files for the tests: CSV text or an XLSX workbook, uploaded through the service."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from husly.imports import services
from tests.factories import national_id

DWELLING_HEADER = ["Adresse", "Postnr", "Poststed", "Bruksenhetsnummer", "Matrikkel",
                   "Boligtype", "Antall rom", "Areal m2"]
RESIDENT_HEADER = ["Fødselsnummer", "Fornavn", "Etternavn", "Telefon", "Boligsituasjon"]
TENANCY_HEADER = ["Adresse", "Postnr", "Bruksenhetsnummer", "Fnr", "Innflytting", "Husleie",
                  "Sluttdato", "Sluttårsak"]


def dwelling_row(address="Prøvegata 1", unit="H0101", rooms="2", kind="Gjennomgangsbolig",
                 postal_code="4306", matrikkel="38/501", area="48,5"):
    return [address, postal_code, "Sandnes", unit, matrikkel, kind, rooms, area]


def resident_row(number=None, given="Prøve", family="Importsen", phone="+47 912 34 567",
                 situation="Hospits"):
    return [number or national_id(datetime.date(1985, 3, 10)), given, family, phone, situation]


def csv_bytes(header, rows, *, delimiter=";", encoding="utf-8-sig") -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(header, rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name="fil.csv"):
    return SimpleUploadedFile(name, data)


def batch_for(*, municipality, by, kind, data, name="fil.csv", encoding="utf-8", mapping=None):
    """Upload and map (the guessed columns unless `mapping`): ready for the check."""
    batch = services.import_batch_upload(municipality=municipality, by=by, kind=kind,
                                         upload=upload(data, name), encoding=encoding)
    return services.import_batch_map(batch=batch, mapping=mapping or batch.mapping, by=by)


def matrix_args(*, municipality, other_municipality, officer) -> dict:
    """The "import_batch" and "import_receipt" kinds of tests/access/test_matrix.py: an upload
    of `officer` ready for the check, one imported, and one of another municipality."""
    from husly.accounts.models import Role
    from tests.factories import staff_make

    def one(where, by, rows, applied=False):
        batch = batch_for(municipality=where, by=by, kind="dwellings",
                          data=csv_bytes(DWELLING_HEADER, rows))
        if applied:
            services.import_apply(batch=batch, by=by)
        return batch.pk

    foreign_officer = staff_make(municipality=other_municipality, role=Role.HOUSING_OFFICER)
    return {
        "import_batch": {"own": [one(municipality, officer, [dwelling_row("Matrisevei 1")])],
                         "foreign": [one(other_municipality, foreign_officer,
                                         [dwelling_row("Matrisevei 1")])]},
        "import_receipt": {"own": [one(municipality, officer, [dwelling_row("Matrisevei 2")],
                                       applied=True)],
                           "foreign": [one(other_municipality, foreign_officer,
                                           [dwelling_row("Matrisevei 2")], applied=True)]},
    }
