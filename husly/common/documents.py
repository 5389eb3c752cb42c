"""Letters and printouts: HTML templates rendered in the municipality's written language and
turned into PDF with WeasyPrint."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation


def document_html(template: str, context: dict, *, language: str) -> str:
    with translation.override(language):
        return render_to_string(template, {**context, "language": language})


def pdf_from_html(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """Shown in the browser, never cached: these letters hold person data."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
