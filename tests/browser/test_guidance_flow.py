"""Method guidance in the browser: a new follow-up worker opens "Metode" on day one, reads a
principle and ticks their checklist; the team leader rewrites the weekly-visit text and it
shows, folded up, on a follow-up agreement page. Each screen is checked with axe."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from husly.accounts.models import Role
from husly.followup import services as followup
from husly.guidance.models import ChecklistTick
from tests.browser.test_main_flow import assert_accessible
from tests.browser.test_rights_flow import sign_in
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory, staff_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_worker_reads_the_method_and_the_leader_edits_it(browser, live_server,
                                                               municipality, team, settings):
    settings.HUSLY_REQUIRE_2FA = False  # the two-factor step is walked in test_main_flow
    leader = staff_make(municipality=municipality, role=Role.TEAM_LEADER, team=team,
                        username="leder")
    newcomer = staff_make(municipality=municipality, role=Role.FOLLOWUP_WORKER, team=team,
                          username="vikar")
    resident = ResidentFactory(municipality=municipality, team=team, primary_contact=newcomer,
                               family_name="Metodesen")
    today = timezone.localdate()
    TenancyFactory(dwelling=DwellingFactory(municipality=municipality), residents=[resident],
                   start_date=today - datetime.timedelta(days=30))
    agreement = followup.agreement_create(resident=resident, team=team,
                                          primary_contact=newcomer, start_date=today,
                                          visit_weekday=today.weekday() % 5, by=newcomer)

    # The temporary worker on day one finds the method in the main menu
    page = sign_in(browser, live_server, newcomer)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Metode").click()
    expect(page.get_by_role("heading", name="Metodeveiledning", exact=True)).to_be_visible()
    assert_accessible(page)
    # Reads a principle
    principle = page.locator("#prinsipp-principle-human-right")
    principle.get_by_text("Bolig er en menneskerett").click()
    expect(principle.get_by_text("uten å måtte vise seg «klar» først")).to_be_visible()
    # Ticks two points of the first-day checklist (in place, with htmx)
    checklist = page.locator("#sjekkliste")
    checklist.get_by_role("button", name=re.compile("Merk som utført.*Les prinsippene")).click()
    expect(checklist.get_by_text("Du har utført 1 av 8 punkter.")).to_be_visible()
    checklist.get_by_role("button", name=re.compile("Merk som utført.*Møt teamet")).click()
    expect(checklist.get_by_text("Du har utført 2 av 8 punkter.")).to_be_visible()
    undo = checklist.get_by_role("button", name=re.compile("Ikke utført likevel.*Møt teamet"))
    expect(undo).to_be_focused()  # htmx keeps the focus on the button just pressed
    assert_accessible(page)
    # The ticks are kept
    page.reload()
    expect(page.get_by_text("Du har utført 2 av 8 punkter.")).to_be_visible()
    assert ChecklistTick.objects.filter(user=newcomer).count() == 2
    expect(page.get_by_role("link", name="Rediger metodeveiledning")).to_have_count(0)
    page.context.close()

    # The team leader rewrites the weekly-visit text and sees the newcomer's progress
    page = sign_in(browser, live_server, leader)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Metode").click()
    page.get_by_role("link", name="Rediger metodeveiledning").click()
    expect(page.get_by_role("heading", name="Rediger metodeveiledning")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Endre.*Hvorfor avtalen har et ukentlig")).click()
    assert_accessible(page)
    page.get_by_label("Tittel").fill("Ukentlig besøk hos oss")
    page.get_by_label("Tekst", exact=True).fill(
        "Vi kommer hver uke, også når det er vanskelig.\n\nIkke hjemme? Prøv igjen torsdag.")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("Teksten er lagret.")).to_be_visible()
    page.get_by_role("link", name="Førstedagssjekkliste").click()
    expect(page.get_by_role("row", name="Vikar Testesen")).to_contain_text("2 av 8")
    assert_accessible(page)

    # The text shows on the agreement page, folded up until opened
    page.goto(f"{live_server.url}/oppfolging/avtaler/{agreement.pk}/")
    expect(page.locator("h1")).to_contain_text("Metodesen")
    summary = page.get_by_text("Metode: Ukentlig besøk hos oss")
    expect(summary).to_be_visible()
    body = page.get_by_text("Ikke hjemme? Prøv igjen torsdag.")
    expect(body).to_be_hidden()
    summary.click()
    expect(body).to_be_visible()
    assert_accessible(page)
    page.context.close()
