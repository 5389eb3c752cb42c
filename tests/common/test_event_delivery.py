"""The event bus (ADR 0031): subscribers run after commit, never on rollback, are retried,
and a failure stays visible until a later run delivers the event."""

import contextlib
import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction

from husly.common import events
from husly.common.health import health_report
from husly.common.models import DomainEvent, EventDelivery

EVENT = "retention.settings_changed"  # recorded with the municipality-wide settings


@contextlib.contextmanager
def subscribed(handler, name=EVENT):
    events.subscriber(name)(handler)
    key = f"{handler.__module__}.{handler.__qualname__}"
    try:
        yield key
    finally:
        events._subscribers[name] = [s for s in events._subscribers[name] if s.key != key]
        events._by_key.pop(key, None)


def record(municipality, **kwargs):
    return events.event_record(name=EVENT, actor=None, target=municipality, **kwargs)


def test_given_a_subscriber_when_the_transaction_commits_then_it_runs_once_after(
        municipality):
    seen = []

    def on_settings(event):
        seen.append(event.pk)

    with subscribed(on_settings):
        with transaction.atomic():
            event = record(municipality)
            # Inside the transaction nothing has happened yet.
            assert seen == []
            assert EventDelivery.objects.filter(event=event).count() == 1
        assert seen == [event.pk]
    assert not EventDelivery.objects.exists()


def test_given_a_subscriber_when_the_transaction_rolls_back_then_it_never_runs(
        municipality):
    seen = []

    def on_settings(event):
        seen.append(event.pk)

    with subscribed(on_settings), pytest.raises(RuntimeError), transaction.atomic():
        record(municipality)
        raise RuntimeError("the service failed after recording")
    assert seen == []
    assert not DomainEvent.objects.filter(name=EVENT).exists()
    assert not EventDelivery.objects.exists()


def test_a_subscriber_raising_once_is_retried_and_its_work_is_done_once(municipality):
    calls = []

    def flaky(event):
        calls.append(event.pk)
        # Work done before the failure is undone with the subscriber's own transaction.
        DomainEvent.objects.filter(pk=event.pk).update(name="changed.by_subscriber")
        if len(calls) == 1:
            raise ConnectionError("lost the database for a moment")

    with subscribed(flaky), transaction.atomic():
        event = record(municipality)
    assert len(calls) == 2
    assert DomainEvent.objects.get(pk=event.pk).name == "changed.by_subscriber"
    assert not EventDelivery.objects.exists()


def test_a_failing_subscriber_stays_visible_and_a_later_run_delivers_it(municipality):
    broken = {"yes": True}
    delivered = []

    def fragile(event):
        if broken["yes"]:
            raise KeyError("a person's name must never reach the log")
        delivered.append(event.pk)

    with subscribed(fragile):
        with transaction.atomic():
            event = record(municipality, private={"note": "free text"})
        row = EventDelivery.objects.get(event=event)
        assert row.attempts == 2
        assert row.last_error == "KeyError"
        assert row.private == {"note": "free text"}
        assert health_report()[1]["events_undelivered"] == 1

        # Not yet due: the command leaves it.
        call_command("events_deliver", stdout=io.StringIO())
        assert delivered == []

        broken["yes"] = False
        with time_machine.travel(row.next_attempt_at + datetime.timedelta(seconds=1)):
            call_command("events_deliver", stdout=io.StringIO())
    assert delivered == [event.pk]
    assert not EventDelivery.objects.exists()
    assert health_report()[1]["events_undelivered"] == 0


def test_an_unknown_event_name_is_refused(municipality):
    with pytest.raises(ValueError, match="unknown event type"):
        events.event_record(name="resident.teleported", actor=None, target=municipality)


def test_a_subscription_to_an_unknown_event_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        events.subscriber("resident.teleported")(lambda event: None)


@pytest.mark.django_db(transaction=True)
def test_with_a_real_commit_the_subscriber_runs_after_it(municipality):
    """The same as production: no test transaction around the service."""
    seen = []

    def on_settings(event):
        seen.append(DomainEvent.objects.filter(pk=event.pk).exists())

    with subscribed(on_settings), transaction.atomic():
        record(municipality)
        assert seen == []
    assert seen == [True]
