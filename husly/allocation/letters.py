"""Letters from HTML templates (WeasyPrint), in the municipality's written language."""

from django.template.loader import render_to_string
from django.utils import timezone, translation

from husly.allocation.models import DecisionKind
from husly.allocation.services import settings_for


def decision_letter_html(decision) -> str:
    application = decision.application
    municipality = application.municipality
    with translation.override(municipality.written_language):
        return render_to_string("allocation/letters/decision.html", {
            "decision": decision, "application": application, "municipality": municipality,
            "settings": settings_for(municipality), "today": timezone.localdate(),
            "tailored": decision.kind == DecisionKind.TAILORED_HELP,
            "lease_years": (decision.lease_months // 12
                            if decision.lease_months and decision.lease_months % 12 == 0
                            else None),
            "language": municipality.written_language,
        })


def preliminary_reply_html(application) -> str:
    municipality = application.municipality
    with translation.override(municipality.written_language):
        return render_to_string("allocation/letters/preliminary_reply.html", {
            "application": application, "municipality": municipality,
            "settings": settings_for(municipality), "today": timezone.localdate(),
            "language": municipality.written_language,
        })


def _pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def decision_letter_pdf(decision) -> bytes:
    return _pdf(decision_letter_html(decision))


def preliminary_reply_pdf(application) -> bytes:
    return _pdf(preliminary_reply_html(application))
