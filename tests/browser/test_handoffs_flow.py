"""Working together across units in Chromium (ADR 0030): the housing officer, the follow-up
worker, the NAV counsellor, the caretaker and the team leader take a new applicant from
application to keys, then through health care declined to the coordination meeting. Each
finds their part from the inbox they land on or the menu beside it, never a typed URL;
axe checks every inbox."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from husly.access.models import AccessBasis, AccessLogEntry
from husly.accounts.models import Role
from husly.allocation.models import Application, ApplicationState
from husly.followup import services as followup
from husly.housing.models import Tenancy
from husly.people.services import case_open, resident_update
from tests.browser.test_allocation_flow import sign_in
from tests.browser.test_main_flow import assert_accessible
from tests.factories import ResidentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def lands_on_inbox(page, live_server):
    expect(page).to_have_url(re.compile(r"/innboks/$"))
    assert_accessible(page)


def open_item(page, kind, nth=0):
    page.locator(f"li[data-kind={kind}] a.husly-inbox__what").nth(nth).click()


def done_from_inbox(page, kind):
    buttons = page.locator(f"li[data-kind={kind}] form[action*='utfort'] button")
    while buttons.count():
        buttons.first.click()
        expect(page.locator(".ds-alert[data-color=danger]")).to_have_count(0)


def test_a_new_applicant_from_application_to_coordination_meeting(
        browser, live_server, flow, make_staff, team, municipality):
    # A newcomer registered by the housing service: no one in the follow-up unit follows her
    newcomer = ResidentFactory(municipality=municipality, given_name="Nora", family_name="Ny")
    case_open(resident=newcomer, unit=flow["officer_unit"], assigned_to=flow["officer"],
              by=flow["officer"], opened_on=timezone.localdate())
    leader = make_staff(Role.TEAM_LEADER, team=team, username="leder", health=True)

    # The housing officer lands on the inbox, registers the application with the consent
    # to the statement, and asks for the statement
    officer = sign_in(browser, live_server, flow["officer"])
    lands_on_inbox(officer, live_server)
    officer.locator("nav a[href$='/tildeling/']").click()
    officer.locator("a[href$='/tildeling/soknader/ny/']").first.click()
    officer.locator("#id_applicant").select_option(str(newcomer.pk))
    officer.locator("#id_housing_first").check()
    officer.locator("#id_statement_consent_form").select_option("verbal")
    officer.locator("main form button[type=submit]").click()
    expect(officer.locator("h1")).to_contain_text("Nora Ny")
    officer.locator("form[action*='uttale/be-om'] button").click()
    application = Application.objects.get(applicant=newcomer)
    assert application.state == ApplicationState.STATEMENT_REQUESTED

    # The follow-up worker finds the request in the inbox, nameless, and writes it
    worker = sign_in(browser, live_server, flow["worker"])
    lands_on_inbox(worker, live_server)
    item = worker.locator("li[data-kind=statement]")
    expect(item).to_have_count(1)
    expect(item).not_to_contain_text("Nora Ny")
    open_item(worker, "statement")
    expect(worker.locator("main")).to_contain_text("Nora Ny")
    assert_accessible(worker)
    worker.locator("#id_text").fill("Trenger rolig bolig nær tjenestene.")
    worker.locator("main form button[type=submit]").click()
    lands_on_inbox(worker, live_server)
    expect(worker.locator("li[data-kind=statement]")).to_have_count(0)
    assert AccessLogEntry.objects.filter(user=flow["worker"], resident=newcomer,
                                         basis=AccessBasis.STATEMENT_REQUEST).exists()

    # The officer finds the decision waiting in the inbox and reads the statement
    officer.goto(f"{live_server.url}/")
    lands_on_inbox(officer, live_server)
    open_item(officer, "decision_due")
    expect(officer.locator("main")).to_contain_text("Trenger rolig bolig nær tjenestene.")
    assert AccessLogEntry.objects.filter(user=flow["officer"], resident=newcomer,
                                         basis=AccessBasis.STATEMENT_RECIPIENT).exists()
    officer.locator("a[href$='/vedtak/']").click()
    officer.locator("input[name=granted][value=yes]").check()
    officer.locator("#id_reasons").fill("Søkeren står uten bolig og ønsker Housing First.")
    officer.locator("#id_legal_basis").fill("Tildelingsreglene § 3")
    officer.locator("#id_dwelling_kind").select_option("transitional")
    officer.locator("#id_lease_months").select_option("36")
    officer.locator("main form button[type=submit]").click()
    officer.locator("a[href$='/tilbud/']").click()
    officer.get_by_label(re.compile("Nyveien 3")).check()
    officer.locator("main form button[type=submit]").click()

    # The offer waits for an answer in the officer's inbox
    officer.goto(f"{live_server.url}/")
    open_item(officer, "offer_answer")
    officer.locator("input[name=viewing_on]").fill(timezone.localdate().isoformat())
    officer.locator("form[action*='/visning/'] button").click()
    officer.locator("input[name=accepted][value=yes]").check()
    officer.locator("form[action*='/svar/'] button").click()
    officer.locator("form[action*='/tildel/'] button").click()
    assert Application.objects.get(pk=application.pk).state == ApplicationState.ALLOCATED

    # NAV and follow-up see the joint meeting they take part in; the officer holds it
    nav = sign_in(browser, live_server, flow["nav"])
    lands_on_inbox(nav, live_server)
    expect(nav.locator("li[data-kind=joint_meeting]")).to_have_count(1)
    open_item(nav, "joint_meeting")
    expect(nav.locator("h1")).to_contain_text("Nora Ny")
    assert_accessible(nav)
    officer.goto(f"{live_server.url}/")
    open_item(officer, "joint_meeting")
    officer.locator("a[href$='/mote/']").click()
    for user in (flow["officer"], flow["worker"], flow["nav"]):
        officer.get_by_label(user.get_full_name()).check()
    officer.locator("main form button[type=submit]").click()
    expect(officer.locator(".ds-alert[data-color=danger]")).to_have_count(0)

    # Each unit does its move-in tasks from its inbox
    nav.goto(f"{live_server.url}/")
    lands_on_inbox(nav, live_server)
    done_from_inbox(nav, "move_in_task")
    worker.goto(f"{live_server.url}/")
    done_from_inbox(worker, "move_in_task")
    caretaker = sign_in(browser, live_server, flow["caretaker"])
    expect(caretaker).to_have_url(re.compile(r"/boliger/arbeidsordrer/$"))
    caretaker.get_by_role("link", name=re.compile("Nyveien 3")).click()
    caretaker.locator("#id_what_was_done").fill("Seng og bord satt inn")
    caretaker.locator("main form button[type=submit]").last.click()
    officer.goto(f"{live_server.url}/")
    open_item(officer, "move_in_task")
    assert_accessible(officer)
    done = officer.locator("form[action*='utfort'] button")
    while done.count():
        done.first.click()
    officer.locator(f"nav a[href$='/soknader/{application.pk}/']").click()
    officer.locator("a[href$='/innflytting/']").click()
    officer.locator("#id_monthly_rent").fill("7400")
    officer.locator("main form button[type=submit]").click()
    assert Application.objects.get(pk=application.pk).state == ApplicationState.MOVED_IN

    # Keeping the home: the follow-up worker records that health care is declined
    # (the team takes her on: the agreement's set-up is not the hand-off under test)
    newcomer.refresh_from_db()
    resident_update(resident=newcomer, by=flow["worker"], team=team,
                    primary_contact=flow["worker"])
    tenancy = Tenancy.objects.get(residents=newcomer)
    agreement = followup.agreement_create(
        resident=newcomer, team=team, primary_contact=flow["worker"],
        start_date=tenancy.start_date, by=flow["worker"])
    worker.goto(f"{live_server.url}/")
    worker.locator("nav a[href$='/beboere/']").click()
    worker.locator("#sok").fill("Nora")
    worker.locator("form[role=search] button").click()
    worker.locator("main a[href*='/beboere/']", has_text="Nora").first.click()
    worker.locator(f"a[href$='/oppfolging/avtaler/{agreement.pk}/']").first.click()
    worker.locator("form[action*='helse-avslatt'] button").click()

    # Housing and NAV find the coordination meeting in their inboxes and read it
    for page in (officer, nav):
        page.goto(f"{live_server.url}/")
        lands_on_inbox(page, live_server)
        open_item(page, "coordination_meeting")
        expect(page.locator("h1")).to_contain_text("Nora Ny")
        assert_accessible(page)
    assert AccessLogEntry.objects.filter(user=flow["nav"], resident=newcomer,
                                         basis=AccessBasis.MEETING_PARTICIPANT).exists()

    # Four business days later nobody has held it: the team leader sees who holds it
    meeting = agreement.coordination_meetings.get()
    with time_machine.travel(datetime.datetime.combine(
            meeting.due_on + datetime.timedelta(days=2), datetime.time(9)), tick=True):
        boss = sign_in(browser, live_server, leader)
        lands_on_inbox(boss, live_server)
        late = boss.locator("#escalated-heading ~ .husly-table-wrap")
        expect(late).to_contain_text(flow["worker"].get_full_name())
