import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from husly.access.policy import staff_context_for
from husly.accounts.models import Role
from husly.board import rotation, selectors, services
from husly.board.models import RedBoardEntry
from husly.people.models import Resident
from tests.factories import ResidentFactory

TODAY = datetime.date(2026, 3, 4)


@pytest.mark.parametrize("interval", [1, 2, 3, 4, 6])
@pytest.mark.parametrize("size", [1, 7, 40])
def test_the_rotation_brings_everyone_up_once_in_every_cycle(interval, size):
    # Residents who join and leave keep or free their own slot; nobody is skipped.
    ids = list(range(1000, 1000 + size)) + [5000 + size]
    start = rotation.week_start(TODAY)
    for cycle in range(3):
        weeks = [start + datetime.timedelta(weeks=cycle * interval + w) for w in range(interval)]
        for resident_id in ids:
            due = [w for w in weeks if rotation.due_this_week(resident_id, interval, w)]
            assert len(due) == 1
    team_ids = ids[:-1]  # the team as registered, one after the other
    per_week = [sum(rotation.due_this_week(i, interval, start + datetime.timedelta(weeks=w))
                    for i in team_ids) for w in range(interval)]
    assert max(per_week) - min(per_week) <= 1  # spread evenly


@pytest.fixture
def board_team(municipality, team, make_staff):
    leader = make_staff(Role.TEAM_LEADER, team=team)
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    resident = ResidentFactory(municipality=municipality, team=team, primary_contact=worker)
    return leader, worker, resident


@time_machine.travel(TODAY)
def test_red_board_in_and_out_moves_responsibility(board_team, team, make_staff):
    leader, worker, resident = board_team
    services.red_board_put(team=team, resident=resident, reason="Ruset, truet nabo", by=leader)
    resident.refresh_from_db()
    assert resident.primary_contact is None
    with pytest.raises(ValidationError):
        services.red_board_put(team=team, resident=resident, reason="igjen", by=leader)
    with pytest.raises(ValidationError):
        services.red_board_take_off(team=team, resident=resident, reason="Bedre",
                                    primary_contact=make_staff(Role.FOLLOWUP_WORKER),
                                    by=leader)
    services.red_board_take_off(team=team, resident=resident, reason="Bedre", by=leader,
                                primary_contact=worker)
    resident.refresh_from_db()
    assert resident.primary_contact == worker
    with pytest.raises(ValidationError):
        services.red_board_take_off(team=team, resident=resident, reason="x", by=leader,
                                    primary_contact=worker)
    entry = RedBoardEntry.objects.get()
    assert entry.taken_off_at and entry.previous_primary_contact == worker


@time_machine.travel(TODAY)
def test_review_refusals(board_team, team, municipality):
    leader, _worker, _resident = board_team
    stranger = ResidentFactory(municipality=municipality)
    with pytest.raises(ValidationError):
        services.review_record(team=team, resident=stranger, what_matters_now="x",
                               next_steps="y", by=leader)


@time_machine.travel(TODAY)
def test_a_reviewed_resident_leaves_the_due_list(board_team, team):
    leader, _worker, resident = board_team
    team.review_interval_weeks = 1
    team.save()
    staff = staff_context_for(leader, None)
    assert resident in selectors.board(staff=staff, team=team)["reviews_due"]
    services.review_record(team=team, resident=resident, what_matters_now="Trives",
                           next_steps="Fortsett", by=leader)
    assert resident not in selectors.board(staff=staff, team=team)["reviews_due"]


@time_machine.travel(TODAY)
def test_the_board_issues_the_same_queries_for_10_and_1000_residents(
    client, login, board_team, team, municipality
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    leader, worker, _resident = board_team
    login(client, leader)

    def add(n):
        Resident.objects.bulk_create([
            Resident(municipality=municipality, given_name=f"B{i}", family_name="Beboer",
                     housing_situation="municipal_tenancy", housing_situation_since=TODAY,
                     team=team, primary_contact=worker if i % 2 else None)
            for i in range(n)])  # bulk: the board, not registration, is under test

    def count():
        url = reverse("board:team_board", args=[team.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add(9)
    small = count()
    add(990)
    assert count() == small


@time_machine.travel(TODAY)
def test_meeting_room_mode_hides_the_reasons(client, login, board_team, team):
    leader, _worker, resident = board_team
    services.red_board_put(team=team, resident=resident, reason="Ruset og redd", by=leader)
    login(client, leader)
    url = reverse("board:team_board", args=[team.pk])
    assert "Ruset og redd" in client.get(url).content.decode()
    assert "Ruset og redd" not in client.get(url + "?motemodus=1").content.decode()



@time_machine.travel(TODAY)
def test_everyone_on_the_team_sees_a_red_board_resident_on_their_own_day_view(
    client, login, board_team, team, make_staff
):
    leader, _worker, resident = board_team
    colleague = make_staff(Role.FOLLOWUP_WORKER, team=team)
    services.red_board_put(team=team, resident=resident, reason="Uro", by=leader)
    login(client, colleague)
    body = client.get(reverse("followup:my_week")).content.decode()
    assert resident.full_name in body



@time_machine.travel(TODAY)
def test_the_red_board_reason_is_follow_up_information(client, login, board_team, team,
                                                       make_staff):
    leader, _worker, resident = board_team
    nav = make_staff(Role.NAV_COUNSELLOR, team=team)
    services.red_board_put(team=team, resident=resident, reason="Psykose i helgen", by=leader)
    login(client, nav)
    body = client.get(reverse("board:team_board", args=[team.pk])).content.decode()
    assert resident.full_name in body
    assert "Psykose" not in body



def test_a_visit_moves_to_another_day_of_its_week_from_the_board(client, login, board_team,
                                                                 team, municipality):
    import datetime as dt

    from husly.followup import services as followup
    from husly.followup.models import Visit
    from tests.factories import DwellingFactory, TenancyFactory

    leader, worker, resident = board_team
    monday = dt.date(2026, 3, 2)
    with time_machine.travel(monday):
        TenancyFactory(dwelling=DwellingFactory(municipality=municipality),
                       residents=[resident], start_date=dt.date(2026, 1, 1))
        agreement = followup.agreement_create(resident=resident, team=team,
                                              primary_contact=worker, start_date=monday,
                                              visit_weekday=0, by=worker)
        visit = Visit.objects.get(agreement=agreement, planned_on=monday)
        login(client, leader)
        assert f'id="dag-{visit.pk}"' in client.get(
            reverse("board:team_board", args=[team.pk])).content.decode()
        client.post(reverse("followup:visit_reschedule", args=[visit.pk]),
                    {"on": "2026-03-04", "team": team.pk})
        visit.refresh_from_db()
        assert visit.planned_on == dt.date(2026, 3, 4)
        with pytest.raises(ValidationError):
            followup.visit_reschedule(visit=visit, to=dt.date(2026, 3, 9), by=leader)
