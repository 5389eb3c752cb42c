import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from husly.accounts.models import Role
from husly.allocation import rules, services
from husly.allocation.models import Allocation, ApplicationState, MoveInTask, TaskTemplate
from husly.common.formats import date_long
from husly.common.models import DomainEvent
from husly.housing.models import DwellingStatus, Tenancy
from husly.housing.services import work_order_complete
from husly.people.models import HousingSituation
from tests.factories import DwellingFactory, ResidentFactory

S = ApplicationState
TODAY = datetime.date(2026, 3, 30)  # Monday before Easter 2026


def register(flow, **kwargs):
    kwargs.setdefault("housing_first", True)
    return services.application_register(
        applicant=kwargs.pop("applicant", flow["applicant"]), officer_unit=flow["officer_unit"],
        by=flow["officer"], rooms_needed=1, **kwargs)


def grant(flow, application):
    services.statement_request(application=application, by=flow["officer"])
    services.statement_give(application=application, text="Trenger bolig nær tjenestene.",
                            by=flow["worker"])
    return services.application_decide(
        application=application, granted=True, kind="dwelling",
        reasons="Oppfyller kriteriene.", legal_basis="Kommunens tildelingsregler § 3",
        dwelling_kind="transitional", rooms=1, lease_months=36, by=flow["officer"])


def allocate(flow, application, dwelling=None):
    services.offer_make(application=application, dwelling=dwelling or flow["dwelling"],
                        by=flow["officer"])
    services.offer_answer(application=application, accepted=True, by=flow["officer"])
    return services.allocation_register(application=application, by=flow["officer"])


@time_machine.travel(TODAY)
def test_from_application_to_keys(flow):
    application = register(flow)
    assert application.state == S.RECEIVED
    grant(flow, application)
    application.refresh_from_db()
    assert application.state == S.DECIDED
    offer = services.offer_make(application=application, dwelling=flow["dwelling"],
                                by=flow["officer"])
    services.offer_viewing_record(application=application, viewing_on=TODAY,
                                  companions="Mats (miljøterapeut)", by=flow["officer"])
    services.offer_answer(application=application, accepted=True, by=flow["officer"])
    allocation = services.allocation_register(application=application, by=flow["officer"])
    # Monday 30 March 2026: Tuesday and Wednesday count; Maundy Thursday, Good Friday, the
    # weekend and Easter Monday do not; the third business day is Tuesday 7 April.
    assert allocation.meeting_deadline == datetime.date(2026, 4, 7)
    assert offer.dwelling == allocation.dwelling

    tasks = services.joint_meeting_hold(
        meeting=allocation.meeting, held_on=TODAY, attendees=[flow["officer"], flow["worker"],
                                                              flow["nav"]],
        note="Kari vil ha med seg Mats på visning.",
        assignees={}, by=flow["officer"])
    assert len(tasks) == 6
    flow["dwelling"].refresh_from_db()
    assert flow["dwelling"].status == DwellingStatus.BEING_PREPARED
    with pytest.raises(ValidationError) as exc:
        services.allocation_move_in(allocation=allocation, moved_in_on=TODAY,
                                    monthly_rent=Decimal("7200"), by=flow["officer"])
    assert "Nøkler" in str(exc.value) or "Keys" in str(exc.value) or "Nøkl" in str(exc.value)

    for task in MoveInTask.objects.filter(allocation=allocation):
        if task.work_order_id:
            with pytest.raises(ValidationError):
                services.move_in_task_complete(task=task, by=flow["officer"])
            work_order_complete(work_order=task.work_order, what_was_done="Seng satt opp",
                                guidance_given="Vist hvordan vaskemaskinen brukes",
                                by=flow["caretaker"])
        else:
            services.move_in_task_complete(task=task, by=flow["officer"])
    services.allocation_move_in(allocation=allocation, moved_in_on=TODAY,
                                monthly_rent=Decimal("7200"), by=flow["officer"])
    application.refresh_from_db()
    flow["dwelling"].refresh_from_db()
    flow["applicant"].refresh_from_db()
    assert application.state == S.MOVED_IN
    assert flow["dwelling"].status == DwellingStatus.LET
    assert flow["applicant"].housing_situation == HousingSituation.MUNICIPAL_TENANCY
    tenancy = Tenancy.objects.get(dwelling=flow["dwelling"])
    assert tenancy.fixed_term_end == datetime.date(2029, 3, 30)
    assert application.case.closed_on == TODAY
    names = list(DomainEvent.objects.filter(target_type="allocation.application",
                                            target_id=str(application.pk))
                 .order_by("id").values_list("name", flat=True))
    assert names == [
        "application.registered", "application.statement_requested",
        "application.statement_given", "application.decided", "application.offered",
        "application.viewing_recorded", "application.offer_answered", "application.allocated",
        "application.moved_in",
    ]


@time_machine.travel(TODAY)
def test_out_of_order_steps_are_refused_with_a_clear_message(flow):
    application = register(flow)
    with pytest.raises(ValidationError) as exc:
        services.application_decide(application=application, granted=True, kind="dwelling",
                                    reasons="x", legal_basis="y", dwelling_kind="transitional",
                                    lease_months=36, by=flow["officer"])
    assert "uttale gitt" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.offer_make(application=application, dwelling=flow["dwelling"],
                            by=flow["officer"])
    with pytest.raises(ValidationError):
        services.allocation_register(application=application, by=flow["officer"])
    with pytest.raises(ValidationError):
        services.statement_give(application=application, text="x", by=flow["worker"])
    application.refresh_from_db()
    assert application.state == S.RECEIVED


@time_machine.travel(TODAY)
def test_a_decision_without_reasons_is_refused_and_nothing_saved(flow):
    application = register(flow)
    services.statement_request(application=application, by=flow["officer"])
    services.statement_give(application=application, text="Ok", by=flow["worker"])
    with pytest.raises(ValidationError) as exc:
        services.application_decide(application=application, granted=True, kind="dwelling",
                                    reasons="  ", legal_basis="", dwelling_kind="transitional",
                                    lease_months=12, by=flow["officer"])
    assert {"reasons", "legal_basis", "lease_months"} <= set(exc.value.message_dict)
    application.refresh_from_db()
    assert application.state == S.STATEMENT_GIVEN
    assert not hasattr(application, "decision") or application.decision is None


@time_machine.travel(TODAY)
def test_refusal_is_a_decision_too(flow):
    other = ResidentFactory(municipality=flow["municipality"])  # not followed: no statement
    application = register(flow, applicant=other, housing_first=False)
    services.application_decide(application=application, granted=False, kind="dwelling",
                                reasons="Har egen bolig.", legal_basis="Tildelingsreglene § 2",
                                by=flow["officer"])
    application.refresh_from_db()
    assert application.state == S.REFUSED


@time_machine.travel(TODAY)
def test_declined_offer_keeps_the_applicant_on_the_list(flow):
    application = register(flow)
    grant(flow, application)
    services.offer_make(application=application, dwelling=flow["dwelling"], by=flow["officer"])
    with pytest.raises(ValidationError) as exc:
        services.offer_answer(application=application, accepted=False, by=flow["officer"])
    assert "decline_reason" in exc.value.message_dict
    services.offer_answer(application=application, accepted=False, decline_reason="location",
                          by=flow["officer"])
    application.refresh_from_db()
    assert application.state == S.DECLINED
    second = DwellingFactory(municipality=flow["municipality"], street_address="Andre vei 1")
    services.offer_make(application=application, dwelling=second, by=flow["officer"])
    application.refresh_from_db()
    assert application.state == S.OFFERED


@time_machine.travel(TODAY)
def test_only_a_vacant_dwelling_can_be_offered_or_allocated(flow):
    application = register(flow)
    grant(flow, application)
    let = DwellingFactory(municipality=flow["municipality"], street_address="Opptatt 1")
    from husly.housing.services import dwelling_status_set

    dwelling_status_set(dwelling=let, status=DwellingStatus.OUT_OF_SERVICE, by=None)
    with pytest.raises(ValidationError) as exc:
        services.offer_make(application=application, dwelling=let, by=flow["officer"])
    assert "dwelling" in exc.value.message_dict


@time_machine.travel(TODAY)
def test_one_dwelling_cannot_be_allocated_twice(flow):
    first = register(flow)
    grant(flow, first)
    allocate(flow, first)
    second_applicant = ResidentFactory(municipality=flow["municipality"], team=first.applicant.team)
    second = register(flow, applicant=second_applicant)
    grant(flow, second)
    with pytest.raises(ValidationError):
        services.offer_make(application=second, dwelling=flow["dwelling"], by=flow["officer"])
    assert Allocation.objects.count() == 1


@time_machine.travel(TODAY)
def test_an_allocation_date_that_makes_the_meeting_overdue_is_refused(flow):
    with time_machine.travel(datetime.date(2026, 3, 2)):
        # The offer was accepted four weeks ago and the allocation never registered.
        application = register(flow, registered_on=datetime.date(2026, 3, 1))
        grant(flow, application)
        services.offer_make(application=application, dwelling=flow["dwelling"],
                            by=flow["officer"])
        services.offer_answer(application=application, accepted=True, by=flow["officer"])
    with pytest.raises(ValidationError) as exc:
        services.allocation_register(application=application, by=flow["officer"],
                                     allocated_on=datetime.date(2026, 3, 2))
    assert "allocated_on" in exc.value.message_dict
    assert date_long(datetime.date(2026, 3, 5)) in exc.value.messages[0]  # the meeting's due


@time_machine.travel(TODAY)
def test_the_allocation_date_is_not_in_the_future_nor_before_the_offer_was_accepted(flow):
    with time_machine.travel(datetime.date(2026, 3, 24)):  # a Tuesday
        application = register(flow)
        grant(flow, application)
        services.offer_make(application=application, dwelling=flow["dwelling"],
                            by=flow["officer"])
        services.offer_answer(application=application, accepted=True, by=flow["officer"])
    # Given an offer accepted on Tuesday 24 March, when the allocation is dated tomorrow
    with pytest.raises(ValidationError) as exc:
        services.allocation_register(application=application, by=flow["officer"],
                                     allocated_on=TODAY + datetime.timedelta(days=1))
    # Then it is refused, and so is a date before the offer was accepted
    assert "allocated_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.allocation_register(application=application, by=flow["officer"],
                                     allocated_on=datetime.date(2026, 3, 23))
    assert date_long(datetime.date(2026, 3, 24)) in exc.value.message_dict["allocated_on"][0]
    assert not Allocation.objects.exists()
    # A date in between is taken, and the joint meeting follows it in business days:
    # Thursday 26 March + 3 = Tuesday 31 March (the weekend does not count).
    allocation = services.allocation_register(application=application, by=flow["officer"],
                                              allocated_on=datetime.date(2026, 3, 26))
    assert allocation.allocated_on == datetime.date(2026, 3, 26)
    assert allocation.meeting_deadline == datetime.date(2026, 3, 31)
    application.refresh_from_db()
    assert application.state_since == datetime.date(2026, 3, 26)


def _nav_task_template(flow):
    return TaskTemplate.objects.get(municipality=flow["municipality"], unit_kind="nav")


@time_machine.travel(TODAY)
def test_the_joint_meeting_gives_a_task_only_to_someone_in_its_unit(flow, make_staff):
    application = register(flow)
    grant(flow, application)
    allocation = allocate(flow, application)
    nav_task = _nav_task_template(flow)
    nav_unit = flow["nav"].role_assignments.get().unit
    analyst = make_staff(Role.ANALYST, unit=nav_unit, username="analytiker")
    for outsider in (flow["worker"], analyst):
        # When the NAV task is given to the follow-up worker, or to an analyst of NAV
        with pytest.raises(ValidationError) as exc:
            services.joint_meeting_hold(meeting=allocation.meeting, held_on=TODAY,
                                        attendees=[], note="",
                                        assignees={nav_task.pk: outsider}, by=flow["officer"])
        # Then the meeting is refused with what to do, and nothing is saved
        assert str(outsider) in exc.value.messages[0]
        assert nav_unit.name in exc.value.messages[0]
        allocation.meeting.refresh_from_db()
        assert allocation.meeting.held_on is None and not allocation.tasks.exists()
    tasks = services.joint_meeting_hold(meeting=allocation.meeting, held_on=TODAY,
                                        attendees=[], note="",
                                        assignees={nav_task.pk: flow["nav"]},
                                        by=flow["officer"])
    given = next(t for t in tasks if t.title == nav_task.title)
    assert given.assigned_to == flow["nav"] and given.unit == nav_unit


@time_machine.travel(TODAY)
def test_a_move_in_task_moves_only_within_its_unit(flow, make_staff):
    application = register(flow)
    grant(flow, application)
    allocation = allocate(flow, application)
    services.joint_meeting_hold(meeting=allocation.meeting, held_on=TODAY, attendees=[],
                                note="", assignees={}, by=flow["officer"])
    task = allocation.tasks.get(title=_nav_task_template(flow).title)
    nav_unit = task.unit
    administrator = make_staff(Role.ADMINISTRATOR, unit=nav_unit, username="admin")
    for outsider in (flow["worker"], administrator):
        with pytest.raises(ValidationError) as exc:
            services.move_in_task_assign(task=task, assigned_to=outsider, by=flow["nav"])
        assert str(outsider) in exc.value.message_dict["assigned_to"][0]
    task.refresh_from_db()
    assert task.assigned_to is None
    colleague = make_staff(Role.NAV_COUNSELLOR, username="nav-kollega")
    services.move_in_task_assign(task=task, assigned_to=colleague, by=flow["nav"])
    task.refresh_from_db()
    assert task.assigned_to == colleague


@time_machine.travel(TODAY)
def test_move_in_before_allocation_and_before_the_meeting_is_refused(flow):
    application = register(flow)
    grant(flow, application)
    allocation = allocate(flow, application)
    with pytest.raises(ValidationError) as exc:
        services.allocation_move_in(allocation=allocation, moved_in_on=TODAY,
                                    monthly_rent=Decimal("7000"), by=flow["officer"])
    assert "fellesmøtet" in exc.value.messages[0]
    services.joint_meeting_hold(meeting=allocation.meeting, held_on=TODAY, attendees=[],
                                note="", assignees={}, by=flow["officer"])
    for task in allocation.tasks.all():
        if task.work_order_id:
            work_order_complete(work_order=task.work_order, what_was_done="ok",
                                by=flow["caretaker"])
        else:
            services.move_in_task_complete(task=task, by=flow["officer"])
    with pytest.raises(ValidationError) as exc:
        services.allocation_move_in(allocation=allocation,
                                    moved_in_on=TODAY - datetime.timedelta(days=1),
                                    monthly_rent=Decimal("7000"), by=flow["officer"])
    assert "moved_in_on" in exc.value.message_dict


@time_machine.travel(TODAY)
def test_preliminary_reply_is_due_a_month_after_registration(flow):
    application = register(flow, registered_on=datetime.date(2026, 2, 27))
    assert rules.preliminary_reply_due(application, today=datetime.date(2026, 3, 27))
    assert not rules.preliminary_reply_due(application, today=datetime.date(2026, 3, 26))
    services.preliminary_reply_record(application=application, by=flow["officer"])
    application.refresh_from_db()
    assert not rules.preliminary_reply_due(application, today=TODAY)


@time_machine.travel(TODAY)
def test_one_open_application_per_applicant_and_withdrawal(flow):
    application = register(flow)
    with pytest.raises(ValidationError):
        register(flow)
    services.application_withdraw(application=application, by=flow["officer"])
    application.refresh_from_db()
    assert application.state == S.WITHDRAWN
    assert application.case.closed_on == TODAY
    register(flow)  # a new application is always possible: nobody is locked out
