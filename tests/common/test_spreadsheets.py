"""Formula injection: exports neutralise text a spreadsheet could run; numbers stay numbers."""

import csv
import io

from openpyxl import load_workbook

from husly.common.exports import table_response
from husly.common.spreadsheets import cell_is_formula, cell_neutralise


def test_text_that_starts_like_a_formula_gets_an_apostrophe():
    for text in ("=HYPERLINK(\"x\")", "+47 912", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"):
        assert cell_is_formula(text)
        assert cell_neutralise(text) == "'" + text
    assert cell_neutralise("Kari") == "Kari"
    assert cell_neutralise(-5) == -5
    # A signed number as text (a change on a page) is no formula that can do harm.
    for text in ("+1,0", "-2", "-2,5 %", "+12.5%"):
        assert cell_neutralise(text) == text


def _rows():
    return ["Navn", "Antall"], [["=HYPERLINK(\"http://x\",\"klikk\")", 3], ["@SUM(A1)", -2],
                                ["Vanlig", 4]]


def test_the_csv_export_neutralises_formula_text_and_leaves_numbers():
    headers, rows = _rows()
    response = table_response(fmt="csv", filename="t", headers=headers, rows=rows)
    text = response.content.decode("utf-8-sig")
    read = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert read[1] == ["'=HYPERLINK(\"http://x\",\"klikk\")", "3"]
    assert read[2] == ["'@SUM(A1)", "-2"]
    assert read[3] == ["Vanlig", "4"]


def test_the_xlsx_export_writes_formula_text_as_text_and_numbers_as_numbers():
    headers, rows = _rows()
    response = table_response(fmt="xlsx", filename="t", headers=headers, rows=rows)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == "'=HYPERLINK(\"http://x\",\"klikk\")"
    assert sheet["A3"].value == "'@SUM(A1)"
    assert sheet["B3"].value == -2 and sheet["B3"].data_type == "n"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
