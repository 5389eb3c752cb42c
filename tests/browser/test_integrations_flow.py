"""The administrator connects the finance system: creates a token in Husly, the finance
system reports rent arrears with it, the administrator revokes it and the next call fails.
The housing officer sees reported arrears on the resident's page and marks them settled."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from husly.accounts.models import Role
from husly.housing.models import RentArrears
from tests.browser.test_main_flow import assert_accessible
from tests.browser.test_rights_flow import sign_in
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory, staff_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_creates_a_token_the_finance_system_uses_it_then_it_is_revoked(
        browser, live_server, municipality, settings):
    settings.HUSLY_REQUIRE_2FA = False  # the two-factor step is walked in test_main_flow
    admin = staff_make(municipality=municipality, role=Role.ADMINISTRATOR, username="admin")
    tenant = ResidentFactory(municipality=municipality)
    TenancyFactory(dwelling=DwellingFactory(municipality=municipality), residents=[tenant],
                   start_date=datetime.date(2024, 3, 1))
    page = sign_in(browser, live_server, admin)
    page.get_by_role("link", name="Integrasjoner").click()
    expect(page.get_by_role("heading", name="Integrasjoner")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Opprett et token").click()
    page.get_by_label("Navn").fill("Økonomisystemet Visma")
    page.get_by_label("Rapportere husleierestanser").check()
    assert_accessible(page)
    page.get_by_role("button", name="Opprett tokenet").click()
    expect(page.get_by_role("heading", name="Tokenet er opprettet")).to_be_visible()
    assert_accessible(page)
    secret = page.get_by_label("Token for Økonomisystemet Visma").input_value()
    assert secret.startswith("husly_")

    api = f"{live_server.url}/api/v1/integrasjon/husleierestanser"
    headers = {"Authorization": f"Bearer {secret}"}
    body = {"lines": [{"national_id": tenant.national_id, "amount": 15600,
                       "months_behind": 2, "as_of": timezone.localdate().isoformat()}]}
    answered = page.request.post(api, data=body, headers=headers)
    assert answered.status == 200, answered.text()
    assert answered.json()["recorded"] == 1
    assert RentArrears.objects.filter(tenancy__residents=tenant).count() == 1
    # The token opens only what it was given.
    vacant = page.request.get(f"{live_server.url}/api/v1/integrasjon/ledige-boliger",
                              headers=headers)
    assert vacant.status == 403 and "dwellings.vacant.read" in vacant.json()["detail"][0]

    page.get_by_role("link", name="Til tokenet og kalloggen").click()
    expect(page.get_by_role("heading", name="Økonomisystemet Visma")).to_be_visible()
    logged = page.get_by_role("row", name=re.compile("Rapportere husleierestanser"))
    expect(logged).to_contain_text("(200)")
    assert secret not in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Trekk tilbake tokenet").click()
    assert_accessible(page)
    page.get_by_role("button", name="Trekk tilbake tokenet").click()
    expect(page.get_by_text("Tokenet er trukket tilbake.")).to_be_visible()
    assert_accessible(page)

    refused = page.request.post(api, data=body, headers=headers)
    assert refused.status == 401
    assert "trukket tilbake" in refused.json()["detail"][0]
    assert RentArrears.objects.filter(tenancy__residents=tenant).count() == 1
    page.reload()
    expect(page.get_by_role("row", name=re.compile(r"\(401\)"))).to_have_count(1)
    page.context.close()


def test_the_housing_officer_sees_reported_arrears_and_marks_them_settled(
        browser, live_server, municipality, team, settings):
    from husly.integrations.services import integration_rent_arrears_report
    from tests.integrations.helpers import token_make

    settings.HUSLY_REQUIRE_2FA = False
    officer = staff_make(municipality=municipality, role=Role.HOUSING_OFFICER, team=team,
                         username="bolig")
    tenant = ResidentFactory(municipality=municipality, team=team)
    TenancyFactory(dwelling=DwellingFactory(municipality=municipality), residents=[tenant],
                   start_date=datetime.date(2024, 3, 1))
    token, _secret = token_make(municipality)
    integration_rent_arrears_report(token=token, lines=[{
        "national_id": tenant.national_id, "amount": 15600, "months_behind": 2,
        "as_of": timezone.localdate()}])

    page = sign_in(browser, live_server, officer)
    page.goto(f"{live_server.url}/beboere/{tenant.pk}/")
    expect(page.get_by_role("region", name="Tegn på at boligen kan stå i fare")).to_contain_text(
        "Husleierestanse: 2 måneder")
    arrears = page.get_by_role("table", name="Husleierestanse som ikke er gjort opp")
    expect(arrears).to_contain_text("Økonomisystemet Visma")
    expect(arrears).to_contain_text("15\xa0600 kr")
    assert_accessible(page)
    arrears.get_by_role("button", name=re.compile("Merk som gjort opp")).click()

    expect(page.get_by_text("Husleierestansen er merket som gjort opp.")).to_be_visible()
    expect(page.get_by_role("table", name="Husleierestanse som ikke er gjort opp")
           ).to_have_count(0)
    expect(page.get_by_role("region", name="Tegn på at boligen kan stå i fare")
           ).to_have_count(0)
    assert_accessible(page)
    assert RentArrears.objects.get().settled_on == timezone.localdate()
    page.context.close()
