"""The team leader scores the team's Housing First fidelity for this year: opens the page from
the outcomes, starts the assessment, scores every item, completes it and reads the result
per domain, where it slipped since last year, and the chart with its table."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from husly.accounts.models import Role
from husly.fidelity import services as fidelity
from husly.fidelity.models import FidelityItem
from tests.browser.test_main_flow import assert_accessible
from tests.browser.test_rights_flow import sign_in
from tests.factories import staff_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _last_year(team, leader):
    """Last year's completed assessment: every item scored 4."""
    year = timezone.localdate().year - 1
    assessment = fidelity.fidelity_assessment_start(team=team, year=year, by=leader)
    items = FidelityItem.objects.filter(municipality=team.municipality, active=True)
    fidelity.fidelity_scores_save(assessment=assessment, by=leader,
                                  scores={item.pk: (4, "") for item in items})
    fidelity.fidelity_assessment_complete(assessment=assessment, by=leader)
    return year


def _score_every_item(page, value: str):
    """Pick `value` in every item's score group, as a leader clicking through the form."""
    groups = page.locator("fieldset fieldset")
    for i in range(groups.count()):
        groups.nth(i).get_by_label(value, exact=True).check()


def test_the_leader_scores_this_years_fidelity_and_sees_where_it_slipped(
        browser, live_server, municipality, team, settings):
    settings.HUSLY_REQUIRE_2FA = False  # the two-factor step is walked in test_main_flow
    leader = staff_make(municipality=municipality, role=Role.TEAM_LEADER, team=team,
                        username="leder")
    fidelity.fidelity_items_ensure(municipality=municipality)
    last_year = _last_year(team, leader)
    year = timezone.localdate().year

    page = sign_in(browser, live_server, leader)
    page.get_by_role("link", name="Resultater").click()
    page.get_by_role("link", name="Modelltrofasthet i Housing First").click()
    expect(page.get_by_role("heading", name="Modelltrofasthet i Housing First",
                            level=1)).to_be_visible()
    expect(page.get_by_role("cell", name=str(last_year), exact=True)).to_be_visible()
    assert_accessible(page)

    # This year's assessment for the leader's own team
    expect(page.get_by_label("Team")).to_have_value(str(team.pk))
    expect(page.get_by_label("År", exact=True)).to_have_value(str(year))
    page.get_by_role("button", name="Start vurderingen").click()
    expect(page.get_by_text(f"Vurderingen for {year} er startet")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Vurder modelltrofastheten {year}")).to_be_visible()
    expect(page.get_by_text(f"Poeng i {last_year}: 4").first).to_be_visible()
    assert_accessible(page)

    # Completing with nothing scored is refused, listing what is missing
    page.get_by_role("button", name="Fullfør vurderingen").click()
    expect(page.get_by_text("Ikke vurdert ennå (30)")).to_be_visible()

    # Every item 3, one item 1 with a comment
    _score_every_item(page, "3")
    first = page.locator("fieldset fieldset").first
    first.get_by_label("1", exact=True).check()
    page.locator("textarea").first.fill("Lengre ventetid på bolig i år")
    page.get_by_role("button", name="Lagre som utkast").click()
    expect(page.get_by_text("Utkastet er lagret.")).to_be_visible()
    expect(page.get_by_text("30 av 30 punkter har fått poeng.")).to_be_visible()
    page.get_by_role("button", name="Fullfør vurderingen").click()

    # The result: per domain, where it slipped, over time
    expect(page.get_by_text("Vurderingen er fullført.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Modelltrofasthet {year}: {team.name}")
           ).to_be_visible()
    domains = page.locator("section[aria-labelledby='per-domene'] table")
    expect(domains.get_by_role("rowheader", name="Alle punkter")).to_be_visible()
    expect(domains.get_by_role("row", name="Boligprosess og boligstruktur")
           ).to_contain_text("2,7")  # (1 + 6 × 3) / 7 = 2.71
    slipped = page.locator("section[aria-labelledby='sklidd'] table tbody tr")
    expect(slipped).to_have_count(30)  # every item fell from 4
    expect(slipped.first).to_contain_text("Lengre ventetid på bolig i år")
    chart = page.locator("section[aria-labelledby='over-tid'] svg[role=img]")
    expect(chart).to_be_visible()
    expect(chart.locator("rect")).to_have_count(10)
    history = page.locator("section[aria-labelledby='over-tid'] table")
    expect(history.get_by_role("rowheader", name=str(last_year))).to_be_visible()
    expect(history.get_by_role("rowheader", name=str(year))).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator("section[aria-labelledby='per-domene']").get_by_role(
            "link", name="XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    # The items page, where the leader adjusts the texts
    page.get_by_role("link", name="Alle vurderinger av modelltrofasthet").click()
    page.get_by_role("link", name="Rediger punktene").click()
    expect(page.get_by_role("heading", name="Punkter for modelltrofasthet")).to_be_visible()
    assert_accessible(page)
    page.context.close()
