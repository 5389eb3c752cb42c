"""Single sign-on with OpenID Connect (ADR 0025).

Authlib is the relying party: the provider's endpoints from its discovery document, state,
nonce and PKCE (S256) kept in the session, the ID token's signature checked against the
provider's JWKS (fetched again when it meets a key it does not know). What is Husly's is here:
which claim names the person, that only an existing, active Husly user with a role gets in,
and the refusals. The provider never creates users and never gives roles.
"""

import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError
from authlib.integrations.django_client import OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from authlib.oauth2.rfc7523.assertion import private_key_jwt_sign
from django.conf import settings
from django.contrib.auth import authenticate, login
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, JWKRegistry, RSAKey

from husly.accounts import services

# The Husly user's id, set when single sign-on opened the session: the provider asked for the
# second factor, so accounts.middleware.two_factor_passed lets the session through.
SESSION_SSO_USER = "husly_sso_user"

log = logging.getLogger(__name__)

SESSION_NEXT = "husly_sso_next"
# The provider's ID token, kept for the sign-out (its hint tells the provider whose session).
SESSION_ID_TOKEN = "husly_sso_id_token"

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
                   settings.HUSLY_OIDC_TIMEOUT_SECONDS, settings.HUSLY_OIDC_PRIVATE_KEY_FILE,
                   settings.HUSLY_OIDC_PRIVATE_KEY_ID)


def _scopes() -> str:
    scopes = settings.HUSLY_OIDC_SCOPES.split()
    if "openid" not in scopes:
        scopes.insert(0, "openid")
    return " ".join(scopes)


@lru_cache(maxsize=4)
def _client(issuer: str, client_id: str, client_secret: str, scopes: str, timeout: float,
            private_key_file: str = "", private_key_id: str = ""):
    client_kwargs = {"scope": scopes, "code_challenge_method": "S256",
                     "default_timeout": timeout}
    key = None
    if private_key_file:
        key = private_key_load(Path(private_key_file), key_id=private_key_id)
        client_kwargs["token_endpoint_auth_method"] = ClientAssertion.name
    app = OAuth().register(
        name="husly_sso",
        client_id=client_id,
        # For private_key_jwt Authlib takes the key where the secret would be.
        client_secret=key if key is not None else (client_secret or None),
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs=client_kwargs,
    )
    if key is not None:
        app.client_auth_methods = [ClientAssertion(app, key)]
    return app


def private_key_load(path: Path, *, key_id: str = ""):
    """The client's private key for private_key_jwt: a JWK (JSON) or a PEM file."""
    text = path.read_text()
    parameters = {"kid": key_id} if key_id else None
    if text.lstrip().startswith("{"):
        data = json.loads(text)
        if key_id:
            data["kid"] = key_id
        key = JWKRegistry.import_key(data)
    else:
        try:
            key = RSAKey.import_key(text, parameters=parameters)
        except (ValueError, TypeError, JoseError):
            key = ECKey.import_key(text, parameters=parameters)
    if not key.is_private:
        raise ImproperlyConfigured("HUSLY_OIDC_PRIVATE_KEY_FILE holds no private key.")
    return key


class ClientAssertion(PrivateKeyJWT):
    """private_key_jwt (RFC 7523, OIDC Core 9) as ID-porten and HelseID want it: signed with
    the client's key, its `kid` in the header, valid for 60 seconds (HelseID's limit), a new
    `jti` every time, and the provider's issuer as the audience."""

    def __init__(self, app, key):
        alg = "ES256" if isinstance(key, ECKey) else "RS256"
        super().__init__(alg=alg)
        self.app = app
        self.key = key

    def sign(self, auth, token_endpoint):
        header = {"kid": self.key.kid} if self.key.kid else {}
        audience = self.app.load_server_metadata().get("issuer") or token_endpoint
        return private_key_jwt_sign(self.key, client_id=auth.client_id,
                                    token_endpoint=audience, alg=self.alg, claims={},
                                    header=header, expires_in=60)


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
    if token.get("id_token"):
        request.session[SESSION_ID_TOKEN] = token["id_token"]
    services.staff_signed_in(user=user, method="oidc")
    return user, next_url


def sso_logout_endpoint() -> str | None:
    """The provider's end_session_endpoint when Husly signs out there too (HUSLY_OIDC_LOGOUT,
    OpenID Connect RP-Initiated Logout 1.0), else None.

    Off by default: at Entra ID it ends the person's whole Microsoft session, Outlook with it.
    ID-porten wants it: on a shared PC the next person must not come in as the last one.
    """
    if not (settings.HUSLY_OIDC_LOGOUT and sso_enabled()):
        return None
    try:
        return sso_client().load_server_metadata().get("end_session_endpoint") or None
    except (requests.RequestException, ValueError, RuntimeError) as exc:
        log.warning("SSO: no sign-out at the provider, its discovery document could not be "
                    "read (%s)", type(exc).__name__)
        return None


def sso_logout_url(request, *, id_token: str) -> str | None:
    """Where the browser goes after Husly's own sign-out so that the provider's session ends
    too; None when it does not, and the login page follows as before."""
    endpoint = sso_logout_endpoint() if id_token else None
    if not endpoint:
        return None
    query = urlencode({
        "id_token_hint": id_token,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("accounts:login")),
        "client_id": settings.HUSLY_OIDC_CLIENT_ID,
    })
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


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
