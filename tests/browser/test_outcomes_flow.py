"""The team leader opens the by-name list and the reports, drills down and downloads."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from husly.accounts.models import Role
from tests.browser.test_main_flow import assert_accessible
from tests.browser.test_rights_flow import sign_in
from tests.factories import ResidentFactory, staff_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_by_name_list_reports_drill_down_and_export(browser, live_server, municipality, team,
                                                    settings):
    settings.HUSLY_REQUIRE_2FA = False  # the two-factor step is walked in test_main_flow
    leader = staff_make(municipality=municipality, role=Role.TEAM_LEADER, team=team,
                        username="leder")
    for name in ("Uteliggersen", "Sofasurfer"):
        ResidentFactory(municipality=municipality, team=team, family_name=name,
                        housing_situation="street",
                        housing_situation_since=timezone.localdate())
    page = sign_in(browser, live_server, leader)
    page.get_by_role("link", name="Uten bolig").click()
    expect(page.get_by_role("heading", name="Alle uten bolig")).to_be_visible()
    expect(page.get_by_role("link", name="Uteliggersen", exact=False)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Resultater").click()
    assert_accessible(page)
    page.locator("table a.ds-link").first.click()
    expect(page.get_by_text("Sofasurfer")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.goto(f"{live_server.url}/resultater/bostabilitet/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/resultater/frister-og-tempo/")
    assert_accessible(page)
    page.get_by_role("link", name="Internkontroll").click()
    expect(page.get_by_role("heading", name="Primærkontakter per team")).to_be_visible()
    assert_accessible(page)
    # Every count opens the people behind it
    page.locator("section[aria-labelledby='tabell-hovedkontakt'] table a.ds-link").first.click()
    expect(page.get_by_role("heading", name="Beboere teamet følger opp")).to_be_visible()
    expect(page.get_by_role("link", name="Uteliggersen", exact=False)).to_be_visible()
    assert_accessible(page)
    # KOSTRA: the leader enters the inhabitants and sees the figure per 1,000
    page.goto(f"{live_server.url}/resultater/internkontroll/")
    page.get_by_role("link", name="KOSTRA-tall").click()
    year = str(timezone.localdate().year)
    page.get_by_label("År", exact=True).first.select_option(year)
    page.get_by_role("button", name="Vis").click()
    page.get_by_label("Innbyggere 1. januar").fill("80000")
    page.get_by_role("button", name="Lagre innbyggertall").click()
    expect(page.get_by_text(f"Innbyggertall for {year} er lagret.")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile(r"^80\s000$"))).to_be_visible()
    assert_accessible(page)
    # The report to the council is a PDF
    href = page.get_by_role("link", name="Rapport til kommunestyret (PDF)").get_attribute("href")
    report = page.request.get(f"{live_server.url}{href}")
    assert report.ok and report.headers["content-type"] == "application/pdf"
    assert report.body().startswith(b"%PDF")
    page.context.close()
