from ninja.security import SessionAuth

from husly.accounts.middleware import two_factor_passed, two_factor_step


class StaffSession(SessionAuth):
    """The signed-in staff member's session, with two-factor passed where it is required.
    Integrations get their own tokens later (issue 10); they will end in the same checks."""

    def authenticate(self, request, key):
        user = request.user
        if not user.is_authenticated:
            return None
        if two_factor_step(user) and not two_factor_passed(request):
            return None
        return user
