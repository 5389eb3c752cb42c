"""What others wait on from a staff member or their unit, read from the workflows' own rows
(ADR 0030). One query per kind of item, whatever the number of items: the menu's count and
the page read the same list.

An item names its resident only where the staff member has a work relation; otherwise it is
still shown and can be opened, and the page behind it reads on the basis the workflow
records (asked for a statement, participant in a meeting) and logs that read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.access.models import Consent
from husly.access.policy import (
    MEETING_UNIT_KINDS,
    StaffContext,
    access_review_team_ids,
    inbox_names,
)
from husly.access.selectors import break_glass_open_for_review
from husly.accounts.models import Role, Unit, UnitKind
from husly.accounts.selectors import staff_in_units
from husly.allocation.models import (
    Allocation,
    Application,
    ApplicationState,
    MoveInTask,
    Offer,
    Statement,
)
from husly.allocation.rules import preliminary_reply_due_on
from husly.allocation.selectors import replies_open_by
from husly.board.models import Review
from husly.board.rotation import due_this_week
from husly.common.businessdays import business_days_add, week_start
from husly.common.deadlines import DeadlineState, deadline_state
from husly.common.formats import date_long
from husly.followup.models import CoordinationMeeting, CoordinationTask
from husly.followup.selectors import plans_review_open_by
from husly.housing.models import RentArrears, WorkOrder
from husly.inbox.models import InboxClaim, ItemKind
from husly.people.models import Resident

K = ItemKind
# How far ahead an item shows before its deadline, in business days: the inbox is about
# this week's work, the reminders about tomorrow's.
LOOKAHEAD_BUSINESS_DAYS = 5
CONSENT_WARNING_DAYS = 30
ARREARS_DAYS = 30
# Kinds that are hand-offs between units: late ones go to the team leader (escalation).
HANDOFF_KINDS = frozenset({K.STATEMENT, K.JOINT_MEETING, K.MOVE_IN_TASK,
                           K.COORDINATION_MEETING, K.COORDINATION_TASK, K.WORK_ORDER})
# Kinds a unit's members take through the inbox's own claim (the others carry a responsible
# person in the workflow itself, which taking and giving set).
CLAIMED_KINDS = frozenset({K.STATEMENT, K.JOINT_MEETING, K.COORDINATION_MEETING,
                           K.RENT_ARREARS})
ASSIGNED_KINDS = frozenset({K.MOVE_IN_TASK, K.COORDINATION_TASK, K.WORK_ORDER})


class ItemRole:
    """What an item is to the person who sees it (not a staff role)."""

    DO = "do"
    TAKE_PART = "take_part"
    ESCALATED = "escalated"


@dataclass
class InboxItem:
    kind: str
    pk: int
    what: str
    why: str
    due_on: datetime.date | None
    url: str
    resident_id: int | None = None
    asked_by: str = ""
    unit: Unit | None = None
    holder: object | None = None
    responsible_id: int | None = None
    role: str = ItemRole.DO
    done_url: str = ""
    resident_name: str = ""
    name_hidden: bool = False
    state: str = ""
    days_late: int = 0
    may_take: bool = False
    may_give: bool = False
    may_release: bool = False
    colleagues: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.pk}-{self.unit.pk if self.unit else 0}"

    @property
    def kind_label(self) -> str:
        return ItemKind(self.kind).label

    @property
    def unit_item(self) -> bool:
        return self.unit is not None and self.responsible_id is None


# Each kind: the open rows of a municipality, as items with their recipients. `for_staff`
# narrows the query to what concerns `staff` (None: the whole municipality, for escalation).

def _statements(municipality, staff, today):
    rows = Statement.objects.filter(application__municipality=municipality,
                                    given_on__isnull=True,
                                    application__state=ApplicationState.STATEMENT_REQUESTED)
    if staff is None:
        rows = rows.filter(due_on__lt=today)
    else:
        if not staff.may_open("statement_write"):
            return []
        rows = rows.filter(unit_id__in=staff.unit_ids)
    return [InboxItem(
        kind=K.STATEMENT, pk=s.application_id, resident_id=s.application.applicant_id,
        what=_("Give the follow-up unit's statement on an application for a dwelling"),
        why=_("The housing service needs it before it decides."),
        asked_by=str(s.requested_by), due_on=s.due_on, unit=s.unit,
        url=reverse("allocation:statement_give", args=[s.application_id]),
    ) for s in rows.select_related("application", "requested_by", "unit")]


def _joint_meetings(municipality, staff, today):
    rows = Allocation.objects.filter(municipality=municipality, meeting__held_on__isnull=True,
                                     moved_in_on__isnull=True)
    items = []
    if staff is None:
        rows = rows.filter(meeting_deadline__lt=today).select_related(
            "application__officer", "allocated_by", "meeting")
        return [_joint_meeting_item(a, responsible=a.application.officer) for a in rows]
    if staff.may_open("allocation_manage"):
        for a in rows.filter(application__officer=staff.user).select_related(
                "application", "allocated_by", "meeting"):
            items.append(_joint_meeting_item(a, responsible=staff.user))
    participant_units = [u for u in staff.units if u.kind in MEETING_UNIT_KINDS
                         and u.kind != UnitKind.HOUSING]
    if participant_units and staff.may_open("joint_meeting"):
        for a in rows.select_related("application", "allocated_by", "meeting"):
            for unit in participant_units:
                item = _joint_meeting_item(a, responsible=None)
                item.unit, item.role = unit, ItemRole.TAKE_PART
                item.what = _("Take part in the joint meeting after an allocation")
                items.append(item)
    return items


def _joint_meeting_item(allocation, *, responsible):
    scheduled = allocation.meeting.scheduled_on
    return InboxItem(
        kind=K.JOINT_MEETING, pk=allocation.application_id,
        resident_id=allocation.application.applicant_id,
        what=_("Hold the joint meeting of housing, follow-up and NAV"),
        why=(_("Scheduled for %(date)s. Who joins the viewing, is a guardian needed, first "
               "rent, keys and contract.") % {"date": date_long(scheduled)} if scheduled else
             _("Within three business days of the allocation: who joins the viewing, is a "
               "guardian needed, first rent, keys and contract.")),
        asked_by=str(allocation.allocated_by), due_on=allocation.meeting_deadline,
        responsible_id=getattr(responsible, "pk", None), holder=responsible,
        url=reverse("allocation:joint_meeting", args=[allocation.application_id]),
    )


def _open_tasks(rows, staff, today):
    """A person's tasks and their unit's unassigned ones; for escalation (no staff), the
    late ones of the municipality."""
    if staff is None:
        return rows.filter(due_on__lt=today)
    return rows.filter(Q(assigned_to=staff.user)
                       | Q(assigned_to__isnull=True, unit_id__in=staff.unit_ids))


def _move_in_tasks(municipality, staff, today):
    if staff is not None and not staff.may_open("tasks"):
        return []
    # A task done through a work order is the caretaker's work order item instead.
    rows = MoveInTask.objects.filter(
        allocation__municipality=municipality, allocation__moved_in_on__isnull=True,
        done_on__isnull=True, work_order__isnull=True)
    rows = _open_tasks(rows, staff, today).select_related(
        "allocation__application", "allocation__meeting", "unit", "assigned_to")
    return [InboxItem(
        kind=K.MOVE_IN_TASK, pk=t.pk, resident_id=t.allocation.application.applicant_id,
        what=t.title,
        why=t.purpose or _("A move-in task from the joint meeting."),
        asked_by=_("Joint meeting %(date)s") % {"date": date_long(t.allocation.meeting.held_on)}
        if t.allocation.meeting.held_on else "",
        due_on=t.due_on, unit=t.unit, holder=t.assigned_to, responsible_id=t.assigned_to_id,
        url=reverse("allocation:joint_meeting", args=[t.allocation.application_id]),
        done_url=reverse("allocation:task_complete", args=[t.pk]),
    ) for t in rows]


def _coordination_meetings(municipality, staff, today):
    rows = CoordinationMeeting.objects.filter(municipality=municipality, held_on__isnull=True
                                              ).select_related("agreement__primary_contact")
    if staff is None:
        return [_coordination_item(m, responsible=m.agreement.primary_contact)
                for m in rows.filter(due_on__lt=today)]
    items = []
    if staff.may_open("followup"):
        for m in rows.filter(agreement__primary_contact=staff.user):
            items.append(_coordination_item(m, responsible=staff.user))
    participant_units = [u for u in staff.units
                         if u.kind in (UnitKind.HOUSING, UnitKind.NAV)]
    if participant_units and staff.may_open("coordination"):
        for m in rows:
            for unit in participant_units:
                item = _coordination_item(m, responsible=None)
                item.unit, item.role = unit, ItemRole.TAKE_PART
                item.what = _("Take part in the coordination meeting with the follow-up unit")
                items.append(item)
    return items


def _coordination_item(meeting, *, responsible):
    return InboxItem(
        kind=K.COORDINATION_MEETING, pk=meeting.pk, resident_id=meeting.agreement.resident_id,
        what=_("Hold the coordination meeting with housing and NAV"),
        why=_("Health care was declined or ended: what is needed now, and what next?"),
        asked_by=str(meeting.agreement.primary_contact), due_on=meeting.due_on,
        responsible_id=getattr(responsible, "pk", None), holder=responsible,
        url=reverse("followup:coordination_meeting", args=[meeting.pk]),
    )


def _coordination_tasks(municipality, staff, today):
    if staff is not None and not staff.may_open("coordination"):
        return []
    rows = CoordinationTask.objects.filter(meeting__municipality=municipality,
                                           done_on__isnull=True)
    rows = _open_tasks(rows, staff, today).select_related("meeting__agreement", "unit",
                                                          "assigned_to")
    return [InboxItem(
        kind=K.COORDINATION_TASK, pk=t.pk, resident_id=t.meeting.agreement.resident_id,
        what=t.title, why=_("Agreed in the coordination meeting of %(date)s.") % {
            "date": date_long(t.meeting.held_on)},
        due_on=t.due_on, unit=t.unit, holder=t.assigned_to, responsible_id=t.assigned_to_id,
        url=reverse("followup:coordination_meeting", args=[t.meeting_id]),
        done_url=reverse("followup:coordination_task_complete", args=[t.pk]),
    ) for t in rows]


def _work_orders(municipality, staff, today):
    rows = WorkOrder.objects.filter(municipality=municipality, done_on__isnull=True)
    if staff is None:
        rows = rows.filter(due_on__lt=today)
    else:
        if Role.CARETAKER not in staff.roles:
            return []
        rows = rows.filter(Q(assigned_to=staff.user) | Q(assigned_to__isnull=True))
    caretaker_unit = _caretaker_unit(municipality, staff)
    return [InboxItem(
        kind=K.WORK_ORDER, pk=o.pk, resident_id=None,
        what=o.get_kind_display(), why=_("Priority: %(priority)s") % {
            "priority": o.get_priority_display()},
        due_on=o.due_on, unit=caretaker_unit, holder=o.assigned_to,
        responsible_id=o.assigned_to_id,
        url=reverse("housing:work_order_detail", args=[o.pk]),
    ) for o in rows.select_related("assigned_to").order_by("due_on", "id")]


def _caretaker_unit(municipality, staff):
    if staff is not None:
        return next((u for u in staff.units if u.kind == UnitKind.CARETAKER), None)
    return Unit.objects.filter(municipality=municipality, kind=UnitKind.CARETAKER
                               ).order_by("id").first()


def _plan_reviews(municipality, staff, today):
    if staff is None or not staff.may_open("followup"):
        return []
    due_by = business_days_add(today, LOOKAHEAD_BUSINESS_DAYS)
    rows = [(resident_id, review_on) for resident_id, responsible, review_on
            in plans_review_open_by(municipality=municipality, due_by=due_by)
            if responsible == staff.user.pk]
    return [InboxItem(
        kind=K.PLAN_REVIEW, pk=resident_id, resident_id=resident_id,
        what=_("Review the plans with the resident"),
        why=_("The plans are written in the resident's own words and reviewed together."),
        due_on=review_on, responsible_id=staff.user.pk, holder=staff.user,
        url=reverse("followup:plans", args=[resident_id]),
    ) for resident_id, review_on in rows]


def _weekly_reviews(municipality, staff, today):
    """Residents whose primary contact is `staff`, due in the team's review rotation this
    week and not yet reviewed."""
    if staff is None or not staff.may_open("board"):
        return []
    monday = week_start(today)
    reviewed = set(Review.objects.filter(municipality=municipality, held_on__gte=monday)
                   .values_list("resident_id", flat=True))
    items = []
    for resident in (Resident.objects.filter(municipality=municipality,
                                             primary_contact=staff.user, team__isnull=False)
                     .select_related("team")):
        if resident.pk in reviewed or not due_this_week(
                resident.pk, resident.team.review_interval_weeks, today):
            continue
        items.append(InboxItem(
            kind=K.WEEKLY_REVIEW, pk=resident.pk, resident_id=resident.pk,
            what=_("Bring the resident to this week's review on the team board"),
            why=_("Each resident comes up in the weekly review rotation."),
            due_on=monday + datetime.timedelta(days=4), responsible_id=staff.user.pk,
            holder=staff.user, url=reverse("board:team_board", args=[resident.team_id]),
        ))
    return items


def _consents_expiring(municipality, staff, today):
    if staff is None or not staff.may_open("consent"):
        return []
    rows = (Consent.objects.filter(
        municipality=municipality, withdrawn_on__isnull=True, expires_on__gte=today,
        expires_on__lte=today + datetime.timedelta(days=CONSENT_WARNING_DAYS))
        .filter(Q(resident__primary_contact=staff.user)
                | Q(resident__primary_contact__isnull=True, recorded_by=staff.user))
        .order_by("expires_on"))
    return [InboxItem(
        kind=K.CONSENT_EXPIRING, pk=c.pk, resident_id=c.resident_id,
        what=_("Ask whether the consent should be renewed"),
        why=_("When it expires, the units it shares with can no longer read what it covers."),
        due_on=c.expires_on, responsible_id=staff.user.pk, holder=staff.user,
        url=reverse("access:consent_list", args=[c.resident_id]),
    ) for c in rows]


def _break_glass_reviews(municipality, staff, today):
    if staff is None or not staff.may_open("access_review"):
        return []
    rows = break_glass_open_for_review(municipality=municipality,
                                       team_ids=access_review_team_ids(staff))
    return [InboxItem(
        kind=K.BREAK_GLASS_REVIEW, pk=b.pk, resident_id=None,
        what=_("Review an emergency access by %(name)s") % {"name": b.user},
        why=_("Emergency access is reviewed by the team leader the same day."),
        due_on=timezone.localtime(b.started_at).date(), responsible_id=staff.user.pk,
        holder=staff.user, url=reverse("access:access_review"),
    ) for b in rows]


def _decisions_due(municipality, staff, today):
    if staff is None or not staff.may_open("allocation_manage"):
        return []
    due_by = business_days_add(today, LOOKAHEAD_BUSINESS_DAYS)
    rows = [r for r in replies_open_by(municipality=municipality, due_by=due_by)
            if r[1] == staff.user.pk]
    applicants = dict(Application.objects.filter(pk__in=[r[0] for r in rows])
                      .values_list("pk", "applicant_id"))
    items = [InboxItem(
        kind=K.DECISION_DUE, pk=pk, resident_id=applicants.get(pk),
        what=(_("Decide the application: the decision promised in the preliminary reply is "
                "due") if replied else _("Send a preliminary reply, or decide")),
        why=_("A case that cannot be decided within a month needs a preliminary reply "
              "(forvaltningsloven § 11a)."),
        due_on=due, responsible_id=staff.user.pk, holder=staff.user,
        url=reverse("allocation:application_detail", args=[pk]),
    ) for pk, _officer, replied, due in rows]
    # The follow-up unit's statement has come back: the decision is the officer's next step.
    waiting = {i.pk for i in items}
    for application in Application.objects.filter(
            municipality=municipality, officer=staff.user,
            state=ApplicationState.STATEMENT_GIVEN).exclude(pk__in=waiting).select_related(
            "statement__written_by"):
        items.append(InboxItem(
            kind=K.DECISION_DUE, pk=application.pk, resident_id=application.applicant_id,
            what=_("Decide the application: the statement has come"),
            why=_("The follow-up unit gave its statement on %(date)s.") % {
                "date": date_long(application.statement.given_on)},
            asked_by=str(application.statement.written_by or ""),
            due_on=preliminary_reply_due_on(application.registered_on),
            responsible_id=staff.user.pk, holder=staff.user,
            url=reverse("allocation:application_detail", args=[application.pk])))
    return items


def _offers(municipality, staff, today):
    if staff is None or not staff.may_open("allocation_manage"):
        return []
    rows = Offer.objects.filter(application__municipality=municipality,
                                answer=Offer.Answer.PENDING,
                                application__officer=staff.user).select_related("application")
    return [InboxItem(
        kind=K.OFFER_ANSWER, pk=o.application_id, resident_id=o.application.applicant_id,
        what=_("Record the answer to the offer of a dwelling"),
        why=(_("Viewing on %(date)s.") % {"date": date_long(o.viewing_on)} if o.viewing_on
             else _("Arrange a viewing, then record the answer.")),
        due_on=o.answer_by, responsible_id=staff.user.pk, holder=staff.user,
        url=reverse("allocation:application_detail", args=[o.application_id]),
    ) for o in rows]


def _rent_arrears(municipality, staff, today):
    if staff is None or not staff.may_open("arrears"):
        return []
    units = {u.kind: u for u in staff.units}
    categories = {"housing": units.get(UnitKind.HOUSING), "nav": units.get(UnitKind.NAV)}
    categories = {c: u for c, u in categories.items() if u is not None}
    if not categories:
        return []
    rows = (RentArrears.objects.filter(
        municipality=municipality, settled_on__isnull=True, category__in=list(categories),
        recorded_on__gte=today - datetime.timedelta(days=ARREARS_DAYS))
        .select_related("recorded_by").prefetch_related("tenancy__residents"))
    items = []
    for arrears in rows:
        # One item per report, about the tenancy's first resident.
        resident = next(iter(arrears.tenancy.residents.all()), None)
        if resident is not None:
            items.append(InboxItem(
                kind=K.RENT_ARREARS, pk=arrears.pk, resident_id=resident.pk,
                what=_("Rent arrears: %(months)s months behind") % {
                    "months": arrears.months_behind},
                why=_("Act early, before the tenancy is at risk: talk with the resident and "
                      "NAV about a payment plan."),
                asked_by=str(arrears.recorded_by),
                due_on=business_days_add(arrears.recorded_on, LOOKAHEAD_BUSINESS_DAYS),
                unit=categories[arrears.category],
                url=reverse("people:resident_detail", args=[resident.pk]),
            ))
    return items


KINDS = (_statements, _joint_meetings, _move_in_tasks, _coordination_meetings,
         _coordination_tasks, _work_orders, _plan_reviews, _weekly_reviews,
         _consents_expiring, _break_glass_reviews, _decisions_due, _offers, _rent_arrears)
HANDOFFS = (_statements, _joint_meetings, _move_in_tasks, _coordination_meetings,
            _coordination_tasks, _work_orders)


def _claims(municipality, items) -> dict[tuple, InboxClaim]:
    claimed = [i for i in items if i.kind in CLAIMED_KINDS and i.unit is not None]
    if not claimed:
        return {}
    q = Q()
    for kind in {i.kind for i in claimed}:
        q |= Q(kind=kind, object_id__in=[i.pk for i in claimed if i.kind == kind])
    return {(c.kind, c.object_id, c.unit_id): c for c in InboxClaim.objects.filter(
        q, municipality=municipality).select_related("taken_by")}


def _apply_claims(municipality, items):
    claims = _claims(municipality, items)
    for item in items:
        claim = claims.get((item.kind, item.pk, getattr(item.unit, "pk", None)))
        if claim is not None and item.responsible_id is None:
            item.holder, item.responsible_id = claim.taken_by, claim.taken_by_id
    return items


def _states(items, today):
    for item in items:
        if item.due_on is None:
            continue
        item.state = deadline_state(item.due_on, done=False, today=today)
        if item.state == DeadlineState.LATE:
            item.days_late = (today - item.due_on).days
    return items


def _all_items(staff: StaffContext, today) -> list[InboxItem]:
    municipality = staff.municipality
    items: list[InboxItem] = []
    for kind in KINDS:
        items.extend(kind(municipality, staff, today))
    return _apply_claims(municipality, items)


def _visible_to(staff: StaffContext, item: InboxItem) -> bool:
    """Mine, or my unit's and not taken by a colleague."""
    return item.responsible_id is None or item.responsible_id == staff.user.pk


def _inbox_items(staff: StaffContext, today) -> tuple[list, list]:
    """(the staff member's items, the late hand-offs a team leader sees), with their
    deadline states: what both the page and the menu's count are made of."""
    items = [i for i in _all_items(staff, today) if _visible_to(staff, i)]
    escalated = []
    if Role.TEAM_LEADER in staff.roles:
        escalated = [i for i in handoffs_overdue(municipality=staff.municipality, today=today)
                     if i.responsible_id != staff.user.pk]
        for item in escalated:
            item.role = ItemRole.ESCALATED
    return _states(items, today), escalated


def inbox_for(*, staff: StaffContext, today: datetime.date | None = None) -> dict:
    """The staff member's inbox: their items, their units' items no one has taken, and for a
    team leader the hand-offs past their deadline (escalated)."""
    today = today or timezone.localdate()
    if staff.municipality is None or not staff.may_open("inbox"):
        return {"items": [], "escalated": [], "count": 0}
    items, escalated = _inbox_items(staff, today)
    _name(staff, items + escalated)
    _actions(staff, items)
    items.sort(key=_order)
    escalated.sort(key=_order)
    return {"items": items, "escalated": escalated, "count": len(items) + len(escalated)}


def _order(item: InboxItem):
    return (item.due_on or datetime.date.max, item.kind, item.pk)


def inbox_count(*, staff: StaffContext) -> int:
    """The menu's count, on every page: the items without their names and buttons."""
    if staff.municipality is None or not staff.may_open("inbox"):
        return 0
    items, escalated = _inbox_items(staff, timezone.localdate())
    return len(items) + len(escalated)


def _name(staff: StaffContext, items) -> None:
    names = inbox_names(staff, {i.resident_id for i in items})
    for item in items:
        if item.resident_id is None:
            continue
        if item.resident_id in names:
            item.resident_name = names[item.resident_id]
        else:
            item.name_hidden = True


def _actions(staff: StaffContext, items) -> None:
    """What the staff member may do with each item from the inbox itself."""
    units = {i.unit.pk for i in items if i.unit is not None and i.unit.pk in staff.unit_ids}
    colleagues = staff_in_units(unit_ids=units) if units else {}
    for item in items:
        shared = item.unit is not None and item.unit.pk in staff.unit_ids
        item.may_take = shared and item.responsible_id is None and (
            item.kind in CLAIMED_KINDS or item.kind in ASSIGNED_KINDS)
        item.may_give = shared and (item.kind in CLAIMED_KINDS or item.kind in ASSIGNED_KINDS)
        item.may_release = (item.kind in CLAIMED_KINDS and shared
                            and item.responsible_id == staff.user.pk)
        if item.may_give:
            item.colleagues = [u for u in colleagues.get(item.unit.pk, [])
                               if u.pk != staff.user.pk]


def inbox_item_find(*, staff: StaffContext, kind: str, pk: int, unit_id: int | None,
                    today: datetime.date | None = None) -> InboxItem | None:
    """The item as the staff member's inbox has it, taken by a colleague or not: None when
    it is not theirs or their unit's to handle."""
    today = today or timezone.localdate()
    if staff.municipality is None or not staff.may_open("inbox"):
        return None
    for item in _all_items(staff, today):
        if item.kind == kind and item.pk == pk and getattr(item.unit, "pk", None) == unit_id:
            return item
    return None


def handoffs_overdue(*, municipality, today: datetime.date) -> list[InboxItem]:
    """Every hand-off of the municipality past its deadline, with who holds it: for the team
    leader's inbox and daily reminder."""
    items: list[InboxItem] = []
    for kind in HANDOFFS:
        items.extend(kind(municipality, None, today))
    _apply_claims(municipality, items)
    return _states(items, today)
