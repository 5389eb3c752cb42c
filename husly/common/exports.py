"""Every table can be downloaded as CSV or XLSX with the same numbers as the screen."""

import csv
import io

from django.http import HttpResponse

from husly.common.spreadsheets import cell_neutralise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_response(*, fmt: str, filename: str, headers: list[str], rows: list[list]):
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append([cell_neutralise(str(h)) for h in headers])
        for row in rows:
            # Numbers stay numbers; text that looks like a formula is written as text.
            sheet.append([c if isinstance(c, int | float) and not isinstance(c, bool)
                          else cell_neutralise(str(c)) for c in row])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    else:
        buffer = io.StringIO()
        # Semicolons and a BOM: what Excel in a Norwegian locale opens without asking.
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow([cell_neutralise(str(h)) for h in headers])
        writer.writerows([[c if isinstance(c, int | float) and not isinstance(c, bool)
                           else cell_neutralise(str(c)) for c in row] for row in rows])
        response = HttpResponse("\ufeff" + buffer.getvalue(),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["Cache-Control"] = "no-store"
    return response
