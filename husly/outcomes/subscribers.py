"""How the by-name list and the resettlements follow what happens in people and housing.

Each function runs after the event's transaction has committed (ADR 0031). They read the
event's payload, not today's rows, so a late retry gives the answer the moment called for.
"""

import datetime

from django.utils import timezone

from husly.common.events import subscriber
from husly.housing.models import Tenancy, TenancyEndReason
from husly.outcomes import services
from husly.people.models import Resident


def _date(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _day_of(event) -> datetime.date:
    return timezone.localdate(event.occurred_at)


@subscriber("resident.registered")
def situation_of_new_resident(event):
    resident = Resident.objects.get(pk=event.target_id)
    services.homelessness_situation_changed(
        resident=resident, situation=event.changes["housing_situation"],
        on=_date(event.changes.get("housing_situation_since")), by=event.actor)


@subscriber("resident.updated")
def situation_changed(event):
    change = event.changes.get("housing_situation")
    if not change:
        return
    resident = Resident.objects.get(pk=event.target_id)
    services.homelessness_situation_changed(
        resident=resident, situation=change[1],
        on=_date(event.changes["housing_situation_since"][1]), by=event.actor)


@subscriber("tenancy.registered")
def housed_by_tenancy(event):
    """A tenancy that has begun is written into the situation history at its own dates and
    ends the spell without a home; one registered as already ended in an eviction or
    abandonment starts a new one."""
    start, end = _date(event.changes["start_date"]), _date(event.changes["end_date"])
    today = _day_of(event)
    unplanned = event.changes["end_reason"] in TenancyEndReason.unplanned()
    ended = end is not None and end <= today
    for resident in Resident.objects.filter(pk__in=event.changes["residents"]).order_by("pk"):
        if start <= today:
            services.situation_history_tenancy(resident=resident, start=start,
                                               end=end if ended else None, by=event.actor)
        if ended and unplanned:
            services.homelessness_after_unplanned_end(resident=resident, on=end, by=event.actor)


@subscriber("tenancy.ended")
def resettlement_after_unplanned_end(event):
    if not event.changes.get("unplanned"):
        return
    tenancy = Tenancy.objects.get(pk=event.target_id)
    for resident in tenancy.residents.order_by("pk"):
        services.resettlement_open(
            tenancy=tenancy, resident=resident, by=event.actor,
            on=_date(event.changes["end_date"]),
            what_went_wrong=event.private.get("what_went_wrong", ""),
            do_differently=event.private.get("do_differently", ""))
