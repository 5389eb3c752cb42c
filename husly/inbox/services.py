"""Taking, giving and handing back inbox items (ADR 0030). An item a workflow gives a
responsible person (a move-in task, a coordination task, a work order) is taken and given
through that workflow's own service, so the task and the inbox never disagree; the others
are held by an `InboxClaim` for the unit."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.accounts.selectors import not_in_unit_message, works_in_unit
from husly.allocation import services as allocation
from husly.allocation.models import MoveInTask
from husly.common.events import event_record
from husly.followup import services as followup
from husly.followup.models import CoordinationTask
from husly.housing import services as housing
from husly.housing.models import WorkOrder
from husly.inbox.models import InboxClaim, ItemKind
from husly.inbox.selectors import ASSIGNED_KINDS, CLAIMED_KINDS, InboxItem


def _taken_by(holder) -> ValidationError:
    return ValidationError(_("%(name)s has already taken this. Ask them, or the team leader, "
                             "if it should be yours.") % {"name": holder})


def _taken_by_other(item: InboxItem, user) -> None:
    if item.responsible_id is not None and item.responsible_id != user.pk:
        raise _taken_by(item.holder)


def _assign(item: InboxItem, person, by) -> None:
    if item.kind == ItemKind.MOVE_IN_TASK:
        allocation.move_in_task_assign(task=MoveInTask.objects.get(pk=item.pk),
                                       assigned_to=person, by=by)
    elif item.kind == ItemKind.COORDINATION_TASK:
        followup.coordination_task_assign(task=CoordinationTask.objects.get(pk=item.pk),
                                          assigned_to=person, by=by)
    elif item.kind == ItemKind.WORK_ORDER:
        housing.work_order_assign(work_order=WorkOrder.objects.get(pk=item.pk),
                                  assigned_to=person, by=by)


def _refuse_unmovable(item: InboxItem) -> None:
    if item.unit is None or (item.kind not in CLAIMED_KINDS and item.kind not in ASSIGNED_KINDS):
        raise ValidationError(_("This item is yours by the workflow and cannot be moved here. "
                                "Open it to hand it over."))


@transaction.atomic
def inbox_item_take(*, item: InboxItem, by) -> None:
    """`by` takes their unit's item: the others in the unit see who has it."""
    _refuse_unmovable(item)
    _taken_by_other(item, by)
    if item.responsible_id == by.pk:
        raise ValidationError(_("You have already taken this."))
    if item.kind in ASSIGNED_KINDS:
        _assign(item, by, by)
        return
    try:
        with transaction.atomic():
            InboxClaim.objects.create(municipality_id=item.unit.municipality_id, kind=item.kind,
                                      object_id=item.pk, unit=item.unit, taken_by=by,
                                      taken_at=timezone.now())
    except IntegrityError:
        claim = InboxClaim.objects.select_related("taken_by").get(
            kind=item.kind, object_id=item.pk, unit=item.unit)
        raise _taken_by(claim.taken_by) from None
    event_record(name="inbox.item_taken", actor=by, target=item.unit,
                 municipality=item.unit.municipality,
                 changes={"kind": item.kind, "object_id": item.pk})


@transaction.atomic
def inbox_item_give(*, item: InboxItem, to, by) -> None:
    """Give the unit's item to a colleague of the same unit."""
    _refuse_unmovable(item)
    if not works_in_unit(user=to, unit=item.unit):
        raise ValidationError(not_in_unit_message(to, item.unit))
    _taken_by_other(item, by)
    if item.kind in ASSIGNED_KINDS:
        _assign(item, to, by)
        return
    InboxClaim.objects.update_or_create(
        kind=item.kind, object_id=item.pk, unit=item.unit,
        defaults={"municipality_id": item.unit.municipality_id, "taken_by": to,
                  "taken_at": timezone.now()})
    event_record(name="inbox.item_given", actor=by, target=item.unit,
                 municipality=item.unit.municipality,
                 changes={"kind": item.kind, "object_id": item.pk, "to": to})


@transaction.atomic
def inbox_item_release(*, item: InboxItem, by) -> None:
    """Hand a taken item back to the unit."""
    if item.kind not in CLAIMED_KINDS or item.unit is None:
        raise ValidationError(_("Give the task to a colleague instead."))
    deleted, _detail = InboxClaim.objects.filter(kind=item.kind, object_id=item.pk,
                                                 unit=item.unit, taken_by=by).delete()
    if not deleted:
        raise ValidationError(_("You have not taken this."))
    event_record(name="inbox.item_released", actor=by, target=item.unit,
                 municipality=item.unit.municipality,
                 changes={"kind": item.kind, "object_id": item.pk})

