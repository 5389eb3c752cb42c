"""Consent and emergency access in the browser: the follow-up worker records the resident's
consent, NAV sees what it covers, the consent is withdrawn; a worker without a relation
uses emergency access and the team leader reviews it. Each screen is checked with axe."""

import pytest
from playwright.sync_api import expect

from husly.accounts.models import Role
from husly.common.models import Category
from husly.people import services as people
from tests.browser.test_followup_phone import no_sideways_scroll
from tests.browser.test_main_flow import PASSWORD, assert_accessible
from tests.factories import ResidentFactory, staff_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Ønsker hjelp med å søke bostøtte"


def unit_of(user):
    return user.role_assignments.get().unit


def sign_in(browser, live_server, user, *, width=1280):
    context = browser.new_context(locale="nb-NO", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/konto/logg-inn/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_be_visible()
    return page


def test_consent_opens_and_closes_and_emergency_access_is_reviewed(
        browser, live_server, municipality, team, settings):
    settings.HUSLY_REQUIRE_2FA = False  # the two-factor step is walked in test_main_flow
    worker = staff_make(municipality=municipality, role=Role.FOLLOWUP_WORKER, team=team,
                        username="miljo")
    nav = staff_make(municipality=municipality, role=Role.NAV_COUNSELLOR, team=team,
                     username="nav")
    leader = staff_make(municipality=municipality, role=Role.TEAM_LEADER, team=team,
                        username="leder")
    outsider = staff_make(municipality=municipality, role=Role.FOLLOWUP_WORKER,
                          username="vakt")
    resident = ResidentFactory(municipality=municipality, team=team, primary_contact=worker,
                               family_name="Samtykkesen")
    people.resident_note_write(resident=resident, category=Category.FOLLOWUP, text=NOTE,
                               by=worker)
    detail = f"{live_server.url}/beboere/{resident.pk}/"

    # The follow-up worker records the consent from the resident page
    page = sign_in(browser, live_server, worker)
    page.goto(detail)
    page.get_by_role("link", name="Samtykker").click()
    assert_accessible(page)
    page.locator(f"input[name=from_units][value='{unit_of(worker).pk}']").check()
    page.locator(f"input[name=to_units][value='{unit_of(nav).pk}']").check()
    page.get_by_role("checkbox", name="Oppfølging", exact=True).check()
    page.get_by_role("button", name="Registrer samtykke").click()
    expect(page.get_by_text("Samtykket er registrert")).to_be_visible()
    expect(page.get_by_text("Gjelder", exact=True).first).to_be_visible()
    page.context.close()

    # NAV reads what the consent covers
    page = sign_in(browser, live_server, nav)
    page.goto(detail)
    expect(page.get_by_text(NOTE)).to_be_visible()
    page.context.close()

    # Withdrawn: as quick as giving it; NAV stops seeing it
    page = sign_in(browser, live_server, worker)
    page.goto(f"{live_server.url}/tilgang/beboer/{resident.pk}/samtykke/")
    page.get_by_role("button", name="Trekk tilbake").click()
    expect(page.get_by_text("Samtykket er trukket tilbake")).to_be_visible()
    page.context.close()
    page = sign_in(browser, live_server, nav)
    page.goto(detail)
    expect(page.get_by_text(NOTE)).to_have_count(0)
    page.context.close()

    # A worker with no relation opens the record in an emergency, on a phone
    page = sign_in(browser, live_server, outsider, width=390)
    page.goto(detail)
    page.get_by_role("link", name="Nødtilgang").click()
    assert_accessible(page)
    no_sideways_scroll(page)
    page.get_by_label("Fare for liv eller helse").check()
    page.get_by_label("Forklar situasjonen").fill("Naboen melder om røyk fra leiligheten.")
    page.get_by_role("button", name="Åpne journalen").click()
    expect(page.get_by_role("heading", name=resident.full_name)).to_be_visible()
    page.context.close()

    # The team leader sees it the same day and reviews it
    page = sign_in(browser, live_server, leader)
    page.get_by_role("link", name="Tilgangskontroll").click()
    assert_accessible(page)
    expect(page.get_by_text("Naboen melder om røyk")).to_be_visible()
    page.get_by_label("Godkjent: tilgangen var nødvendig").check()
    page.get_by_role("button", name="Registrer gjennomgang").click()
    expect(page.get_by_text("Gjennomgangen er registrert")).to_be_visible()
    expect(page.get_by_text("Ingenting å gå gjennom.")).to_be_visible()

    # The access log lists the emergency read
    page.goto(f"{live_server.url}/tilgang/beboer/{resident.pk}/logg/")
    assert_accessible(page)
    expect(page.get_by_text("Nødtilgang").first).to_be_visible()
