"""Whose deadlines fall due when: each staff member's reminders of a day, for one
municipality. The deadlines come from the apps' own selectors, with the conditions of the
pages that show them (docs/decisions/0028)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.urls import reverse

from husly.accounts.models import Role, RoleAssignment, TeamMembership, User
from husly.allocation import selectors as allocation
from husly.common.businessdays import business_days_add, week_start
from husly.followup import selectors as followup
from husly.inbox.selectors import handoffs_overdue
from husly.reminders.models import ReminderKind, ReminderOptOut

K = ReminderKind


@dataclass(frozen=True, order=True)
class Reminder:
    """One deadline: its date, its kind and the Husly page (a path) where it is handled.
    `on` is the due date; for missed visits, the Monday of the first week without one."""

    on: datetime.date
    kind: str
    path: str
    # Who holds an escalated hand-off (a colleague or a unit): never whom it is about.
    holder: str = ""

    @property
    def label(self) -> str:
        return str(ReminderKind(self.kind).label)


@dataclass
class PersonReminders:
    user: User
    due_soon: list[Reminder] = field(default_factory=list)
    overdue: list[Reminder] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        return sorted({r.kind for r in self.due_soon + self.overdue})


def reminder_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """"Due tomorrow": from tomorrow up to and including the next business day. On a
    Friday that is Saturday to Monday, before Easter up to the Tuesday after: a deadline
    that falls while nobody works is reminded of on the last working day before it."""
    return today + datetime.timedelta(days=1), business_days_add(today, 1)


def _application_path(pk: int) -> str:
    return reverse("allocation:application_detail", args=[pk])


def reminders_for(*, municipality, today: datetime.date) -> list[PersonReminders]:
    """Each active staff member of the municipality with a reminder today (unless they
    turned the mails off), with their
    deadlines due in the reminder window and those overdue (due before today, not done).
    Deadlines due today are in neither: their mail came yesterday. A fixed number of
    queries, however many people and deadlines."""
    first, last = reminder_window(today)
    found: dict[int, set[Reminder]] = defaultdict(set)

    def add(user_id, kind, on, path, holder=""):
        if user_id is not None and (on < today or first <= on <= last):
            found[user_id].add(Reminder(on=on, kind=kind, path=path, holder=holder))

    for pk, officer_id, deadline in allocation.joint_meetings_open_by(
            municipality=municipality, due_by=last):
        add(officer_id, K.JOINT_MEETING, deadline, _application_path(pk))
    for pk, contact_id, requested_by_id, due in allocation.statements_open_by(
            municipality=municipality, due_by=last):
        # The follow-up side writes it: the applicant's primary contact, or when the
        # applicant has none, the housing officer who asked, to chase it.
        add(contact_id or requested_by_id, K.STATEMENT, due, _application_path(pk))
    for pk, officer_id, reply_sent, due in allocation.replies_open_by(
            municipality=municipality, due_by=last):
        add(officer_id, K.DECISION if reply_sent else K.PRELIMINARY_REPLY, due,
            _application_path(pk))
    for resident_id, responsible_id, review_on in followup.plans_review_open_by(
            municipality=municipality, due_by=last):
        # The list of the resident's plans, not the plan itself: the link does not say
        # which plan (a crisis plan says something about the person).
        add(responsible_id, K.PLAN_REVIEW, review_on,
            reverse("followup:plans", args=[resident_id]))
    alerts = followup.missed_visit_alerts(municipality=municipality, today=today)
    leaders = defaultdict(set)
    if alerts:
        for team_id, user_id in TeamMembership.objects.filter(
                team_id__in={a.team_id for a, _w in alerts}, is_leader=True,
        ).values_list("team_id", "user_id"):
            leaders[team_id].add(user_id)
    for agreement, weeks in alerts:
        since = week_start(today) - datetime.timedelta(weeks=weeks)
        path = reverse("followup:agreement_detail", args=[agreement.pk])
        # As on "Mine besøk": the primary contact and the team's leaders.
        for user_id in {agreement.primary_contact_id, *leaders[agreement.team_id]}:
            add(user_id, K.MISSED_VISITS, since, path)

    overdue_handoffs = handoffs_overdue(municipality=municipality, today=today)
    if overdue_handoffs:
        team_leaders = set(RoleAssignment.objects.filter(
            municipality=municipality, role=Role.TEAM_LEADER).values_list("user_id", flat=True))
        inbox_path = reverse("inbox:inbox")
        for item in overdue_handoffs:
            holder = str(item.holder or item.unit or "")
            for user_id in team_leaders - {item.responsible_id}:
                add(user_id, K.ESCALATED, item.due_on, inbox_path, holder)

    if not found:
        return []
    works_here = RoleAssignment.objects.filter(user=OuterRef("pk"), municipality=municipality)
    turned_off = ReminderOptOut.objects.filter(user=OuterRef("pk"))
    users = (User.objects.filter(pk__in=list(found), is_active=True)
             .filter(Exists(works_here)).exclude(Exists(turned_off)).order_by("pk"))
    people = []
    for user in users:
        reminders = sorted(found[user.pk])
        people.append(PersonReminders(
            user=user, due_soon=[r for r in reminders if r.on > today],
            overdue=[r for r in reminders if r.on < today]))
    return people


def reminder_mails_wanted(*, user) -> bool:
    return not ReminderOptOut.objects.filter(user=user).exists()
