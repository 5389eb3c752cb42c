"""Every write for keeping the home: agreements, weekly visits, coordination meetings."""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.accounts.models import Unit
from husly.accounts.selectors import not_in_unit_message, team_has_member, works_in_unit
from husly.common.businessdays import business_days_add, week_start
from husly.common.events import event_record, settings_save
from husly.common.formats import date_long
from husly.common.models import Category
from husly.followup.models import (
    PLAN_PROMPTS,
    CalendarFeed,
    CoordinationMeeting,
    CoordinationTask,
    FollowUpAgreement,
    FollowUpSettings,
    PlanKind,
    PlanVersion,
    Visit,
    VisitStatus,
)
from husly.followup.selectors import settings_for
from husly.housing.models import Tenancy
from husly.people import services as people
from husly.people.models import Resident


@transaction.atomic
def agreement_create(*, resident, team, primary_contact, start_date: datetime.date, by,
                     visit_weekday: int = 1, health_care_accepted: bool = True,
                     signed_on=None) -> FollowUpAgreement:
    """An agreement for a resident in a municipal dwelling who gets follow-up services."""
    errors: dict[str, list[str]] = {}
    tenancy = (Tenancy.objects.current(on=start_date).filter(residents=resident)
               .select_related("dwelling").first())
    if tenancy is None:
        errors["start_date"] = [_("The resident has no tenancy on this date. A follow-up "
                                  "agreement belongs to a tenancy: register it first.")]
    if team.municipality_id != resident.municipality_id:
        errors["team"] = [_("Choose a team in this municipality.")]
    elif not team_has_member(team, primary_contact):
        errors["primary_contact"] = [_("The primary contact must be a member of the team.")]
    if FollowUpAgreement.objects.filter(resident=resident, end_date__isnull=True).exists():
        errors["start_date"] = [_("The resident already has a running agreement. Open it "
                                  "instead.")]
    if errors:
        raise ValidationError(errors)
    agreement = FollowUpAgreement.objects.create(
        municipality_id=resident.municipality_id, resident=resident, tenancy=tenancy, team=team,
        primary_contact=primary_contact, start_date=start_date, visit_weekday=visit_weekday,
        health_care_accepted=health_care_accepted, signed_on=signed_on,
    )
    event_record(name="agreement.created", actor=by, target=agreement,
                 changes={"resident": resident, "team": team,
                          "primary_contact": primary_contact, "start_date": start_date,
                          "visit_weekday": visit_weekday,
                          "health_care_accepted": health_care_accepted})
    _plan_visits(agreement, until=_planning_horizon(agreement))
    return agreement


def _planning_horizon(agreement) -> datetime.date:
    weeks = settings_for(agreement.municipality).weeks_planned_ahead
    return max(timezone.localdate(), agreement.start_date) + datetime.timedelta(weeks=weeks)


def _plan_visits(agreement: FollowUpAgreement, *, until: datetime.date) -> int:
    """One planned visit a week on the agreement's visit day, from the start to `until`
    (or the end of the agreement). Weeks that already have a visit are left alone."""
    last = min(until, agreement.end_date) if agreement.end_date else until
    existing = set(agreement.visits.values_list("week_start", flat=True))
    week = week_start(agreement.start_date)
    created = []
    while week <= last:
        # In the first week the agreement may start after the visit day: visit on the start.
        planned_on = max(week + datetime.timedelta(days=agreement.visit_weekday),
                         agreement.start_date)
        if week not in existing and planned_on <= last:
            created.append(Visit(municipality_id=agreement.municipality_id, agreement=agreement,
                                 week_start=week, planned_on=planned_on,
                                 assigned_to_id=agreement.primary_contact_id))
        week += datetime.timedelta(weeks=1)
    Visit.objects.bulk_create(created)
    return len(created)


@transaction.atomic
def visits_generate(*, municipality, until: datetime.date | None = None, by=None) -> int:
    """Plan the weekly visits of every running agreement ahead (run daily)."""
    total = 0
    for agreement in FollowUpAgreement.objects.filter(municipality=municipality,
                                                      end_date__isnull=True):
        total += _plan_visits(agreement, until=until or _planning_horizon(agreement))
    if total:
        event_record(name="visits.generated", actor=by, target=municipality,
                     municipality=municipality, changes={"count": total})
    return total


@transaction.atomic
def agreement_sign(*, agreement: FollowUpAgreement, signed_on: datetime.date, by):
    if signed_on < agreement.start_date - datetime.timedelta(days=60):
        raise ValidationError({"signed_on": [_("The signing date is long before the start. "
                                               "Check the date.")]})
    agreement.signed_on = signed_on
    agreement.save(update_fields=["signed_on"])
    event_record(name="agreement.signed", actor=by, target=agreement,
                 changes={"signed_on": signed_on})
    return agreement


@transaction.atomic
def agreement_end(*, agreement: FollowUpAgreement, end_date: datetime.date, by):
    agreement = FollowUpAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.end_date:
        raise ValidationError(_("The agreement has already ended."))
    if end_date < agreement.start_date:
        raise ValidationError({"end_date": [_("The end date is before the start. Correct "
                                              "it.")]})
    agreement.end_date = end_date
    agreement.save(update_fields=["end_date"])
    removed, _detail = agreement.visits.filter(status=VisitStatus.PLANNED,
                                               planned_on__gt=end_date).delete()
    event_record(name="agreement.ended", actor=by, target=agreement,
                 changes={"end_date": end_date, "planned_visits_removed": removed})
    return agreement


@transaction.atomic
def health_care_decline(*, agreement: FollowUpAgreement, on: datetime.date, by):
    """Health care declined or ended: the agreement and the weekly visits go on, and a
    coordination meeting with housing and NAV is opened at once (P6)."""
    agreement = FollowUpAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.end_date:
        raise ValidationError(_("The agreement has ended."))
    if not agreement.health_care_accepted:
        raise ValidationError(_("Health care is already recorded as declined."))
    agreement.health_care_accepted = False
    agreement.health_care_changed_on = on
    agreement.save(update_fields=["health_care_accepted", "health_care_changed_on"])
    days = settings_for(agreement.municipality).coordination_business_days
    meeting = None
    if not agreement.coordination_meetings.filter(held_on__isnull=True).exists():
        try:
            with transaction.atomic():
                meeting = CoordinationMeeting.objects.create(
                    municipality_id=agreement.municipality_id, agreement=agreement,
                    opened_on=on, due_on=business_days_add(on, days))
        except IntegrityError:
            meeting = None  # another request opened it a moment ago: still exactly one
    event_record(name="agreement.health_care_declined", actor=by, target=agreement,
                 changes={"on": on, "coordination_meeting": meeting})
    return meeting


@transaction.atomic
def health_care_accept(*, agreement: FollowUpAgreement, on: datetime.date, by):
    agreement = FollowUpAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.health_care_accepted:
        raise ValidationError(_("Health care is already recorded as accepted."))
    agreement.health_care_accepted = True
    agreement.health_care_changed_on = on
    agreement.save(update_fields=["health_care_accepted", "health_care_changed_on"])
    event_record(name="agreement.health_care_accepted", actor=by, target=agreement,
                 changes={"on": on})
    return agreement


@transaction.atomic
def coordination_meeting_hold(*, meeting: CoordinationMeeting, held_on: datetime.date,
                              needed_now: str, next_steps: str, tasks: list[dict], by):
    meeting = CoordinationMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.held_on:
        raise ValidationError(_("The meeting has already been recorded."))
    errors = {}
    if not needed_now.strip():
        errors["needed_now"] = [_("Write what is needed now.")]
    if not next_steps.strip():
        errors["next_steps"] = [_("Write what happens next.")]
    if held_on > timezone.localdate():
        errors["held_on"] = [_("Record the meeting when it has been held.")]
    for task in tasks:
        person = task.get("assigned_to")
        if person is not None and not works_in_unit(user=person, unit=task["unit"]):
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                not_in_unit_message(person, task["unit"]))
    if errors:
        raise ValidationError(errors)
    meeting.held_on = held_on
    meeting.needed_now = needed_now.strip()
    meeting.next_steps = next_steps.strip()
    meeting.save(update_fields=["held_on", "needed_now", "next_steps"])
    created = []
    for task in tasks:
        unit = Unit.objects.get(pk=task["unit"].pk, municipality_id=meeting.municipality_id)
        created.append(CoordinationTask.objects.create(
            meeting=meeting, title=task["title"], unit=unit,
            assigned_to=task.get("assigned_to"), due_on=task["due_on"]))
    # Follow-up information: the event says a meeting was held, not what was said.
    event_record(name="coordination_meeting.held", actor=by, target=meeting.agreement,
                 changes={"held_on": held_on, "tasks": len(created),
                          "within_deadline": held_on <= meeting.due_on})
    return meeting


CHECKLIST = Visit.CHECKLIST


@transaction.atomic
def visit_record(*, visit: Visit, status: str, by, visitors=(), actions: str = "",
                 note_text: str = "", note_category: str = Category.FOLLOWUP,
                 **checklist) -> Visit:
    visit = Visit.objects.select_for_update().select_related("agreement__team",
                                                             "agreement__resident").get(
        pk=visit.pk)
    agreement = visit.agreement
    unknown = set(checklist) - set(CHECKLIST)
    if unknown:
        raise TypeError(f"unknown checklist items: {sorted(unknown)}")
    if status not in VisitStatus.values or status == VisitStatus.PLANNED:
        raise ValidationError({"status": [_("Choose how the visit went.")]})
    if not team_has_member(agreement.team, by):
        raise ValidationError(_("Only members of the team that follows the resident record "
                                "its visits. Ask the team leader to add you."))
    if visit.planned_on < agreement.start_date or (
        agreement.end_date and visit.planned_on > agreement.end_date
    ):
        raise ValidationError(_("There is no running agreement that week."))
    today = timezone.localdate()
    if visit.planned_on > today + datetime.timedelta(days=6):
        raise ValidationError(_("The visit is more than a week ahead. Record it when it "
                                "has taken place."))
    # Done, not at home, refused entry: only what has happened. A visit the service cancels
    # may be recorded ahead (within the week, above).
    if status != VisitStatus.CANCELLED and visit.planned_on > today:
        raise ValidationError({"status": [_(
            "The visit is planned for %(date)s, after today. Record it when it has taken "
            "place, or move it to today first if it was made earlier.") % {
            "date": date_long(visit.planned_on)}]})
    if note_category not in (Category.FOLLOWUP, Category.HEALTH):
        raise ValidationError({"note_category": [_("Choose follow-up or health.")]})
    if note_category == Category.HEALTH and note_text.strip() and not by.is_health_personnel:
        raise ValidationError({"note_category": [_("Only health personnel write health "
                                                   "notes. Choose follow-up.")]})
    visitors = list(visitors) or [by]
    outsiders = [v for v in visitors if not team_has_member(agreement.team, v)]
    if outsiders:
        raise ValidationError({"visitors": [_("Only team members can be recorded as "
                                              "visitors.")]})
    visit.status = status
    visit.recorded_at = timezone.now()
    visit.recorded_by = by
    visit.actions = actions.strip()
    for item in CHECKLIST:
        setattr(visit, item, bool(checklist.get(item, False)))
    if note_text.strip():
        visit.note = people.resident_note_write(
            resident=agreement.resident, category=note_category, text=note_text, by=by)
    visit.save()
    visit.visitors.set(visitors)
    event_record(name="visit.recorded", actor=by, target=visit,
                 changes={"status": status, "checklist": {i: getattr(visit, i)
                                                          for i in CHECKLIST}})
    return visit


@transaction.atomic
def visit_reassign(*, visit: Visit, to, by) -> Visit:
    visit = Visit.objects.select_for_update().select_related("agreement__team").get(pk=visit.pk)
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError(_("Only planned visits can be moved."))
    if not team_has_member(visit.agreement.team, to):
        raise ValidationError({"to": [_("Choose a member of the team.")]})
    old = visit.assigned_to
    visit.assigned_to = to
    visit.save(update_fields=["assigned_to"])
    event_record(name="visit.reassigned", actor=by, target=visit, changes={"assigned_to":
                                                                           [old, to]})
    return visit


class PlanConflict(ValidationError):
    """Someone saved a newer version while this one was being written."""


@transaction.atomic
def plan_save(*, resident, kind: str, answers: dict[str, str], review_on: datetime.date,
              based_on: int, by) -> PlanVersion:
    """Save a new version. `based_on` is the version the writer started from (0 for a new
    plan); if a newer one was saved meanwhile, nothing is saved and the writer keeps
    their text (the view shows it again beside the newer version)."""

    if kind not in PlanKind.values:
        raise ValueError(f"unknown plan kind {kind!r}")
    Resident.objects.select_for_update().get(pk=resident.pk)  # serialise writers
    latest = (PlanVersion.objects.filter(resident=resident, kind=kind)
              .order_by("-number").values_list("number", flat=True).first() or 0)
    if latest != based_on:
        raise PlanConflict(_("Someone saved a newer version while you were writing. Your text "
                             "is kept below: compare it with the newer version and save "
                             "again."))
    keys = [key for key, _prompt in PLAN_PROMPTS[kind]]
    cleaned = {key: (answers.get(key) or "").strip() for key in keys}
    if not any(cleaned.values()):
        raise ValidationError(_("Write at least one answer, in the resident's own words."))
    if review_on <= timezone.localdate():
        raise ValidationError({"review_on": [_("The review date must be in the future.")]})
    version = PlanVersion.objects.create(
        municipality_id=resident.municipality_id, resident=resident, kind=kind,
        number=latest + 1, answers=cleaned, review_on=review_on, written_by=by,
        written_at=timezone.now())
    # What the resident said stays in the plan, not in the audit trail.
    event_record(name="plan.saved", actor=by, target=version,
                 changes={"resident": resident, "kind": kind, "number": version.number,
                          "changed": [k for k in keys if cleaned[k]], "review_on": review_on})
    return version


@transaction.atomic
def calendar_feed_renew(*, user):
    """A new secret feed URL; the old one stops working at once."""
    import secrets


    now = timezone.now()
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    feed = CalendarFeed.objects.create(user=user, token=secrets.token_urlsafe(32),
                                       created_at=now)
    event_record(name="calendar_feed.renewed", actor=user, target=user)
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user) -> None:
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    event_record(name="calendar_feed.revoked", actor=user, target=user)


@transaction.atomic
def followup_settings_save(*, municipality, by, **values) -> FollowUpSettings:
    return settings_save(instance=settings_for(municipality), values=values, by=by,
                         name="followup.settings_saved")


@transaction.atomic
def visit_reschedule(*, visit: Visit, to: datetime.date, by) -> Visit:
    """Move a planned visit to another day of the same week (the weekly rhythm stays)."""
    visit = Visit.objects.select_for_update().select_related("agreement__team").get(pk=visit.pk)
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError(_("Only planned visits can be moved."))
    if not team_has_member(visit.agreement.team, by):
        raise ValidationError(_("Only members of the team that follows the resident record "
                                "its visits. Ask the team leader to add you."))
    if week_start(to) != visit.week_start:
        raise ValidationError({"to": [_("Choose a day in the same week; next week has its "
                                        "own visit.")]})
    if to < timezone.localdate():
        raise ValidationError({"to": [_("The date is in the past. Choose today or later.")]})
    old = visit.planned_on
    visit.planned_on = to
    visit.save(update_fields=["planned_on"])
    event_record(name="visit.rescheduled", actor=by, target=visit,
                 changes={"planned_on": [old, to]})
    return visit


VISIT_FOCUS_MAX = Visit._meta.get_field("focus").max_length


@transaction.atomic
def visit_focus_set(*, visit: Visit, focus: str, by) -> Visit:
    """Write (or clear) why this visit is made: what the morning meeting shows beside it."""
    visit = (Visit.objects.select_for_update().select_related("agreement__team")
             .get(pk=visit.pk))
    if not team_has_member(visit.agreement.team, by):
        raise ValidationError(_("Only members of the team that follows the resident record "
                                "its visits. Ask the team leader to add you."))
    if visit.status != VisitStatus.PLANNED:
        raise ValidationError(_("Only a planned visit's focus can be changed."))
    focus = " ".join(focus.split())
    if len(focus) > VISIT_FOCUS_MAX:
        raise ValidationError({"focus": [
            _("Keep the focus short: at most %(max)d characters (now %(now)d).")
            % {"max": VISIT_FOCUS_MAX, "now": len(focus)}]})
    if focus == visit.focus:
        return visit
    had_focus = bool(visit.focus)
    visit.focus = focus
    visit.save(update_fields=["focus"])
    # The focus may touch on health: the event keeps the fact, not the words.
    event_record(name="visit.focus_set", actor=by, target=visit,
                 changes={"resident": visit.agreement.resident_id, "had_focus": had_focus,
                          "has_focus": bool(focus)})
    return visit


@transaction.atomic
def coordination_task_complete(*, task: CoordinationTask, by, done_on=None) -> CoordinationTask:
    task = CoordinationTask.objects.select_for_update().select_related("meeting").get(pk=task.pk)
    if task.done_on:
        raise ValidationError(_("The task is already done."))
    done_on = done_on or timezone.localdate()
    if done_on < task.meeting.held_on:
        raise ValidationError(_("A task cannot be done before the meeting that gave it."))
    task.done_on = done_on
    task.save(update_fields=["done_on"])
    event_record(name="coordination_task.done", actor=by, target=task.meeting,
                 changes={"task": task.pk, "done_on": done_on})
    return task


@transaction.atomic
def coordination_task_assign(*, task: CoordinationTask, assigned_to, by) -> CoordinationTask:
    """Give a coordination task to a person of its responsible unit."""
    task = CoordinationTask.objects.select_for_update().select_related("unit", "meeting").get(
        pk=task.pk)
    if task.done_on:
        raise ValidationError(_("The task is already done."))
    if not works_in_unit(user=assigned_to, unit=task.unit):
        raise ValidationError(not_in_unit_message(assigned_to, task.unit))
    task.assigned_to = assigned_to
    task.save(update_fields=["assigned_to"])
    event_record(name="coordination_task.assigned", actor=by, target=task.meeting,
                 changes={"task": task.pk, "assigned_to": assigned_to})
    return task
