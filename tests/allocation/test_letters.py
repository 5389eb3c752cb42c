import datetime

import pytest
import time_machine

from husly.allocation import letters, services
from husly.common.models import Municipality
from tests.factories import ResidentFactory

TODAY = datetime.date(2026, 3, 30)


def _decided(flow, *, granted, kind="dwelling"):
    applicant = ResidentFactory(municipality=flow["municipality"])
    application = services.application_register(
        applicant=applicant, officer_unit=flow["officer_unit"], by=flow["officer"],
        needs_ground_floor_or_lift=True)
    return services.application_decide(
        application=application, granted=granted, kind=kind,
        reasons="Søkeren står uten bolig og har behov for oppfølging.",
        legal_basis="Tildelingsreglene § 3", dwelling_kind="transitional" if granted else "",
        rooms=2 if granted else None, lease_months=36 if granted else None,
        help_content="Hjelp til å finne og beholde bolig." if kind == "tailored_help" else "",
        by=flow["officer"])


def _language(flow, language):
    Municipality.objects.filter(pk=flow["municipality"].pk).update(written_language=language)
    flow["municipality"].refresh_from_db()


# Each required element, in the municipality's language: title, reasons, legal basis,
# appeal right, deadline of three weeks, appeal body, how to appeal, contact.
ELEMENTS = {
    "nb": ["Vedtak: Du får tildelt kommunal bolig", "Begrunnelse", "Rettsgrunnlag",
           "Du har rett til å klage", "tre uker", "Klagen blir behandlet av Kommunens "
           "klagenemnd", "forvaltningsloven § 29", "Tildelingsreglene § 3", "3 år",
           "Søkeren står uten bolig"],
    "nn": ["Vedtak: Du får tildelt kommunal bustad", "Grunngiving", "Rettsgrunnlag",
           "Du har rett til å klage", "tre veker", "Klaga blir handsama av Kommunens "
           "klagenemnd", "forvaltningslova § 29", "Tildelingsreglene § 3", "3 år",
           "Søkeren står uten bolig"],
}
REFUSAL = {
    "nb": ["Vedtak: Søknaden din om kommunal bolig er avslått", "Annen hjelp du kan få",
           "Bostøtte", "Depositumsgaranti", "Du har rett til å klage"],
    "nn": ["Vedtak: Søknaden din om kommunal bustad er avslått", "Anna hjelp du kan få",
           "Bustøtte", "Depositumsgaranti", "Du har rett til å klage"],
}


@pytest.mark.parametrize("language", ["nb", "nn"])
@time_machine.travel(TODAY)
def test_grant_letter_has_every_required_element(flow, language):
    _language(flow, language)
    html = letters.decision_letter_html(_decided(flow, granted=True))
    missing = [e for e in ELEMENTS[language] if e not in html]
    assert not missing
    assert f'lang="{language}"' in html
    assert "30. mars 2026" in html


@pytest.mark.parametrize("language", ["nb", "nn"])
@time_machine.travel(TODAY)
def test_refusal_letter_tells_about_other_help(flow, language):
    _language(flow, language)
    html = letters.decision_letter_html(_decided(flow, granted=False))
    missing = [e for e in REFUSAL[language] if e not in html]
    assert not missing


@time_machine.travel(TODAY)
def test_tailored_help_is_appealed_to_statsforvalteren(flow):
    html = letters.decision_letter_html(_decided(flow, granted=True, kind="tailored_help"))
    assert "Vedtak om individuelt tilpasset hjelp med bolig" in html
    assert "Klagen blir behandlet av Statsforvalteren" in html
    assert "Hjelp til å finne og beholde bolig." in html


@time_machine.travel(TODAY)
def test_letters_render_as_pdf(flow):
    decision = _decided(flow, granted=True)
    pdf = letters.decision_letter_pdf(decision)
    assert pdf.startswith(b"%PDF")
    reply = letters.preliminary_reply_pdf(decision.application)
    assert reply.startswith(b"%PDF")
    html = letters.preliminary_reply_html(decision.application)
    assert "Foreløpig svar på søknaden din om kommunal bolig" in html
    assert "§ 11a" in html
