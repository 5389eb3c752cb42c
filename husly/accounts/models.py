"""Staff, their roles, units and teams."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from husly.common.models import Municipality, MunicipalityScopedModel


class UnitKind(models.TextChoices):
    HOUSING = "housing", _("Housing service")
    FOLLOWUP = "followup", _("Follow-up unit")
    NAV = "nav", _("NAV")
    PROPERTY = "property", _("Property department")
    CARETAKER = "caretaker", _("Caretaker service")


class Role(models.TextChoices):
    HOUSING_OFFICER = "housing_officer", _("Housing officer")
    FOLLOWUP_WORKER = "followup_worker", _("Follow-up worker")
    NAV_COUNSELLOR = "nav_counsellor", _("NAV counsellor")
    CARETAKER = "caretaker", _("Caretaker")
    PROPERTY_MANAGER = "property_manager", _("Property manager")
    TEAM_LEADER = "team_leader", _("Team leader")
    ANALYST = "analyst", _("Analyst")
    ADMINISTRATOR = "administrator", _("Administrator")


class Unit(MunicipalityScopedModel):
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="unit_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A staff member. Person data is reached only through roles in `RoleAssignment`."""

    is_health_personnel = models.BooleanField(
        _("health personnel"), default=False,
        help_text=_("Authorised health personnel may read the health category of their unit."),
    )
    cleared_for_protected_addresses = models.BooleanField(
        _("cleared for protected addresses"), default=False,
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Providers that name staff by something other than e-mail: ID-porten's pid, HelseID's
    # HPR number or pid, Entra's object id (HUSLY_OIDC_USERNAME_FIELD=sso_identifier).
    sso_identifier = models.CharField(
        _("identifier at single sign-on"), max_length=120, blank=True,
        help_text=_("Only when single sign-on names staff by something other than the e-mail "
                    "address: the staff member's pid (fødselsnummer) at ID-porten, HPR number "
                    "or pid at HelseID, or object id at Entra ID."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        constraints = [
            models.UniqueConstraint(fields=["sso_identifier"],
                                    condition=~models.Q(sso_identifier=""),
                                    name="user_sso_identifier_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class RoleAssignment(MunicipalityScopedModel):
    """A staff member holds a role in a municipality, exercised through a unit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="role_assignments",
        verbose_name=_("unit"),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality", "role", "unit"], name="role_assignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class Team(MunicipalityScopedModel):
    """A cross-unit team (housing, follow-up, NAV, caretaker) that follows residents."""

    name = models.CharField(_("name"), max_length=120)
    review_interval_weeks = models.PositiveSmallIntegerField(
        _("weeks between reviews of each resident"), default=4)
    members = models.ManyToManyField(
        User, through="TeamMembership", related_name="teams", verbose_name=_("members")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="team_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="team_memberships")
    is_leader = models.BooleanField(_("team leader"), default=False)

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="team_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.team}"


__all__ = ["Municipality", "Role", "RoleAssignment", "Team", "TeamMembership", "Unit", "User"]
