"""The morning meeting's *why*: each item on the board carries its own purpose, written by
staff (the visit's focus, what was agreed at the last review, the goal in the plan, the
move-in task's reason), and nothing follow-up is shown to those who may not read it."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from husly.access.policy import staff_context_for
from husly.accounts.models import Role
from husly.allocation import services as allocation
from husly.allocation.models import MoveInTask, TaskTemplate
from husly.board import selectors
from husly.board import services as board
from husly.common.models import DomainEvent
from husly.followup import services as followup
from husly.followup.models import Visit
from tests.factories import DwellingFactory, ResidentFactory, TeamFactory, TenancyFactory

TODAY = datetime.date(2026, 3, 4)  # a Wednesday
WEDNESDAY = 2
FOCUS = "Se på om kjøleskapet har mat; øve på å betale husleie i nettbank."
AGREED = "Primærkontakt følger til dagsenteret på onsdag."
GOALS = "Bo her lenge og betale husleia selv."


def label(msgid: str) -> str:
    """The label as the board shows it (Norwegian, or the msgid until it is translated)."""
    with translation.override("nb"):
        return translation.gettext(msgid)


@pytest.fixture
def people(municipality, team, make_staff):
    leader = make_staff(Role.TEAM_LEADER, team=team)
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    return leader, worker


def followed(municipality, team, worker, name):
    """A housed resident of the team with a running agreement and a visit today."""
    resident = ResidentFactory(municipality=municipality, team=team, primary_contact=worker,
                               given_name=name)
    TenancyFactory(dwelling=DwellingFactory(municipality=municipality), residents=[resident],
                   start_date=datetime.date(2026, 1, 1))
    agreement = followup.agreement_create(resident=resident, team=team, primary_contact=worker,
                                          start_date=TODAY, visit_weekday=WEDNESDAY, by=worker)
    return resident, Visit.objects.get(agreement=agreement, planned_on=TODAY)


def board_visits(staff_user, team):
    data = selectors.board(staff=staff_context_for(staff_user, None), team=team, day=TODAY)
    visits = [v for m in data["members"] for v in m["visits"]] + data["everyone"]["visits"]
    return {v.pk: v for v in visits}


@time_machine.travel(TODAY)
def test_each_visit_shows_its_own_why_first_that_exists(client, login, people, team,
                                                        municipality):
    leader, worker = people
    _a, with_focus = followed(municipality, team, worker, "Fokus")
    b, with_review = followed(municipality, team, worker, "Gjennomgang")
    c, with_plan = followed(municipality, team, worker, "Plan")
    _d, without = followed(municipality, team, worker, "Ingenting")
    followup.visit_focus_set(visit=with_focus, focus=FOCUS, by=worker)
    # An older review, then the last one: the last one's agreement is the why.
    board.review_record(team=team, resident=b, what_matters_now="Trives", by=leader,
                        next_steps="Gammel avtale", held_on=TODAY - datetime.timedelta(weeks=5))
    board.review_record(team=team, resident=b, what_matters_now="Ensom om kveldene",
                        next_steps=AGREED, by=leader)
    # The newest version of the user contract holds the goal; other plans do not count.
    followup.plan_save(resident=c, kind="user_contract", answers={"goals": "Gammelt mål"},
                       review_on=TODAY + datetime.timedelta(days=90), based_on=0, by=worker)
    followup.plan_save(resident=c, kind="user_contract", answers={"goals": GOALS},
                       review_on=TODAY + datetime.timedelta(days=90), based_on=1, by=worker)
    followup.plan_save(resident=c, kind="crisis", answers={"what_helps": "Ro og te"},
                       review_on=TODAY + datetime.timedelta(days=90), based_on=0, by=worker)

    visits = board_visits(leader, team)
    assert visits[with_focus.pk].why == {"source": "focus", "text": FOCUS}
    assert visits[with_review.pk].why == {"source": "review", "text": AGREED}
    assert visits[with_plan.pk].why == {"source": "plan", "text": GOALS}
    assert visits[without.pk].why is None

    login(client, leader)
    body = client.get(reverse("board:team_board", args=[team.pk])).content.decode()
    assert f"{label('Focus of the visit')}:</strong> {FOCUS}" in body
    assert f"{label('Agreed at the last review')}:</strong> {AGREED}" in body
    assert f"{label('Goal in the plan')}:</strong> {GOALS}" in body
    assert label("No why written yet.") in body
    assert "Gammel avtale" not in body and "Gammelt mål" not in body and "Ro og te" not in body
    # The fixed sentence for every visit is gone; each visit without a why can get a focus.
    assert label("Why: see how the resident and the dwelling are doing (the follow-up "
                 "agreement).") not in body
    assert f'id="fokus-{without.pk}"' in body


@time_machine.travel(TODAY)
def test_the_focus_comes_before_the_review_and_the_plan(people, team, municipality):
    leader, worker = people
    resident, visit = followed(municipality, team, worker, "Alt")
    board.review_record(team=team, resident=resident, what_matters_now="Trives",
                        next_steps=AGREED, by=leader)
    followup.plan_save(resident=resident, kind="user_contract", answers={"goals": GOALS},
                       review_on=TODAY + datetime.timedelta(days=90), based_on=0, by=worker)
    assert board_visits(leader, team)[visit.pk].why["source"] == "review"
    followup.visit_focus_set(visit=visit, focus=FOCUS, by=worker)
    assert board_visits(leader, team)[visit.pk].why == {"source": "focus", "text": FOCUS}
    followup.visit_focus_set(visit=visit, focus="  ", by=worker)  # cleared: back to review
    assert board_visits(leader, team)[visit.pk].why["source"] == "review"


@time_machine.travel(TODAY)
def test_two_visits_show_two_different_whys(client, login, people, team, municipality):
    leader, worker = people
    _a, first = followed(municipality, team, worker, "Første")
    _b, second = followed(municipality, team, worker, "Andre")
    followup.visit_focus_set(visit=first, focus="Handle inn til uka sammen.", by=worker)
    followup.visit_focus_set(visit=second, focus="Gå gjennom posten fra NAV.", by=worker)
    visits = board_visits(leader, team)
    assert visits[first.pk].why["text"] != visits[second.pk].why["text"]
    login(client, worker)
    body = client.get(reverse("board:team_board", args=[team.pk])).content.decode()
    assert "Handle inn til uka sammen." in body
    assert "Gå gjennom posten fra NAV." in body


@time_machine.travel(TODAY)
def test_the_why_is_not_shown_to_a_member_who_cannot_read_follow_up(client, login, people,
                                                                     team, municipality,
                                                                     make_staff):
    leader, worker = people
    nav = make_staff(Role.NAV_COUNSELLOR, team=team)
    resident, visit = followed(municipality, team, worker, "Skjult")
    followup.visit_focus_set(visit=visit, focus=FOCUS, by=worker)
    board.review_record(team=team, resident=resident, what_matters_now="Trives",
                        next_steps=AGREED, by=leader)
    followup.plan_save(resident=resident, kind="user_contract", answers={"goals": GOALS},
                       review_on=TODAY + datetime.timedelta(days=90), based_on=0, by=worker)
    # Moved to the NAV counsellor: the visit is on their list, but hidden for their unit.
    followup.visit_reassign(visit=visit, to=nav, by=leader)
    shown = board_visits(nav, team)[visit.pk]
    assert not shown.shown and shown.why is None
    login(client, nav)
    body = client.get(reverse("board:team_board", args=[team.pk])).content.decode()
    assert FOCUS not in body and AGREED not in body and GOALS not in body
    assert f'id="fokus-{visit.pk}"' not in body
    assert client.post(reverse("followup:visit_focus_set", args=[visit.pk]),
                       {"focus": "Noe annet", "team": team.pk}).status_code == 403
    visit.refresh_from_db()
    assert visit.focus == FOCUS


@time_machine.travel(TODAY)
def test_the_meeting_room_shows_the_why_but_no_form(client, login, people, team,
                                                    municipality):
    leader, worker = people
    _resident, visit = followed(municipality, team, worker, "Rom")
    followup.visit_focus_set(visit=visit, focus=FOCUS, by=worker)
    login(client, leader)
    body = client.get(reverse("board:team_board", args=[team.pk])
                      + "?motemodus=1").content.decode()
    assert FOCUS in body
    assert f'id="fokus-{visit.pk}"' not in body


@time_machine.travel(TODAY)
def test_the_focus_is_written_on_the_board(client, login, people, team, municipality):
    leader, worker = people
    _resident, visit = followed(municipality, team, worker, "Skjema")
    login(client, leader)
    response = client.post(reverse("followup:visit_focus_set", args=[visit.pk]),
                           {"focus": FOCUS, "team": team.pk})
    assert response.status_code == 302
    assert response.url == reverse("board:team_board", args=[team.pk])
    visit.refresh_from_db()
    assert visit.focus == FOCUS
    body = client.get(response.url).content.decode()
    assert f"{label('Focus of the visit')}:</strong> {FOCUS}" in body
    assert f'value="{FOCUS}"' in body  # prefilled, to change it
    # Too long: refused with a message, the focus stays.
    client.post(reverse("followup:visit_focus_set", args=[visit.pk]),
                {"focus": "x" * 301, "team": team.pk})
    visit.refresh_from_db()
    assert visit.focus == FOCUS


@time_machine.travel(TODAY)
def test_visit_focus_set_records_the_fact_not_the_words(people, team, municipality):
    _leader, worker = people
    _resident, visit = followed(municipality, team, worker, "Hendelse")
    followup.visit_focus_set(visit=visit, focus=f"  {FOCUS}\n", by=worker)
    visit.refresh_from_db()
    assert visit.focus == FOCUS
    event = DomainEvent.objects.get(name="visit.focus_set")
    assert event.target_id == str(visit.pk) and event.actor == worker
    assert event.changes["has_focus"] is True and event.changes["had_focus"] is False
    assert "kjøleskapet" not in str(event.changes)
    followup.visit_focus_set(visit=visit, focus=FOCUS, by=worker)  # unchanged: no new event
    assert DomainEvent.objects.filter(name="visit.focus_set").count() == 1


@time_machine.travel(TODAY)
def test_visit_focus_set_refusals(people, team, municipality, other_municipality,
                                  make_staff):
    leader, worker = people
    _resident, visit = followed(municipality, team, worker, "Avslag")
    with pytest.raises(ValidationError) as exc:
        followup.visit_focus_set(visit=visit, focus="x" * 301, by=worker)
    assert "focus" in exc.value.message_dict
    # Staff of another municipality (a team of their own there) may not write it.
    stranger = make_staff(Role.FOLLOWUP_WORKER, municipality=other_municipality,
                          team=TeamFactory(municipality=other_municipality))
    with pytest.raises(ValidationError):
        followup.visit_focus_set(visit=visit, focus=FOCUS, by=stranger)
    # Nor may someone of this municipality outside the team.
    with pytest.raises(ValidationError):
        followup.visit_focus_set(visit=visit, focus=FOCUS,
                                 by=make_staff(Role.FOLLOWUP_WORKER))
    # A recorded visit keeps the focus it had.
    followup.visit_record(visit=visit, status="done", by=worker)
    with pytest.raises(ValidationError):
        followup.visit_focus_set(visit=visit, focus=FOCUS, by=worker)
    visit.refresh_from_db()
    assert visit.focus == ""
    assert not DomainEvent.objects.filter(name="visit.focus_set").exists()


@time_machine.travel(TODAY)
def test_a_move_in_task_carries_its_templates_why(client, login, flow, team):
    worker, officer = flow["worker"], flow["officer"]
    with_purpose = allocation.task_template_create(
        municipality=flow["municipality"], title="Strøm og adresseendring",
        unit_kind="followup", due_business_days=0, by=None,
        purpose="Lys og varme fra første dag,  og post som kommer fram.")
    assert with_purpose.purpose == "Lys og varme fra første dag, og post som kommer fram."
    without = TaskTemplate.objects.get(title="Avklare behov for verge")
    without.due_business_days = 0
    without.save()
    application = allocation.application_register(
        applicant=flow["applicant"], officer_unit=flow["officer_unit"], by=officer,
        housing_first=True, rooms_needed=1)
    allocation.statement_request(application=application, by=officer)
    allocation.statement_give(application=application, text="Trenger bolig.", by=worker)
    allocation.application_decide(application=application, granted=True, kind="dwelling",
                                  reasons="Oppfyller kriteriene.", legal_basis="§ 3",
                                  dwelling_kind="transitional", rooms=1, lease_months=36,
                                  by=officer)
    allocation.offer_make(application=application, dwelling=flow["dwelling"], by=officer)
    allocation.offer_answer(application=application, accepted=True, by=officer)
    registered = allocation.allocation_register(application=application, by=officer)
    allocation.joint_meeting_hold(
        meeting=registered.meeting, held_on=TODAY, attendees=[officer, worker], note="",
        assignees={with_purpose.pk: worker, without.pk: worker}, by=officer)
    task = MoveInTask.objects.get(allocation=registered, title="Strøm og adresseendring")
    assert task.purpose == with_purpose.purpose
    assert MoveInTask.objects.get(allocation=registered, title=without.title).purpose == ""

    login(client, worker)
    body = client.get(reverse("board:team_board", args=[team.pk])).content.decode()
    assert f"{label('Why')}:</strong> Lys og varme fra første dag" in body
    # The task without a why of its own keeps the general sentence.
    assert label("Why: a move-in task from the joint meeting.") in body


def test_the_task_template_form_takes_the_why():
    from husly.allocation.forms import TaskTemplateForm

    form = TaskTemplateForm({"title": "Nøkler", "unit_kind": "housing", "due_business_days": 2,
                             "blocks_move_in": "on", "purpose": "Fra bostedsløs til egen dør."})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["purpose"] == "Fra bostedsløs til egen dør."
    assert not TaskTemplateForm({"title": "Nøkler", "unit_kind": "housing",
                                 "due_business_days": 2, "purpose": "x" * 301}).is_valid()


@time_machine.travel(TODAY)
def test_the_whys_cost_no_query_per_visit(client, login, people, team, municipality):
    leader, worker = people
    login(client, leader)
    url = reverse("board:team_board", args=[team.pk])

    def add(names):
        for name in names:
            resident, visit = followed(municipality, team, worker, name)
            followup.visit_focus_set(visit=visit, focus=f"Fokus for {name}", by=worker)
            board.review_record(team=team, resident=resident, what_matters_now="Trives",
                                next_steps=f"Avtalt med {name}", by=leader)
            followup.plan_save(resident=resident, kind="user_contract",
                               answers={"goals": f"Mål for {name}"}, based_on=0, by=worker,
                               review_on=TODAY + datetime.timedelta(days=90))

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add(["En"])
    small = count()
    add(["To", "Tre", "Fire", "Fem"])
    assert count() == small
