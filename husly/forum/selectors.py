"""Reads of the housing forum: meetings, decisions, and the agenda generated from Husly.

"What is due" on the generated agenda (docs/decisions/0019), all in the user's municipality
and on `today`:

- vacant: dwellings with status vacant or being prepared; days vacant since the last tenancy
  that has ended, or since the dwelling was registered.
- damage: repair work orders (the kind damage is ordered as) not done yet.
- at_risk: current tenancies where a resident is on the red board now, or with rent arrears
  not settled.
- moves: allocations registered and not moved into yet.
- lease_ends: current tenancies that end within 90 days (an end date is set), or, with no
  end date, whose fixed term ends within 90 days or has passed.

Each section is one query (plus one count when it is longer than the page shows, and a fixed
number for names): the number of queries does not grow with the data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import CharField, Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from husly.access.policy import PAGE_ROLES, StaffContext, forum_names_and_reasons
from husly.accounts.models import Role, User
from husly.allocation.models import Allocation
from husly.board.models import RedBoardEntry
from husly.common.models import Category, DomainEvent
from husly.forum.models import AgendaItem, Decision, DecisionStatus, ForumMeeting, MeetingStatus
from husly.housing.models import (
    Dwelling,
    DwellingStatus,
    RentArrears,
    Tenancy,
    WorkOrder,
    WorkOrderKind,
    WorkOrderPriority,
)

AGENDA_LIMIT = 25  # rows shown per section; the count says how many are due in all
LEASE_END_DAYS = 90
DAMAGE_KINDS = (WorkOrderKind.REPAIR,)
VACANT_STATUSES = (DwellingStatus.VACANT, DwellingStatus.BEING_PREPARED)
DATE_KEYS = ("since", "created_on", "allocated_on", "meeting_on", "on")

SECTIONS = (
    ("vacant", gettext_lazy("Vacant and being-prepared dwellings"), gettext_lazy(
        "Dwellings standing empty, longest first: days since the last tenancy ended, or "
        "since the dwelling was registered.")),
    ("damage", gettext_lazy("Open damage work orders"), gettext_lazy(
        "Repair orders not done yet, most urgent and oldest first.")),
    ("at_risk", gettext_lazy("Tenancies at risk"), gettext_lazy(
        "Current tenancies where a resident is on the red board or the rent is in arrears. "
        "The reason and the name are shown only to those who may read them.")),
    ("moves", gettext_lazy("Planned moves"), gettext_lazy(
        "Dwellings allocated where the resident has not moved in yet.")),
    ("lease_ends", gettext_lazy("Lease ends"), gettext_lazy(
        "Current tenancies that end within 90 days, or whose fixed term ends within 90 days "
        "or has passed.")),
)


# -- what is due, as querysets ---------------------------------------------------------------

def vacant_due(*, municipality, today: datetime.date):
    last_end = (Tenancy.objects.filter(dwelling=OuterRef("pk"), end_date__lte=today)
                .order_by("-end_date").values("end_date")[:1])
    registered = (DomainEvent.objects.filter(
        name="dwelling.registered", target_type="housing.dwelling",
        target_id=Cast(OuterRef("pk"), output_field=CharField()))
        .order_by("occurred_at").annotate(day=TruncDate("occurred_at")).values("day")[:1])
    allocated = Allocation.objects.filter(dwelling=OuterRef("pk"), moved_in_on__isnull=True)
    return (Dwelling.objects.filter(municipality=municipality, status__in=VACANT_STATUSES)
            .annotate(vacant_since=Coalesce(Subquery(last_end), Subquery(registered)),
                      allocated=Exists(allocated))
            .order_by(F("vacant_since").asc(nulls_last=True), "street_address",
                      "bruksenhetsnummer", "id"))


def damage_due(*, municipality):
    return (WorkOrder.objects.filter(municipality=municipality, kind__in=DAMAGE_KINDS,
                                     done_on__isnull=True)
            .select_related("dwelling").order_by("priority", "created_on", "id"))


def at_risk_due(*, municipality, today: datetime.date):
    red_board = RedBoardEntry.objects.filter(taken_off_at__isnull=True,
                                             resident__tenancies=OuterRef("pk"))
    arrears = RentArrears.objects.filter(tenancy=OuterRef("pk"), settled_on__isnull=True)
    return (Tenancy.objects.current(on=today).filter(municipality=municipality)
            .annotate(on_red_board=Exists(red_board), in_arrears=Exists(arrears))
            .filter(Q(on_red_board=True) | Q(in_arrears=True))
            .select_related("dwelling")
            .order_by("dwelling__street_address", "dwelling__bruksenhetsnummer", "id"))


def moves_due(*, municipality):
    return (Allocation.objects.filter(municipality=municipality, moved_in_on__isnull=True)
            .select_related("dwelling", "application__applicant", "meeting")
            .annotate(tasks_open=Count("tasks", filter=Q(tasks__done_on__isnull=True,
                                                         tasks__blocks_move_in=True)))
            .order_by("allocated_on", "id"))


def lease_ends_due(*, municipality, today: datetime.date):
    horizon = today + datetime.timedelta(days=LEASE_END_DAYS)
    return (Tenancy.objects.current(on=today).filter(municipality=municipality)
            .filter(Q(end_date__isnull=False, end_date__lte=horizon)
                    | Q(end_date__isnull=True, fixed_term_end__lte=horizon))
            .annotate(ends_on=Coalesce("end_date", "fixed_term_end"))
            .select_related("dwelling").order_by("ends_on", "id"))


# -- the agenda as rows ----------------------------------------------------------------------

@dataclass
class AgendaSection:
    key: str
    title: str
    description: str
    rows: list[dict]
    total: int
    live: bool = True
    more_url: str = ""

    @property
    def more(self) -> int:
        return max(self.total - len(self.rows), 0)


def _limited(queryset, limit):
    rows = list(queryset[:limit])
    total = len(rows) if len(rows) < limit else queryset.count()
    return rows, total


def _dwelling(d) -> dict:
    return {"dwelling": d.pk, "address": d.address}


def _due_rows(*, municipality, today, limit) -> dict[str, tuple[list, int, list]]:
    """{section: (rows, total, residents by row)}; rows hold ids and short dwelling texts."""
    result = {}
    dwellings, total = _limited(vacant_due(municipality=municipality, today=today), limit)
    result["vacant"] = ([{
        **_dwelling(d), "status": d.status, "allocated": d.allocated, "since": d.vacant_since,
        "days": (today - d.vacant_since).days if d.vacant_since else None,
    } for d in dwellings], total, [[] for _d in dwellings])

    orders, total = _limited(damage_due(municipality=municipality), limit)
    result["damage"] = ([{
        **_dwelling(o.dwelling), "work_order": o.pk, "priority": o.priority,
        "created_on": o.created_on, "days": (today - o.created_on).days,
    } for o in orders], total, [[] for _o in orders])
    descriptions = {o.pk: o.description for o in orders}

    tenancies, total = _limited(at_risk_due(municipality=municipality, today=today)
                                .prefetch_related("residents"), limit)
    result["at_risk"] = ([{
        **_dwelling(t.dwelling), "tenancy": t.pk, "red_board": t.on_red_board,
        "arrears": t.in_arrears,
    } for t in tenancies], total, [list(t.residents.all()) for t in tenancies])

    allocations, total = _limited(moves_due(municipality=municipality), limit)
    moves = []
    for a in allocations:
        meeting = getattr(a, "meeting", None)
        if meeting is not None and meeting.held_on:
            meeting_on, state = meeting.held_on, "held"
        elif meeting is not None and meeting.scheduled_on:
            meeting_on, state = meeting.scheduled_on, "scheduled"
        else:
            meeting_on, state = a.meeting_deadline, "due"
        moves.append({**_dwelling(a.dwelling), "allocation": a.pk,
                      "allocated_on": a.allocated_on, "meeting_on": meeting_on,
                      "meeting_state": state, "tasks_open": a.tasks_open})
    result["moves"] = (moves, total, [[a.application.applicant] for a in allocations])

    ends, total = _limited(lease_ends_due(municipality=municipality, today=today)
                           .prefetch_related("residents"), limit)
    result["lease_ends"] = ([{
        **_dwelling(t.dwelling), "tenancy": t.pk, "on": t.ends_on,
        "kind": "ends" if t.end_date else (
            "fixed_term_passed" if t.fixed_term_end < today else "fixed_term"),
    } for t in ends], total, [list(t.residents.all()) for t in ends])
    result["_descriptions"] = descriptions
    return result


def _people_text(residents, shown: set[int]) -> str:
    names = [r.full_name for r in residents if r.pk in shown]
    hidden = len(residents) - len(names)
    if hidden:
        names.append(ngettext("a resident (name not shown)",
                              "%(count)s residents (names not shown)", hidden)
                     % {"count": hidden})
    return ", ".join(names)


def _reason_texts(row, residents, reasons, arrears_categories) -> list[str]:
    texts = []
    if row["red_board"] and any(
            Category.FOLLOWUP in reasons.get(r.pk, ()) for r in residents):
        texts.append(_("red board"))
    if row["arrears"] and any(
            arrears_categories.get(row["tenancy"], set()) & reasons.get(r.pk, frozenset())
            for r in residents):
        texts.append(_("rent arrears"))
    return texts or [_("at risk")]


def _with_labels(key: str, row: dict) -> dict:
    """Display texts, in the user's language, added when a row is shown (never stored)."""
    if key == "vacant":
        row["status_label"] = DwellingStatus(row["status"]).label
    elif key == "damage":
        row["priority_label"] = WorkOrderPriority(row["priority"]).label
    elif key == "moves":
        row["meeting_label"] = {"held": _("Held"), "scheduled": _("Scheduled"),
                                "due": _("Due by")}[row["meeting_state"]]
    elif key == "lease_ends":
        row["kind_label"] = {
            "ends": _("Tenancy ends"), "fixed_term": _("Fixed term ends"),
            "fixed_term_passed": _("Fixed term has passed; the tenancy goes on"),
        }[row["kind"]]
    return row


def agenda_generated(*, staff: StaffContext, today: datetime.date | None = None,
                     limit: int = AGENDA_LIMIT) -> list[AgendaSection]:
    """The generated agenda as this user may see it now: names and reasons by policy."""
    from django.urls import reverse

    today = today or timezone.localdate()
    due = _due_rows(municipality=staff.municipality, today=today, limit=limit)
    descriptions = due.pop("_descriptions")
    everyone = {r.pk: r for _rows, _total, people in due.values() for rs in people for r in rs}
    shown, reasons = forum_names_and_reasons(staff, everyone.values())
    risk_ids = [row["tenancy"] for row in due["at_risk"][0] if row["arrears"]]
    arrears_categories: dict[int, set[str]] = {}
    for tenancy_id, category in (RentArrears.objects.filter(
            tenancy_id__in=risk_ids, settled_on__isnull=True)
            .values_list("tenancy_id", "category")):
        arrears_categories.setdefault(tenancy_id, set()).add(category)
    sections = []
    for key, title, description in SECTIONS:
        rows, total, people = due[key]
        for row, residents in zip(rows, people, strict=True):
            if key in ("at_risk", "moves", "lease_ends"):
                row["people"] = _people_text(residents, shown)
                row["named"] = [r.pk for r in residents if r.pk in shown]
            if key == "at_risk":
                row["reasons"] = _reason_texts(row, residents, reasons, arrears_categories)
            if key == "damage":
                row["what"] = descriptions[row["work_order"]]
            _with_labels(key, row)
        more_url = ""
        if key == "vacant":
            more_url = reverse("housing:dwelling_list") + "?status=vacant"
        elif key == "damage" and staff.may_open("work_orders"):
            more_url = reverse("housing:work_order_list")
        sections.append(AgendaSection(key=key, title=str(title), description=str(description),
                                      rows=rows, total=total, more_url=more_url))
    return sections


def agenda_snapshot(*, municipality, today: datetime.date,
                    limit: int = AGENDA_LIMIT) -> dict:
    """What the generated agenda held on the day of the meeting, for its minutes: ids, the
    dwelling's address, dates and counts. No names, no reasons, no free text."""
    due = _due_rows(municipality=municipality, today=today, limit=limit)
    due.pop("_descriptions")
    sections = {}
    for key, _title, _description in SECTIONS:
        rows, total, _people = due[key]
        clean = []
        for row in rows:
            row = {k: v for k, v in row.items() if k not in ("red_board", "arrears")}
            for k in DATE_KEYS:
                if isinstance(row.get(k), datetime.date):
                    row[k] = row[k].isoformat()
            clean.append(row)
        sections[key] = {"rows": clean, "total": total}
    return {"on": today.isoformat(), "sections": sections}


def agenda_from_snapshot(snapshot: dict) -> list[AgendaSection]:
    sections = []
    stored = snapshot.get("sections", {})
    for key, title, description in SECTIONS:
        part = stored.get(key, {"rows": [], "total": 0})
        rows = []
        for row in part["rows"]:
            row = dict(row)
            for k in DATE_KEYS:
                if row.get(k):
                    row[k] = datetime.date.fromisoformat(row[k])
            rows.append(_with_labels(key, row))
        sections.append(AgendaSection(key=key, title=str(title), description=str(description),
                                      rows=rows, total=part["total"], live=False))
    return sections


# -- meetings and decisions ------------------------------------------------------------------

def meetings_planned(*, staff: StaffContext):
    return (ForumMeeting.objects.filter(municipality=staff.municipality,
                                        status=MeetingStatus.PLANNED)
            .select_related("chair").order_by("starts_at", "id"))


def meetings_held(*, staff: StaffContext):
    return (ForumMeeting.objects.filter(municipality=staff.municipality,
                                        status=MeetingStatus.HELD)
            .select_related("chair")
            .annotate(decision_count=Count("decisions", distinct=True))
            .order_by("-starts_at", "-id"))


def meeting_get(*, staff: StaffContext, pk: int) -> ForumMeeting:
    if staff.municipality is None:
        raise Http404
    try:
        return (ForumMeeting.objects.select_related("chair", "previous", "held_by")
                .get(pk=pk, municipality=staff.municipality))
    except ForumMeeting.DoesNotExist:
        raise Http404 from None


def meeting_next(*, meeting: ForumMeeting) -> ForumMeeting | None:
    return ForumMeeting.objects.filter(previous=meeting).first()


def agenda_item_get(*, staff: StaffContext, pk: int) -> AgendaItem:
    try:
        return AgendaItem.objects.select_related("meeting").get(
            pk=pk, municipality=staff.municipality)
    except AgendaItem.DoesNotExist:
        raise Http404 from None


def decision_get(*, staff: StaffContext, pk: int) -> Decision:
    if staff.municipality is None:
        raise Http404
    try:
        return Decision.objects.select_related("meeting").get(
            pk=pk, municipality=staff.municipality)
    except Decision.DoesNotExist:
        raise Http404 from None


def earlier_decisions(*, meeting: ForumMeeting):
    """Decisions of earlier meetings to follow up at this one: for a planned meeting, those
    still open and those marked done here; for a held one, what its agenda listed."""
    decisions = Decision.objects.filter(municipality_id=meeting.municipality_id)
    if meeting.is_held:
        decisions = decisions.filter(pk__in=meeting.agenda_snapshot.get("earlier", []))
    else:
        decisions = decisions.filter(
            meeting__status=MeetingStatus.HELD, meeting__starts_at__lt=meeting.starts_at,
        ).filter(Q(status=DecisionStatus.OPEN) | Q(followed_up_in=meeting))
    return decisions.select_related("owner", "meeting", "followed_up_in").order_by(
        "meeting__starts_at", "id")


def meeting_decisions(*, meeting: ForumMeeting):
    return meeting.decisions.select_related("owner", "followed_up_in").order_by("id")


def decisions_open_for(*, staff: StaffContext):
    return (Decision.objects.filter(municipality=staff.municipality, owner=staff.user,
                                    status=DecisionStatus.OPEN)
            .select_related("meeting").order_by(F("due_on").asc(nulls_last=True), "id"))


WORKING_ROLES = [r for r in Role.values if r not in (Role.ANALYST, Role.ADMINISTRATOR)]


def forum_staff(*, municipality, roles=None):
    """Who may attend or own a decision: staff with a working role in the municipality (not
    analysts or administrators)."""
    return (User.objects.filter(role_assignments__municipality=municipality,
                                role_assignments__role__in=list(roles or WORKING_ROLES),
                                is_active=True)
            .distinct().order_by("first_name", "last_name", "id"))


def forum_chairs(*, municipality):
    """The chair is one of those the forum page is for."""
    return forum_staff(municipality=municipality, roles=PAGE_ROLES["forum"])
