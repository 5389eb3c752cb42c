"""Every table can be downloaded as CSV or XLSX with the same numbers as the screen."""

import csv
import io

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_response(*, fmt: str, filename: str, headers: list[str], rows: list[list]):
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append([str(h) for h in headers])
        for row in rows:
            sheet.append([c if isinstance(c, int | float) else str(c) for c in row])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    else:
        buffer = io.StringIO()
        # Semicolons and a BOM: what Excel in a Norwegian locale opens without asking.
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow([str(h) for h in headers])
        writer.writerows([[str(c) for c in row] for row in rows])
        response = HttpResponse("\ufeff" + buffer.getvalue(),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["Cache-Control"] = "no-store"
    return response
