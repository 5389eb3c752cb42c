"""Single sign-on in Chromium: the login page's SSO button, the local OpenID provider's login
and consent pages (tests/accounts/oidc_provider.mjs), and back in Husly signed in, with no
two-factor step. A person without a Husly role reads why they are refused. Axe on Husly's
pages (the provider's development pages are not ours to check)."""

import re

import pytest
from playwright.sync_api import expect

from husly.accounts.models import Role, User
from tests.accounts.oidc import IDP_NAME
from tests.browser.test_main_flow import assert_accessible
from tests.factories import staff_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in_at_the_provider(page, login: str):
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


def test_sso_button_signs_a_housing_officer_in_without_a_totp_prompt(page, sso_site, municipality):
    officer = staff_make(municipality=municipality, role=Role.HOUSING_OFFICER,
                         username="bolig")
    User.objects.filter(pk=officer.pk).update(email="kari@kommune.test")

    page.goto(f"{sso_site}/beboere/")
    expect(page).to_have_url(re.compile(r"/konto/logg-inn/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn i Husly")
    expect(page.get_by_role("heading", name="Med brukernavn og passord i Husly")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=f"Logg inn med {IDP_NAME}").click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/interaction/"))
    _sign_in_at_the_provider(page, "kari")

    expect(page).to_have_url(f"{sso_site}/beboere/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Beboere")
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()
    assert not page.csp_violations

    # Logging out is local: the login page again, with the SSO button
    page.get_by_role("button", name="Logg ut").click()
    expect(page.get_by_role("link", name=f"Logg inn med {IDP_NAME}")).to_be_visible()


def test_a_person_without_a_husly_role_reads_why(page, sso_site, municipality):
    from husly.accounts import services as accounts

    accounts.staff_create(username="ny", first_name="Ny", last_name="Ansatt",
                          password="et-langt-testpassord-42", email="ny@kommune.test")
    page.goto(f"{sso_site}/konto/logg-inn/")
    page.get_by_role("link", name=f"Logg inn med {IDP_NAME}").click()
    _sign_in_at_the_provider(page, "ny")

    expect(page.get_by_role("heading", level=1)).to_have_text("Du har ikke tilgang til Husly")
    expect(page.get_by_role("alert")).to_contain_text("Be administratoren din om tilgang")
    assert_accessible(page)
    page.get_by_role("link", name="Tilbake til innloggingssiden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn i Husly")
    expect(page.get_by_role("button", name="Logg ut")).to_have_count(0)


def test_logging_out_signs_out_at_the_provider_when_asked(page, sso_site, settings, municipality):
    # Given an install that signs out at the provider too (HUSLY_OIDC_LOGOUT, as ID-porten wants)
    settings.HUSLY_OIDC_LOGOUT = True
    officer = staff_make(municipality=municipality, role=Role.HOUSING_OFFICER,
                         username="bolig")
    User.objects.filter(pk=officer.pk).update(email="kari@kommune.test")
    page.goto(f"{sso_site}/konto/logg-inn/")
    page.get_by_role("link", name=f"Logg inn med {IDP_NAME}").click()
    _sign_in_at_the_provider(page, "kari")
    expect(page.get_by_role("heading", level=1)).to_have_text("Innboks")

    # When she logs out, the browser may go on to the provider (the CSP lets the form through)
    page.get_by_role("button", name="Logg ut").click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/session/end"))
    page.get_by_role("button", name="Yes, sign me out").click()

    # Then she is back at Husly's login page, and the provider asks who she is next time
    expect(page).to_have_url(f"{sso_site}/konto/logg-inn/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn i Husly")
    assert not page.csp_violations
    page.get_by_role("link", name=f"Logg inn med {IDP_NAME}").click()
    expect(page.locator("input[name=login]")).to_be_visible()
