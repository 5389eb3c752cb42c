"""Single sign-on with OpenID Connect (ADR 0025).

Authlib is the relying party: the provider's endpoints from its discovery document, state,
nonce and PKCE (S256) kept in the session, the ID token's signature checked against the
provider's JWKS (fetched again when it meets a key it does not know). What is Husly's is here:
which claim names the person, that only an existing, active Husly user with a role gets in,
and the refusals. The provider never creates users and never gives roles.
"""

import logging
from dataclasses import dataclass
from functools import lru_cache

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.contrib.auth import authenticate, login
from django.urls import reverse
from joserfc.errors import JoseError

from husly.accounts import services
from husly.accounts.middleware import SESSION_SSO_USER

log = logging.getLogger(__name__)

SESSION_NEXT = "husly_sso_next"

# RFC 8176 authentication method references; "mfa" says it outright, two methods say it too.
# ID-porten names its levels in `acr`: both of these take two factors.
MFA_ACR_VALUES = frozenset({"idporten-loa-substantial", "idporten-loa-high"})


@dataclass
class SsoRefused(Exception):
    """A single sign-on that ends without a session. `reason` chooses what the person reads."""

    reason: str  # no_access, mfa, state, idp_error, invalid, unavailable
    status: int = 400


def sso_enabled() -> bool:
    return bool(settings.HUSLY_OIDC_ISSUER and settings.HUSLY_OIDC_CLIENT_ID)


def sso_client():
    """The configured provider as an Authlib client; its discovery document and JWKS are
    fetched once per process and kept on it."""
    return _client(settings.HUSLY_OIDC_ISSUER, settings.HUSLY_OIDC_CLIENT_ID,
                   settings.HUSLY_OIDC_CLIENT_SECRET, _scopes(),
                   settings.HUSLY_OIDC_TIMEOUT_SECONDS)


def _scopes() -> str:
    scopes = settings.HUSLY_OIDC_SCOPES.split()
    if "openid" not in scopes:
        scopes.insert(0, "openid")
    return " ".join(scopes)


@lru_cache(maxsize=4)
def _client(issuer: str, client_id: str, client_secret: str, scopes: str, timeout: float):
    oauth = OAuth()
    return oauth.register(
        name="husly_sso",
        client_id=client_id,
        client_secret=client_secret or None,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": scopes, "code_challenge_method": "S256",
                       "default_timeout": timeout},
    )


def sso_redirect(request, *, next_url: str):
    """Send the browser to the provider, remembering where to go after the callback."""
    request.session[SESSION_NEXT] = next_url
    redirect_uri = request.build_absolute_uri(reverse("accounts:sso_callback"))
    try:
        return sso_client().authorize_redirect(request, redirect_uri)
    except (requests.RequestException, ValueError, RuntimeError) as exc:
        log.warning("SSO: the provider's discovery document could not be read (%s)",
                    type(exc).__name__)
        raise SsoRefused("unavailable", status=503) from exc


def sso_complete(request):
    """Finish the sign-in from the provider's answer: the user signed in and where to go next,
    or SsoRefused with nothing saved and no session."""
    if request.GET.get("error"):
        # The provider's error code only: its description may quote the person.
        log.info("SSO: the provider answered with an error (%s)", request.GET["error"][:64])
        raise SsoRefused("idp_error")
    client = sso_client()
    try:
        token = client.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        if not claims:
            raise SsoRefused("invalid")
        if not claims.get(settings.HUSLY_OIDC_USERNAME_CLAIM):
            claims = _with_userinfo(client, token, claims)
    except MismatchingStateError as exc:
        log.info("SSO: callback with an unknown or used state")
        raise SsoRefused("state") from exc
    except (AuthlibBaseError, JoseError, requests.RequestException, ValueError,
            KeyError) as exc:
        log.warning("SSO: the provider's answer was refused (%s)", type(exc).__name__)
        raise SsoRefused("invalid") from exc

    if settings.HUSLY_OIDC_REQUIRE_MFA and not mfa_passed(claims):
        log.info("SSO: refused, the provider did not report two-factor")
        raise SsoRefused("mfa", status=403)
    identifier = str(claims.get(settings.HUSLY_OIDC_USERNAME_CLAIM) or "").strip()
    if not identifier:
        log.info("SSO: refused, the token has no %s claim", settings.HUSLY_OIDC_USERNAME_CLAIM)
        raise SsoRefused("no_access", status=403)
    # Through authenticate(), so django-axes sees the attempt (its username is the claim).
    user = authenticate(request, username=identifier.lower(), oidc_identifier=identifier)
    if user is None:
        log.info("SSO: refused, no active Husly user with a role for the claim")
        raise SsoRefused("no_access", status=403)
    next_url = request.session.pop(SESSION_NEXT, None) or reverse("home")
    login(request, user)
    request.session[SESSION_SSO_USER] = str(user.pk)
    services.staff_signed_in(user=user, method="oidc")
    return user, next_url


def _with_userinfo(client, token, claims: dict) -> dict:
    """Providers may keep profile claims out of the ID token (OIDC Core 5.4); the userinfo
    endpoint has them. Its `sub` must be the ID token's (OIDC Core 5.3.2)."""
    if not client.load_server_metadata().get("userinfo_endpoint"):
        return claims
    userinfo = dict(client.userinfo(token=token))
    if userinfo.get("sub") != claims.get("sub"):
        raise ValueError("userinfo sub differs from the ID token's")
    return {**userinfo, **claims}


def mfa_passed(claims: dict) -> bool:
    """The provider says the person used more than one factor."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return "mfa" in amr or len(set(amr)) >= 2 or claims.get("acr") in MFA_ACR_VALUES
