"""Writes for municipalities, units, teams and staff. Each records a domain event."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from husly.accounts.models import Role, RoleAssignment, Team, TeamMembership, Unit, User
from husly.common.events import event_record
from husly.common.models import Municipality


@transaction.atomic
def municipality_create(*, number: str, name: str, written_language: str = "nb", by=None):
    municipality = Municipality(number=number, name=name, written_language=written_language)
    municipality.full_clean()
    municipality.save()
    event_record(
        name="municipality.created", actor=by, target=municipality, municipality=municipality,
        changes={"number": number, "name": name, "written_language": written_language},
    )
    return municipality


@transaction.atomic
def unit_create(*, municipality, name: str, kind: str, by=None) -> Unit:
    unit = Unit(municipality=municipality, name=name, kind=kind)
    unit.full_clean()
    unit.save()
    event_record(name="unit.created", actor=by, target=unit, changes={"name": name, "kind": kind})
    return unit


@transaction.atomic
def staff_create(
    *, username: str, first_name: str, last_name: str, password: str | None, email: str = "",
    is_health_personnel: bool = False, cleared_for_protected_addresses: bool = False,
    phone: str = "", is_staff: bool = False, by=None,
) -> User:
    """A staff member. `is_staff` lets an administrator into the admin site (with two-factor
    and the administrator role as well: husly.accounts.admin_site)."""
    user = User(
        username=username, first_name=first_name, last_name=last_name, email=email,
        is_health_personnel=is_health_personnel, phone=phone, is_staff=is_staff,
        cleared_for_protected_addresses=cleared_for_protected_addresses,
    )
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    event_record(
        name="staff.created", actor=by, target=user,
        changes={"username": username, "is_health_personnel": is_health_personnel,
                 "cleared_for_protected_addresses": cleared_for_protected_addresses},
    )
    return user


@transaction.atomic
def role_assign(*, user: User, municipality, role: str, unit: Unit | None = None, by=None):
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    if unit is not None and unit.municipality_id != municipality.pk:
        raise ValueError("the unit belongs to another municipality")
    assignment = RoleAssignment.objects.create(
        user=user, municipality=municipality, role=role, unit=unit
    )
    event_record(
        name="staff.role_assigned", actor=by, target=user, municipality=municipality,
        changes={"role": role, "unit": unit},
    )
    return assignment


@transaction.atomic
def team_create(*, municipality, name: str, by=None) -> Team:
    team = Team(municipality=municipality, name=name)
    team.full_clean()
    team.save()
    event_record(name="team.created", actor=by, target=team, changes={"name": name})
    return team


@transaction.atomic
def team_member_add(*, team: Team, user: User, is_leader: bool = False, by=None):
    if not user.role_assignments.filter(municipality=team.municipality).exists():
        raise ValueError("a team member needs a role in the team's municipality")
    membership = TeamMembership.objects.create(team=team, user=user, is_leader=is_leader)
    event_record(
        name="team.member_added", actor=by, target=team,
        changes={"user": user, "is_leader": is_leader},
    )
    return membership


@transaction.atomic
def totp_device_confirm(*, device, by) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    event_record(name="staff.two_factor_enabled", actor=by, target=by, municipality=None)


def staff_signed_in(*, user, method: str) -> None:
    """Every way of signing in (password + TOTP today, OIDC later) ends here."""
    event_record(name="staff.signed_in", actor=user, target=user, changes={"method": method})
