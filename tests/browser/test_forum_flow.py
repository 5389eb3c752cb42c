"""The property manager runs one housing-forum meeting: plans it, sees a vacant dwelling on
the generated agenda, adds an item, records a decision (refused without an owner) and marks
the meeting held. Axe on every page."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from husly.accounts.models import Role
from tests.browser.test_main_flow import assert_accessible
from tests.browser.test_rights_flow import sign_in
from tests.factories import DwellingFactory, staff_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_one_forum_meeting(browser, live_server, municipality, team, settings):
    settings.HUSLY_REQUIRE_2FA = False  # the two-factor step is walked in test_main_flow
    manager = staff_make(municipality=municipality, role=Role.PROPERTY_MANAGER,
                         username="eiendom")
    staff_make(municipality=municipality, role=Role.TEAM_LEADER, team=team, username="leder")
    DwellingFactory(municipality=municipality, street_address="Ledigveien 7")

    page = sign_in(browser, live_server, manager)
    page.get_by_role("link", name="Boligsosialt forum").click()
    expect(page.get_by_role("heading", name="Boligsosialt forum", level=1)).to_be_visible()
    assert_accessible(page)

    # Plan a meeting today
    page.get_by_role("link", name="Planlegg et møte").click()
    expect(page.get_by_role("heading", name="Planlegg et møte")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Dato").fill(timezone.localdate().isoformat())
    page.get_by_label("Tidspunkt").fill("08:30")
    page.get_by_label("Møtested").fill("Rådhuset, møterom Fjorden")
    page.get_by_role("button", name="Planlegg møtet").click()
    expect(page.get_by_text("Møtet er planlagt.")).to_be_visible()

    # The generated agenda shows the vacant dwelling
    vacant = page.locator("table", has=page.get_by_role("cell", name=re.compile("^Ledigveien 7")))
    expect(vacant).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Ledige boliger"))).to_be_visible()
    assert_accessible(page)

    # A free item
    page.get_by_label("Sak", exact=True).fill("Røykvarslere i blokkene")
    page.get_by_role("button", name="Sett på dagsordenen").click()
    expect(page.get_by_text("Saken er satt på dagsordenen.")).to_be_visible()
    expect(page.locator("#saker ~ ol strong")).to_have_text("Røykvarslere i blokkene")

    # A decision without an owner is refused, saying what to do
    page.get_by_label("Beslutning", exact=True).fill("Klargjøre Ledigveien 7 før visning")
    page.get_by_role("button", name="Registrer beslutningen").click()
    expect(page.get_by_role("alert")).to_contain_text("En beslutning må ha en ansvarlig")
    assert_accessible(page)
    # With an owner it is recorded
    page.get_by_label("Ansvarlig", exact=True).select_option(label="Leder Testesen")
    page.get_by_role("button", name="Registrer beslutningen").click()
    expect(page.get_by_text("Beslutningen er ført i referatet.")).to_be_visible()
    decisions = page.locator("table", has=page.get_by_role(
        "cell", name="Klargjøre Ledigveien 7 før visning"))
    expect(decisions.get_by_role("cell", name="Leder Testesen")).to_be_visible()

    # Who attended, then mark it held
    page.get_by_label("Eiendom Testesen").check()
    page.get_by_label("Leder Testesen").check()
    page.get_by_role("button", name="Lagre deltakere og notater").click()
    expect(page.get_by_text("Deltakere og notater er lagret.")).to_be_visible()
    page.get_by_role("button", name="Merk møtet som avholdt").click()
    expect(page.get_by_text("Møtet er merket som avholdt.")).to_be_visible()
    expect(page.get_by_role("link", name="Planlegg neste møte")).to_be_visible()
    expect(page.get_by_role("button", name="Registrer beslutningen")).to_have_count(0)
    # The minutes keep the agenda of the day
    expect(page.get_by_role("cell", name=re.compile("^Ledigveien 7"))).to_be_visible()
    assert_accessible(page)

    # Plan the next one: four weeks later is proposed
    page.get_by_role("link", name="Planlegg neste møte").click()
    expect(page.get_by_role("heading", name="Planlegg neste møte")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Planlegg møtet").click()
    expect(page.get_by_text("Oppfølging av tidligere beslutninger")).to_be_visible()
    expect(page.get_by_role("cell", name="Klargjøre Ledigveien 7 før visning")).to_be_visible()
    page.context.close()
