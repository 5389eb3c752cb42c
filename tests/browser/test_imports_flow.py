"""The housing officer imports dwellings: upload → columns → a check with problems → a
corrected file → import → receipt, with axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from husly.accounts.models import Role
from husly.housing.models import Dwelling
from tests.browser.test_main_flow import assert_accessible
from tests.browser.test_rights_flow import sign_in
from tests.factories import staff_make
from tests.imports.helpers import DWELLING_HEADER, csv_bytes, dwelling_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def upload(page, data: bytes, name="boliger.csv"):
    page.get_by_label("Hva filen inneholder").select_option(label="Boliger")
    page.get_by_label("Fil", exact=True).set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data})
    page.get_by_role("button", name="Last opp og velg kolonner").click()


def test_officer_fixes_the_file_and_imports_it(browser, live_server, municipality, settings):
    settings.HUSLY_REQUIRE_2FA = False  # the two-factor step is walked in test_main_flow
    officer = staff_make(municipality=municipality, role=Role.HOUSING_OFFICER,
                         username="bolig")
    page = sign_in(browser, live_server, officer)
    page.get_by_role("link", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="Importer fra fil")).to_be_visible()
    assert_accessible(page)

    wrong = csv_bytes(DWELLING_HEADER, [dwelling_row(), dwelling_row(unit="H0102", rooms="to"),
                                        dwelling_row(address="=1+1", unit="H0103")])
    upload(page, wrong)
    expect(page.get_by_role("heading", name="Velg kolonnene")).to_be_visible()
    expect(page.get_by_label("Gateadresse")).to_have_value("0")
    assert_accessible(page)
    page.get_by_role("button", name="Kontroller filen").click()

    expect(page.get_by_role("heading", name="Kontroll av filen")).to_be_visible()
    problems = page.get_by_role("table", name="Problemer etter rad og felt")
    expect(problems.get_by_role("row", name=re.compile(r"^3 Rom Skriv et helt tall"))
           ).to_be_visible()
    expect(problems.get_by_role("row", name=re.compile(r"^4 Gateadresse Cellen begynner med"))
           ).to_be_visible()
    expect(page.get_by_role("button", name="Importer")).to_have_count(0)
    assert_accessible(page)
    assert not Dwelling.objects.exists()

    page.get_by_role("link", name="Last opp en rettet fil").click()
    fixed = csv_bytes(DWELLING_HEADER, [dwelling_row(), dwelling_row(unit="H0102", rooms="2"),
                                        dwelling_row(address="Prøvegata 1", unit="H0103")])
    upload(page, fixed)
    page.get_by_role("button", name="Kontroller filen").click()
    summary = page.get_by_role("table", name="Hva importen vil gjøre")
    expect(summary.get_by_role("row", name="Nye")).to_contain_text("3")
    assert_accessible(page)
    page.get_by_role("button", name="Importer").click()

    expect(page.get_by_role("heading", name="Kvittering for import")).to_be_visible()
    expect(page.get_by_role("table", name="Hva som ble importert").get_by_role(
        "row", name="Nye")).to_contain_text("3")
    assert_accessible(page)
    assert Dwelling.objects.filter(municipality=municipality).count() == 3
    page.context.close()
