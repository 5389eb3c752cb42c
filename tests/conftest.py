import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from husly.accounts.models import Role
from tests.factories import MunicipalityFactory, TeamFactory, staff_make


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.HUSLY_ALLOW_SYNTHETIC_IDS = True
    settings.HUSLY_REQUIRE_2FA = True
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
    settings.LANGUAGE_CODE = "nb"
    # Argon2 is the production hasher (tests/accounts check it); tests hash quickly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(number="1108", name="Sandnes")


@pytest.fixture
def other_municipality(db):
    return MunicipalityFactory(number="4614", name="Stord", written_language="nn")


@pytest.fixture
def team(municipality):
    return TeamFactory(municipality=municipality, name="Housing First-teamet")


@pytest.fixture
def make_staff(municipality):
    def make(role=Role.FOLLOWUP_WORKER, **kwargs):
        kwargs.setdefault("municipality", municipality)
        return staff_make(role=role, **kwargs)

    return make


def verified_login(client, user):
    """Log in as if password and TOTP were both passed (the browser tests do it for real)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def login():
    def do(client, user):
        return verified_login(client, user)

    return do
