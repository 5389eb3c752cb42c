import datetime

from husly.accounts.models import Role
from husly.forum import selectors
from husly.forum.demo import forum_demo
from husly.forum.models import DecisionStatus, ForumMeeting, MeetingStatus
from tests.factories import staff_make
from tests.forum.conftest import TODAY

DEMO_ROLES = {"eiendom": Role.PROPERTY_MANAGER, "leder": Role.TEAM_LEADER,
              "bolig": Role.HOUSING_OFFICER, "miljo": Role.FOLLOWUP_WORKER,
              "vaktmester": Role.CARETAKER}


def test_the_demo_forum_has_a_held_meeting_and_the_next_one_planned(municipality, today):
    staff = {name: staff_make(municipality=municipality, role=role, username=name)
             for name, role in DEMO_ROLES.items()}
    forum_demo(municipality, staff)
    held = ForumMeeting.objects.get(status=MeetingStatus.HELD)
    planned = ForumMeeting.objects.get(status=MeetingStatus.PLANNED)
    assert held.starts_at.date() == TODAY - datetime.timedelta(days=28)
    assert planned.previous == held
    assert planned.starts_at.date() == TODAY + datetime.timedelta(days=7)
    statuses = sorted(held.decisions.values_list("status", flat=True))
    assert statuses == [DecisionStatus.DONE, DecisionStatus.OPEN]
    open_one = held.decisions.get(status=DecisionStatus.OPEN)
    assert list(selectors.earlier_decisions(meeting=planned)) == [open_one]
