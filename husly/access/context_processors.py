from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from husly.access.selectors import break_glass_open_count
from husly.common.models import Municipality

NAV = (
    ("inbox", "inbox:inbox", "/innboks/"),
    ("residents", "people:resident_list", "/beboere/"),
    ("board", "board:home", "/tavle/"),
    ("followup", "followup:my_week", "/oppfolging/"),
    ("allocation", "allocation:overview", "/tildeling/"),
    ("tasks", "allocation:my_tasks", "/tildeling/mine-oppgaver/"),
    ("work_orders", "housing:work_order_list", "/boliger/arbeidsordrer/"),
    ("dwellings", "housing:dwelling_list", "/boliger/"),
    ("forum", "forum:meeting_list", "/forum/"),
    ("allocation_settings", "allocation:settings", "/tildeling/innstillinger/"),
    ("by_name_list", "outcomes:by_name_list", "/resultater/uten-bolig/"),
    ("outcomes", "outcomes:flow", "/resultater/inn-og-utstrom/"),
    ("access_review", "access:access_review", "/tilgang/gjennomgang/"),
    ("retention", "access:retention", "/tilgang/oppbevaring/"),
    ("integrations", "integrations:token_list", "/integrasjoner/"),
    ("imports", "imports:start", "/import/"),
    ("guidance", "guidance:home", "/metode/"),
)


def staff(request):
    staff = getattr(request, "staff", None)
    items = []
    if staff is not None and request.user.is_authenticated:
        labels = {"inbox": _("Inbox"), "residents": _("Residents"), "dwellings": _("Dwellings"),
                  "allocation": _("Allocation"), "tasks": _("My tasks"),
                  "followup": _("My visits"), "board": _("Team board"),
                  "work_orders": _("Work orders"), "allocation_settings": _("Allocation rules"),
                  "access_review": _("Access review"), "retention": _("Retention"),
                  "integrations": _("Integrations"),
                  "by_name_list": _("Without a home"), "outcomes": _("Outcomes"),
                  "forum": _("Housing forum"), "guidance": _("Method"),
                  "imports": _("Import")}
        current = max((prefix for _k, _u, prefix in NAV if request.path.startswith(prefix)),
                      key=len, default=None)
        for kind, url_name, prefix in NAV:
            if staff.may_open(kind):
                items.append({"url": reverse(url_name), "label": labels[kind],
                              "current": prefix == current,
                              "count": _awaiting(kind, staff)})
    municipalities = []
    if staff is not None and request.user.is_authenticated:
        municipalities = staff_municipalities(request.user)
    return {"staff": staff, "nav_items": items, "husly_demo": settings.HUSLY_DEMO,
            "staff_municipalities": municipalities if len(municipalities) > 1 else []}


def staff_municipalities(user):
    return list(Municipality.objects.filter(
        pk__in=user.role_assignments.values("municipality_id")))


# Counts shown beside a menu item, registered by the app that knows them (the inbox, in the
# reporting layer, registers its own in its AppConfig.ready): the menu stays in the kernel.
MENU_COUNTS: dict = {}


def menu_count_register(kind: str, count) -> None:
    """`count(staff) -> int` is shown beside the menu item `kind`."""
    MENU_COUNTS[kind] = count


# Emergency access waits on the leader's menu until reviewed: seen the same day.
menu_count_register("access_review", lambda staff: break_glass_open_count(staff=staff))


def _awaiting(kind: str, staff) -> int:
    count = MENU_COUNTS.get(kind)
    return count(staff) if count is not None else 0
