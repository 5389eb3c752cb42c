"""Where each role lands after login, and the health check for the proxy and systemd."""

from django.http import JsonResponse
from django.shortcuts import redirect, render

from husly.access.decorators import page
from husly.accounts.models import Role
from husly.common.health import health_report


@page("public")
def home(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    target = landing_page(request.staff)
    if target is None:
        return render(request, "common/no_pages.html")
    return redirect(target)


def landing_page(staff) -> str | None:
    """Where a role lands after login: its own work, never a page it may not open. The
    caretaker's work orders (on the phone), the analyst's figures, the administrator's
    settings; everyone else their inbox (ADR 0030)."""
    roles = staff.roles
    if roles and roles <= {Role.CARETAKER} and staff.may_open("work_orders"):
        return "housing:work_order_list"
    for kind, url_name in (("inbox", "inbox:inbox"), ("outcomes", "outcomes:flow"),
                           ("allocation_settings", "allocation:settings"),
                           ("residents", "people:resident_list"),
                           ("dwellings", "housing:dwelling_list"),
                           ("guidance", "guidance:home")):
        if staff.may_open(kind):
            return url_name
    return None


@page("public")
def health(request):
    """`/helse/`: 200 and {"status": "ok"} when the database answers and no migration is
    pending, else 503. No session, no login: the proxy and systemd call it (docs/deploy.md)."""
    healthy, report = health_report()
    response = JsonResponse(report, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response
