"""The daily reminder mail (issue 10, part 4): what is due tomorrow and overdue reaches the
person whose deadline it is, in one mail a day, with nothing sensitive in it.

All names and texts are synthetic."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from husly.accounts.models import Role, User
from husly.allocation import services as allocation
from husly.allocation.models import Application
from husly.common.models import DomainEvent
from husly.followup import services as followup
from husly.followup.models import PlanKind, Visit, VisitStatus
from husly.reminders.models import ReminderDispatch, ReminderKind
from husly.reminders.selectors import reminder_window, reminders_for
from husly.reminders.services import reminders_send
from tests.factories import (
    DwellingFactory,
    ResidentFactory,
    TeamFactory,
    TenancyFactory,
    staff_make,
)

K = ReminderKind
TZ = timezone.get_current_timezone()
TODAY = datetime.date(2026, 3, 4)  # a Wednesday: "tomorrow" is Thursday 5 March
TOMORROW = datetime.date(2026, 3, 5)
BASE = "https://husly.sandnes.example"
SECRET_TEXTS = ["Hører stemmer om natten", "Ruset ved forrige besøk", "Kriseplan: ring søster",
                "Trenger bolig nær tjenestene", "Sikkerhetsplan: ingen kniver"]


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12), tzinfo=TZ))


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.HUSLY_BASE_URL = BASE
    settings.DEFAULT_FROM_EMAIL = "Husly <husly@sandnes.example>"


def _email(*users):
    for user in users:
        User.objects.filter(pk=user.pk).update(email=f"{user.username}@sandnes.example")
        user.email = f"{user.username}@sandnes.example"


def _register(flow, applicant, **kwargs):
    return allocation.application_register(
        applicant=applicant, officer_unit=flow["officer_unit"], by=flow["officer"], **kwargs)


def _grant(flow, application):
    allocation.statement_request(application=application, by=flow["officer"])
    allocation.statement_give(application=application, text=SECRET_TEXTS[3],
                              by=flow["worker"])
    allocation.application_decide(
        application=application, granted=True, kind="dwelling", reasons="Oppfyller kravene.",
        legal_basis="Tildelingsregler § 3", dwelling_kind="transitional", rooms=1,
        lease_months=36, by=flow["officer"])


def _allocate(flow, applicant):
    application = _register(flow, applicant, housing_first=True)
    _grant(flow, application)
    dwelling = DwellingFactory(municipality=flow["municipality"])
    allocation.offer_make(application=application, dwelling=dwelling, by=flow["officer"])
    allocation.offer_answer(application=application, accepted=True, by=flow["officer"])
    return application, allocation.allocation_register(application=application,
                                                       by=flow["officer"])


def _housed(municipality, team, contact, *, resident_contact=True, **kwargs):
    resident = ResidentFactory(municipality=municipality, team=team,
                               primary_contact=contact if resident_contact else None, **kwargs)
    TenancyFactory(dwelling=DwellingFactory(municipality=municipality), residents=[resident],
                   start_date=datetime.date(2025, 12, 1))
    return resident


@pytest.fixture
def world(flow, municipality):
    """One municipality with a deadline of every kind in every state around TODAY."""
    officer, worker = flow["officer"], flow["worker"]
    team = flow["applicant"].team
    team2 = TeamFactory(municipality=municipality, name="Oppfølgingsteam Vest")
    worker2 = staff_make(municipality=municipality, role=Role.FOLLOWUP_WORKER, team=team2,
                         username="miljo2")
    leader = staff_make(municipality=municipality, role=Role.TEAM_LEADER, team=team2,
                        username="leder", health=True)
    w = {"officer": officer, "worker": worker, "worker2": worker2, "leader": leader,
         "nav": flow["nav"], "team2": team2, "residents": [], "paths": {}}

    def resident(**kwargs):
        r = ResidentFactory(municipality=municipality, **kwargs)
        w["residents"].append(r)
        return r

    def app_path(application):
        return f"/tildeling/soknader/{application.pk}/"

    with at(datetime.date(2026, 2, 2)):
        # Missed visits: an agreement since 2 February without a single visit done...
        missed = _housed(municipality, team2, worker2, resident_contact=False,
                         given_name="Ola", family_name="Vindenes")
        w["residents"].append(missed)
        w["missed_agreement"] = followup.agreement_create(
            resident=missed, team=team2, primary_contact=worker2, start_date=datetime.date(
                2026, 2, 2), by=worker2)
        # ... and one whose last two weeks' visits were done.
        fine = _housed(municipality, team2, worker2, given_name="Per", family_name="Skjæveland")
        w["residents"].append(fine)
        fine_agreement = followup.agreement_create(
            resident=fine, team=team2, primary_contact=worker2,
            start_date=datetime.date(2026, 2, 2), by=worker2)
    for week in (datetime.date(2026, 2, 16), datetime.date(2026, 2, 23)):
        visit = Visit.objects.get(agreement=fine_agreement, week_start=week)
        with at(visit.planned_on):
            followup.visit_record(visit=visit, status=VisitStatus.DONE, by=worker2,
                                  note_text=SECRET_TEXTS[1])

    with at(datetime.date(2026, 2, 25)):
        # Preliminary replies (a month after registration) and promised decisions.
        late_reply = _register(flow, resident(given_name="Anne", family_name="Tjøstheim"),
                               registered_on=datetime.date(2026, 1, 20))
        soon_reply = _register(flow, resident(given_name="Bjørn", family_name="Haugland"),
                               registered_on=datetime.date(2026, 2, 5))
        later_reply = _register(flow, resident(given_name="Cecilie", family_name="Ådnanes"),
                                registered_on=datetime.date(2026, 2, 20))  # due 20 March
        promised = _register(flow, resident(given_name="Dag", family_name="Gjesdal"),
                             registered_on=datetime.date(2026, 1, 10))
        allocation.preliminary_reply_record(application=promised, by=officer,
                                            sent_on=datetime.date(2026, 2, 1))
        decided = _register(flow, resident(given_name="Eva", family_name="Hølland"),
                            registered_on=datetime.date(2026, 1, 10))
        allocation.application_decide(application=decided, granted=False, kind="dwelling",
                                      reasons="Har fått bolig.", legal_basis="§ 3",
                                      by=officer)
        # Statements: due tomorrow (the primary contact writes it), overdue without a
        # primary contact (the officer who asked chases it), given, and due later.
        soon_statement = _register(flow, resident(given_name="Frode", family_name="Fjellstad",
                                                  team=team, primary_contact=worker))
        allocation.statement_request(application=soon_statement, by=officer, due_on=TOMORROW)
        late_statement = _register(flow, resident(given_name="Gro", family_name="Jåsund",
                                                  team=team))
        allocation.statement_request(application=late_statement, by=officer,
                                     due_on=datetime.date(2026, 3, 3))
        given = _register(flow, resident(given_name="Hans", family_name="Kvalavåg", team=team,
                                         primary_contact=worker))
        allocation.statement_request(application=given, by=officer,
                                     due_on=datetime.date(2026, 3, 3))
        allocation.statement_give(application=given, text=SECRET_TEXTS[3], by=worker)
        later = _register(flow, resident(given_name="Ida", family_name="Myklebust", team=team,
                                         primary_contact=worker))
        allocation.statement_request(application=later, by=officer,
                                     due_on=datetime.date(2026, 3, 10))
        # Joint meeting due Monday 2 March: overdue today.
        late_meeting, _a = _allocate(flow, resident(given_name="Jon", family_name="Nærland",
                                                    team=team))
        # Plans: due tomorrow; overdue (for a resident without a primary contact: the
        # agreement's primary contact); and one whose due version was replaced by a newer.
        planned = resident(given_name="Kari", family_name="Osmundsen", team=team,
                           primary_contact=worker)
        followup.plan_save(resident=planned, kind=PlanKind.CRISIS,
                           answers={"warning_signs": SECRET_TEXTS[2]}, review_on=TOMORROW,
                           based_on=0, by=worker)
        followup.plan_save(resident=missed, kind=PlanKind.SAFETY,
                           answers={"feels_safe": SECRET_TEXTS[4]},
                           review_on=datetime.date(2026, 3, 3), based_on=0, by=worker2)
        followup.plan_save(resident=planned, kind=PlanKind.USER_CONTRACT,
                           answers={"goals": SECRET_TEXTS[0]},
                           review_on=datetime.date(2026, 2, 27), based_on=0, by=worker)
    with at(datetime.date(2026, 2, 26)):
        followup.plan_save(resident=planned, kind=PlanKind.USER_CONTRACT,
                           answers={"goals": SECRET_TEXTS[0]},
                           review_on=datetime.date(2026, 6, 1), based_on=1, by=worker)

    with at(datetime.date(2026, 3, 2)):
        soon_meeting, _a = _allocate(flow, resident(given_name="Lise", family_name="Bjørnevik",
                                                    team=team))  # due Thursday 5 March
        held, held_allocation = _allocate(flow, resident(given_name="Mona", family_name="Lunde",
                                                         team=team))
        allocation.joint_meeting_hold(meeting=held_allocation.meeting,
                                      held_on=datetime.date(2026, 3, 2),
                                      attendees=[officer, worker], note=SECRET_TEXTS[0],
                                      assignees={}, by=officer)
    with at(TODAY):
        monday_meeting, _a = _allocate(flow, resident(given_name="Nils", family_name="Rygg",
                                                      team=team))  # due Monday 9 March

    w["paths"] = {
        "late_reply": app_path(late_reply), "soon_reply": app_path(soon_reply),
        "promised": app_path(promised), "soon_statement": app_path(soon_statement),
        "late_statement": app_path(late_statement), "late_meeting": app_path(late_meeting),
        "soon_meeting": app_path(soon_meeting), "monday_meeting": app_path(monday_meeting),
        "planned_plans": f"/oppfolging/beboere/{planned.pk}/planer/",
        "missed_plans": f"/oppfolging/beboere/{missed.pk}/planer/",
        "missed_agreement": f"/oppfolging/avtaler/{w['missed_agreement'].pk}/",
        # Not due or done:
        "later_reply": app_path(later_reply), "decided": app_path(decided),
        "given": app_path(given), "later_statement": app_path(later),
        "held": app_path(held), "fine_agreement": f"/oppfolging/avtaler/{fine_agreement.pk}/",
    }
    w["residents"] += [flow["applicant"]]
    _email(officer, worker, worker2, leader, flow["nav"])
    return w


def _by_user(people):
    return {p.user.username: p for p in people}


def _items(reminders):
    return sorted((r.kind, r.on, r.path) for r in reminders)


def test_the_window_is_tomorrow_or_up_to_the_next_business_day():
    # A Friday reminds of the weekend and Monday; the day before Easter of the whole Easter.
    assert reminder_window(TODAY) == (TOMORROW, TOMORROW)
    assert reminder_window(datetime.date(2026, 3, 6)) == (datetime.date(2026, 3, 7),
                                                          datetime.date(2026, 3, 9))
    assert reminder_window(datetime.date(2026, 4, 1)) == (datetime.date(2026, 4, 2),
                                                          datetime.date(2026, 4, 7))


def test_each_kind_reaches_the_person_whose_deadline_it_is(world):
    p = world["paths"]
    people = _by_user(reminders_for(municipality=world["officer"].role_assignments.get()
                                    .municipality, today=TODAY))
    assert set(people) == {"bolig", "miljo", "miljo2", "leder"}  # not NAV: nothing of theirs
    officer = people["bolig"]
    assert _items(officer.due_soon) == sorted([
        (K.JOINT_MEETING, TOMORROW, p["soon_meeting"]),
        (K.PRELIMINARY_REPLY, TOMORROW, p["soon_reply"]),
    ])
    assert _items(officer.overdue) == sorted([
        (K.JOINT_MEETING, datetime.date(2026, 3, 2), p["late_meeting"]),
        (K.PRELIMINARY_REPLY, datetime.date(2026, 2, 20), p["late_reply"]),
        (K.DECISION, datetime.date(2026, 3, 1), p["promised"]),
        (K.STATEMENT, datetime.date(2026, 3, 3), p["late_statement"]),
    ])
    worker = people["miljo"]
    assert _items(worker.due_soon) == sorted([
        (K.STATEMENT, TOMORROW, p["soon_statement"]),
        (K.PLAN_REVIEW, TOMORROW, p["planned_plans"]),
    ])
    assert worker.overdue == []  # the replaced plan version is not due
    since = datetime.date(2026, 2, 2)
    assert _items(people["miljo2"].overdue) == sorted([
        (K.PLAN_REVIEW, datetime.date(2026, 3, 3), p["missed_plans"]),
        (K.MISSED_VISITS, since, p["missed_agreement"]),
    ])
    assert people["miljo2"].due_soon == []
    # The team leader also hears of the hand-offs past their deadline (ADR 0030): the late
    # joint meeting the officer holds and the late statement the follow-up unit holds
    assert _items(people["leder"].overdue) == sorted([
        (K.MISSED_VISITS, since, p["missed_agreement"]),
        (K.ESCALATED, datetime.date(2026, 3, 2), "/innboks/"),
        (K.ESCALATED, datetime.date(2026, 3, 3), "/innboks/"),
    ])
    holders = {r.on: r.holder for r in people["leder"].overdue if r.kind == K.ESCALATED}
    assert holders[datetime.date(2026, 3, 2)] == str(world["officer"])


def test_what_is_due_later_or_today_or_done_is_not_reminded(world):
    municipality = world["officer"].role_assignments.get().municipality
    p = world["paths"]

    def paths(today):
        return {r.path for person in reminders_for(municipality=municipality, today=today)
                for r in person.due_soon + person.overdue}

    today = paths(TODAY)
    assert p["soon_meeting"] in today  # the world has what it should
    for key in ("monday_meeting", "later_reply", "later_statement",  # due later
                "held", "given", "decided", "fine_agreement"):  # done
        assert p[key] not in today, key
    # On Thursday what was due "tomorrow" is due today: in neither list.
    thursday = paths(TOMORROW)
    for key in ("soon_meeting", "soon_reply", "soon_statement", "planned_plans"):
        assert p[key] not in thursday, key
    assert p["late_meeting"] in thursday  # the overdue stay until done


def test_on_friday_monday_deadlines_are_reminded(world):
    municipality = world["officer"].role_assignments.get().municipality
    friday = _by_user(reminders_for(municipality=municipality, today=datetime.date(2026, 3, 6)))
    soon = {(r.kind, r.path) for r in friday["bolig"].due_soon}
    assert (K.JOINT_MEETING, world["paths"]["monday_meeting"]) in soon
    late = {(r.kind, r.path) for r in friday["bolig"].overdue}
    assert (K.JOINT_MEETING, world["paths"]["soon_meeting"]) in late


def test_one_mail_per_person_with_all_their_items_and_a_second_run_sends_nothing(world):
    municipality = world["officer"].role_assignments.get().municipality
    report = reminders_send(municipality=municipality, today=TODAY)
    assert (report.people, report.sent, report.without_email, report.already_sent) == (
        4, 4, 0, 0)
    assert (report.due_soon, report.overdue) == (4, 9)  # 7, and the leader's two escalated
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"{u}@sandnes.example" for u in ("bolig", "miljo", "miljo2", "leder"))
    officer_mail = next(m for m in mail.outbox if m.to == ["bolig@sandnes.example"])
    assert officer_mail.subject == "Husly: 2 frister i morgen og 4 forfalte"
    html = officer_mail.alternatives[0][0]
    for key in ("soon_meeting", "soon_reply", "late_meeting", "late_reply", "promised",
                "late_statement"):
        assert f"{BASE}{world['paths'][key]}" in officer_mail.body
        assert f'href="{BASE}{world["paths"][key]}"' in html
    assert "Fellesmøte etter tildeling" in officer_mail.body
    assert "5. mars 2026" in officer_mail.body
    assert officer_mail.from_email == "Husly <husly@sandnes.example>"
    assert ReminderDispatch.objects.filter(day=TODAY).count() == 4
    assert DomainEvent.objects.filter(name="reminders.sent").count() == 4

    again = reminders_send(municipality=municipality, today=TODAY)
    assert (again.sent, again.already_sent) == (0, 4)
    assert len(mail.outbox) == 4
    assert DomainEvent.objects.filter(name="reminders.sent").count() == 4
    # The next working day is a new day: the overdue ones come again.
    reminders_send(municipality=municipality, today=datetime.date(2026, 3, 5))
    assert len(mail.outbox) > 4


def test_nothing_sensitive_is_in_the_mail(world):
    municipality = world["officer"].role_assignments.get().municipality
    reminders_send(municipality=municipality, today=TODAY)
    assert mail.outbox
    forbidden = list(SECRET_TEXTS)
    for resident in world["residents"]:
        forbidden += [resident.full_name, resident.family_name]
        if resident.national_id:
            forbidden.append(resident.national_id)
    from husly.housing.models import Dwelling

    forbidden += [d.street_address for d in Dwelling.objects.all()]
    forbidden += ["Kriseplan", "kriseplan", "crisis", "safety", "user_contract", "helse"]
    for message in mail.outbox:
        for text in (message.subject, message.body, message.alternatives[0][0]):
            for word in forbidden:
                assert word not in text, (word, message.to)
    # The subject names counts only.
    assert all(m.subject.startswith("Husly: ") for m in mail.outbox)
    # The domain events name kinds and counts, not the residents or the links.
    for event in DomainEvent.objects.filter(name="reminders.sent"):
        assert "/" not in str(event.changes)


def test_staff_without_an_address_and_inactive_staff_get_nothing(world):
    municipality = world["officer"].role_assignments.get().municipality
    User.objects.filter(pk=world["leader"].pk).update(email="")
    User.objects.filter(pk=world["worker"].pk).update(is_active=False)
    report = reminders_send(municipality=municipality, today=TODAY)
    assert (report.people, report.sent, report.without_email) == (3, 2, 1)
    assert sorted(m.to[0] for m in mail.outbox) == ["bolig@sandnes.example",
                                                    "miljo2@sandnes.example"]
    assert not ReminderDispatch.objects.filter(user=world["leader"]).exists()


def test_a_failed_send_is_not_recorded_and_goes_out_with_the_next_run(world, monkeypatch):
    municipality = world["officer"].role_assignments.get().municipality
    from django.core.mail import EmailMultiAlternatives

    def broken(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    with pytest.raises(ConnectionRefusedError):
        reminders_send(municipality=municipality, today=TODAY)
    assert not ReminderDispatch.objects.exists()
    monkeypatch.undo()
    assert reminders_send(municipality=municipality, today=TODAY).sent == 4


def test_a_nynorsk_municipality_gets_its_mail_in_nynorsk_and_nothing_crosses(
        world, other_municipality):
    nn_officer = staff_make(municipality=other_municipality, role=Role.HOUSING_OFFICER,
                            username="stord-bolig")
    _email(nn_officer)
    with at(datetime.date(2026, 2, 25)):
        nn_application = allocation.application_register(
            applicant=ResidentFactory(municipality=other_municipality, given_name="Siri",
                                      family_name="Økland"),
            officer_unit=nn_officer.role_assignments.get().unit, by=nn_officer,
            registered_on=datetime.date(2026, 1, 20))
    sandnes = world["officer"].role_assignments.get().municipality
    # A deadline of Sandnes whose officer works only in Stord: not mailed from Sandnes.
    stray = Application.objects.filter(municipality=sandnes, state="received").first()
    Application.objects.filter(pk=stray.pk).update(officer=nn_officer)

    reminders_send(municipality=sandnes, today=TODAY)
    assert "stord-bolig@sandnes.example" not in [m.to[0] for m in mail.outbox]
    mail.outbox.clear()
    report = reminders_send(municipality=other_municipality, today=TODAY)
    assert report.sent == 1
    (message,) = mail.outbox
    assert message.to == ["stord-bolig@sandnes.example"]
    assert message.subject == "Husly: 1 forfallen frist"
    assert "Vedtak eller førebels svar" in message.body
    assert "Hei Stord," in message.body
    assert f"/tildeling/soknader/{nn_application.pk}/" in message.body
    assert f"/tildeling/soknader/{stray.pk}/" not in message.body
    assert 'lang="nn"' in message.alternatives[0][0]


def test_the_command_prints_counts_only(world):
    out, err = io.StringIO(), io.StringIO()
    call_command("reminders_send", "--date", "2026-03-04", "--dry-run", stdout=out, stderr=err)
    assert mail.outbox == []
    assert not ReminderDispatch.objects.exists()
    assert "1108: 4 staff with reminders; 4 mails would be sent" in out.getvalue()

    out = io.StringIO()
    call_command("reminders_send", "--date", "2026-03-04", "--municipality", "1108",
                 stdout=out, stderr=err)
    text = out.getvalue()
    assert "1108: 4 staff with reminders; 4 mails sent, 0 without an e-mail address, " \
           "0 already sent today" in text
    assert "4 due soon and 9 overdue" in text
    assert len(mail.outbox) == 4
    for user in User.objects.all():
        assert user.username not in text and (not user.email or user.email not in text)
    for resident in world["residents"]:
        assert resident.family_name not in text

    out = io.StringIO()
    call_command("reminders_send", "--date", "2026-03-04", stdout=out, stderr=err)
    assert "0 mails sent" in out.getvalue() and "4 already sent today" in out.getvalue()


def test_the_command_sends_nothing_on_a_day_off_and_refuses_bad_input(world):
    out = io.StringIO()
    call_command("reminders_send", "--date", "2026-03-07", stdout=out)  # a Saturday
    assert "not a business day" in out.getvalue()
    assert mail.outbox == []
    with pytest.raises(CommandError):
        call_command("reminders_send", "--date", "4. mars", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("reminders_send", "--municipality", "0000", stdout=io.StringIO())


def test_a_friday_mail_names_the_next_business_day(world):
    municipality = world["officer"].role_assignments.get().municipality
    reminders_send(municipality=municipality, today=datetime.date(2026, 3, 6))
    officer_mail = next(m for m in mail.outbox if m.to == ["bolig@sandnes.example"])
    assert officer_mail.subject.startswith("Husly: 1 frist innen mandag og ")
    assert "Frist innen mandag 9. mars 2026" in officer_mail.body
    assert f"{BASE}{world['paths']['monday_meeting']}" in officer_mail.body


def test_staff_turn_their_reminder_mail_off_and_on_on_their_own_page(world, client):
    from tests.conftest import verified_login

    municipality = world["officer"].role_assignments.get().municipality
    officer = world["officer"]
    verified_login(client, officer)
    page = client.get("/paminnelser/")
    assert page.status_code == 200
    assert "Slå av påminnelsen på e-post" in page.content.decode()

    client.post("/paminnelser/", {"wanted": "0"})
    report = reminders_send(municipality=municipality, today=TODAY)
    assert report.sent == 3
    assert "bolig@sandnes.example" not in [m.to[0] for m in mail.outbox]
    assert DomainEvent.objects.filter(name="reminders.turned_off",
                                      target_id=str(officer.pk)).exists()
    assert "Slå på påminnelsen på e-post" in client.get("/paminnelser/").content.decode()
    # Each mail says where to turn it off.
    assert f"{BASE}/paminnelser/" in mail.outbox[0].body

    client.post("/paminnelser/", {"wanted": "1"})
    assert reminders_send(municipality=municipality, today=TODAY).sent == 1
    assert mail.outbox[-1].to == ["bolig@sandnes.example"]
