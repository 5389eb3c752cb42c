"""The access log in the admin site: read-only for everyone (see husly.accounts.admin_site)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from husly.access.models import AccessLogEntry
from husly.accounts.admin_site import ScopedModelAdmin, site


@admin.register(AccessLogEntry, site=site)
class AccessLogEntryAdmin(ScopedModelAdmin):
    """Who read which resident's information, when and why. The resident shows as a number
    only: administrators read no resident pages, and the log cannot be edited or deleted."""

    fields = list_display = ("accessed_at", "user", "resident_number", "categories", "basis",
                             "view", "municipality")
    list_filter = ("basis",)
    list_select_related = ("user", "municipality")
    date_hierarchy = "accessed_at"

    @admin.display(description=_("resident number"), ordering="resident_id")
    def resident_number(self, obj):
        return obj.resident_id

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
