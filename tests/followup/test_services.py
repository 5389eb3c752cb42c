import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from husly.accounts.models import Role
from husly.common.models import DomainEvent
from husly.followup import selectors, services
from husly.followup.models import CoordinationMeeting, Visit, VisitStatus
from husly.people.models import ResidentNote
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory

START = datetime.date(2026, 1, 7)  # a Wednesday


@pytest.fixture
def housed(municipality, team, make_staff):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team, health=True)
    colleague = make_staff(Role.FOLLOWUP_WORKER, team=team)
    resident = ResidentFactory(municipality=municipality, team=team, primary_contact=worker)
    TenancyFactory(dwelling=DwellingFactory(municipality=municipality), residents=[resident],
                   start_date=datetime.date(2025, 12, 1))
    return {"worker": worker, "colleague": colleague, "resident": resident, "team": team}


def agree(housed, **kwargs):
    return services.agreement_create(
        resident=housed["resident"], team=housed["team"], primary_contact=housed["worker"],
        start_date=kwargs.pop("start_date", START), by=housed["worker"], **kwargs)


@time_machine.travel(START)
def test_weekly_visits_are_planned_one_a_week_on_the_teams_day_across_a_year(housed):
    agreement = agree(housed, visit_weekday=1)  # Tuesday
    # Planned eight weeks ahead at once; the first week starts after Tuesday: visit Wednesday.
    visits = list(agreement.visits.order_by("planned_on"))
    assert visits[0].planned_on == START
    assert all(v.planned_on.weekday() == 1 for v in visits[1:])
    with time_machine.travel(datetime.date(2026, 12, 31)):
        services.visits_generate(municipality=agreement.municipality,
                                 until=datetime.date(2026, 12, 31))
    weeks = list(agreement.visits.values_list("week_start", flat=True))
    assert len(weeks) == len(set(weeks)) == 52
    assert services.visits_generate(municipality=agreement.municipality,
                                    until=datetime.date(2026, 12, 31)) == 0  # idempotent


@time_machine.travel(START)
def test_an_ended_agreement_gets_no_more_visits(housed):
    agreement = agree(housed)
    services.agreement_end(agreement=agreement, end_date=datetime.date(2026, 1, 31),
                           by=housed["worker"])
    assert not agreement.visits.filter(planned_on__gt=datetime.date(2026, 1, 31)).exists()
    assert services.visits_generate(municipality=agreement.municipality,
                                    until=datetime.date(2026, 6, 1)) == 0


@time_machine.travel(START)
def test_an_agreement_needs_a_tenancy(municipality, team, make_staff):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    homeless = ResidentFactory(municipality=municipality, team=team)
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(resident=homeless, team=team, primary_contact=worker,
                                  start_date=START, by=worker)
    assert "start_date" in exc.value.message_dict


@time_machine.travel(START)
def test_declining_health_care_opens_exactly_one_coordination_meeting(housed):
    agreement = agree(housed)
    meeting = services.health_care_decline(agreement=agreement, on=START, by=housed["worker"])
    # Wednesday 7 January 2026 + 3 business days = Monday 12 January.
    assert meeting.due_on == datetime.date(2026, 1, 12)
    with pytest.raises(ValidationError):
        services.health_care_decline(agreement=agreement, on=START, by=housed["worker"])
    services.health_care_accept(agreement=agreement, on=START, by=housed["worker"])
    assert services.health_care_decline(agreement=agreement, on=START,
                                        by=housed["worker"]) is None
    assert CoordinationMeeting.objects.count() == 1
    agreement.refresh_from_db()
    assert agreement.visits.filter(status=VisitStatus.PLANNED).exists()  # visits go on


@time_machine.travel(START)
def test_recording_a_visit_with_checklist_and_health_note(housed):
    agreement = agree(housed)
    visit = agreement.visits.first()
    services.visit_record(visit=visit, status=VisitStatus.DONE, by=housed["worker"],
                          visitors=[housed["worker"], housed["colleague"]], damage=True,
                          actions="Meldt skade til vaktmester.", note_text="Ny medisin.",
                          note_category="health")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE and visit.damage and visit.note.category == "health"
    event = DomainEvent.objects.get(name="visit.recorded")
    assert "Ny medisin" not in str(event.changes)


@time_machine.travel(START)
def test_visit_refusals(housed, make_staff, municipality):
    agreement = agree(housed)
    visit = agreement.visits.first()
    outsider = make_staff(Role.FOLLOWUP_WORKER)
    with pytest.raises(ValidationError):
        services.visit_record(visit=visit, status=VisitStatus.DONE, by=outsider)
    with pytest.raises(ValidationError) as exc:
        services.visit_record(visit=visit, status=VisitStatus.DONE, by=housed["colleague"],
                              note_text="Helse", note_category="health")
    assert "note_category" in exc.value.message_dict
    later = agreement.visits.order_by("-planned_on").first()
    with pytest.raises(ValidationError):
        services.visit_record(visit=later, status=VisitStatus.DONE, by=housed["worker"])
    assert not ResidentNote.objects.exists()


@time_machine.travel(START)
def test_a_visit_in_the_future_cannot_be_recorded_as_done(housed):
    # Given the first visit planned for Friday 9 January, two days ahead
    agreement = agree(housed, visit_weekday=4)
    visit = agreement.visits.get(planned_on=datetime.date(2026, 1, 9))
    # When it is recorded as done, or as tried (not at home, refused entry), today
    for status in (VisitStatus.DONE, VisitStatus.NOT_HOME, VisitStatus.REFUSED_ENTRY):
        with pytest.raises(ValidationError) as exc:
            services.visit_record(visit=visit, status=status, by=housed["worker"],
                                  note_text="Ikke skjedd ennå")
        # Then it is refused, beside how the visit went, and nothing is saved
        assert "status" in exc.value.message_dict
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED and not ResidentNote.objects.exists()
    # The service may still cancel it ahead
    services.visit_record(visit=visit, status=VisitStatus.CANCELLED, by=housed["worker"])
    # And on the day, the next week's visit is recorded as done
    later = agreement.visits.get(planned_on=datetime.date(2026, 1, 16))
    with time_machine.travel(datetime.date(2026, 1, 16)):
        services.visit_record(visit=later, status=VisitStatus.DONE, by=housed["worker"])
    later.refresh_from_db()
    assert later.status == VisitStatus.DONE


@time_machine.travel(START)
def test_coordination_tasks_go_only_to_people_of_their_unit(housed, make_staff, municipality):
    from husly.followup.models import CoordinationTask

    agreement = agree(housed)
    meeting = services.health_care_decline(agreement=agreement, on=START, by=housed["worker"])
    nav = make_staff(Role.NAV_COUNSELLOR)
    nav_unit = nav.role_assignments.get().unit
    followup_unit = housed["worker"].role_assignments.get().unit
    analyst = make_staff(Role.ANALYST, unit=nav_unit)
    due = datetime.date(2026, 1, 9)
    for outsider in (housed["worker"], analyst):
        # When a NAV task is given to the follow-up worker, or to an analyst of NAV
        with pytest.raises(ValidationError) as exc:
            services.coordination_meeting_hold(
                meeting=meeting, held_on=START, needed_now="Mat", next_steps="Plan",
                tasks=[{"title": "Søke sosialhjelp", "unit": nav_unit, "due_on": due,
                        "assigned_to": outsider}], by=housed["worker"])
        # Then the meeting is refused, saying whom and where, and nothing is saved
        assert str(outsider) in exc.value.messages[0] and nav_unit.name in exc.value.messages[0]
    meeting.refresh_from_db()
    assert meeting.held_on is None and not CoordinationTask.objects.exists()
    services.coordination_meeting_hold(
        meeting=meeting, held_on=START, needed_now="Mat", next_steps="Plan",
        tasks=[{"title": "Søke sosialhjelp", "unit": nav_unit, "due_on": due,
                "assigned_to": nav},
               {"title": "Ny plan", "unit": followup_unit, "due_on": due}],
        by=housed["worker"])
    task = CoordinationTask.objects.get(title="Ny plan")
    assert task.assigned_to is None
    # A task moved later also stays in its unit
    with pytest.raises(ValidationError):
        services.coordination_task_assign(task=task, assigned_to=nav, by=housed["worker"])
    services.coordination_task_assign(task=task, assigned_to=housed["colleague"],
                                      by=housed["worker"])
    task.refresh_from_db()
    assert task.assigned_to == housed["colleague"]


@time_machine.travel(START)
def test_two_missed_weeks_raise_an_alert(housed):
    agreement = agree(housed, start_date=datetime.date(2025, 12, 29))
    with time_machine.travel(datetime.date(2026, 1, 14)):
        assert selectors.missed_weeks(agreement) == 2
        from husly.access.policy import staff_context_for

        alerts = selectors.alerts_for(staff=staff_context_for(housed["worker"], None))
        assert [a.pk for a, _weeks in alerts] == [agreement.pk]
    visit = agreement.visits.get(week_start=datetime.date(2026, 1, 5))
    services.visit_record(visit=visit, status=VisitStatus.DONE, by=housed["worker"])
    with time_machine.travel(datetime.date(2026, 1, 14)):
        assert selectors.missed_weeks(agreement) == 0


@time_machine.travel(START)
def test_reassigning_a_visit_to_a_colleague(housed, make_staff):
    agreement = agree(housed)
    visit = agreement.visits.first()
    services.visit_reassign(visit=visit, to=housed["colleague"], by=housed["worker"])
    visit.refresh_from_db()
    assert visit.assigned_to == housed["colleague"]
    with pytest.raises(ValidationError):
        services.visit_reassign(visit=visit, to=make_staff(Role.FOLLOWUP_WORKER),
                                by=housed["worker"])
    assert Visit.objects.filter(assigned_to=housed["colleague"]).count() == 1


@time_machine.travel(START)
def test_report_of_housed_residents_without_agreement(housed, make_staff):
    from husly.access.policy import staff_context_for

    staff = staff_context_for(housed["worker"], None)
    assert list(selectors.residents_without_agreement(staff=staff)) == [housed["resident"]]
    agree(housed)
    assert not selectors.residents_without_agreement(staff=staff).exists()
