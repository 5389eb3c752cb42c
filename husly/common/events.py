"""The one way a service records a domain event."""

import datetime
import decimal
from typing import Any

from django.db import models
from django.utils import timezone

from husly.common.models import DomainEvent


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


def event_record(
    *, name: str, actor, target: models.Model, changes: dict[str, Any] | None = None,
    municipality=None,
) -> DomainEvent:
    """Record that `actor` did `name` to `target`. Call inside the service's transaction."""
    if municipality is None:
        municipality = getattr(target, "municipality", None)
    return DomainEvent.objects.create(
        municipality=municipality,
        actor=actor if getattr(actor, "pk", None) else None,
        occurred_at=timezone.now(),
        name=name,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        changes=_jsonable(changes or {}),
    )


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
