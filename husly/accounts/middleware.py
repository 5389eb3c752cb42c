from urllib.parse import urlsplit

from django.conf import settings

from husly.accounts import sso

SESSION_MUNICIPALITY = "husly_municipality"


def two_factor_passed(request) -> bool:
    """The session has passed a second factor: a TOTP code here (django-otp), or a single
    sign-on, where the provider asks for it (ADR 0025). Every check of it asks this."""
    user = request.user
    if not user.is_authenticated:
        return False
    if user.is_verified():
        return True
    return request.session.get(sso.SESSION_SSO_USER) == str(user.pk)


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
        if request.session.get(sso.SESSION_ID_TOKEN) and (endpoint := sso.sso_logout_endpoint()):
            parts = urlsplit(endpoint)
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []),
                                     f"{parts.scheme}://{parts.netloc}"]
            response._csp_update = update
        return response
