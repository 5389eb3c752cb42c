import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from husly.accounts.models import Role
from husly.common.models import DomainEvent

PASSWORD = "et-langt-testpassord-42"


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_production_hashes_passwords_with_argon2():
    from config import settings as configured  # the module, not the test-adjusted settings

    assert configured.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_first_login_enrols_an_authenticator_then_asks_for_its_code(client, make_staff):
    user = make_staff(Role.FOLLOWUP_WORKER, username="ny-ansatt")
    response = client.post(reverse("accounts:login"),
                           {"username": "ny-ansatt", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_setup"))
    page = client.get(response["Location"])
    assert b"data:image/svg+xml;base64," in page.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:otp_setup"), {"token": "000000"})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # wrong codes slow the next attempt down
    device.throttle_reset()
    response = client.post(reverse("accounts:otp_setup"), {"token": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("people:resident_list")).status_code == 200
    assert DomainEvent.objects.filter(name="staff.two_factor_enabled", actor=user).exists()

    client.post(reverse("accounts:logout"))
    response = client.post(reverse("accounts:login"),
                           {"username": "ny-ansatt", "password": PASSWORD})
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get(reverse("people:resident_list")).status_code == 302
    device.refresh_from_db()
    device.last_t = -1  # allow the same time step again in this fast test
    device.save()
    response = client.post(reverse("accounts:otp_verify"), {"token": _code(device)})
    assert response.status_code == 302
    assert client.get(reverse("people:resident_list")).status_code == 200


def test_wrong_password_gives_a_norwegian_message(client, make_staff):
    make_staff(Role.FOLLOWUP_WORKER, username="ansatt")
    response = client.post(reverse("accounts:login"), {"username": "ansatt", "password": "feil"})
    assert response.status_code == 200
    assert "Feil brukernavn eller passord" in response.content.decode()


def test_repeated_failures_lock_the_account(client, make_staff, settings):
    make_staff(Role.FOLLOWUP_WORKER, username="ansatt")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "ansatt", "password": "feil"})
    response = client.post(reverse("accounts:login"),
                           {"username": "ansatt", "password": PASSWORD})
    assert response.status_code == 429
    assert "låst" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_demo_lets_users_without_a_device_skip_two_factor(client, make_staff, settings):
    settings.HUSLY_REQUIRE_2FA = False
    make_staff(Role.FOLLOWUP_WORKER, username="demo")
    response = client.post(reverse("accounts:login"), {"username": "demo", "password": PASSWORD})
    assert response["Location"] == reverse("home")
    # and the start page sends a follow-up worker to their inbox
    assert client.get(reverse("home"))["Location"] == reverse("inbox:inbox")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_login_never_redirects_off_site(client, make_staff, settings, target):
    settings.HUSLY_REQUIRE_2FA = False
    make_staff(Role.FOLLOWUP_WORKER, username="demo")
    response = client.post(reverse("accounts:login"),
                           {"username": "demo", "password": PASSWORD, "next": target})
    assert response["Location"] == reverse("home")


def test_sessions_expire_after_inactivity():
    from config import settings as configured

    assert configured.SESSION_SAVE_EVERY_REQUEST
    assert configured.SESSION_COOKIE_AGE <= 3600
