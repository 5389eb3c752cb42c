"""The demo's two completed years for the Housing First team, the second lower in places."""

from husly.accounts.models import Role
from husly.fidelity import selectors
from husly.fidelity.demo import fidelity_demo
from husly.fidelity.models import AssessmentStatus


def test_the_demo_team_has_two_completed_years_and_slipped_in_the_second(team, make_staff):
    leader = make_staff(Role.TEAM_LEADER, team=team)
    first, second = fidelity_demo(team.municipality, team, leader)
    assert second.year == first.year + 1
    assert {first.status, second.status} == {AssessmentStatus.COMPLETED}
    result = selectors.assessment_result(second)
    assert result.previous == first
    assert result.slipped and all(s["score"] < s["previous"] for s in result.slipped)
    assert selectors.team_history(team=team)["years"] == [first.year, second.year]
