"""At the door, on a phone: the follow-up worker records a visit, the caretaker a work order."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from husly.accounts.models import Role
from husly.followup import services
from husly.followup.models import Visit, VisitStatus
from husly.housing.models import WorkOrder
from husly.housing.services import work_order_create
from tests.browser.test_main_flow import PASSWORD, assert_accessible
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory, staff_make
from tests.housing.test_work_orders import png_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def phone_sign_in(browser, live_server, user):
    context = browser.new_context(locale="nb-NO", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/konto/logg-inn/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_be_visible()
    return page


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"


def test_visit_and_work_order_on_a_phone(browser, live_server, municipality, team, settings):
    settings.HUSLY_REQUIRE_2FA = False  # the two-factor step is walked in test_main_flow
    worker = staff_make(municipality=municipality, role=Role.FOLLOWUP_WORKER, team=team,
                        username="miljo")
    caretaker = staff_make(municipality=municipality, role=Role.CARETAKER, team=team,
                           username="vaktmester")
    resident = ResidentFactory(municipality=municipality, team=team, primary_contact=worker,
                               family_name="Dørstokk", phone="41234567")
    dwelling = DwellingFactory(municipality=municipality, street_address="Havnegata 4")
    TenancyFactory(dwelling=dwelling, residents=[resident],
                   start_date=timezone.localdate() - datetime.timedelta(days=60))
    today = timezone.localdate()
    services.agreement_create(resident=resident, team=team, primary_contact=worker,
                              start_date=today, visit_weekday=today.weekday() % 5, by=worker)
    work_order_create(dwelling=dwelling, kind="repair", description="Dryppende kran",
                      resident=resident, due_on=today, by=None)

    page = phone_sign_in(browser, live_server, worker)
    page.goto(f"{live_server.url}/oppfolging/min-uke/")
    assert_accessible(page)
    no_sideways_scroll(page)
    page.get_by_role("link", name="Registrer").first.click()
    page.locator("input[name=status][value=done]").check()
    page.get_by_label("Skade på boligen").check()
    page.locator("#id_actions").fill("Meldt til vaktmester")
    page.locator("#id_note_text").fill("Trivdes, ryddig.")
    assert_accessible(page)
    no_sideways_scroll(page)
    page.locator("main button[type=submit]").click()
    expect(page.locator(".ds-alert[data-color=success]")).to_be_visible()
    visit = Visit.objects.get(planned_on=today)
    assert visit.status == VisitStatus.DONE and visit.damage

    page = phone_sign_in(browser, live_server, caretaker)
    page.get_by_role("link", name="Arbeidsordrer").click()
    assert_accessible(page)
    no_sideways_scroll(page)
    page.get_by_role("link", name="Reparasjon: Havnegata 4", exact=False).click()
    expect(page.get_by_role("link", name="41234567")).to_be_visible()
    page.locator("#id_image").set_input_files(
        {"name": "kran.png", "mimeType": "image/png", "buffer": png_upload().read()})
    page.get_by_role("button", name="Legg ved bilde").click()
    expect(page.get_by_role("img", name=re.compile("Bilde fra"))).to_be_visible()
    page.locator("#id_what_was_done").fill("Byttet pakning")
    page.locator("#id_guidance_given").fill("Viste hvordan kranen strammes")
    assert_accessible(page)
    no_sideways_scroll(page)
    page.get_by_role("button", name="Merk som utført").click()
    expect(page.locator(".ds-alert[data-color=success]")).to_be_visible()
    assert WorkOrder.objects.get().done_on == today


def test_a_visit_that_found_damage_orders_the_repair_in_two_taps(browser, live_server,
                                                                 municipality, team, settings):
    settings.HUSLY_REQUIRE_2FA = False
    worker = staff_make(municipality=municipality, role=Role.FOLLOWUP_WORKER, team=team,
                        username="miljo")
    resident = ResidentFactory(municipality=municipality, team=team, primary_contact=worker)
    dwelling = DwellingFactory(municipality=municipality, street_address="Bryggen 7")
    today = timezone.localdate()
    TenancyFactory(dwelling=dwelling, residents=[resident],
                   start_date=today - datetime.timedelta(days=60))
    services.agreement_create(resident=resident, team=team, primary_contact=worker,
                              start_date=today, visit_weekday=today.weekday() % 5, by=worker)
    visit = Visit.objects.get(planned_on=today)

    page = phone_sign_in(browser, live_server, worker)
    page.goto(f"{live_server.url}/oppfolging/besok/{visit.pk}/")
    page.locator("input[name=status][value=done]").check()
    page.get_by_label("Skade på boligen").check()
    page.locator("#id_actions").fill("Knust rute i stuevinduet")
    page.locator("main button[type=submit]").click()
    # The week offers the work order; only the visit's id is in the address
    order_link = page.locator(f"main a[href$='?besok={visit.pk}']")
    expect(order_link).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)
    order_link.click()
    assert "Knust" not in page.url
    expect(page.locator("#id_description")).to_have_value("Knust rute i stuevinduet")
    expect(page.locator("#id_kind")).to_have_value("repair")
    page.locator("#id_due_on").fill((today + datetime.timedelta(days=3)).isoformat())
    assert_accessible(page)
    no_sideways_scroll(page)
    page.locator("main button[type=submit]").click()
    expect(page.locator(".ds-alert[data-color=success]")).to_be_visible()
    order = WorkOrder.objects.get()
    assert (order.dwelling, order.resident, order.kind) == (dwelling, resident, "repair")
