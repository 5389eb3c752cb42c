from django.conf import settings
from django.utils.translation import gettext as _

from husly.accounts.models import Role, RoleAssignment, User

# The roles that do the work of a unit: analysts and administrators hold a unit too, but a task
# is never theirs to do.
WORKING_ROLES = [r for r in Role.values if r not in (Role.ANALYST, Role.ADMINISTRATOR)]


def team_has_member(team, user) -> bool:
    return team.memberships.filter(user=user).exists()


def staff_in_unit(*, unit):
    """The active staff who work in `unit` (not its analysts or administrators)."""
    return (User.objects.filter(is_active=True, role_assignments__unit=unit,
                                role_assignments__municipality_id=unit.municipality_id,
                                role_assignments__role__in=WORKING_ROLES)
            .distinct().order_by("first_name", "last_name", "id"))


def staff_in_unit_kind(*, municipality, kind: str):
    """The active staff who work in a unit of this kind in the municipality."""
    return (User.objects.filter(is_active=True, role_assignments__municipality=municipality,
                                role_assignments__unit__kind=kind,
                                role_assignments__role__in=WORKING_ROLES)
            .distinct().order_by("first_name", "last_name", "id"))


def staff_in_units(*, unit_ids) -> dict[int, list]:
    """`staff_in_unit` for several units in one query: unit id -> staff, by name."""
    result: dict[int, list] = {pk: [] for pk in unit_ids}
    assignments = (RoleAssignment.objects.filter(unit_id__in=list(result),
                                                 role__in=WORKING_ROLES, user__is_active=True)
                   .select_related("user")
                   .order_by("user__first_name", "user__last_name", "user_id"))
    for assignment in assignments:
        people = result[assignment.unit_id]
        if assignment.user not in people:
            people.append(assignment.user)
    return result


def not_in_unit_message(person, unit) -> str:
    """What `works_in_unit` refusing says, wherever a task or an item is given."""
    return _("%(name)s is not in %(unit)s. Give the task to someone in the responsible "
             "unit.") % {"name": person, "unit": unit}


def works_in_unit(*, user, unit) -> bool:
    return RoleAssignment.objects.filter(user=user, unit=unit,
                                         municipality_id=unit.municipality_id,
                                         role__in=WORKING_ROLES, user__is_active=True).exists()


def unit_of_kind_for(*, user, municipality_id: int, kind: str):
    """The unit of this kind in the municipality that `user` works in, or None."""
    assignment = (RoleAssignment.objects.filter(user=user, municipality_id=municipality_id,
                                                unit__kind=kind, role__in=WORKING_ROLES,
                                                user__is_active=True)
                  .select_related("unit").order_by("unit_id").first())
    return assignment.unit if assignment else None


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
