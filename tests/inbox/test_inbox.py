"""The inbox: each hand-off reaches exactly the people and units that must act, leaves when
the work is done, and a late one reaches the team leader (ADR 0030)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from husly.access.models import AccessBasis, AccessLogEntry
from husly.access.policy import resident_access, staff_context_for
from husly.accounts.models import Role
from husly.allocation import rules as allocation_rules
from husly.allocation import services as allocation
from husly.followup import services as followup
from husly.inbox import selectors, services
from husly.inbox.models import ItemKind
from husly.people.services import resident_note_write
from husly.reminders.selectors import reminders_for
from tests.factories import ResidentFactory, TenancyFactory

TODAY = datetime.date(2026, 3, 30)  # a Monday
K = ItemKind


def inbox(user, today=TODAY):
    return selectors.inbox_for(staff=staff_context_for(user, None), today=today)


def kinds(user, today=TODAY):
    return {(i.kind, i.pk) for i in inbox(user, today)["items"]}


@pytest.fixture
def newcomer(flow, municipality):
    """An applicant no one follows yet: only the housing officer's case relates to them."""
    return ResidentFactory(municipality=municipality, given_name="Nina", family_name="Ny")


@pytest.fixture
def second_worker(make_staff):
    return make_staff(Role.FOLLOWUP_WORKER, username="miljo2", health=True)


def _asked(flow, applicant, **kwargs):
    application = allocation.application_register(
        applicant=applicant, officer_unit=flow["officer_unit"], by=flow["officer"], **kwargs)
    allocation.statement_request(application=application, by=flow["officer"])
    return application


@time_machine.travel(TODAY)
def test_a_statement_request_reaches_the_follow_up_unit_and_no_one_else(
        flow, newcomer, second_worker):
    # Given a statement asked of the follow-up unit for an applicant no worker follows
    application = _asked(flow, newcomer)
    item = (K.STATEMENT, application.pk)
    # Then every follow-up worker sees it, nameless until they open it; nobody else does
    for worker in (flow["worker"], second_worker):
        found = [i for i in inbox(worker)["items"] if (i.kind, i.pk) == item]
        assert len(found) == 1 and found[0].name_hidden and not found[0].resident_name
        assert found[0].may_take and found[0].asked_by == str(flow["officer"])
    for other in (flow["officer"], flow["nav"], flow["caretaker"]):
        assert item not in kinds(other)
    # When one of them gives the statement
    allocation.statement_give(application=application, text="Trenger rolig bomiljø.",
                              by=second_worker)
    # Then it has left every inbox
    assert item not in kinds(flow["worker"]) | kinds(second_worker)


@time_machine.travel(TODAY)
def test_the_writer_opens_the_request_from_the_inbox_and_the_read_is_logged(
        client, login, flow, newcomer, second_worker):
    application = _asked(flow, newcomer)
    login(client, second_worker)
    page = client.get(reverse("inbox:inbox")).content.decode()
    link = reverse("allocation:statement_give", args=[application.pk])
    assert link in page and "Nina Ny" not in page  # the list hands nothing over
    response = client.get(link)
    assert response.status_code == 200 and "Nina Ny" in response.content.decode()
    entry = AccessLogEntry.objects.get(user=second_worker, resident=newcomer)
    assert entry.basis == AccessBasis.STATEMENT_REQUEST and entry.view == "statement_give"
    # The application itself stays closed to a worker without a relation
    assert client.get(reverse("allocation:application_detail",
                              args=[application.pk])).status_code == 403
    response = client.post(link, {"text": "Trenger rolig bomiljø."})
    assert response.status_code == 302 and response["Location"] == reverse("inbox:inbox")


@time_machine.travel(TODAY)
def test_the_officer_reads_the_statement_once_the_consent_is_recorded_in_place(
        client, login, flow, newcomer, second_worker):
    application = _asked(flow, newcomer)
    allocation.statement_give(application=application, text="Trenger rolig bomiljø.",
                              by=second_worker)
    login(client, flow["officer"])
    url = reverse("allocation:application_detail", args=[application.pk])
    body = client.get(url).content.decode()
    assert "Trenger rolig bomiljø." not in body
    assert reverse("allocation:statement_consent", args=[application.pk]) in body
    client.post(reverse("allocation:statement_consent", args=[application.pk]),
                {"form": "verbal", "given_on": "2026-03-30"})
    body = client.get(url).content.decode()
    assert "Trenger rolig bomiljø." in body
    assert AccessLogEntry.objects.filter(user=flow["officer"], resident=newcomer,
                                         basis=AccessBasis.STATEMENT_RECIPIENT,
                                         categories="followup").exists()
    # The consent covers the statement only: no other follow-up information opens
    officer = staff_context_for(flow["officer"], None)
    assert not resident_access(officer, newcomer).reads("followup")


@time_machine.travel(TODAY)
def test_a_consent_given_with_the_application_lets_the_officer_read_at_once(
        flow, newcomer, second_worker):
    application = _asked(flow, newcomer, statement_consent_form="written")
    allocation.statement_give(application=application, text="Ok", by=second_worker)
    from husly.access.policy import statement_reading

    officer = staff_context_for(flow["officer"], None)
    application.refresh_from_db()
    reading = statement_reading(officer, application, resident_access(officer, newcomer))
    assert reading is not None and reading.basis == AccessBasis.STATEMENT_RECIPIENT
    nav = staff_context_for(flow["nav"], None)
    assert statement_reading(nav, application, resident_access(nav, newcomer)) is None


@time_machine.travel(TODAY)
def test_a_unit_item_is_taken_once_and_given_only_within_the_unit(
        flow, newcomer, second_worker):
    application = _asked(flow, newcomer)
    item = selectors.inbox_item_find(staff=staff_context_for(flow["worker"], None),
                                     kind=K.STATEMENT, pk=application.pk,
                                     unit_id=application.statement.unit_id)
    services.inbox_item_take(item=item, by=flow["worker"])
    # The colleague no longer sees it; taking it anyway says who has it
    assert (K.STATEMENT, application.pk) not in kinds(second_worker)
    theirs = selectors.inbox_item_find(staff=staff_context_for(second_worker, None),
                                       kind=K.STATEMENT, pk=application.pk,
                                       unit_id=application.statement.unit_id)
    with pytest.raises(ValidationError, match="Miljo Testesen"):
        services.inbox_item_take(item=theirs, by=second_worker)
    # Giving it to NAV is refused; to a colleague of the unit, it moves
    mine = selectors.inbox_item_find(staff=staff_context_for(flow["worker"], None),
                                     kind=K.STATEMENT, pk=application.pk,
                                     unit_id=application.statement.unit_id)
    with pytest.raises(ValidationError):
        services.inbox_item_give(item=mine, to=flow["nav"], by=flow["worker"])
    services.inbox_item_give(item=mine, to=second_worker, by=flow["worker"])
    assert (K.STATEMENT, application.pk) in kinds(second_worker)
    assert (K.STATEMENT, application.pk) not in kinds(flow["worker"])


@time_machine.travel(TODAY)
def test_taking_through_the_page_tells_who_took_it(client, login, flow, newcomer,
                                                   second_worker):
    application = _asked(flow, newcomer)
    data = {"kind": K.STATEMENT, "pk": application.pk, "unit": application.statement.unit_id}
    login(client, flow["worker"])
    client.post(reverse("inbox:take"), data)
    login(client, second_worker)
    response = client.post(reverse("inbox:take"), data, follow=True)
    assert "Miljo Testesen" in response.content.decode()


def _declined(flow, municipality):
    resident = flow["applicant"]
    tenancy = TenancyFactory(dwelling=flow["dwelling"], residents=[resident])
    agreement = followup.agreement_create(
        resident=resident, team=resident.team, primary_contact=flow["worker"],
        start_date=datetime.date(2026, 1, 5), by=flow["worker"])
    assert agreement.tenancy_id == tenancy.pk
    return followup.health_care_decline(agreement=agreement, on=TODAY, by=flow["worker"])


@time_machine.travel(TODAY)
def test_housing_and_nav_find_the_coordination_meeting_and_read_it_as_participants(
        client, login, flow, municipality, make_staff):
    outsider_officer = make_staff(Role.HOUSING_OFFICER, username="bolig2")
    meeting = _declined(flow, municipality)
    resident_note_write(resident=flow["applicant"], category="health",
                        text="Diagnose som ikke skal deles", by=flow["worker"])
    item = (K.COORDINATION_MEETING, meeting.pk)
    assert item in kinds(flow["worker"])  # the primary contact holds it
    for participant in (outsider_officer, flow["nav"]):
        assert item in kinds(participant)
        login(client, participant)
        response = client.get(reverse("followup:coordination_meeting", args=[meeting.pk]))
        body = response.content.decode()
        assert response.status_code == 200 and "Diagnose" not in body
        entry = AccessLogEntry.objects.filter(user=participant).latest("accessed_at")
        assert entry.basis == AccessBasis.MEETING_PARTICIPANT and entry.categories == "followup"
    assert item not in kinds(flow["caretaker"])
    # NAV still reads no health notes on the resident's page
    nav = staff_context_for(flow["nav"], None)
    assert not resident_access(nav, flow["applicant"]).reads("health")


@time_machine.travel(TODAY)
def test_a_coordination_task_for_nav_is_done_from_nav_s_inbox(client, login, flow,
                                                              municipality):
    meeting = _declined(flow, municipality)
    nav_unit = flow["nav"].role_assignments.get().unit
    followup.coordination_meeting_hold(
        meeting=meeting, held_on=TODAY, needed_now="Sikre husleien", next_steps="Nytt møte",
        tasks=[{"title": "Søke bostøtte", "unit": nav_unit, "due_on": TODAY}],
        by=flow["worker"])
    task = meeting.tasks.get()
    assert (K.COORDINATION_MEETING, meeting.pk) not in kinds(flow["nav"])
    assert (K.COORDINATION_TASK, task.pk) in kinds(flow["nav"])
    assert (K.COORDINATION_TASK, task.pk) not in kinds(flow["officer"])
    login(client, flow["nav"])
    client.post(reverse("followup:coordination_task_complete", args=[task.pk]),
                {"fra": "innboks"})
    assert (K.COORDINATION_TASK, task.pk) not in kinds(flow["nav"])


def _allocated(flow):
    application = allocation.application_register(
        applicant=flow["applicant"], officer_unit=flow["officer_unit"], by=flow["officer"])
    if allocation_rules.statement_required(application):
        allocation.statement_request(application=application, by=flow["officer"])
        allocation.statement_give(application=application, text="Ok", by=flow["worker"])
    allocation.application_decide(application=application, granted=True, kind="dwelling",
                                  reasons="x", legal_basis="y", dwelling_kind="transitional",
                                  lease_months=36, by=flow["officer"])
    allocation.offer_make(application=application, dwelling=flow["dwelling"],
                          by=flow["officer"])
    allocation.offer_answer(application=application, accepted=True, by=flow["officer"])
    return allocation.allocation_register(application=application, by=flow["officer"])


def test_a_late_joint_meeting_reaches_the_team_leader_with_who_holds_it(flow, make_staff,
                                                                        team):
    leader = make_staff(Role.TEAM_LEADER, team=team, username="leder", health=True)
    with time_machine.travel(TODAY):
        registered = _allocated(flow)
    item = (K.JOINT_MEETING, registered.application_id)
    assert item in kinds(flow["officer"])
    # Follow-up and NAV take part in it
    for participant in (flow["worker"], flow["nav"]):
        assert item in kinds(participant)
    on_time = registered.meeting_deadline
    assert not inbox(leader, on_time)["escalated"]
    late = on_time + datetime.timedelta(days=1)
    escalated = inbox(leader, late)["escalated"]
    assert [(i.kind, i.pk) for i in escalated] == [item]
    assert escalated[0].holder == flow["officer"] and escalated[0].days_late == 1
    # And the leader's reminder mail carries it, with who holds it
    people = {p.user: p for p in reminders_for(municipality=flow["municipality"], today=late)}
    lines = [r for r in people[leader].overdue if r.kind == "escalated"]
    assert lines and lines[0].holder == str(flow["officer"])
    # When the meeting is held, it leaves both
    with time_machine.travel(late):
        allocation.joint_meeting_hold(meeting=registered.meeting, held_on=late, attendees=[],
                                      note="", assignees={}, by=flow["officer"])
    assert not inbox(leader, late)["escalated"]
    assert item not in kinds(flow["officer"], late)


def test_move_in_tasks_reach_their_units_and_leave_when_done(flow):
    with time_machine.travel(TODAY):
        registered = _allocated(flow)
        allocation.joint_meeting_hold(meeting=registered.meeting, held_on=TODAY, attendees=[],
                                      note="", assignees={}, by=flow["officer"])
    tasks = {t.unit.kind: t for t in registered.tasks.select_related("unit")}
    rent = tasks["nav"]
    assert (K.MOVE_IN_TASK, rent.pk) in kinds(flow["nav"])
    assert (K.MOVE_IN_TASK, rent.pk) not in kinds(flow["officer"])
    # The caretaker's part is a work order
    assert any(k == K.WORK_ORDER for k, _pk in kinds(flow["caretaker"]))
    with time_machine.travel(TODAY):
        allocation.move_in_task_complete(task=rent, by=flow["nav"])
    assert (K.MOVE_IN_TASK, rent.pk) not in kinds(flow["nav"])


@pytest.mark.parametrize("role", list(Role.values))
def test_every_role_lands_on_a_page_it_may_open(client, login, make_staff, role):
    login(client, make_staff(role))
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain and response.redirect_chain[-1][0] != reverse("home")


def test_the_inbox_page_costs_the_same_with_more_items(client, login, flow, municipality,
                                                       django_assert_max_num_queries,
                                                       make_staff):
    def page_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("inbox:inbox")).status_code == 200
        return len(captured)

    with time_machine.travel(TODAY):
        login(client, flow["worker"])
        _asked(flow, ResidentFactory(municipality=municipality))
        few = page_queries()
        for _n in range(6):
            _asked(flow, ResidentFactory(municipality=municipality))
        with django_assert_max_num_queries(few):
            client.get(reverse("inbox:inbox"))


@time_machine.travel(TODAY)
def test_the_menu_counts_what_the_inbox_lists(client, login, flow, newcomer, second_worker):
    _asked(flow, newcomer)
    _asked(flow, ResidentFactory(municipality=flow["municipality"]))
    login(client, second_worker)
    listed = inbox(second_worker)["count"]
    page = client.get(reverse("people:resident_list")).content.decode()
    assert listed >= 2 and f'data-count="{listed}"' in page


@time_machine.travel(TODAY)
def test_a_participant_s_reading_lasts_while_the_hand_off_is_open(flow, municipality,
                                                                  newcomer, second_worker):
    from husly.access.policy import coordination_meeting_access, statement_writer_access

    # The statement request: the unit reads the application until it is answered
    application = _asked(flow, newcomer)
    assert statement_writer_access(staff_context_for(flow["worker"], None),
                                   application).allowed
    allocation.statement_give(application=application, text="Ok", by=second_worker)
    application.refresh_from_db()
    assert not statement_writer_access(staff_context_for(flow["worker"], None),
                                       application).allowed
    assert statement_writer_access(staff_context_for(second_worker, None),
                                   application).allowed  # its writer looks back
    # The coordination meeting: NAV reads it until it is held and its tasks are done
    meeting = _declined(flow, municipality)
    officer = staff_context_for(flow["officer"], None)
    nav_unit = flow["nav"].role_assignments.get().unit
    followup.coordination_meeting_hold(
        meeting=meeting, held_on=TODAY, needed_now="Sikre husleien", next_steps="Nytt møte",
        tasks=[{"title": "Søke bostøtte", "unit": nav_unit, "due_on": TODAY}],
        by=flow["worker"])
    meeting.refresh_from_db()
    assert coordination_meeting_access(officer, meeting)[0].allowed
    followup.coordination_task_complete(task=meeting.tasks.get(), by=flow["nav"])
    assert not coordination_meeting_access(officer, meeting)[0].allowed
