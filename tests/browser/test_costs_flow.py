"""The team leader records a position shared 50/50 and sees what each unit pays."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from husly.accounts.models import Role, UnitKind
from tests.browser.test_main_flow import assert_accessible
from tests.browser.test_rights_flow import sign_in
from tests.costs.helpers import unit
from tests.factories import staff_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_adds_a_shared_position_and_sees_the_summary(browser, live_server, municipality,
                                                            team, settings):
    settings.HUSLY_REQUIRE_2FA = False  # the two-factor step is walked in test_main_flow
    leader = staff_make(municipality=municipality, role=Role.TEAM_LEADER, team=team,
                        username="leder")
    unit(municipality, UnitKind.NAV, "NAV Sandnes")
    unit(municipality, UnitKind.FOLLOWUP, "Mestringsenheten")
    year = str(timezone.localdate().year)
    page = sign_in(browser, live_server, leader)
    page.get_by_role("link", name="Resultater").click()
    page.get_by_role("link", name="Kostnadsdeling").click()
    expect(page.get_by_role("heading", name=f"Kostnadsdeling {year}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Legg til en stilling").click()
    page.get_by_label("Stilling", exact=True).fill("NAV-veileder i Housing First-teamet")
    page.get_by_label("Årskostnad (kr)").fill("750000")
    page.get_by_label("Enhet 1").select_option(label="NAV Sandnes")
    page.get_by_label("Andel 1 (%)").fill("50")
    page.get_by_label("Enhet 2").select_option(label="Mestringsenheten")
    page.get_by_label("Andel 2 (%)").fill("40")
    assert_accessible(page)
    page.get_by_role("button", name="Lagre").click()
    # 90 % is refused with the reason, and the form keeps what was typed
    expect(page.get_by_text(re.compile(r"90 %"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Andel 2 (%)").fill("50")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("Stillingen er lagret.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("^NAV Sandnes"))
    expect(row).to_contain_text(re.compile(r"375\s000"))
    expect(row).to_contain_text("0,50")
    expect(page.get_by_role("row", name=re.compile("^Totalt"))).to_contain_text(
        re.compile(r"750\s000"))
    assert_accessible(page)
    page.context.close()
