"""The board for one team and day, in a fixed number of queries."""

import datetime

from django.db.models import OuterRef, Subquery
from django.db.models.fields.json import KT
from django.utils import timezone

from husly.access.policy import StaffContext, readable_categories, residents_visible
from husly.allocation.models import Allocation, MoveInTask
from husly.allocation.rules import task_is_done
from husly.board import rotation
from husly.board.models import BoardNote, RedBoardEntry, Review
from husly.common.deadlines import deadline_state
from husly.common.models import Category
from husly.followup.models import CoordinationMeeting, PlanKind, PlanVersion, Visit

# Where a visit's why comes from, first that exists (the template labels each source).
WHY_SOURCES = ("focus", "review", "plan")


def _visit_why(visit) -> dict | None:
    """The visit's own focus, else what was agreed at the resident's last weekly review,
    else the goals in the resident's current user contract; None when nothing is written."""
    for source, text in zip(WHY_SOURCES, (visit.focus, visit.review_agreed, visit.plan_goals),
                            strict=True):
        if text and text.strip():
            return {"source": source, "text": text.strip()}
    return None


def board(*, staff: StaffContext, team, day: datetime.date | None = None) -> dict:
    day = day or timezone.localdate()
    members = [m.user for m in team.memberships.select_related("user").order_by(
        "user__first_name", "user__last_name")]
    residents = list(residents_visible(staff).filter(team=team)
                     .select_related("primary_contact").order_by("family_name", "given_name"))
    ids = [r.pk for r in residents]
    readable = readable_categories(staff, ids)
    red = list(RedBoardEntry.objects.filter(team=team, taken_off_at__isnull=True)
               .select_related("resident", "put_on_by").order_by("put_on_at"))
    red_ids = {e.resident_id for e in red}
    for entry in red:
        # The reason is follow-up information: only for members who may read it.
        entry.reason_shown = Category.FOLLOWUP in readable.get(entry.resident_id, ())

    per_member = {m.pk: {"member": m, "visits": [], "tasks": []} for m in members}
    everyone = {"visits": [], "tasks": []}
    # Each visit's why comes along in the same query (no query per row): the last review's
    # agreed next steps and the goals of the newest user contract, beside the visit's focus.
    last_review = (Review.objects.filter(resident=OuterRef("agreement__resident"))
                   .order_by("-held_on", "-id").values("next_steps")[:1])
    plan_goals = (PlanVersion.objects.filter(resident=OuterRef("agreement__resident"),
                                             kind=PlanKind.USER_CONTRACT)
                  .order_by("-number").annotate(goals=KT("answers__goals"))
                  .values("goals")[:1])
    # A member sees every resident the team follows (the team is the work relation), so
    # the queries below filter on the team, not on a long list of ids.
    visits = (Visit.objects.filter(agreement__team=team, agreement__resident__team=team,
                                   planned_on=day)
              .select_related("agreement__resident", "assigned_to")
              .annotate(review_agreed=Subquery(last_review), plan_goals=Subquery(plan_goals)))
    for visit in visits:
        visit.shown = Category.FOLLOWUP in readable.get(visit.agreement.resident_id, ())
        visit.purpose = "weekly_visit"
        # The why is follow-up information: only for members who may read it.
        visit.why = _visit_why(visit) if visit.shown else None
        if not visit.shown:
            visit.review_agreed = visit.plan_goals = None
        if visit.agreement.resident_id in red_ids:
            everyone["visits"].append(visit)
        elif visit.assigned_to_id in per_member:
            per_member[visit.assigned_to_id]["visits"].append(visit)
    tasks = (MoveInTask.objects.filter(allocation__application__applicant__team=team,
                                       allocation__moved_in_on__isnull=True, due_on__lte=day)
             .select_related("allocation__application__applicant", "work_order", "unit"))
    for task in tasks:
        if task_is_done(task):
            continue
        task.deadline_state = deadline_state(task.due_on, done=False, today=day)
        target = per_member.get(task.assigned_to_id, everyone)
        target["tasks"].append(task)

    meetings = list(CoordinationMeeting.objects.filter(
        agreement__team=team, agreement__resident__team=team, held_on__isnull=True)
        .select_related("agreement__resident"))
    for m in meetings:
        m.deadline_state = deadline_state(m.due_on, done=False, today=day)
    joint = list(Allocation.objects.filter(application__applicant__team=team,
                                           meeting__held_on__isnull=True,
                                           moved_in_on__isnull=True)
                 .select_related("application__applicant", "meeting"))
    for a in joint:
        a.deadline_state = deadline_state(a.meeting_deadline, done=False, today=day)
    plans_due = list(PlanVersion.objects.filter(resident__team=team, review_on__lte=day)
                     .select_related("resident").order_by("resident_id", "kind", "-number"))
    newest = {}
    for version in plans_due:
        newest.setdefault((version.resident_id, version.kind), version)

    reviews = list(Review.objects.filter(team=team, resident__team=team,
                                         held_on__gte=day - datetime.timedelta(
                                             weeks=team.review_interval_weeks))
                   .values_list("resident_id", "held_on"))
    latest_review = {}
    for resident_id, held_on in reviews:
        latest_review[resident_id] = max(held_on, latest_review.get(resident_id, held_on))
    this_week = rotation.week_start(day)
    due, overdue = [], []
    for resident in residents:
        due_week = rotation.last_due_week(resident.pk, team.review_interval_weeks, day)
        if latest_review.get(resident.pk, datetime.date.min) >= due_week:
            continue
        (due if due_week == this_week else overdue).append(resident)
    note = BoardNote.objects.filter(team=team, day=day).first()
    return {
        "day": day, "team": team, "members": list(per_member.values()),
        "everyone": everyone, "red_board": red,
        "without_primary_contact": [r for r in residents
                                    if r.primary_contact_id is None and r.pk not in red_ids],
        "reviews_due": due, "reviews_overdue": overdue,
        "coordination_meetings": meetings, "joint_meetings": joint,
        "plans_due": list(newest.values()), "note": note,
        "all_residents": [r for r in residents if r.pk not in red_ids],
    }


def board_residents_named(board: dict) -> set[int]:
    """The residents whose names the board shows: its rows and its chooser alike."""
    named = {r.pk for r in board["all_residents"]}
    named |= {e.resident_id for e in board["red_board"]}
    for group in (board["everyone"], *board["members"]):
        named |= {v.agreement.resident_id for v in group["visits"] if v.shown}
        named |= {t.allocation.application.applicant_id for t in group["tasks"]}
    named |= {a.application.applicant_id for a in board["joint_meetings"]}
    named |= {m.agreement.resident_id for m in board["coordination_meetings"]}
    named |= {p.resident_id for p in board["plans_due"]}
    named |= {r.pk for r in (*board["reviews_due"], *board["reviews_overdue"],
                             *board["without_primary_contact"])}
    return named


def red_board_history(*, team):
    entries = list(RedBoardEntry.objects.filter(team=team)
                   .select_related("resident").order_by("-put_on_at")[:50])
    now = timezone.now()
    for e in entries:
        e.days = ((e.taken_off_at or now) - e.put_on_at).days
    return entries


def red_board_figures(*, team) -> dict:
    entries = list(RedBoardEntry.objects.filter(team=team).values_list("put_on_at",
                                                                       "taken_off_at"))
    now = timezone.now()
    days = [((off or now) - on).days for on, off in entries]
    return {"now": sum(1 for _on, off in entries if off is None), "total": len(entries),
            "average_days": round(sum(days) / len(days), 1) if days else None}



def red_board_of_my_teams(*, staff: StaffContext):
    """The residents on the red board of the teams the staff member is in, now."""
    return (RedBoardEntry.objects.filter(
        team__memberships__user=staff.user, taken_off_at__isnull=True,
        municipality=staff.municipality).select_related("resident", "team"))
