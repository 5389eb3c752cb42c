"""Every write of the housing forum: plan meetings, add agenda items, record the minutes and
decisions, mark a meeting held (which freezes its agenda) and follow decisions up.

A held meeting's minutes are closed: only the status of its decisions changes after that.
Events record the facts (who, when, which meeting, which owner), never the free text.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.common.events import changes_between, event_record
from husly.forum import selectors
from husly.forum.models import (
    AgendaItem,
    Decision,
    DecisionStatus,
    ForumMeeting,
    MeetingStatus,
)

NEXT_MEETING_WEEKS = 4


def _closed_error() -> ValidationError:
    return ValidationError(_("The meeting is marked held and its minutes are closed. Only the "
                             "status of its decisions can be changed; record anything new at "
                             "the next meeting."))


def _locked(meeting: ForumMeeting) -> ForumMeeting:
    return ForumMeeting.objects.select_for_update().get(pk=meeting.pk)


def _require_planned(meeting: ForumMeeting) -> None:
    if meeting.status != MeetingStatus.PLANNED:
        raise _closed_error()


def _meeting_errors(*, municipality, starts_at, place: str, chair, previous,
                    exclude_pk=None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if starts_at is None:
        errors["starts_at"] = [_("Give the date and time of the meeting.")]
    if not (place or "").strip():
        errors["place"] = [_("Write where the meeting is held (a room or a video link).")]
    if chair is None or not selectors.forum_chairs(municipality=municipality).filter(
            pk=chair.pk).exists():
        errors["chair"] = [_("Choose a chair from the housing service, the follow-up unit or "
                             "the property department in this municipality.")]
    if previous is not None:
        if previous.municipality_id != municipality.pk or not previous.is_held:
            errors["starts_at"] = [_("A next meeting is planned from a held meeting.")]
        elif starts_at is not None and starts_at <= previous.starts_at:
            errors["starts_at"] = [_("The next meeting must come after the one it follows. "
                                     "Choose a later date.")]
    if starts_at is not None and "starts_at" not in errors:
        same_time = ForumMeeting.objects.filter(municipality=municipality, starts_at=starts_at)
        if exclude_pk:
            same_time = same_time.exclude(pk=exclude_pk)
        if same_time.exists():
            errors["starts_at"] = [_("Another forum meeting is planned at this time. Choose "
                                     "another time, or open that meeting.")]
    return errors


def next_meeting_proposal(meeting: ForumMeeting) -> datetime.datetime:
    """The default time of the next meeting: the same weekday and time four weeks later."""
    return meeting.starts_at + datetime.timedelta(weeks=NEXT_MEETING_WEEKS)


@transaction.atomic
def meeting_plan(*, municipality, starts_at: datetime.datetime | None, place: str, chair, by,
                 previous: ForumMeeting | None = None) -> ForumMeeting:
    """Plan a forum meeting; `previous` when it is the next one after a held meeting."""
    if previous is not None:
        previous = _locked(previous)
    errors = _meeting_errors(municipality=municipality, starts_at=starts_at, place=place,
                             chair=chair, previous=previous)
    if previous is not None and "starts_at" not in errors and ForumMeeting.objects.filter(
            previous=previous).exists():
        errors["starts_at"] = [_("The next meeting after this one is already planned. Open "
                                 "it instead.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            meeting = ForumMeeting.objects.create(
                municipality=municipality, starts_at=starts_at, place=place.strip(),
                chair=chair, previous=previous, created_by=by, created_at=timezone.now())
    except IntegrityError:
        raise ValidationError({"starts_at": [_(
            "Someone planned the same meeting a moment ago. Open the list of meetings.")]},
        ) from None
    event_record(name="forum_meeting.planned", actor=by, target=meeting,
                 changes={"starts_at": starts_at, "place": meeting.place, "chair": chair,
                          "previous": previous})
    return meeting


@transaction.atomic
def meeting_update(*, meeting: ForumMeeting, starts_at, place: str, chair, by) -> ForumMeeting:
    meeting = _locked(meeting)
    _require_planned(meeting)
    errors = _meeting_errors(municipality=meeting.municipality, starts_at=starts_at,
                             place=place, chair=chair, previous=None, exclude_pk=meeting.pk)
    if meeting.previous_id and starts_at is not None and "starts_at" not in errors and (
            starts_at <= meeting.previous.starts_at):
        errors["starts_at"] = [_("The next meeting must come after the one it follows. "
                                 "Choose a later date.")]
    if errors:
        raise ValidationError(errors)
    values = {"starts_at": starts_at, "place": place.strip(), "chair": chair}
    changes = changes_between(meeting, values)
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.save(update_fields=list(values))
    event_record(name="forum_meeting.changed", actor=by, target=meeting, changes=changes)
    return meeting


@transaction.atomic
def agenda_item_add(*, meeting: ForumMeeting, title: str, text: str = "", by) -> AgendaItem:
    meeting = _locked(meeting)
    _require_planned(meeting)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("Give the item a short title.")]})
    if len(title) > 200:
        raise ValidationError({"title": [_("Keep the title under 200 characters; write the "
                                           "rest under details.")]})
    item = AgendaItem.objects.create(municipality_id=meeting.municipality_id, meeting=meeting,
                                     title=title, text=(text or "").strip(), added_by=by,
                                     added_at=timezone.now())
    # The title and text are free text: the event keeps the fact, not the words.
    event_record(name="forum_agenda_item.added", actor=by, target=item,
                 changes={"meeting": meeting})
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, by) -> None:
    meeting = _locked(item.meeting)
    _require_planned(meeting)
    event_record(name="forum_agenda_item.removed", actor=by, target=meeting,
                 changes={"item": item.pk})
    item.delete()


@transaction.atomic
def minutes_save(*, meeting: ForumMeeting, attendees, notes: str = "", by) -> ForumMeeting:
    """Who attended and other notes, while the meeting is going on."""
    meeting = _locked(meeting)
    _require_planned(meeting)
    attendees = list(attendees)
    allowed = set(selectors.forum_staff(municipality=meeting.municipality)
                  .filter(pk__in=[u.pk for u in attendees]).values_list("pk", flat=True))
    if any(u.pk not in allowed for u in attendees):
        raise ValidationError({"attendees": [_("Choose attendees who work in this "
                                               "municipality.")]})
    meeting.notes = (notes or "").strip()
    meeting.save(update_fields=["notes"])
    meeting.attendees.set(attendees)
    event_record(name="forum_meeting.minutes_saved", actor=by, target=meeting,
                 changes={"attendees": sorted(u.pk for u in attendees),
                          "notes": bool(meeting.notes)})
    return meeting


@transaction.atomic
def decision_record(*, meeting: ForumMeeting, text: str, owner, by,
                    due_on: datetime.date | None = None) -> Decision:
    """A decision always has an owner: the one person who sees that it is followed up."""
    meeting = _locked(meeting)
    _require_planned(meeting)
    errors: dict[str, list[str]] = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = [_("Write what was decided.")]
    if owner is None:
        errors["owner"] = [_("A decision needs an owner. Choose who is responsible for "
                             "following it up.")]
    elif not selectors.forum_staff(municipality=meeting.municipality).filter(
            pk=owner.pk).exists():
        errors["owner"] = [_("Choose an owner who works in this municipality.")]
    if due_on is not None and due_on < timezone.localtime(meeting.starts_at).date():
        errors["due_on"] = [_("The due date is before the meeting. Choose a later date, or "
                              "leave it empty.")]
    if errors:
        raise ValidationError(errors)
    decision = Decision.objects.create(
        municipality_id=meeting.municipality_id, meeting=meeting, text=text, owner=owner,
        due_on=due_on, recorded_by=by, recorded_at=timezone.now())
    event_record(name="forum_decision.recorded", actor=by, target=decision,
                 changes={"meeting": meeting, "owner": owner, "due_on": due_on})
    return decision


@transaction.atomic
def decision_mark_done(*, decision: Decision, by, note: str = "",
                       at_meeting: ForumMeeting | None = None,
                       done_on: datetime.date | None = None) -> Decision:
    """Mark a decision done, at any time; `at_meeting` when it is followed up at a later
    meeting (it then shows in that meeting's minutes)."""
    # Only the decision's row is locked: PostgreSQL locks no row of an outer join's
    # nullable side.
    decision = Decision.objects.select_for_update(of=("self",)).select_related(
        "meeting").get(pk=decision.pk)
    if decision.status == DecisionStatus.DONE:
        raise ValidationError(_("The decision is already marked done."))
    if at_meeting is not None:
        at_meeting = _locked(at_meeting)
        if at_meeting.municipality_id != decision.municipality_id or (
                at_meeting.starts_at <= decision.meeting.starts_at):
            raise ValidationError(_("A decision is followed up at a later meeting."))
        _require_planned(at_meeting)
    decision.status = DecisionStatus.DONE
    decision.done_on = done_on or timezone.localdate()
    decision.done_note = (note or "").strip()
    decision.done_by = by
    decision.followed_up_in = at_meeting
    decision.save(update_fields=["status", "done_on", "done_note", "done_by",
                                 "followed_up_in"])
    event_record(name="forum_decision.done", actor=by, target=decision,
                 changes={"done_on": decision.done_on, "followed_up_in": at_meeting})
    return decision


@transaction.atomic
def decision_reopen(*, decision: Decision, by) -> Decision:
    """Undo "done" (it was not done after all). Not once the meeting where it was followed
    up is held: its minutes say it was done there."""
    decision = Decision.objects.select_for_update(of=("self",)).select_related(
        "followed_up_in").get(pk=decision.pk)
    if decision.status != DecisionStatus.DONE:
        raise ValidationError(_("The decision is open already."))
    if decision.followed_up_in is not None and decision.followed_up_in.is_held:
        raise ValidationError(_("The decision was followed up at a meeting that is marked "
                                "held. Record a new decision at the next meeting instead."))
    decision.status = DecisionStatus.OPEN
    decision.done_on = None
    decision.done_note = ""
    decision.done_by = None
    decision.followed_up_in = None
    decision.save(update_fields=["status", "done_on", "done_note", "done_by",
                                 "followed_up_in"])
    event_record(name="forum_decision.reopened", actor=by, target=decision)
    return decision


@transaction.atomic
def meeting_hold(*, meeting: ForumMeeting, by) -> ForumMeeting:
    """Mark the meeting held: the minutes close and the generated agenda is frozen as it
    stands now (ids and dwelling texts, no names or reasons), with the earlier decisions it
    listed."""
    meeting = _locked(meeting)
    if meeting.is_held:
        raise ValidationError(_("The meeting is already marked held."))
    now = timezone.now()
    today = timezone.localdate()
    if timezone.localtime(meeting.starts_at).date() > today:
        raise ValidationError(_("The meeting has not been held yet: it is planned for a later "
                                "day. Change the date if it was held earlier."))
    if not meeting.attendees.exists():
        raise ValidationError({"attendees": [_("Record who attended before marking the "
                                               "meeting held.")]})
    snapshot = selectors.agenda_snapshot(municipality=meeting.municipality, today=today)
    snapshot["earlier"] = list(selectors.earlier_decisions(meeting=meeting)
                               .values_list("pk", flat=True))
    meeting.status = MeetingStatus.HELD
    meeting.held_at = now
    meeting.held_by = by
    meeting.agenda_snapshot = snapshot
    meeting.save(update_fields=["status", "held_at", "held_by", "agenda_snapshot"])
    event_record(name="forum_meeting.held", actor=by, target=meeting,
                 changes={"attendees": meeting.attendees.count(),
                          "decisions": meeting.decisions.count(),
                          "items": meeting.items.count()})
    return meeting
