from django.conf import settings

from husly.accounts.models import User


def team_has_member(team, user) -> bool:
    return team.memberships.filter(user=user).exists()


def staff_for_sso(*, identifier: str):
    """The one Husly user the provider's claim names (HUSLY_OIDC_USERNAME_FIELD; e-mail and
    username in any case, the SSO identifier exactly), when that user is active and has a
    role; None otherwise, also when two users match."""
    field = settings.HUSLY_OIDC_USERNAME_FIELD
    lookups = {"email": "email__iexact", "username": "username__iexact",
               "sso_identifier": "sso_identifier"}
    if field not in lookups or not identifier:
        return None
    matches = list(User.objects.filter(**{lookups[field]: identifier})[:2])
    if len(matches) != 1:
        return None
    user = matches[0]
    if not user.is_active or not user.role_assignments.exists():
        return None
    return user
