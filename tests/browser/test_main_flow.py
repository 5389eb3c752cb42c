"""A housing officer's first minutes in Husly, in Chromium, with axe on every page."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from husly.accounts.models import Role
from tests.factories import (
    DwellingFactory,
    MunicipalityFactory,
    ResidentFactory,
    TeamFactory,
    TenancyFactory,
    staff_make,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "et-langt-testpassord-42"
AXE = Axe()


def assert_accessible(page):
    results = AXE.run(page)
    serious = [v for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in serious
    )


@pytest.fixture
def world():
    municipality = MunicipalityFactory(number="1108", name="Sandnes")
    team = TeamFactory(municipality=municipality, name="Housing First-teamet")
    officer = staff_make(municipality=municipality, role=Role.HOUSING_OFFICER, team=team,
                         username="bolig")
    device = TOTPDevice.objects.create(user=officer, name="Husly", confirmed=True)
    resident = ResidentFactory(municipality=municipality, team=team, given_name="Kari",
                               family_name="Fjellheim", phone="41234567")
    ResidentFactory(municipality=municipality, team=team, given_name="Ola", family_name="Berg")
    dwelling = DwellingFactory(municipality=municipality, street_address="Storgata 12",
                               kind="small_house")
    TenancyFactory(dwelling=dwelling, residents=[resident],
                   start_date=datetime.date(2025, 4, 1))
    return {"device": device, "resident": resident, "dwelling": dwelling}


def log_in(page, live_server, device):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/konto/logg-inn/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn i Husly")
    assert_accessible(page)
    page.get_by_label("Brukernavn").fill("bolig")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page).to_have_url(re.compile(r"/konto/tofaktor/"))
    assert_accessible(page)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.get_by_label("Sekssifret kode fra autentiseringsappen").fill(f"{code:06d}")
    page.get_by_role("button", name="Bekreft").click()
    # Every role lands on its own work: the housing officer on the inbox (ADR 0030)
    expect(page).to_have_url(re.compile(r"/innboks/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Innboks")
    assert_accessible(page)
    page.locator("nav a[href$='/beboere/']").click()


def test_log_in_search_open_resident_and_dwelling_switch_to_nynorsk(page, live_server, world):
    log_in(page, live_server, world["device"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Beboere")
    assert_accessible(page)

    page.get_by_label("Søk på navn eller fødselsnummer").fill("Fjell")
    page.get_by_role("button", name="Søk", exact=True).click()
    results = page.locator("#resident-results")
    expect(results.get_by_role("link", name="Fjellheim, Kari")).to_be_visible()
    expect(results.get_by_role("link", name="Berg, Ola")).to_have_count(0)
    assert_accessible(page)

    results.get_by_role("link", name="Fjellheim, Kari").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kari Fjellheim")
    expect(page.get_by_text("Storgata 12").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("Storgata 12")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Storgata 12")
    expect(page.get_by_role("link", name="Kari Fjellheim")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Språk").select_option("nn")
    page.get_by_role("button", name="Bytt språk").click()
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    main_menu = page.get_by_role("navigation", name="Hovudmeny")
    expect(main_menu.get_by_role("link", name="Bustader")).to_be_visible()
    assert_accessible(page)

    main_menu.get_by_role("link", name="Bustader").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bustader")
    assert_accessible(page)
    assert not page.csp_violations, page.csp_violations


def test_dwelling_filters_and_resident_page_work_on_a_phone(phone, live_server, world):
    log_in(phone, live_server, world["device"])
    phone.goto(f"{live_server.url}/boliger/?kind=small_house")
    expect(phone.get_by_role("link", name=re.compile("Storgata 12"))).to_be_visible()
    assert_accessible(phone)
    phone.goto(f"{live_server.url}/beboere/{world['resident'].pk}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Kari Fjellheim")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    assert_accessible(phone)
