"""Table downloads: typed cells in XLSX, numbers and dates the Norwegian way in CSV."""

import csv
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from openpyxl import load_workbook

from husly.common.exports import Percent, table_response

OSLO = ZoneInfo("Europe/Oslo")
HEADERS = ["Name", "Count", "Mean", "Amount", "Since", "Logged", "Housed", "Active", "Note"]


def _row():
    return ["Kari Nordmann", 1234567, 87.7, Decimal("2500.50"), datetime.date(2026, 3, 12),
            # 13:05 UTC is 14:05 in Oslo in March (winter time).
            datetime.datetime(2026, 3, 12, 13, 5, tzinfo=datetime.UTC), Percent(0.877),
            True, None]


def _sheet(rows, **kwargs):
    kwargs.setdefault("filename", "uten-bolig")
    response = table_response(fmt="xlsx", headers=HEADERS, rows=rows, **kwargs)
    return load_workbook(io.BytesIO(response.content)).active


def _csv(rows, language):
    with translation.override(language):
        response = table_response(fmt="csv", filename="t", headers=HEADERS, rows=rows)
    raw = response.content.decode("utf-8")
    return raw, list(csv.reader(io.StringIO(raw.removeprefix("\ufeff")), delimiter=";"))


def test_the_xlsx_export_writes_numbers_dates_and_shares_as_typed_cells():
    # given a row with every kind of cell
    # when it is downloaded as XLSX
    sheet = _sheet([_row()])
    # then numbers are numbers, dates are dates in Norwegian order, the share is a percentage
    name, count, mean, amount, since, logged, housed, active, note = sheet[2]
    assert name.value == "Kari Nordmann" and name.data_type == "s"
    assert count.value == 1234567 and count.data_type == "n"
    assert mean.value == 87.7 and mean.data_type == "n"
    assert amount.value == 2500.5 and amount.data_type == "n"
    assert since.is_date and since.value == datetime.datetime(2026, 3, 12)
    assert since.number_format == "DD.MM.YYYY"
    assert logged.is_date and logged.value == datetime.datetime(2026, 3, 12, 14, 5)
    assert logged.number_format == "DD.MM.YYYY HH:MM"
    assert housed.value == pytest.approx(0.877) and housed.data_type == "n"
    assert housed.number_format == "0.0 %"
    # a bool is written as the word on the screen, None as an empty cell
    assert active.value == "Ja"
    assert note.value is None


def test_an_empty_share_is_an_empty_cell():
    sheet = _sheet([["Kari", 1, 2.0, 3, None, None, Percent(None), False, ""]])
    assert sheet["G2"].value is None
    assert sheet["H2"].value == "Nei"
    assert sheet["I2"].value is None


def test_the_xlsx_sheet_is_named_after_the_file_or_the_given_name():
    assert _sheet([], filename="inn-og-utstrom").title == "inn-og-utstrom"
    assert _sheet([], filename="x", sheet_name="Bostabilitet").title == "Bostabilitet"


def test_a_sheet_name_loses_what_excel_refuses_and_is_cut_to_31_characters():
    # given a name with every character Excel forbids, and longer than 31 characters
    name = "Frister [2026]: tempo*/kontroll?\\ og mye mer tekst"
    # when it names the sheet
    title = _sheet([], filename="x", sheet_name=name).title
    # then the forbidden characters are gone and the name fits
    assert title == "Frister 2026 tempokontroll og m"
    assert len(title) == 31


def test_the_xlsx_header_is_bold_and_stays_in_view():
    sheet = _sheet([_row()])
    assert [c.value for c in sheet[1]] == HEADERS
    assert all(c.font.b for c in sheet[1])
    assert not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"


def test_the_xlsx_columns_are_as_wide_as_their_longest_value_within_bounds():
    # given a short column, a column with a name longer than its header, and a long note
    rows = [["Kari Nordmann-Haugland", 1, 2.0, 3, datetime.date(2026, 3, 12), None,
             Percent(1.0), None, "x" * 200]]
    sheet = _sheet(rows)
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABEGI"}
    # then the name column fits the name, the short one keeps a minimum, the note is capped
    assert widths["A"] == len("Kari Nordmann-Haugland") + 2
    assert widths["B"] == 8
    assert widths["E"] == len("12.03.2026") + 2
    assert widths["G"] == len("100.0 %") + 2
    assert widths["I"] == 60


def test_the_xlsx_export_still_neutralises_formula_text():
    sheet = _sheet([["=HYPERLINK(\"http://x\",\"klikk\")", -2, None, None, None, None, None,
                     None, "@SUM(A1)"]])
    assert sheet["A2"].value == "'=HYPERLINK(\"http://x\",\"klikk\")"
    assert sheet["A2"].data_type == "s"
    assert sheet["I2"].value == "'@SUM(A1)"
    assert sheet["B2"].value == -2 and sheet["B2"].data_type == "n"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_csv_export_writes_numbers_and_dates_the_norwegian_way(language):
    # given a row with every kind of cell
    # when it is downloaded as CSV in bokmål or nynorsk
    raw, read = _csv([_row()], language)
    # then decimals have a comma, no thousand separator, dates are day.month.year
    assert raw.startswith("\ufeff")
    assert read[0] == HEADERS
    assert read[1] == ["Kari Nordmann", "1234567", "87,7", "2500,50", "12.03.2026",
                       "12.03.2026 14:05", "87,7 %", "Ja", ""]


def test_the_csv_export_in_english_keeps_the_decimal_point():
    _raw, read = _csv([_row()], "en")
    assert read[1][1:7] == ["1234567", "87.7", "2500.50", "03/12/2026", "03/12/2026 2:05 p.m.",
                            "87.7 %"]
    assert read[1][7] == "Yes"


def test_a_csv_share_is_rounded_half_up_to_one_decimal():
    # given shares that cutting off the decimals would get wrong
    rows = [[Percent(0.87696)], [Percent(0.00049)], [Percent(1)], [Percent(None)],
            [Percent(Decimal("0.12345"))]]
    _raw, read = _csv(rows, "nb")
    assert [r[0] for r in read[1:]] == ["87,7 %", "0,0 %", "100,0 %", "", "12,3 %"]


def test_the_csv_export_never_groups_thousands(settings):
    # given the pages group thousands
    settings.USE_THOUSAND_SEPARATOR = True
    _raw, read = _csv([[1234567, 1234567.5, Decimal("9876543.21")]], "nb")
    # then the CSV still writes plain numbers a spreadsheet reads back as numbers
    assert read[1] == ["1234567", "1234567,5", "9876543,21"]


def test_the_csv_export_still_neutralises_formula_text():
    _raw, read = _csv([["=HYPERLINK(\"http://x\",\"klikk\")", -2, "+47 912", "-2,5 %"]], "nb")
    assert read[1] == ["'=HYPERLINK(\"http://x\",\"klikk\")", "-2", "'+47 912", "-2,5 %"]


def test_a_naive_datetime_is_taken_as_local_time():
    _raw, read = _csv([[datetime.datetime(2026, 7, 1, 9, 30)]], "nb")
    assert read[1] == ["01.07.2026 09:30"]
    sheet = _sheet([[datetime.datetime(2026, 7, 1, 9, 30, tzinfo=OSLO)]])
    assert sheet["A2"].value == datetime.datetime(2026, 7, 1, 9, 30)
