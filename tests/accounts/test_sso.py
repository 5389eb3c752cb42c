"""Single sign-on with OpenID Connect, end to end against a real provider run locally
(tests/accounts/oidc_provider.mjs): the browser's part is walked over HTTP with `requests`,
Husly is the live server. The provider signs the ID token; Husly checks it against the JWKS."""

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from husly.accounts import services as accounts
from husly.accounts.models import Role, User
from husly.accounts.sso import mfa_passed
from husly.common.models import DomainEvent
from tests.accounts.oidc import CALLBACK_PATH, IDP_NAME, provider_form, walk_to_callback
from tests.conftest import verified_login
from tests.factories import staff_make

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "et-langt-testpassord-42"
NO_ACCESS = "Be administratoren din om tilgang til Husly"


def _officer(municipality, *, email: str, username: str = "bolig") -> User:
    user = staff_make(municipality=municipality, role=Role.HOUSING_OFFICER, username=username)
    User.objects.filter(pk=user.pk).update(email=email)
    return user


def _signed_in(browser: requests.Session, husly_url: str) -> bool:
    response = browser.get(husly_url + reverse("people:resident_list"), allow_redirects=False)
    return response.status_code == 200


def test_a_user_with_a_role_lands_on_the_start_page_without_a_totp_prompt(sso_site, municipality):
    # Given a housing officer with an authenticator app, known to the provider by e-mail
    user = _officer(municipality, email="kari.nordmann@kommune.test")
    TOTPDevice.objects.create(user=user, name="Husly", confirmed=True)
    browser = requests.Session()
    # When she signs in at the provider (the claim comes back in another case)
    callback = walk_to_callback(browser, sso_site, "Kari.Nordmann")
    response = browser.get(callback, allow_redirects=False)
    # Then Husly signs her in and sends her to her start page, with no two-factor step
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("home")
    start = browser.get(sso_site + response.headers["Location"])
    assert start.url == sso_site + reverse("inbox:inbox")
    assert "<h1" in start.text and "tofaktor" not in start.url
    assert _signed_in(browser, sso_site)
    # The JSON API takes the session as two-factor passed too
    assert browser.get(sso_site + "/api/v1/tasks").status_code == 200
    event = DomainEvent.objects.get(name="staff.signed_in", actor=user)
    assert event.changes == {"method": "oidc"}


def test_the_sso_link_keeps_where_the_user_was_going(sso_site, municipality):
    _officer(municipality, email="kari@kommune.test")
    browser = requests.Session()
    callback = walk_to_callback(browser, sso_site, "kari",
                                start="/konto/sso/?next=/boliger/")
    response = browser.get(callback, allow_redirects=False)
    assert response.headers["Location"] == "/boliger/"


def test_a_user_without_a_role_is_refused_and_not_signed_in(sso_site, municipality):
    # Given a Husly account with no role in any municipality
    accounts.staff_create(username="uten-rolle", first_name="Uten", last_name="Rolle",
                          password=PASSWORD, email="uten.rolle@kommune.test")
    browser = requests.Session()
    callback = walk_to_callback(browser, sso_site, "uten.rolle")
    response = browser.get(callback, allow_redirects=False)
    # Then a Norwegian page says to ask the administrator, and there is no session
    assert response.status_code == 403
    assert NO_ACCESS in response.text
    assert not _signed_in(browser, sso_site)
    assert not DomainEvent.objects.filter(name="staff.signed_in").exists()


def test_an_unknown_person_is_refused_and_no_user_is_made(sso_site, municipality):
    _officer(municipality, email="kari@kommune.test")
    users = User.objects.count()
    browser = requests.Session()
    response = browser.get(walk_to_callback(browser, sso_site, "fremmed"), allow_redirects=False)
    assert response.status_code == 403
    assert NO_ACCESS in response.text
    assert not _signed_in(browser, sso_site)
    assert User.objects.count() == users


def test_an_inactive_user_is_refused(sso_site, municipality):
    user = _officer(municipality, email="sluttet@kommune.test")
    User.objects.filter(pk=user.pk).update(is_active=False)
    browser = requests.Session()
    response = browser.get(walk_to_callback(browser, sso_site, "sluttet"), allow_redirects=False)
    assert response.status_code == 403
    assert not _signed_in(browser, sso_site)


def test_a_tampered_or_replayed_state_is_refused(sso_site, municipality):
    _officer(municipality, email="kari@kommune.test")
    browser = requests.Session()
    callback = walk_to_callback(browser, sso_site, "kari")
    parts = urlsplit(callback)
    query = dict(parse_qsl(parts.query))
    query["state"] = query["state"][:-2] + "xx"
    tampered = urlunsplit(parts._replace(query=urlencode(query)))
    response = browser.get(tampered, allow_redirects=False)
    assert response.status_code == 400
    assert "Start på nytt fra innloggingssiden" in response.text
    assert not _signed_in(browser, sso_site)
    # The genuine answer still works once, and never twice
    assert browser.get(callback, allow_redirects=False).status_code == 302
    assert browser.get(callback, allow_redirects=False).status_code == 400


def test_an_answer_from_another_browser_session_is_refused(sso_site, municipality):
    # The state lives in the session that started the sign-in: a code caught on the way and
    # opened in another browser gets nowhere.
    _officer(municipality, email="kari@kommune.test")
    callback = walk_to_callback(requests.Session(), sso_site, "kari")
    thief = requests.Session()
    response = thief.get(callback, allow_redirects=False)
    assert response.status_code == 400
    assert not _signed_in(thief, sso_site)


def test_cancelling_at_the_provider_is_answered_clearly(sso_site, municipality):
    _officer(municipality, email="kari@kommune.test")
    browser = requests.Session()
    callback = walk_to_callback(browser, sso_site, "kari", abort=True)
    assert "error=access_denied" in callback
    response = browser.get(callback, allow_redirects=False)
    assert response.status_code == 400
    assert f"{IDP_NAME} avbrøt eller avviste innloggingen" in response.text
    assert not _signed_in(browser, sso_site)


def test_required_mfa_refuses_a_provider_that_does_not_report_it(sso_site, settings,
                                                                 municipality):
    settings.HUSLY_OIDC_REQUIRE_MFA = True
    _officer(municipality, email="kari@kommune.test")
    browser = requests.Session()
    response = browser.get(walk_to_callback(browser, sso_site, "kari"), allow_redirects=False)
    assert response.status_code == 403  # the development provider sends no `amr`
    assert not _signed_in(browser, sso_site)


@pytest.mark.parametrize(("claims", "passed"), [
    ({"amr": ["mfa"]}, True),
    ({"amr": ["pwd", "otp"]}, True),
    ({"acr": "idporten-loa-high"}, True),
    ({"amr": ["pwd"]}, False),
    ({"amr": "pwd"}, False),
    ({}, False),
])
def test_what_counts_as_two_factor_at_the_provider(claims, passed):
    assert mfa_passed(claims) is passed


def test_the_username_claim_can_match_the_husly_username(sso_site, settings, municipality):
    settings.HUSLY_OIDC_USERNAME_CLAIM = "preferred_username"
    settings.HUSLY_OIDC_USERNAME_FIELD = "username"
    _officer(municipality, email="", username="kari.n")
    browser = requests.Session()
    response = browser.get(walk_to_callback(browser, sso_site, "KARI.N"), allow_redirects=False)
    assert response.status_code == 302
    assert _signed_in(browser, sso_site)


def test_a_provider_naming_staff_by_an_identifier_matches_the_sso_identifier(
        sso_site, settings, municipality):
    # Given a provider that names people by an id (ID-porten's pid, HelseID's HPR number)
    settings.HUSLY_OIDC_USERNAME_CLAIM = "sub"
    settings.HUSLY_OIDC_USERNAME_FIELD = "sso_identifier"
    user = _officer(municipality, email="", username="kari.n")
    User.objects.filter(pk=user.pk).update(sso_identifier="hpr-9144889")
    other = requests.Session()
    # A colleague whose identifier is not recorded is refused, even with the same username
    refused = other.get(walk_to_callback(other, sso_site, "kari.n"), allow_redirects=False)
    assert refused.status_code == 403
    assert not _signed_in(other, sso_site)
    # The staff member with that identifier gets in
    browser = requests.Session()
    response = browser.get(walk_to_callback(browser, sso_site, "hpr-9144889"),
                           allow_redirects=False)
    assert response.status_code == 302
    assert _signed_in(browser, sso_site)


def test_two_users_with_the_same_email_are_refused(sso_site, municipality):
    _officer(municipality, email="felles@kommune.test", username="en")
    _officer(municipality, email="Felles@kommune.test", username="to")
    browser = requests.Session()
    response = browser.get(walk_to_callback(browser, sso_site, "felles"), allow_redirects=False)
    assert response.status_code == 403
    assert not _signed_in(browser, sso_site)


def test_axes_locks_a_refused_claim_but_not_others_behind_the_same_address(sso_site, settings,
                                                                          municipality):
    settings.AXES_FAILURE_LIMIT = 2
    _officer(municipality, email="kari@kommune.test")
    statuses = []
    for _ in range(3):
        browser = requests.Session()
        statuses.append(browser.get(walk_to_callback(browser, sso_site, "fremmed"),
                                    allow_redirects=False).status_code)
    # Refused, then locked at the limit (as a password login is), and locked it stays
    assert statuses == [403, 429, 429]
    # A colleague on the same address signs in as usual
    colleague = requests.Session()
    response = colleague.get(walk_to_callback(colleague, sso_site, "kari"), allow_redirects=False)
    assert response.status_code == 302
    assert _signed_in(colleague, sso_site)


def test_local_password_and_totp_login_still_works_with_sso_configured(sso_site, municipality):
    user = _officer(municipality, email="kari@kommune.test")
    device = TOTPDevice.objects.create(user=user, name="Husly", confirmed=True)
    browser = requests.Session()
    page = browser.get(sso_site + reverse("accounts:login"))
    assert f"Logg inn med {IDP_NAME}" in page.text
    assert 'href="/konto/sso/"' in page.text
    token = browser.cookies["csrftoken"]
    response = browser.post(sso_site + reverse("accounts:login"), allow_redirects=False,
                            data={"username": "bolig", "password": PASSWORD,
                                  "csrfmiddlewaretoken": token},
                            headers={"Referer": sso_site + reverse("accounts:login")})
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("accounts:otp_verify"))
    assert not _signed_in(browser, sso_site)  # held at the two-factor step
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    response = browser.post(sso_site + response.headers["Location"], allow_redirects=False,
                            data={"token": f"{code:06d}",
                                  "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
                            headers={"Referer": sso_site + reverse("accounts:otp_verify")})
    assert response.status_code == 302
    assert _signed_in(browser, sso_site)
    event = DomainEvent.objects.get(name="staff.signed_in", actor=user)
    assert event.changes == {"method": "password+totp"}


def test_an_administrator_signed_in_by_sso_opens_the_admin_site(sso_site, municipality):
    admin = staff_make(municipality=municipality, role=Role.ADMINISTRATOR, username="admin")
    User.objects.filter(pk=admin.pk).update(email="admin@kommune.test", is_staff=True)
    browser = requests.Session()
    assert browser.get(walk_to_callback(browser, sso_site, "admin"),
                       allow_redirects=False).status_code == 302
    response = browser.get(sso_site + "/admin/", allow_redirects=False)
    assert response.status_code == 200


def test_without_sso_settings_the_login_page_and_urls_are_as_before(client, settings):
    settings.HUSLY_OIDC_ISSUER = ""
    settings.HUSLY_OIDC_CLIENT_ID = ""
    page = client.get(reverse("accounts:login"))
    assert "/konto/sso/" not in page.content.decode()
    assert client.get(reverse("accounts:sso_login")).status_code == 404
    assert client.get(reverse("accounts:sso_callback") + "?code=x&state=y").status_code == 404


def test_private_key_jwt_client_authentication(sso_site, settings, oidc_provider,
                                               municipality):
    # Given Husly registered with a key instead of a secret (as ID-porten and HelseID want)
    settings.HUSLY_OIDC_CLIENT_ID = "husly-jwt"
    settings.HUSLY_OIDC_CLIENT_SECRET = ""
    settings.HUSLY_OIDC_PRIVATE_KEY_FILE = str(oidc_provider.jwt_key_file)
    _officer(municipality, email="kari@kommune.test")
    # Then the token request is signed with it, and the sign-in goes through, twice
    for _ in range(2):
        browser = requests.Session()
        response = browser.get(walk_to_callback(browser, sso_site, "kari"),
                               allow_redirects=False)
        assert response.status_code == 302
        assert _signed_in(browser, sso_site)


def test_a_wrong_client_key_is_refused_by_the_provider(sso_site, settings, tmp_path,
                                                       municipality):
    from joserfc.jwk import RSAKey

    stranger = RSAKey.generate_key(2048, parameters={"kid": "husly-test-1"}, private=True)
    key_file = tmp_path / "wrong.pem"
    key_file.write_bytes(stranger.as_pem(private=True))
    settings.HUSLY_OIDC_CLIENT_ID = "husly-jwt"
    settings.HUSLY_OIDC_PRIVATE_KEY_FILE = str(key_file)
    settings.HUSLY_OIDC_PRIVATE_KEY_ID = "husly-test-1"
    _officer(municipality, email="kari@kommune.test")
    browser = requests.Session()
    response = browser.get(walk_to_callback(browser, sso_site, "kari"), allow_redirects=False)
    assert response.status_code == 400
    assert "kunne ikke bekreftes" in response.text
    assert not _signed_in(browser, sso_site)


def _provider_asks_for_login(browser: requests.Session, husly_url: str) -> bool:
    """Start a new single sign-on: does the provider show its login form, or does it know the
    person already and send the browser straight back?"""
    response = browser.get(husly_url + "/konto/sso/", allow_redirects=False)
    while response.is_redirect:
        location = urljoin(response.url, response.headers["Location"])
        if location.startswith(husly_url + CALLBACK_PATH):
            return False
        response = browser.get(location, allow_redirects=False)
    return "login" in provider_form(response.text).fields


def _log_out(browser: requests.Session, husly_url: str) -> requests.Response:
    browser.get(husly_url + reverse("people:resident_list"))  # the page with "Logg ut"
    return browser.post(husly_url + reverse("accounts:logout"), allow_redirects=False,
                        data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
                        headers={"Referer": husly_url + reverse("people:resident_list")})


def test_signing_out_ends_the_session_at_the_provider_too(sso_site, settings, oidc_provider,
                                                          municipality):
    # Given an install that signs out at the provider too (as ID-porten wants)
    settings.HUSLY_OIDC_LOGOUT = True
    _officer(municipality, email="kari@kommune.test")
    browser = requests.Session()
    browser.get(walk_to_callback(browser, sso_site, "kari"), allow_redirects=False)
    assert _signed_in(browser, sso_site)
    assert not _provider_asks_for_login(browser, sso_site)  # the provider knows her
    browser.get(walk_to_callback(browser, sso_site, "kari"), allow_redirects=False)
    # Her pages let the "Logg ut" form go on to the provider (CSP form-action)
    page = browser.get(sso_site + reverse("people:resident_list"))
    form_action = next(part for part in page.headers["Content-Security-Policy"].split(";")
                       if part.strip().startswith("form-action"))
    assert oidc_provider.issuer in form_action
    # When she logs out of Husly
    response = _log_out(browser, sso_site)
    # Then Husly's session is gone and the browser goes to the provider's sign-out
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(oidc_provider.issuer + "/")
    query = dict(parse_qsl(urlsplit(location).query))
    assert query["post_logout_redirect_uri"] == sso_site + reverse("accounts:login")
    assert query["client_id"] == "husly"
    assert query["id_token_hint"].count(".") == 2
    assert not _signed_in(browser, sso_site)
    # She confirms at the provider and is back at Husly's login page
    confirm = browser.get(location)
    form = provider_form(confirm.text)
    back = browser.post(urljoin(confirm.url, form.action), data={**form.fields, "logout": "yes"},
                        allow_redirects=False)
    assert back.status_code in (302, 303)
    assert back.headers["Location"] == sso_site + reverse("accounts:login")
    # And the next sign-in asks for her login again: the provider's session ended too
    assert _provider_asks_for_login(browser, sso_site)


def test_signing_out_is_local_unless_asked(sso_site, oidc_provider, municipality):
    # Given an install that keeps the provider's session (the default, for Entra ID)
    _officer(municipality, email="kari@kommune.test")
    browser = requests.Session()
    browser.get(walk_to_callback(browser, sso_site, "kari"), allow_redirects=False)
    page = browser.get(sso_site + reverse("people:resident_list"))
    assert oidc_provider.issuer not in page.headers["Content-Security-Policy"]
    response = _log_out(browser, sso_site)
    # Then the login page follows, Husly's session is gone and the provider's is not
    assert response.headers["Location"] == reverse("accounts:login")
    assert not _signed_in(browser, sso_site)
    assert not _provider_asks_for_login(browser, sso_site)


def test_a_password_session_signs_out_locally_with_provider_sign_out_on(sso_site, settings,
                                                                        client, municipality):
    settings.HUSLY_OIDC_LOGOUT = True
    verified_login(client, _officer(municipality, email="kari@kommune.test"))
    page = client.get(reverse("people:resident_list"))
    assert "127.0.0.1" not in page.headers["Content-Security-Policy"]
    response = client.post(reverse("accounts:logout"))
    assert response.headers["Location"] == reverse("accounts:login")
