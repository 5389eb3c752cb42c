import datetime

import pytest
import time_machine
from django.utils import timezone

from husly.accounts.models import Role
from husly.forum import services

TZ = timezone.get_current_timezone()
TODAY = datetime.date(2026, 3, 4)  # a Wednesday


def at(day: datetime.date, hour: int = 12):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


@pytest.fixture
def today():
    with time_machine.travel(at(TODAY, 15), tick=False):
        yield TODAY


@pytest.fixture
def forum(municipality, team, make_staff, today):
    """The forum's people: the property department, the follow-up unit's leader on the team,
    a follow-up worker and a housing officer on the team, and a caretaker."""
    return {
        "property": make_staff(Role.PROPERTY_MANAGER, username="eiendom-forum"),
        "leader": make_staff(Role.TEAM_LEADER, team=team, username="leder-forum", health=True),
        "worker": make_staff(Role.FOLLOWUP_WORKER, team=team, username="miljo-forum"),
        "officer": make_staff(Role.HOUSING_OFFICER, team=team, username="bolig-forum"),
        "caretaker": make_staff(Role.CARETAKER, username="vaktmester-forum"),
        "analyst": make_staff(Role.ANALYST, username="analytiker-forum"),
        "municipality": municipality,
        "team": team,
    }


def plan(forum, day=TODAY, hour=13, **kwargs):
    kwargs.setdefault("place", "Rådhuset, møterom 2")
    kwargs.setdefault("chair", forum["property"])
    kwargs.setdefault("by", forum["property"])
    return services.meeting_plan(municipality=forum["municipality"], starts_at=at(day, hour),
                                 **kwargs)


def held(forum, day=TODAY - datetime.timedelta(days=28), decisions=()):
    """A meeting held on `day`, with these decision texts (owned by the property manager)."""
    meeting = plan(forum, day=day)
    services.minutes_save(meeting=meeting, attendees=[forum["property"], forum["leader"]],
                          by=forum["property"])
    made = [services.decision_record(meeting=meeting, text=text, owner=forum["property"],
                                     by=forum["leader"]) for text in decisions]
    services.meeting_hold(meeting=meeting, by=forum["property"])
    meeting.refresh_from_db()
    return meeting, made
