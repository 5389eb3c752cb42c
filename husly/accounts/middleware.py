from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from husly.access.policy import staff_context_for

SESSION_MUNICIPALITY = "husly_municipality"
# The Husly user's id, set when single sign-on opened the session (husly.accounts.sso): the
# provider asked for the second factor, so two_factor_passed lets the session through.
SESSION_SSO_USER = "husly_sso_user"


class StaffSessionMiddleware:
    """Attach `request.staff` and hold signed-in users at the two-factor step until verified."""

    EXEMPT_PREFIXES = (
        "/static/", "/i18n/", "/konto/logg-inn/", "/konto/logg-ut/", "/konto/tofaktor/",
        # Single sign-on's start and callback: they open a new session themselves.
        "/konto/sso/",
        # The API answers 401 itself (husly.api.auth) instead of redirecting.
        "/api/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        request.staff = staff_context_for(user, request.session.get(SESSION_MUNICIPALITY))
        if (user.is_authenticated and not two_factor_passed(request)
                and not request.path.startswith(self.EXEMPT_PREFIXES)
                and not self._calendar_feed(request.path)):
            # Only an unverified session costs the device lookup.
            step = two_factor_step(user)
            if step:
                return redirect(reverse(step) + f"?next={request.get_full_path()}")
        return self.get_response(request)

    @staticmethod
    def _calendar_feed(path: str) -> bool:
        # Calendar apps fetch the feed without a session; its secret token is the key.
        # Managing the feed is not exempt: that needs a verified login like everything else.
        return path.startswith("/oppfolging/kalender/") and path.endswith(".ics")


def two_factor_passed(request) -> bool:
    """The session has passed a second factor: a TOTP code here (django-otp), or a single
    sign-on, where the provider asks for it (ADR 0025). Every check of it asks this."""
    user = request.user
    if not user.is_authenticated:
        return False
    if user.is_verified():
        return True
    return request.session.get(SESSION_SSO_USER) == str(user.pk)


def two_factor_step(user) -> str | None:
    """Which two-factor page the user must pass, or None when no step is needed."""
    from django_otp import devices_for_user

    if any(True for _ in devices_for_user(user, confirmed=True)):
        return "accounts:otp_verify"
    if settings.HUSLY_REQUIRE_2FA:
        return "accounts:otp_setup"
    return None


class SsoLogoutFormActionMiddleware:
    """Lets the "Logg ut" form of a single sign-on session go on to the provider's sign-out.

    Browsers hold a form's redirect to the CSP's form-action too, which is 'self' only; for a
    session opened by single sign-on, with HUSLY_OIDC_LOGOUT on, the provider's origin is
    added. Listed after csp.middleware.CSPMiddleware, so it answers before the header is made.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        from husly.accounts import sso

        if request.session.get(sso.SESSION_ID_TOKEN) and (endpoint := sso.sso_logout_endpoint()):
            parts = urlsplit(endpoint)
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []),
                                     f"{parts.scheme}://{parts.netloc}"]
            response._csp_update = update
        return response
