"""The admin site: for administrators with two-factor, over their own municipalities (ADR 0014).

Only what it takes to run a municipality is registered (municipality, units, teams, staff,
roles, and the access log read-only); never residents or anything else of person data.
"""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from husly.accounts.middleware import two_factor_passed, two_factor_step
from husly.accounts.models import Role, RoleAssignment, User
from husly.common.models import Municipality, MunicipalityScopedModel


def administered_municipality_ids(request) -> frozenset[int]:
    """The municipalities the signed-in user is administrator in (once per request)."""
    ids = getattr(request, "_husly_administered", None)
    if ids is None:
        ids = frozenset()
        if request.user.is_authenticated:
            ids = frozenset(RoleAssignment.objects.filter(
                user=request.user, role=Role.ADMINISTRATOR).values_list("municipality_id",
                                                                         flat=True))
        request._husly_administered = ids
    return ids


class HuslyAdminSite(OTPAdminSite):
    site_header = site_title = _("Husly administration")

    def has_permission(self, request):
        # Active and is_staff (Django's check), a second factor passed, also in the demo: the
        # TOTP code (OTPAdminSite's own check) or single sign-on (ADR 0025); and the role.
        return (admin.AdminSite.has_permission(self, request) and two_factor_passed(request)
                and bool(administered_municipality_ids(request)))

    def login(self, request, extra_context=None):
        """Staff sign in on the app's own pages, with two-factor; the admin has no login form."""
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index",
                                                                   current_app=self.name)
        if self.has_permission(request):
            return redirect(reverse("admin:index", current_app=self.name))
        if not request.user.is_authenticated:
            return redirect_to_login(next_url, "accounts:login")
        if not two_factor_passed(request):
            # The demo lets staff skip two-factor; the admin never does.
            return redirect_to_login(next_url, two_factor_step(request.user)
                                     or "accounts:otp_setup")
        raise PermissionDenied


site = HuslyAdminSite(name="admin")


def staff_administered(request):
    """Staff whose every role is in a municipality the user administers, or with no role yet.
    Someone who also works elsewhere is left to a superuser: the staff flags (health
    personnel, clearance, active) and the password are global and would change their access
    in the other municipality too."""
    users = User.objects.all()
    if request.user.is_superuser:
        return users
    administered = administered_municipality_ids(request)
    return users.filter(is_superuser=False).exclude(
        role_assignments__in=RoleAssignment.objects.exclude(municipality__in=administered))


class ScopedModelAdmin(admin.ModelAdmin):
    """The administrator role gives the rights (not Django's model permissions), over the
    rows of the municipalities the user administers. Superusers see every municipality."""

    municipality_lookup = "municipality"

    def _allowed(self, request) -> bool:
        return self.admin_site.has_permission(request)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            **{f"{self.municipality_lookup}__in": administered_municipality_ids(request)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            model, ids = db_field.related_model, administered_municipality_ids(request)
            if model is Municipality:
                kwargs["queryset"] = Municipality.objects.filter(pk__in=ids)
            elif issubclass(model, MunicipalityScopedModel):
                kwargs["queryset"] = model.objects.filter(municipality__in=ids)
            elif model is User:
                kwargs["queryset"] = staff_administered(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Municipality, site=site)
class MunicipalityAdmin(ScopedModelAdmin):
    municipality_lookup = "pk"
    list_display = ("name", "number", "written_language")
    search_fields = ("name", "number")

    # A new municipality is a new tenant: set up by the operator (a superuser), not by one.
    def has_add_permission(self, request):
        return request.user.is_superuser and self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and self._allowed(request)
