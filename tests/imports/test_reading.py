"""Reading the file: encodings, delimiters, XLSX, and the files that cannot be imported."""

import pytest
from django.core.exceptions import ValidationError

from husly.imports.reading import MAX_ROWS, sheet_read
from tests.imports.helpers import DWELLING_HEADER, csv_bytes, dwelling_row, xlsx_bytes


def refusal(data, **kwargs) -> str:
    with pytest.raises(ValidationError) as exc:
        sheet_read(data, **kwargs)
    return " ".join(exc.value.message_dict["upload"])


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_a_csv_is_read_whatever_the_delimiter(delimiter):
    sheet = sheet_read(csv_bytes(DWELLING_HEADER, [dwelling_row()], delimiter=delimiter))
    assert sheet.header == DWELLING_HEADER
    assert sheet.rows == [(2, dwelling_row())]


def test_utf8_with_and_without_bom_is_read():
    for encoding in ("utf-8-sig", "utf-8"):
        sheet = sheet_read(csv_bytes(DWELLING_HEADER, [dwelling_row()], encoding=encoding))
        assert sheet.header[0] == "Adresse"
        assert sheet.rows[0][1][0] == "Prøvegata 1"


def test_a_file_that_is_not_utf8_is_refused_with_what_to_do_and_read_as_windows_1252():
    data = csv_bytes(DWELLING_HEADER, [dwelling_row()], encoding="cp1252")
    assert "CSV UTF-8" in refusal(data)
    sheet = sheet_read(data, encoding="windows-1252")
    assert sheet.rows[0][1][0] == "Prøvegata 1"


def test_an_empty_file_and_a_header_only_file_are_refused():
    assert "tom" in refusal(b"")
    assert "tom" in refusal(b"\xef\xbb\xbf\r\n ;;\r\n")
    assert "ingen rader" in refusal(csv_bytes(DWELLING_HEADER, []))


def test_a_duplicated_header_is_refused_naming_the_columns():
    message = refusal(csv_bytes(["Adresse", "Postnr", "adresse"], [["a", "b", "c"]]))
    assert "adresse" in message.casefold() and "1" in message and "3" in message


def test_an_xlsx_sheet_is_read_with_numbers_and_dates_as_text():
    import datetime

    data = xlsx_bytes(["Adresse", "Rom", "Areal", "Innflytting"],
                      [["Prøvegata 1", 2, 48.5, datetime.datetime(2025, 2, 1)]])
    sheet = sheet_read(data)
    assert sheet.rows == [(2, ["Prøvegata 1", "2", "48.5", "2025-02-01"])]


def test_a_formula_in_an_xlsx_is_read_as_its_text_not_its_result():
    sheet = sheet_read(xlsx_bytes(["Adresse"], [["=1+1"]]))
    assert sheet.rows[0][1] == ["=1+1"]


def test_a_broken_xlsx_and_an_old_xls_are_refused():
    assert "XLSX" in refusal(b"PK\x03\x04 this is no workbook")
    assert ".xls" in refusal(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)


def test_too_many_rows_are_refused():
    data = csv_bytes(["Adresse"], [[f"Vei {n}"] for n in range(MAX_ROWS + 1)])
    assert str(MAX_ROWS) in refusal(data)
