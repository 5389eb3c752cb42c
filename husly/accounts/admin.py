"""Staff, units, teams and roles in the admin site (see husly.accounts.admin_site)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from husly.accounts.admin_site import ScopedModelAdmin, site, staff_administered
from husly.accounts.models import RoleAssignment, Team, TeamMembership, Unit, User


@admin.register(Unit, site=site)
class UnitAdmin(ScopedModelAdmin):
    list_display = ("name", "kind", "municipality")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Team, site=site)
class TeamAdmin(ScopedModelAdmin):
    list_display = ("name", "municipality", "review_interval_weeks")
    search_fields = ("name",)


class TeamMembershipForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        team, user = cleaned.get("team"), cleaned.get("user")
        if team and user and not user.role_assignments.filter(
                municipality_id=team.municipality_id).exists():
            self.add_error("user", _("The staff member needs a role in the team's municipality."))
        return cleaned


@admin.register(TeamMembership, site=site)
class TeamMembershipAdmin(ScopedModelAdmin):
    form = TeamMembershipForm
    municipality_lookup = "team__municipality"
    list_display = ("user", "team", "is_leader")
    list_filter = ("is_leader", ("team", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("user", "team")


class RoleAssignmentForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        unit, municipality = cleaned.get("unit"), cleaned.get("municipality")
        if unit and municipality and unit.municipality_id != municipality.pk:
            self.add_error("unit", _("Choose a unit in the same municipality."))
        return cleaned


@admin.register(RoleAssignment, site=site)
class RoleAssignmentAdmin(ScopedModelAdmin):
    form = RoleAssignmentForm
    list_display = ("user", "role", "unit", "municipality")
    list_filter = ("role", ("municipality", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("user", "unit", "municipality")
    search_fields = ("user__username", "user__first_name", "user__last_name")


class StaffChangeForm(UserChangeForm):
    password = None  # not even the masked hash is shown; see `password_link`


@admin.register(User, site=site)
class StaffAdmin(ScopedModelAdmin, UserAdmin):
    """Staff accounts. No superuser flag, groups or model permissions: roles give the rights."""

    form = StaffChangeForm
    fieldsets = (
        (None, {"fields": ("username", "password_link")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (_("Single sign-on"), {"fields": ("sso_identifier",)}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_health_personnel",
                                        "cleared_for_protected_addresses")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("password_link", "last_login", "date_joined")
    list_display = ("username", "first_name", "last_name", "is_active", "is_staff",
                    "is_health_personnel", "cleared_for_protected_addresses")
    list_filter = ("is_active", "is_staff", "is_health_personnel",
                   "cleared_for_protected_addresses")
    filter_horizontal = ()

    def get_queryset(self, request):
        return staff_administered(request)

    @admin.display(description=_("Password"))
    def password_link(self, obj):
        url = reverse("admin:auth_user_password_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Set a new password"))
