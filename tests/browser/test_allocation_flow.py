"""One applicant from application to keys, each role doing their part in Chromium."""

import re

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from husly.allocation.models import Application, ApplicationState
from husly.housing.models import DwellingStatus
from husly.people.models import HousingSituation
from tests.browser.test_main_flow import PASSWORD, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, user):
    device = TOTPDevice.objects.create(user=user, name="Husly", confirmed=True)
    context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/konto/logg-inn/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.locator("#id_token").fill(f"{code:06d}")
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_be_visible()
    return page


def click(page, name):
    page.get_by_role("button", name=name, exact=True).click()
    errors = page.locator(".ds-alert[data-color=danger]")
    expect(errors, errors.all_inner_texts() and str(errors.all_inner_texts())).to_have_count(0)


def test_from_application_to_keys_in_the_browser(browser, live_server, flow):
    officer = sign_in(browser, live_server, flow["officer"])
    officer.get_by_role("link", name="Tildeling").click()
    assert_accessible(officer)
    officer.get_by_role("link", name="Registrer søknad").click()
    officer.locator("#id_applicant").select_option(str(flow["applicant"].pk))
    officer.locator("#id_housing_first").check()
    officer.locator("#id_wishes").fill("Vil bo nær sjøen")
    assert_accessible(officer)
    click(officer, "Registrer")
    expect(officer.locator("h1")).to_contain_text(flow["applicant"].full_name)
    click(officer, "Be oppfølgingsenheten om uttale")
    assert_accessible(officer)
    application_url = officer.url

    worker = sign_in(browser, live_server, flow["worker"])
    worker.goto(application_url)
    assert_accessible(worker)
    worker.get_by_role("link", name="Skriv uttalen").click()
    worker.locator("#id_text").fill("Trenger rolig bolig nær tjenestene.")
    assert_accessible(worker)
    click(worker, "Send uttale")

    officer.reload()
    officer.get_by_role("link", name="Fatt vedtak").click()
    officer.get_by_label("Innvilget").check()
    officer.locator("#id_reasons").fill("Søkeren står uten bolig og ønsker Housing First.")
    officer.locator("#id_legal_basis").fill("Tildelingsreglene § 3")
    officer.locator("#id_dwelling_kind").select_option("transitional")
    officer.locator("#id_lease_months").select_option("36")
    assert_accessible(officer)
    click(officer, "Fatt vedtaket")
    letter_url = officer.get_by_role("link", name=re.compile("PDF")).first.get_attribute("href")
    letter = officer.request.get(f"{live_server.url}{letter_url}")
    assert letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF")

    officer.get_by_role("link", name="Tilby bolig").click()
    officer.get_by_label(re.compile("Nyveien 3")).check()
    assert_accessible(officer)
    click(officer, "Tilby")
    officer.get_by_label("Visningsdato").fill(timezone.localdate().isoformat())
    officer.get_by_label("Hvem var med").fill("Mats fra Mestringsenheten")
    click(officer, "Registrer visning")
    officer.get_by_label("Takket ja").check()
    click(officer, "Registrer svar")
    click(officer, "Registrer tildelingen")
    expect(officer.locator("#meeting-heading")).to_be_visible()
    expect(officer.get_by_text("I rute").first).to_be_visible()
    assert_accessible(officer)
    officer.get_by_role("link", name="Registrer møtet").click()
    for user in (flow["officer"], flow["worker"], flow["nav"]):
        officer.get_by_label(user.get_full_name()).check()
    assert_accessible(officer)
    click(officer, "Registrer møtet")

    nav = sign_in(browser, live_server, flow["nav"])
    nav.get_by_role("link", name="Mine oppgaver").click()
    assert_accessible(nav)
    nav.get_by_role("button", name="Merk som utført").first.click()
    expect(nav.get_by_role("button", name="Merk som utført")).to_have_count(0)

    caretaker = sign_in(browser, live_server, flow["caretaker"])
    caretaker.get_by_role("link", name="Arbeidsordrer").click()
    assert_accessible(caretaker)
    caretaker.get_by_role("link", name=re.compile("Nyveien 3")).click()
    caretaker.locator("#id_what_was_done").fill("Seng og bord satt inn")
    caretaker.locator("#id_guidance_given").fill("Viste hvordan komfyren slås av")
    assert_accessible(caretaker)
    click(caretaker, "Merk som utført")

    worker.get_by_role("link", name="Mine oppgaver").click()
    while worker.get_by_role("button", name="Merk som utført").count():
        worker.get_by_role("button", name="Merk som utført").first.click()

    officer.goto(application_url)
    while officer.get_by_role("button", name="Merk som utført").count():
        officer.get_by_role("button", name="Merk som utført").first.click()
    officer.get_by_role("link", name="Registrer innflytting").click()
    officer.locator("#id_monthly_rent").fill("7400")
    assert_accessible(officer)
    click(officer, "Registrer innflytting")
    expect(officer.locator(".ds-alert[data-color=success]").first).to_be_visible()

    application = Application.objects.get(applicant=flow["applicant"])
    assert application.state == ApplicationState.MOVED_IN
    flow["dwelling"].refresh_from_db()
    assert flow["dwelling"].status == DwellingStatus.LET
    flow["applicant"].refresh_from_db()
    assert flow["applicant"].housing_situation == HousingSituation.MUNICIPAL_TENANCY
