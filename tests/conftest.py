import pytest
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from husly.accounts.models import Role
from husly.allocation import services as allocation_services
from tests.accounts.oidc import oidc_provider, sso_site  # noqa: F401 - fixtures, ADR 0025
from tests.factories import (
    DwellingFactory,
    MunicipalityFactory,
    ResidentFactory,
    TeamFactory,
    staff_make,
)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": tmp_path / "media"}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.HUSLY_ALLOW_SYNTHETIC_IDS = True
    settings.HUSLY_REQUIRE_2FA = True
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
    settings.LANGUAGE_CODE = "nb"
    # Argon2 is the production hasher (tests/accounts check it); tests hash quickly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _commit_at_service_boundary(monkeypatch):
    """Run on-commit work when the outermost transaction that is not the test's own ends.

    A test runs inside a transaction that is rolled back, so Django would never run
    `transaction.on_commit` callbacks (the event subscribers, ADR 0031). In production the
    outermost `atomic` of a service commits; here the same moment is the exit of the
    outermost block above the test case's blocks. A block that rolls back drops its
    callbacks, as Django does; tests marked `transaction=True` commit for real."""
    original_exit = transaction.Atomic.__exit__

    def exit_and_run_callbacks(self, exc_type, exc_value, traceback):
        result = original_exit(self, exc_type, exc_value, traceback)
        connection = transaction.get_connection(self.using)
        blocks = connection.atomic_blocks
        if (exc_type is None and blocks and all(b._from_testcase for b in blocks)
                and not connection.needs_rollback):
            # Taken off the connection first, as Django's own commit does: a callback whose
            # work commits runs only its own callbacks, not the rest of this list inside it
            # (which nests one call per pending callback, and a long demo overflows the stack).
            pending, connection.run_on_commit = connection.run_on_commit, []
            for _sids, callback, _robust in pending:
                callback()
        return result

    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_and_run_callbacks)


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


@pytest.fixture
def flow(municipality, team, make_staff):
    officer = make_staff(Role.HOUSING_OFFICER, team=team, username="bolig")
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team, username="miljo", health=True)
    nav = make_staff(Role.NAV_COUNSELLOR, team=team, username="nav")
    caretaker = make_staff(Role.CARETAKER, team=team, username="vaktmester")
    allocation_services.allocation_settings_save(municipality=municipality, by=None,
                                                 lease_lengths_months=[36, 60])
    allocation_services.criterion_create(municipality=municipality, text="18 år eller eldre",
                                         by=None)
    for title, unit_kind, prep in [
        ("Følge til visning", "followup", False),
        ("Avklare behov for verge", "followup", False),
        ("Første husleie og depositumsgaranti", "nav", False),
        ("Klargjøre boligen: seng og enkle møbler", "caretaker", True),
        ("Signere kontrakt", "housing", False),
        ("Nøkler", "housing", False),
    ]:
        allocation_services.task_template_create(municipality=municipality, title=title,
                                      unit_kind=unit_kind, is_preparation=prep, by=None)
    applicant = ResidentFactory(municipality=municipality, team=team, given_name="Kari",
                                family_name="Søker")
    dwelling = DwellingFactory(municipality=municipality, street_address="Nyveien 3")
    unit = officer.role_assignments.get().unit
    return {"officer": officer, "worker": worker, "nav": nav, "caretaker": caretaker,
            "applicant": applicant, "dwelling": dwelling, "officer_unit": unit,
            "municipality": municipality}
