"""Reading an uploaded CSV or XLSX file into a header row and rows of text cells.

Every refusal is a ValidationError on the `upload` field that says what to do. Nothing here
knows what the columns mean: that is the mapping's (husly.imports.fields).
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
ENCODINGS = ("utf-8", "windows-1252")
XLSX_SIGNATURE = b"PK\x03\x04"
XLS_SIGNATURE = b"\xd0\xcf\x11\xe0"


@dataclass
class Sheet:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number in the file, cells)


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError({"upload": [ValidationError(message, code=code)]})


def sheet_read(data: bytes, *, encoding: str = "utf-8") -> Sheet:
    """The header and the rows of a CSV (UTF-8 with or without BOM, or Windows-1252 when
    chosen; `;`, `,` or tab between cells) or an XLSX workbook's first sheet."""
    if not data or not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise _refuse(_("The file is empty. Choose the file with the rows to import."),
                      "empty")
    if len(data) > MAX_BYTES:
        raise _refuse(_("The file is larger than %(mb)s MB. Split it into smaller files.")
                      % {"mb": MAX_BYTES // (1024 * 1024)}, "too_large")
    if data.startswith(XLS_SIGNATURE):
        raise _refuse(_("This is an old Excel file (.xls). In Excel, save it as “Excel "
                        "Workbook (.xlsx)” or “CSV UTF-8” and upload that."), "xls")
    is_xlsx = data.startswith(XLSX_SIGNATURE)
    return _sheet(_xlsx_rows(data) if is_xlsx else _csv_rows(data, encoding))


def _csv_rows(data: bytes, encoding: str):
    if encoding not in ENCODINGS:
        encoding = "utf-8"
    try:
        text = data.decode("utf-8-sig" if encoding == "utf-8" else "cp1252")
    except UnicodeDecodeError:
        raise _refuse(_(
            "The file is not UTF-8. In Excel choose “Save as” and “CSV UTF-8 (comma "
            "delimited)”, or choose Windows-1252 as the encoding if the file comes from an "
            "older program."), "encoding") from None
    if "\x00" in text:
        raise _refuse(_("The file is not a CSV or XLSX file. Export the table as CSV UTF-8 "
                        "or XLSX and upload that."), "not_a_table")
    first_line = text.lstrip().splitlines()[0] if text.strip() else ""
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        yield from enumerate(reader, start=1)
    except csv.Error:
        raise _refuse(_("The file could not be read as CSV (a quotation mark is not closed). "
                        "Export it again from the spreadsheet program."), "csv") from None


def _xlsx_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        # Formulas are read as their text ("=…"), never evaluated, so they can be refused.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        for number, row in enumerate(rows, start=1):
            yield number, [_xlsx_cell(v) for v in row]
        book.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, TypeError):
        raise _refuse(_("The file could not be read as an XLSX workbook. Save it again in "
                        "Excel as “Excel Workbook (.xlsx)”, or as “CSV UTF-8”."),
                      "xlsx") from None


def _sheet(table) -> Sheet:
    header = None
    rows: list[tuple[int, list[str]]] = []
    for number, cells in table:
        cells = [c.strip() if isinstance(c, str) else str(c) for c in cells]
        if not any(cells):
            continue
        if header is None:
            header = cells
            continue
        if len(rows) >= MAX_ROWS:
            raise _refuse(_("The file has more than %(max)s rows. Split it into smaller "
                            "files.") % {"max": MAX_ROWS}, "too_many_rows")
        rows.append((number, cells))
    if header is None:
        raise _refuse(_("The file is empty. Choose the file with the rows to import."),
                      "empty")
    while header and not header[-1]:
        header.pop()
    names = [h or _("Column %(n)s") % {"n": i + 1} for i, h in enumerate(header)]
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        key = name.casefold()
        if key in seen:
            raise _refuse(_("Two columns are called “%(name)s” (columns %(first)s and "
                            "%(second)s). Give each column its own name in the header row.")
                          % {"name": name, "first": seen[key] + 1, "second": i + 1},
                          "duplicate_header")
        seen[key] = i
    if not rows:
        raise _refuse(_("The file has a header row but no rows below it. Add the rows to "
                        "import."), "header_only")
    width = len(names)
    rows = [(n, (cells + [""] * width)[:width]) for n, cells in rows]
    return Sheet(header=names, rows=rows)
