"""Every table can be downloaded as CSV or XLSX with the same numbers as the screen.

XLSX keeps numbers, dates and shares as typed cells, so the spreadsheet can sum, sort and
filter them and shows them in the reader's own locale. CSV has no types: it writes them as the
active language writes them ("87,7 %", "12.03.2026" in Norwegian), which is also what Excel in
that locale reads back as numbers and dates.
"""

import csv
import datetime
import io
import math
import re
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.utils import numberformat, timezone
from django.utils.formats import date_format, get_format
from django.utils.translation import gettext as _

from husly.common.formats import rounded
from husly.common.spreadsheets import cell_neutralise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Excel's format codes: "." and the space are placeholders, so a Norwegian Excel shows
# 12.03.2026 and 87,7 %, an English one 87.7 %.
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
PERCENT_FORMAT = "0.0 %"

# Excel refuses a sheet name longer than this or with these characters; openpyxl only warns
# about the length, and the file then fails to open in some programs.
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

COLUMN_WIDTH_MIN = 8
COLUMN_WIDTH_MAX = 60


@dataclass(frozen=True)
class Percent:
    """A share between 0 and 1 (0.877) in a table cell, shown as a percentage (87,7 %).

    A caller passes the share rather than the text so that the XLSX cell stays a number."""

    value: float | None


def table_response(*, fmt: str, filename: str, headers: list[str], rows: list[list],
                   sheet_name: str | None = None):
    """The table as a download: XLSX if `fmt` is "xlsx", otherwise CSV.

    A cell may be a number, a date or datetime, a Percent, a bool, None (empty) or anything
    else, which is written as text. `sheet_name` names the XLSX sheet; the file name by
    default."""
    if fmt == "xlsx":
        content = _xlsx(headers, rows, sheet_name if sheet_name is not None else filename)
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    else:
        response = HttpResponse("\ufeff" + _csv(headers, rows),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def _finite(number):
    """The number, or None for NaN and infinity, which neither format can write as a number."""
    if isinstance(number, Decimal):
        return number if number.is_finite() else None
    if isinstance(number, float):
        return number if math.isfinite(number) else None
    return number


def _yes_no(value: bool) -> str:
    # Text rather than an XLSX boolean: Excel would show TRUE/FALSE (or SANN/USANN), not the
    # words on the screen, and CSV has no booleans at all.
    return _("Yes") if value else _("No")


def _local(moment: datetime.datetime) -> datetime.datetime:
    """A datetime on the municipality's clock; naive datetimes are taken to be on it already."""
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


# XLSX -------------------------------------------------------------------------------------------

def _xlsx_cell(value) -> tuple[object, str | None]:
    """What openpyxl writes for a cell and its number format (None: the default)."""
    if value is None:
        return None, None
    if isinstance(value, Percent):
        share = _finite(value.value)
        if share is None:
            return None, None
        return float(share), PERCENT_FORMAT
    # bool before int: True is an int to Python.
    if isinstance(value, bool):
        return _yes_no(value), None
    if isinstance(value, Decimal):
        number = _finite(value)
        return (float(number) if number is not None else None), None
    if isinstance(value, int | float):
        return _finite(value), None
    # datetime before date: a datetime is a date to Python.
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: openpyxl refuses an aware datetime.
        return _local(value).replace(tzinfo=None), DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return value, DATE_FORMAT
    text = cell_neutralise(str(value))
    return (text if text != "" else None), None


def _shown_width(value, number_format: str | None) -> int:
    """About how many characters the spreadsheet shows for a written cell."""
    if value is None:
        return 0
    if number_format == PERCENT_FORMAT:
        return len(f"{value * 100:.1f} %")
    if number_format is not None:
        # A date or time is as long as its format: DD.MM.YYYY is 12.03.2026.
        return len(number_format)
    return max(len(line) for line in str(value).splitlines() or [""])


def _sheet_title(name: str) -> str | None:
    """A sheet name Excel accepts, or None if nothing of `name` is left."""
    title = SHEET_NAME_FORBIDDEN.sub("", name)[:SHEET_NAME_MAX]
    # Excel also refuses an apostrophe at either end (it quotes sheet names in formulas).
    title = title.strip("'").strip()
    return title or None


def _xlsx(headers: list, rows: list[list], sheet_name: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    title = _sheet_title(sheet_name)
    if title is not None:
        sheet.title = title
    widths = [len(str(h)) for h in headers]
    sheet.append([cell_neutralise(str(h)) for h in headers])
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            written, number_format = _xlsx_cell(value)
            if written is None:
                continue
            cell = sheet.cell(row=r, column=c, value=written)
            if number_format is not None:
                cell.number_format = number_format
            if c > len(widths):
                widths += [0] * (c - len(widths))
            widths[c - 1] = max(widths[c - 1], _shown_width(written, number_format))
    # The header stays in view while scrolling a long list.
    sheet.freeze_panes = "A2"
    for c, width in enumerate(widths, start=1):
        # A little room beside the longest value; a long note wraps rather than filling the
        # screen.
        sheet.column_dimensions[get_column_letter(c)].width = min(
            max(width + 2, COLUMN_WIDTH_MIN), COLUMN_WIDTH_MAX)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# CSV --------------------------------------------------------------------------------------------

def _csv_number(number, decimal_pos: int | None = None) -> str:
    # formats.number_format, but never grouped: "375 000" is read back as text, not a number,
    # whatever USE_THOUSAND_SEPARATOR says for the pages.
    return str(numberformat.format(number, get_format("DECIMAL_SEPARATOR", use_l10n=True),
                                   decimal_pos, grouping=0, use_l10n=True))


def _csv_percent(share) -> str:
    # Rounded as the pages round (formats.rounded: half up, where Django's number formatting
    # would cut 0.8769 to 87,6 %), with a plain space that Excel reads back.
    return f"{_csv_number(rounded(Decimal(str(share)) * 100, 1), 1)} %"


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Percent):
        share = _finite(value.value)
        return "" if share is None else _csv_percent(share)
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, Decimal | int | float):
        number = _finite(value)
        return "" if number is None else _csv_number(number)
    if isinstance(value, datetime.datetime):
        return date_format(_local(value), "SHORT_DATETIME_FORMAT", use_l10n=True)
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT", use_l10n=True)
    return cell_neutralise(str(value))


def _csv(headers: list, rows: list[list]) -> str:
    buffer = io.StringIO()
    # Semicolons and a BOM: what Excel in a Norwegian locale opens without asking.
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([cell_neutralise(str(h)) for h in headers])
    writer.writerows([[_csv_cell(c) for c in row] for row in rows])
    return buffer.getvalue()
