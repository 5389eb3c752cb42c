"""A follow-up worker opens the link at the foot of a reminder mail and turns the mail off."""

import pytest
from playwright.sync_api import expect

from husly.accounts.models import Role
from husly.reminders.models import ReminderOptOut
from tests.browser.test_main_flow import assert_accessible
from tests.browser.test_rights_flow import sign_in
from tests.factories import staff_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_worker_turns_the_reminder_mail_off_and_on(browser, live_server, municipality, team,
                                                   settings):
    settings.HUSLY_REQUIRE_2FA = False  # the two-factor step is walked in test_main_flow
    worker = staff_make(municipality=municipality, role=Role.FOLLOWUP_WORKER, team=team,
                        username="miljo")
    page = sign_in(browser, live_server, worker)
    page.goto(f"{live_server.url}/paminnelser/")
    expect(page.get_by_role("heading", name="Påminnelser på e-post")).to_be_visible()
    # No address registered: the page says so, and what to do.
    expect(page.get_by_text("Husly har ingen e-postadresse til deg")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Slå av påminnelsen på e-post").click()
    expect(page.get_by_text("Du får ikke lenger den daglige påminnelsen på e-post.")
           ).to_be_visible()
    expect(page.get_by_role("heading", name="Den daglige påminnelsen på e-post er slått av")
           ).to_be_visible()
    assert_accessible(page)
    assert ReminderOptOut.objects.filter(user=worker).exists()
    page.get_by_role("button", name="Slå på påminnelsen på e-post").click()
    expect(page.get_by_role("heading", name="Du får den daglige påminnelsen på e-post")
           ).to_be_visible()
    assert not ReminderOptOut.objects.filter(user=worker).exists()
    page.context.close()
