"""Every write of the integrations module: tokens created and revoked by the administrator,
the call log, and the operations an integration performs (ADR 0027)."""

import datetime
import hashlib
import secrets
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from husly.access.policy import integration_context, integration_resident_access
from husly.access.services import resident_read
from husly.accounts.models import User
from husly.common.events import event_record
from husly.common.formats import date_long
from husly.housing.services import rent_arrears_report
from husly.integrations.models import IntegrationCall, IntegrationScope, IntegrationToken
from husly.people.models import Resident

TOKEN_PREFIX = "husly_"
# 32 random bytes: 256 bits, far beyond guessing; only their SHA-256 is stored.
TOKEN_BYTES = 32
TOKEN_DAYS_DEFAULT = 365
TOKEN_DAYS_MAX = 2 * 365
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 6


def token_hash(secret: str) -> str:
    """The stored form of a token: SHA-256 is enough for a random 256-bit secret (nothing to
    brute-force, unlike a password) and lets the token be found by an index."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _token_errors(*, municipality, name: str, scopes, expires_on, today) -> dict:
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the token a name: the system that will use it.")]
    elif len(name) > 100:
        errors["name"] = [_("The name is too long: use at most 100 characters.")]
    elif IntegrationToken.objects.filter(municipality=municipality, name__iexact=name,
                                         revoked_at__isnull=True).exists():
        errors["name"] = [_("An active token already has this name. Choose another name, or "
                            "revoke the old token first.")]
    if not scopes:
        errors["scopes"] = [_("Choose at least one operation the system may use.")]
    elif set(scopes) - set(IntegrationScope.values):
        errors["scopes"] = [_("Choose the operations from the list.")]
    if expires_on is None:
        errors["expires_on"] = [_("Give the date the token expires.")]
    elif expires_on <= today:
        errors["expires_on"] = [_("The expiry date must be after today.")]
    elif expires_on > today + datetime.timedelta(days=TOKEN_DAYS_MAX):
        errors["expires_on"] = [_(
            "A token lasts at most two years, until %(date)s. Choose an earlier date and "
            "create a new token before it expires.") % {
            "date": date_long(today + datetime.timedelta(days=TOKEN_DAYS_MAX))}]
    return errors


@transaction.atomic
def integration_token_create(*, municipality, name: str, scopes: list[str],
                             expires_on: datetime.date, by) -> tuple[IntegrationToken, str]:
    """Create a token and its system user. Returns the token and the secret: the secret is
    never stored and cannot be shown again."""

    name = (name or "").strip()
    scopes = sorted(set(scopes or []))
    today = timezone.localdate()
    errors = _token_errors(municipality=municipality, name=name, scopes=scopes,
                           expires_on=expires_on, today=today)
    if errors:
        raise ValidationError(errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    # The name in access logs and events is in the municipality's written language.
    with translation.override(municipality.written_language):
        label = _("Integration: %(name)s") % {"name": name}
    system_user = User(username=f"integrasjon-{uuid.uuid4().hex[:16]}", last_name=label[:150],
                       is_active=False)
    system_user.set_unusable_password()
    system_user.save()
    token = IntegrationToken.objects.create(
        municipality=municipality, name=name, scopes=scopes, key_hash=token_hash(secret),
        key_prefix=secret[:SHOWN_PREFIX_LENGTH], system_user=system_user, created_by=by,
        created_at=timezone.now(), expires_on=expires_on)
    event_record(name="integration_token.created", actor=by, target=token,
                 changes={"name": name, "scopes": scopes, "expires_on": expires_on,
                          "system_user": system_user})
    return token, secret


@transaction.atomic
def integration_token_revoke(*, token: IntegrationToken, by) -> IntegrationToken:
    """Stop the token at once: the next call with it is answered 401."""
    token = IntegrationToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError(_("The token was already revoked on %(date)s.") % {
            "date": date_long(timezone.localtime(token.revoked_at).date())})
    token.revoked_at = timezone.now()
    token.revoked_by = by
    token.save(update_fields=["revoked_at", "revoked_by"])
    event_record(name="integration_token.revoked", actor=by, target=token,
                 changes={"name": token.name})
    return token


def integration_call_record(*, token: IntegrationToken, operation: str, status: int,
                            items: int = 0) -> IntegrationCall:
    """Log one call made with a known token, whatever the answer. An append-only log like
    the access log: no domain event. A call the token was good for marks it used."""
    now = timezone.now()
    with transaction.atomic():
        call = IntegrationCall.objects.create(
            municipality_id=token.municipality_id, token=token, operation=operation[:40],
            called_at=now, status=status, items=max(0, items))
        if status != 401:
            IntegrationToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return call


@transaction.atomic
def integration_rent_arrears_report(*, token: IntegrationToken, lines: list[dict],
                                    complete: bool = False) -> tuple[list, list]:
    """The finance system's rent-arrears list, recorded as the integration's system user in
    the housing category; each resident it touches, or whose arrears it settles, gets a row
    in their access log.

    A `complete` list replaces what the municipality's integrations reported before, this
    token's and those of tokens since revoked or replaced (a new token for the same system
    must not leave the old one's arrears open); arrears recorded by staff are never touched,
    since the finance system may not know of rent to a private landlord."""

    scope = IntegrationScope.RENT_ARREARS_REPORT
    systems = User.objects.filter(integration_token__municipality=token.municipality)
    results, settled = rent_arrears_report(
        municipality=token.municipality, lines=lines, by=token.system_user,
        replaces_reports_of=systems if complete else None)
    context = integration_context(token)
    touched = {r["resident"].pk: r["resident"] for r in results}
    if settled:
        for resident in Resident.objects.filter(
                tenancies__in=[a.tenancy_id for a in settled]).distinct():
            touched.setdefault(resident.pk, resident)
    for resident in touched.values():
        resident_read(staff=context, resident=resident,
                      access=integration_resident_access(token, resident, scope),
                      view="api_integration_rent_arrears")
    return results, settled
