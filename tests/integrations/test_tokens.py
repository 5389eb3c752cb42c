"""Tokens: created by the administrator with a secret shown once, only its hash kept, acting
as a system user with no role; revoked once."""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from husly.accounts.models import Role
from husly.common.models import DomainEvent
from husly.integrations.models import IntegrationToken
from husly.integrations.services import integration_token_create, integration_token_revoke
from tests.integrations.helpers import token_make

pytestmark = pytest.mark.django_db


def test_a_token_keeps_only_the_hash_of_its_secret_and_acts_as_a_system_user(
        municipality, make_staff):
    admin = make_staff(Role.ADMINISTRATOR, username="admin")
    token, secret = token_make(municipality, by=admin)
    assert secret.startswith("husly_") and len(secret) >= 46
    token.refresh_from_db()
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(IntegrationToken.objects.filter(pk=token.pk).values().get())
    assert secret.startswith(token.key_prefix) and len(token.key_prefix) < 16
    user = token.system_user
    assert str(user) == "Integrasjon: Økonomisystemet Visma"
    assert not user.has_usable_password() and not user.is_active
    assert not user.role_assignments.exists()
    event = DomainEvent.objects.get(name="integration_token.created")
    assert event.actor == admin and event.changes["scopes"] == sorted(token.scopes)
    assert secret not in str(event.changes) and token.key_hash not in str(event.changes)


def test_two_tokens_never_share_a_secret(municipality):
    _t1, one = token_make(municipality, name="A")
    _t2, two = token_make(municipality, name="B")
    assert one != two


@pytest.mark.parametrize(("field", "kwargs"), [
    ("name", {"name": "  "}),
    ("scopes", {"scopes": []}),
    ("scopes", {"scopes": ["residents.read"]}),
    ("expires_on", {"expires_on": None}),
    ("expires_on", {"days": 0}),
    ("expires_on", {"days": 2 * 365 + 1}),
])
def test_a_token_needs_a_name_known_operations_and_an_expiry_within_two_years(
        municipality, field, kwargs):
    values = {"name": "Visma", "scopes": ["rent_arrears.report"],
              "expires_on": timezone.localdate() + datetime.timedelta(
                  days=kwargs.pop("days", 30))}
    values.update(kwargs)
    with pytest.raises(ValidationError) as refused:
        integration_token_create(municipality=municipality, by=None, **values)
    assert field in refused.value.message_dict
    assert not IntegrationToken.objects.exists()


def test_an_active_name_is_unique_but_may_be_reused_after_revoking(municipality):
    token, _secret = token_make(municipality, name="Visma")
    with pytest.raises(ValidationError) as refused:
        token_make(municipality, name="visma")
    assert "name" in refused.value.message_dict
    integration_token_revoke(token=token, by=None)
    token_make(municipality, name="Visma")
    assert IntegrationToken.objects.filter(name="Visma").count() == 2


def test_a_token_is_revoked_once_with_an_event(municipality, make_staff):
    admin = make_staff(Role.ADMINISTRATOR, username="admin")
    token, _secret = token_make(municipality)
    integration_token_revoke(token=token, by=admin)
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == admin
    assert token.current_state == "revoked"
    with pytest.raises(ValidationError):
        integration_token_revoke(token=token, by=admin)
    assert DomainEvent.objects.filter(name="integration_token.revoked").count() == 1


def test_the_system_user_is_named_in_the_municipalitys_written_language(other_municipality):
    token, _secret = token_make(other_municipality, name="Økonomi")
    assert str(token.system_user) == "Integrasjon: Økonomi"
