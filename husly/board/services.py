"""Every write on the team board."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.accounts.selectors import team_has_member
from husly.board.models import BoardNote, RedBoardEntry, Review
from husly.common.events import event_record
from husly.people.models import Resident


def _followed(team, resident) -> None:
    if resident.team_id != team.pk:
        raise ValidationError(_("The team does not follow this resident. Choose a resident "
                                "of the team."))


@transaction.atomic
def red_board_put(*, team, resident, reason: str, by) -> RedBoardEntry:
    """On the red board the resident has no single primary contact: everyone is."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    _followed(team, resident)
    if not team_has_member(team, by):
        raise ValidationError(_("Only members of the team use its board."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Write why the resident goes on the red board.")]})
    if RedBoardEntry.objects.filter(resident=resident, taken_off_at__isnull=True).exists():
        raise ValidationError(_("The resident is already on the red board."))
    try:
        with transaction.atomic():
            entry = RedBoardEntry.objects.create(
                municipality_id=resident.municipality_id, team=team, resident=resident,
                put_on_at=timezone.now(), put_on_by=by, reason_on=reason.strip(),
                previous_primary_contact=resident.primary_contact)
    except IntegrityError:
        raise ValidationError(_("The resident is already on the red board.")) from None
    resident.primary_contact = None
    resident.save(update_fields=["primary_contact"])
    # The reason may be health information: the event keeps the fact, not the words.
    event_record(name="red_board.put_on", actor=by, target=entry,
                 changes={"resident": resident,
                          "previous_primary_contact": entry.previous_primary_contact})
    return entry


@transaction.atomic
def red_board_take_off(*, team, resident, reason: str, primary_contact, by) -> RedBoardEntry:
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    entry = RedBoardEntry.objects.filter(resident=resident, taken_off_at__isnull=True).first()
    if entry is None:
        raise ValidationError(_("The resident is not on the red board."))
    if not team_has_member(team, by):
        raise ValidationError(_("Only members of the team use its board."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Write why the resident comes off the red "
                                            "board.")]})
    if primary_contact is None or not team_has_member(team, primary_contact):
        raise ValidationError({"primary_contact": [_("Choose a primary contact from the "
                                                     "team.")]})
    entry.taken_off_at = timezone.now()
    entry.taken_off_by = by
    entry.reason_off = reason.strip()
    entry.save(update_fields=["taken_off_at", "taken_off_by", "reason_off"])
    resident.primary_contact = primary_contact
    resident.save(update_fields=["primary_contact"])
    event_record(name="red_board.taken_off", actor=by, target=entry,
                 changes={"resident": resident, "primary_contact": primary_contact})
    return entry


@transaction.atomic
def review_record(*, team, resident, what_matters_now: str, next_steps: str, by,
                  held_on: datetime.date | None = None) -> Review:
    _followed(team, resident)
    if not team_has_member(team, by):
        raise ValidationError(_("Only members of the team use its board."))
    errors = {}
    if not what_matters_now.strip():
        errors["what_matters_now"] = [_("Write what matters now for the resident.")]
    if not next_steps.strip():
        errors["next_steps"] = [_("Write the next steps.")]
    if errors:
        raise ValidationError(errors)
    review = Review.objects.create(
        municipality_id=resident.municipality_id, team=team, resident=resident,
        held_on=held_on or timezone.localdate(), what_matters_now=what_matters_now.strip(),
        next_steps=next_steps.strip(), written_by=by)
    event_record(name="review.recorded", actor=by, target=review,
                 changes={"resident": resident, "held_on": review.held_on})
    return review


@transaction.atomic
def board_note_save(*, team, day: datetime.date, text: str, by) -> BoardNote:
    if not team_has_member(team, by):
        raise ValidationError(_("Only members of the team use its board."))
    note, _created = BoardNote.objects.update_or_create(
        team=team, day=day, defaults={"municipality_id": team.municipality_id,
                                      "text": text.strip(), "written_by": by,
                                      "written_at": timezone.now()})
    event_record(name="board.note_saved", actor=by, target=note, changes={"day": day})
    return note
