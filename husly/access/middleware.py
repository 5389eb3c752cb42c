"""Who is signed in, as the access policy sees them: every request carries `request.staff`."""

from django.shortcuts import redirect
from django.urls import reverse

from husly.access.policy import staff_context_for
from husly.accounts.middleware import SESSION_MUNICIPALITY, two_factor_passed, two_factor_step


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
