"""The housing officer registers a private landlord, records an offer and accepts it."""

import pytest
from playwright.sync_api import expect

from husly.accounts.models import Role
from tests.browser.test_main_flow import assert_accessible
from tests.browser.test_rights_flow import sign_in
from tests.factories import staff_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_landlord_register_offer_and_accept(browser, live_server, municipality, team, settings):
    settings.HUSLY_REQUIRE_2FA = False  # the two-factor step is walked in test_main_flow
    officer = staff_make(municipality=municipality, role=Role.HOUSING_OFFICER, team=team,
                         username="bolig")
    page = sign_in(browser, live_server, officer)
    page.get_by_role("link", name="Boliger", exact=True).click()
    page.get_by_role("link", name="Private utleiere: kontakter, tilbud og leieforhold").click()
    assert_accessible(page)
    page.get_by_role("link", name="Registrer utleier").click()
    page.get_by_label("Navn").fill("Fjordgata Eiendom AS")
    page.get_by_label("Organisasjonsnummer").fill("912345687")
    page.get_by_role("button", name="Lagre").click()
    # A wrong check digit is refused with what to do
    expect(page.get_by_text("gyldig kontrollsiffer").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Organisasjonsnummer").fill("912345688")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", name="Fjordgata Eiendom AS")).to_be_visible()
    page.get_by_label("Type kontakt").select_option("offer")
    page.get_by_label("Hva som ble sagt eller avtalt").fill("Tilbyr en toroms fra mars.")
    page.get_by_label("Adresse som tilbys (bare tilbud)").fill("Fjordgata 4")
    page.get_by_role("button", name="Registrer kontakt").click()
    expect(page.get_by_text("Til vurdering")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Aksepter tilbudet").click()
    expect(page.get_by_text("Tilbudet er akseptert.")).to_be_visible()
    page.context.close()
