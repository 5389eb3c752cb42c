"""Reads of the integrations module: the municipality's tokens, a token's calls, and the
token a call presents."""

import hmac
import re
from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.common.formats import date_long
from husly.housing.models import Dwelling, DwellingStatus
from husly.integrations.models import IntegrationCall, IntegrationToken
from husly.integrations.services import TOKEN_PREFIX, token_hash

# husly_ and 43 URL-safe base64 characters (32 bytes); a little slack either way.
TOKEN_PATTERN = re.compile(r"^husly_[A-Za-z0-9_-]{40,60}$")


def tokens_listed(*, municipality) -> QuerySet:
    return (IntegrationToken.objects.filter(municipality=municipality)
            .select_related("created_by", "revoked_by"))


def token_get(*, municipality, pk: int) -> IntegrationToken:
    """A token of this municipality; another municipality's is not found (404)."""
    return get_object_or_404(tokens_listed(municipality=municipality), pk=pk)


def token_calls(*, token: IntegrationToken) -> QuerySet:
    return IntegrationCall.objects.filter(token=token, municipality_id=token.municipality_id)


@dataclass(frozen=True)
class TokenCheck:
    """What a presented secret is: the token (when one has this hash) and, when the call
    must be refused, why, in words that say what to do."""

    token: IntegrationToken | None
    refusal: str = ""


def token_check(secret: str) -> TokenCheck:
    """Find the token by the hash of the secret. The hash is compared in constant time as
    well; the secret itself is never logged or echoed."""
    secret = (secret or "").strip()
    if not TOKEN_PATTERN.match(secret):
        return TokenCheck(None, _(
            "The token is not a Husly integration token: it starts with %(prefix)s and has "
            "about 50 characters. Check that the whole token is copied into the "
            "Authorization header as “Bearer <token>”.") % {"prefix": TOKEN_PREFIX})
    digest = token_hash(secret)
    token = (IntegrationToken.objects.select_related("municipality", "system_user")
             .filter(key_hash=digest).first())
    if token is None or not hmac.compare_digest(token.key_hash, digest):
        return TokenCheck(None, _(
            "The token is not known to Husly. Check that it is copied correctly, or ask the "
            "municipality's Husly administrator for a new token."))
    if token.revoked_at is not None:
        return TokenCheck(token, _(
            "The token was revoked on %(date)s and no longer works. Ask the municipality's "
            "Husly administrator for a new token.") % {
            "date": date_long(timezone.localtime(token.revoked_at).date())})
    if token.expires_on < timezone.localdate():
        return TokenCheck(token, _(
            "The token expired on %(date)s. Ask the municipality's Husly administrator for a "
            "new token.") % {"date": date_long(token.expires_on)})
    return TokenCheck(token)


def vacant_dwellings(*, municipality, kind: str | None = None) -> QuerySet:
    """The municipality's vacant dwellings, by address: dwellings only, no person data."""

    dwellings = (Dwelling.objects.filter(municipality=municipality,
                                         status=DwellingStatus.VACANT)
                 .prefetch_related("suitability")
                 .order_by("street_address", "bruksenhetsnummer", "id"))
    return dwellings.filter(kind=kind) if kind else dwellings
