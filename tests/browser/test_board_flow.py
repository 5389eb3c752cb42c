"""The morning meeting on the team board: reassign a visit, red board in and out, a note."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from husly.accounts.models import Role
from husly.board.models import BoardNote, RedBoardEntry
from husly.followup import services as followup
from husly.followup.models import Visit
from tests.browser.test_followup_phone import phone_sign_in
from tests.browser.test_main_flow import assert_accessible
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory, staff_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_morning_meeting(browser, live_server, municipality, team, settings):
    settings.HUSLY_REQUIRE_2FA = False  # the two-factor step is walked in test_main_flow
    leader = staff_make(municipality=municipality, role=Role.TEAM_LEADER, team=team,
                        username="leder")
    worker = staff_make(municipality=municipality, role=Role.FOLLOWUP_WORKER, team=team,
                        username="miljo")
    resident = ResidentFactory(municipality=municipality, team=team, primary_contact=worker,
                               family_name="Tavlesen")
    TenancyFactory(dwelling=DwellingFactory(municipality=municipality), residents=[resident],
                   start_date=timezone.localdate() - datetime.timedelta(days=30))
    today = timezone.localdate()
    followup.agreement_create(resident=resident, team=team, primary_contact=worker,
                              start_date=today, visit_weekday=today.weekday() % 5, by=worker)

    page = phone_sign_in(browser, live_server, leader)
    page.set_viewport_size({"width": 1600, "height": 1000})  # the meeting-room screen
    page.goto(f"{live_server.url}/tavle/")
    expect(page.locator("h1")).to_contain_text(team.name)
    assert_accessible(page)

    visit = Visit.objects.get(planned_on=today)
    page.locator(f"#flytt-{visit.pk}").select_option(str(leader.pk))
    page.locator(f"#flytt-{visit.pk}").locator("xpath=..").get_by_role("button").click()
    expect(page.locator(".ds-alert[data-color=success]")).to_be_visible()
    visit.refresh_from_db()
    assert visit.assigned_to == leader

    # The visit's why: nothing written yet, so the meeting writes its focus in place.
    page.locator(f"#fokus-{visit.pk}").fill("Øve på å betale husleie i nettbank.")
    page.locator(f"#fokus-{visit.pk}").locator("xpath=..").get_by_role("button").click()
    expect(page.get_by_text("Øve på å betale husleie i nettbank.")).to_be_visible()
    visit.refresh_from_db()
    assert visit.focus == "Øve på å betale husleie i nettbank."
    assert_accessible(page)

    page.get_by_text("Sett en beboer på rød tavle").click()
    page.locator("#pa-beboer").select_option(str(resident.pk))
    page.locator("#pa-grunn").fill("Mye uro i helgen")
    page.get_by_role("button", name="Sett på rød tavle").click()
    expect(page.locator("#red-heading")).to_contain_text("1")
    assert_accessible(page)

    page.locator("input[name=reason][id^=av-grunn]").fill("Roligere nå")
    page.get_by_role("button", name="Ta av rød tavle").click()
    expect(page.locator("#red-heading")).to_contain_text("0")
    entry = RedBoardEntry.objects.get()
    assert entry.taken_off_at is not None
    resident.refresh_from_db()
    assert resident.primary_contact == worker

    page.locator("#notat").fill("Leder tar Tavlesens besøk i dag.")
    page.get_by_role("button", name="Lagre notatet").click()
    expect(page.get_by_text("Leder tar Tavlesens besøk i dag.").first).to_be_visible()
    assert BoardNote.objects.get().text == "Leder tar Tavlesens besøk i dag."
    assert_accessible(page)
