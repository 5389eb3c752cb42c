"""The NAV counsellor registers a deposit guarantee from the resident's page, decides it,
and finds it in the caseload with the bostøtte deadline."""

import pytest
from playwright.sync_api import expect

from husly.accounts.models import Role
from husly.financing.models import FinancingApplication
from tests.browser.test_main_flow import assert_accessible
from tests.browser.test_rights_flow import sign_in
from tests.factories import ResidentFactory, staff_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_nav_registers_and_decides_a_deposit_guarantee(browser, live_server, municipality,
                                                       team, settings):
    settings.HUSLY_REQUIRE_2FA = False  # the two-factor step is walked in test_main_flow
    nav = staff_make(municipality=municipality, role=Role.NAV_COUNSELLOR, team=team,
                     username="nav")
    ResidentFactory(municipality=municipality, team=team, given_name="Kari",
                    family_name="Fjellheim")
    page = sign_in(browser, live_server, nav)
    page.locator("nav a[href$='/beboere/']").click()  # she lands on her inbox (ADR 0030)
    page.get_by_role("link", name="Fjellheim", exact=False).first.click()
    expect(page.get_by_role("heading", name="Finansiering")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Registrer en finansieringssøknad").click()
    assert_accessible(page)
    page.get_by_label("Hva det søkes om").select_option("deposit_guarantee")
    page.get_by_label("Beløp det søkes om (kr)").fill("24000")
    page.get_by_role("button", name="Registrer", exact=True).click()
    expect(page.get_by_text("Søknaden er registrert.")).to_be_visible()
    assert_accessible(page)
    # A grant larger than the application is refused beside the field
    page.get_by_label("Innvilget", exact=True).check()
    page.get_by_label("Innvilget beløp (kr)").fill("30000")
    page.get_by_role("button", name="Registrer vedtaket").click()
    expect(page.get_by_text("er større enn beløpet det ble søkt om").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Innvilget", exact=True).check()
    page.get_by_label("Innvilget beløp (kr)").fill("")
    page.get_by_role("button", name="Registrer vedtaket").click()
    expect(page.get_by_text("Vedtaket er registrert.")).to_be_visible()
    assert FinancingApplication.objects.get().amount_granted == 24000
    page.get_by_role("link", name="Finansiering", exact=True).first.click()
    expect(page.get_by_role("heading", name="Neste frist for bostøtte")).to_be_visible()
    expect(page.get_by_role("link", name="Kari Fjellheim")).to_be_visible()
    assert_accessible(page)
    page.context.close()
