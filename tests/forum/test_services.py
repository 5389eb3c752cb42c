"""The housing forum's rules and refusals (P18)."""

import datetime
import json

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from husly.accounts.models import Role
from husly.common.models import DomainEvent
from husly.forum import selectors, services
from husly.forum.models import AgendaItem, Decision, DecisionStatus, ForumMeeting, MeetingStatus
from husly.housing import services as housing
from tests.factories import DwellingFactory, MunicipalityFactory, ResidentFactory, staff_make
from tests.forum.conftest import TODAY, at, held, plan


def test_a_meeting_is_planned_with_time_place_and_chair(forum):
    # Given the property manager
    # When they plan a meeting
    meeting = plan(forum, day=TODAY + datetime.timedelta(days=7))
    # Then it is planned, in the municipality, and the event records it
    assert meeting.status == MeetingStatus.PLANNED
    assert meeting.municipality == forum["municipality"]
    event = DomainEvent.objects.get(name="forum_meeting.planned")
    assert event.target_id == str(meeting.pk)


@pytest.mark.parametrize("field, change", [
    ("place", {"place": "  "}),
    ("starts_at", {"starts_at": None}),
    ("chair", {"chair": "caretaker"}),
    ("chair", {"chair": "analyst"}),
    ("chair", {"chair": "foreign"}),
])
def test_planning_refuses_what_is_missing_or_wrong(forum, field, change):
    # Given a chair who is not one of the forum's people, or a missing time or place
    if change.get("chair") == "foreign":
        change["chair"] = staff_make(municipality=MunicipalityFactory(),
                                     role=Role.PROPERTY_MANAGER)
    elif "chair" in change:
        change["chair"] = forum[change["chair"]]
    kwargs = {"municipality": forum["municipality"], "starts_at": at(TODAY), "place": "Rom 1",
              "chair": forum["property"], "by": forum["property"], **change}
    # When the meeting is planned, then it is refused on that field and nothing is saved
    with pytest.raises(ValidationError) as exc:
        services.meeting_plan(**kwargs)
    assert field in exc.value.message_dict
    assert not ForumMeeting.objects.exists()


def test_two_meetings_at_the_same_time_are_refused(forum):
    plan(forum)
    with pytest.raises(ValidationError) as exc:
        plan(forum)
    assert "starts_at" in exc.value.message_dict
    assert ForumMeeting.objects.count() == 1


def test_a_decision_without_an_owner_is_refused_with_a_clear_message(forum):
    # Given a planned meeting
    meeting = plan(forum)
    # When a decision is recorded without an owner
    with translation.override("nb"), pytest.raises(ValidationError) as exc:
        services.decision_record(meeting=meeting, text="Klargjøre Storgata 12", owner=None,
                                 by=forum["leader"])
    # Then it is refused on the owner, saying what to do, and nothing is saved
    assert exc.value.message_dict["owner"] == [
        "En beslutning må ha en ansvarlig. Velg hvem som skal følge den opp."]
    assert not Decision.objects.exists()
    assert not DomainEvent.objects.filter(name="forum_decision.recorded").exists()


@pytest.mark.parametrize("field", ["text", "owner", "due_on"])
def test_a_decision_needs_text_an_owner_of_the_municipality_and_a_sensible_due_date(forum,
                                                                                    field):
    meeting = plan(forum)
    kwargs = {"text": "Bytte lås", "owner": forum["caretaker"], "due_on": None}
    if field == "text":
        kwargs["text"] = " "
    elif field == "owner":
        kwargs["owner"] = staff_make(municipality=MunicipalityFactory(),
                                     role=Role.CARETAKER)
    else:
        kwargs["due_on"] = TODAY - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.decision_record(meeting=meeting, by=forum["leader"], **kwargs)
    assert list(exc.value.message_dict) == [field]
    # A caretaker of the municipality may own a decision (to fix the lock), with no due date
    decision = services.decision_record(meeting=meeting, by=forum["leader"], text="Bytte lås",
                                        owner=forum["caretaker"])
    assert decision.status == DecisionStatus.OPEN and decision.owner == forum["caretaker"]


def test_holding_needs_attendees_and_a_meeting_that_has_come(forum):
    later = plan(forum, day=TODAY + datetime.timedelta(days=1))
    services.minutes_save(meeting=later, attendees=[forum["property"]], by=forum["property"])
    with pytest.raises(ValidationError):
        services.meeting_hold(meeting=later, by=forum["property"])
    # Later the same day is fine: the meeting is being held today
    now = plan(forum, day=TODAY, hour=16)
    with pytest.raises(ValidationError) as exc:
        services.meeting_hold(meeting=now, by=forum["property"])
    assert "attendees" in exc.value.message_dict
    services.minutes_save(meeting=now, attendees=[forum["property"], forum["worker"]],
                          notes="Kort møte.", by=forum["property"])
    services.meeting_hold(meeting=now, by=forum["property"])
    now.refresh_from_db()
    assert now.status == MeetingStatus.HELD and now.held_by == forum["property"]
    with pytest.raises(ValidationError):
        services.meeting_hold(meeting=now, by=forum["property"])


def test_a_held_meeting_cannot_be_edited_except_the_status_of_its_decisions(forum):
    # Given a held meeting with one decision
    meeting, (decision,) = held(forum, decisions=["Sjekke røykvarslere"])
    item_count = AgendaItem.objects.count()
    # When anyone tries to change its minutes, then it is refused
    for change in (
        lambda: services.agenda_item_add(meeting=meeting, title="Ny sak", by=forum["leader"]),
        lambda: services.minutes_save(meeting=meeting, attendees=[], by=forum["leader"]),
        lambda: services.decision_record(meeting=meeting, text="Ny", owner=forum["leader"],
                                         by=forum["leader"]),
        lambda: services.meeting_update(meeting=meeting, starts_at=meeting.starts_at,
                                        place="Annet rom", chair=forum["leader"],
                                        by=forum["leader"]),
    ):
        with pytest.raises(ValidationError):
            change()
    meeting.refresh_from_db()
    assert meeting.place == "Rådhuset, møterom 2"
    assert set(meeting.attendees.all()) == {forum["property"], forum["leader"]}
    assert AgendaItem.objects.count() == item_count and meeting.decisions.count() == 1
    # But its decision can be marked done, and opened again
    services.decision_mark_done(decision=decision, note="Alle sjekket", by=forum["property"])
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE and decision.done_on == TODAY
    services.decision_reopen(decision=decision, by=forum["property"])
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OPEN and decision.done_on is None


def test_free_items_need_a_title_and_can_be_removed_before_the_meeting(forum):
    meeting = plan(forum)
    with pytest.raises(ValidationError) as exc:
        services.agenda_item_add(meeting=meeting, title="  ", by=forum["worker"])
    assert "title" in exc.value.message_dict
    item = services.agenda_item_add(meeting=meeting, title="Støy i Fjordgata",
                                    text="Naboer klager.", by=forum["worker"])
    services.agenda_item_remove(item=item, by=forum["worker"])
    assert not AgendaItem.objects.exists()
    # The free text stays out of the event log
    assert "Støy" not in json.dumps(list(DomainEvent.objects.values("changes")))


def test_the_next_meeting_is_planned_from_a_held_one_once(forum):
    meeting, _ = held(forum)
    proposed = services.next_meeting_proposal(meeting)
    assert proposed == meeting.starts_at + datetime.timedelta(weeks=4)
    # Not before the meeting it follows
    with pytest.raises(ValidationError) as exc:
        services.meeting_plan(municipality=forum["municipality"], starts_at=meeting.starts_at,
                              place="Rom", chair=forum["leader"], previous=meeting,
                              by=forum["leader"])
    assert "starts_at" in exc.value.message_dict
    following = services.meeting_plan(municipality=forum["municipality"], starts_at=proposed,
                                      place=meeting.place, chair=meeting.chair,
                                      previous=meeting, by=forum["leader"])
    assert selectors.meeting_next(meeting=meeting) == following
    # Only one next meeting; and a next meeting follows a held one, not a planned one
    with pytest.raises(ValidationError):
        services.meeting_plan(municipality=forum["municipality"],
                              starts_at=proposed + datetime.timedelta(days=1), place="Rom",
                              chair=forum["leader"], previous=meeting, by=forum["leader"])
    with pytest.raises(ValidationError):
        services.meeting_plan(municipality=forum["municipality"],
                              starts_at=proposed + datetime.timedelta(days=2), place="Rom",
                              chair=forum["leader"], previous=following, by=forum["leader"])


def test_open_decisions_come_up_at_the_next_meeting_until_done(forum):
    # Given a held meeting with two decisions, one already done
    meeting, (first, second) = held(forum, decisions=["Klargjøre småhusene", "Ny lås"])
    services.decision_mark_done(decision=first, by=forum["property"])
    # When the next meeting is planned
    following = plan(forum, day=TODAY + datetime.timedelta(days=7), previous=meeting)
    # Then only the open one is on its agenda
    assert list(selectors.earlier_decisions(meeting=following)) == [second]
    # It is marked done at that meeting: it stays on that meeting's agenda as followed up
    services.decision_mark_done(decision=second, note="Byttet", at_meeting=following,
                                by=forum["caretaker"])
    second.refresh_from_db()
    assert second.followed_up_in == following
    assert list(selectors.earlier_decisions(meeting=following)) == [second]
    # And the minutes of that meeting keep it when it is held
    services.minutes_save(meeting=following, attendees=[forum["leader"]], by=forum["leader"])
    with time_machine.travel(at(TODAY + datetime.timedelta(days=7), 15)):
        services.meeting_hold(meeting=following, by=forum["leader"])
    following.refresh_from_db()
    assert following.agenda_snapshot["earlier"] == [second.pk]
    # Once that meeting is held, "done there" can no longer be undone
    with pytest.raises(ValidationError):
        services.decision_reopen(decision=second, by=forum["leader"])
    # A meeting after that has nothing to follow up
    third = plan(forum, day=TODAY + datetime.timedelta(days=35))
    assert list(selectors.earlier_decisions(meeting=third)) == []


def test_a_decision_is_followed_up_at_a_later_meeting_only(forum):
    meeting, (decision,) = held(forum, decisions=["Ny lås"])
    earlier = plan(forum, day=TODAY - datetime.timedelta(days=40))
    with pytest.raises(ValidationError):
        services.decision_mark_done(decision=decision, at_meeting=earlier,
                                    by=forum["leader"])
    services.decision_mark_done(decision=decision, by=forum["leader"])
    with pytest.raises(ValidationError):
        services.decision_mark_done(decision=decision, by=forum["leader"])


def test_holding_freezes_the_agenda_without_names_or_reasons(forum, team):
    # Given a vacant dwelling and a tenancy at risk whose resident is on the red board
    from husly.board import services as board

    DwellingFactory(municipality=forum["municipality"], street_address="Ledigveien 1")
    resident = ResidentFactory(municipality=forum["municipality"], team=team,
                               given_name="Hemmelig", family_name="Navnesen")
    housing.tenancy_register(dwelling=DwellingFactory(municipality=forum["municipality"],
                                                      street_address="Risikoveien 2"),
                             residents=[resident], start_date=TODAY - datetime.timedelta(
                                 days=200), monthly_rent=7000, by=None)
    board.red_board_put(team=team, resident=resident, reason="Svært urolig", by=forum["leader"])
    # When a meeting is held
    meeting, _ = held(forum)
    snapshot = meeting.agenda_snapshot
    # Then the agenda of that day is kept: ids and addresses, no names, no reasons
    vacant = snapshot["sections"]["vacant"]["rows"]
    assert [row["address"].split(" H")[0] for row in vacant] == ["Ledigveien 1"]
    at_risk = snapshot["sections"]["at_risk"]["rows"]
    assert len(at_risk) == 1 and at_risk[0]["address"].startswith("Risikoveien 2")
    text = json.dumps(snapshot)
    for word in ("Hemmelig", "Navnesen", "urolig", "red_board", "arrears"):
        assert word not in text
    # And a dwelling registered later does not change the minutes
    DwellingFactory(municipality=forum["municipality"], street_address="Nyveien 9")
    meeting.refresh_from_db()
    assert meeting.agenda_snapshot == snapshot
    sections = {s.key: s for s in selectors.agenda_from_snapshot(meeting.agenda_snapshot)}
    assert not sections["vacant"].live and sections["vacant"].total == 1
    assert sections["vacant"].rows[0]["since"] == TODAY
