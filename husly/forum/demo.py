"""The demo's housing forum: one meeting held a month ago with two decisions (one done, one
still open, so it comes up on the next agenda) and the next meeting planned in a week."""

import datetime

from django.utils import timezone

from husly.forum import services


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def forum_demo(municipality, staff) -> None:
    """`staff` is the demo's users by username (husly.demo.builder.DEMO_STAFF)."""
    today = timezone.localdate()
    property_manager, leader = staff["eiendom"], staff["leder"]
    held = services.meeting_plan(
        municipality=municipality, starts_at=_at(today - datetime.timedelta(days=28), 13),
        place="Rådhuset, møterom Fjorden", chair=property_manager, by=property_manager)
    services.agenda_item_add(
        meeting=held, title="Røykvarslere i blokkene",
        text="Eiendom går gjennom røykvarslere i alle gjennomgangsboliger før vinteren.",
        by=property_manager)
    services.minutes_save(meeting=held, attendees=[property_manager, leader, staff["bolig"],
                                                   staff["miljo"]],
                          notes="Gjennomgang av ledige boliger og klargjøring.", by=leader)
    done = services.decision_record(
        meeting=held, owner=staff["vaktmester"],
        text="Klargjøre de to småhusene som har stått lengst ledige.",
        due_on=today - datetime.timedelta(days=14), by=leader)
    services.decision_record(
        meeting=held, owner=property_manager,
        text="Sjekke røykvarslere i alle gjennomgangsboliger og melde tilbake.",
        due_on=today + datetime.timedelta(days=14), by=leader)
    services.meeting_hold(meeting=held, by=property_manager)
    services.decision_mark_done(decision=done, note="Begge småhusene er klare for visning.",
                                done_on=today - datetime.timedelta(days=12),
                                by=staff["vaktmester"])
    services.meeting_plan(
        municipality=municipality, starts_at=_at(today + datetime.timedelta(days=7), 13),
        place="Rådhuset, møterom Fjorden", chair=property_manager, previous=held,
        by=property_manager)
