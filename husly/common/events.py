"""The one way a service records a domain event, and the bus that carries it to the apps
that react to it (ADR 0031).

An app tells the others what happened by recording an event; an app that must react
subscribes in its `subscribers.py` with `@subscriber("tenancy.ended")`. Subscribers run after
the recording transaction commits, each in a transaction of its own, never on rollback. The
delivery row is written with the event, so a committed event cannot be lost: a subscriber
that fails is tried once more at once, then by `manage.py events_deliver` until it succeeds.
"""

import datetime
import decimal
import functools
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from husly.common.event_types import EVENT_TYPES
from husly.common.models import DomainEvent, EventDelivery

logger = logging.getLogger("husly.events")


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if hasattr(value, "value") and hasattr(value, "label"):  # a Choices member
        return value.value
    return value


@dataclass(frozen=True)
class Subscriber:
    key: str  # module.function: what a delivery row names, stable across restarts
    event: str
    handler: Callable[[DomainEvent], None]


_subscribers: dict[str, list[Subscriber]] = defaultdict(list)
_by_key: dict[str, Subscriber] = {}


def subscriber(*names: str):
    """Run the decorated function with the `DomainEvent` each time one of `names` commits.

    The function gets the event; `event.changes` is its payload and `event.private` what the
    recording service handed over for subscribers only. It must be safe to run again after a
    failure halfway (it runs in its own transaction, so a failure leaves nothing behind)."""
    def register(handler):
        key = f"{handler.__module__}.{handler.__qualname__}"
        for name in names:
            if name not in EVENT_TYPES:
                raise ImproperlyConfigured(f"{key} subscribes to unknown event {name!r}")
            if any(s.key == key for s in _subscribers[name]):
                continue
            entry = Subscriber(key=key, event=name, handler=handler)
            _subscribers[name].append(entry)
            _by_key[key] = entry
        return handler
    return register


def subscribers_of(name: str) -> list[Subscriber]:
    return list(_subscribers.get(name, ()))


def event_record(
    *, name: str, actor, target: models.Model, changes: dict[str, Any] | None = None,
    municipality=None, private: dict[str, Any] | None = None,
) -> DomainEvent:
    """Record that `actor` did `name` to `target`. Call inside the service's transaction.

    `private` goes to the subscribers only and is dropped once they have run: the audit trail
    keeps facts, never what someone wrote about a person (ADR 0004)."""
    if name not in EVENT_TYPES:
        raise ValueError(f"unknown event type {name!r}: add it to husly.common.event_types")
    if municipality is None:
        municipality = getattr(target, "municipality", None)
    event = DomainEvent.objects.create(
        municipality=municipality,
        actor=actor if getattr(actor, "pk", None) else None,
        occurred_at=timezone.now(),
        name=name,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        changes=_jsonable(changes or {}),
    )
    listeners = _subscribers.get(name)
    if listeners:
        rows = EventDelivery.objects.bulk_create([
            EventDelivery(event=event, subscriber=s.key, private=_jsonable(private or {}))
            for s in listeners])
        transaction.on_commit(functools.partial(_deliver_committed, [r.pk for r in rows]))
    return event


RETRY_AFTER_MAX = datetime.timedelta(hours=6)


def _deliver_committed(delivery_ids: list[int]) -> None:
    for delivery in EventDelivery.objects.filter(pk__in=delivery_ids).select_related("event"):
        # One retry at once: most failures are a lock or a lost connection.
        delivery_run(delivery) or delivery_run(delivery)


def delivery_run(delivery: EventDelivery) -> bool:
    """Run one subscriber for one event in a transaction of its own. True when it ran (or
    another process already ran it); False when it failed and stays for a later attempt."""
    entry = _by_key.get(delivery.subscriber)
    error = ""
    if entry is not None:
        try:
            with transaction.atomic():
                row = (EventDelivery.objects.select_for_update(skip_locked=True)
                       .filter(pk=delivery.pk).first())
                if row is None:
                    return True
                event = delivery.event
                event.private = row.private
                entry.handler(event)
                row.delete()
            return True
        except Exception as exc:  # a subscriber failing must not undo the event it reacts to
            error = type(exc).__name__
    else:
        error = "UnknownSubscriber"
    logger.warning("event %s not delivered to %s: %s", delivery.event_id, delivery.subscriber,
                   error)
    attempts = delivery.attempts + 1
    wait = min(datetime.timedelta(minutes=2 ** min(attempts, 16)), RETRY_AFTER_MAX)
    EventDelivery.objects.filter(pk=delivery.pk).update(
        attempts=F("attempts") + 1, last_error=error[:200],
        next_attempt_at=timezone.now() + wait)
    delivery.attempts = attempts
    return False


def deliveries_due(now=None):
    """Deliveries to try again: failed ones whose wait is over, and ones a crash between the
    commit and the delivery left behind (no attempt after a minute)."""
    now = now or timezone.now()
    return (EventDelivery.objects.select_related("event")
            .filter(models.Q(next_attempt_at__lte=now)
                    | models.Q(attempts=0, event__occurred_at__lte=now
                               - datetime.timedelta(minutes=1)))
            .order_by("event_id", "id"))


def deliveries_failed_count() -> int:
    return EventDelivery.objects.filter(attempts__gt=0).count()


def changes_between(instance: models.Model, fields: dict[str, Any]) -> dict[str, list[Any]]:
    """The {field: [old, new]} pairs for the fields whose value would change."""
    diff = {}
    for field, new in fields.items():
        old = getattr(instance, field)
        if old != new:
            diff[field] = [old, new]
    return diff


def settings_save(*, instance: models.Model, values: dict[str, Any], by, name: str):
    """Save a municipality's settings row with `values` and record `name` as the event."""
    for field, value in values.items():
        setattr(instance, field, value)
    instance.full_clean(exclude=["municipality"])
    instance.save()
    event_record(name=name, actor=by, target=instance, municipality=instance.municipality,
                 changes=values)
    return instance
