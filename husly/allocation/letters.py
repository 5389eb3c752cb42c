"""Decision letters and preliminary replies, in the municipality's written language."""

from django.utils import timezone

from husly.allocation.models import DecisionKind
from husly.allocation.selectors import settings_for
from husly.common.documents import document_html, pdf_from_html


def decision_letter_html(decision) -> str:
    application = decision.application
    municipality = application.municipality
    return document_html("allocation/letters/decision.html", {
        "decision": decision, "application": application, "municipality": municipality,
        "settings": settings_for(municipality), "today": timezone.localdate(),
        "tailored": decision.kind == DecisionKind.TAILORED_HELP,
        "lease_years": (decision.lease_months // 12
                        if decision.lease_months and decision.lease_months % 12 == 0
                        else None),
    }, language=municipality.written_language)


def preliminary_reply_html(application) -> str:
    municipality = application.municipality
    return document_html("allocation/letters/preliminary_reply.html", {
        "application": application, "municipality": municipality,
        "settings": settings_for(municipality), "today": timezone.localdate(),
    }, language=municipality.written_language)


def decision_letter_pdf(decision) -> bytes:
    return pdf_from_html(decision_letter_html(decision))


def preliminary_reply_pdf(application) -> bytes:
    return pdf_from_html(preliminary_reply_html(application))
