import datetime

import time_machine
from django.urls import reverse

from husly.accounts.models import Role
from husly.followup import services
from husly.followup.models import CoordinationMeeting, FollowUpAgreement, VisitStatus
from husly.people import services as people_services
from husly.people.models import ResidentNote
from tests.factories import DwellingFactory, ResidentFactory, TenancyFactory

TODAY = datetime.date(2026, 1, 7)


def _housed(municipality, team, worker):
    resident = ResidentFactory(municipality=municipality, team=team, primary_contact=worker)
    TenancyFactory(dwelling=DwellingFactory(municipality=municipality), residents=[resident],
                   start_date=datetime.date(2025, 12, 1))
    return resident


@time_machine.travel(TODAY)
def test_worker_registers_an_agreement_and_records_a_visit(client, login, municipality, team,
                                                           make_staff):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team, health=True)
    resident = _housed(municipality, team, worker)
    login(client, worker)
    body = client.get(reverse("people:resident_detail", args=[resident.pk])).content.decode()
    assert reverse("followup:agreement_create", args=[resident.pk]) in body
    response = client.post(reverse("followup:agreement_create", args=[resident.pk]), {
        "team": team.pk, "primary_contact": worker.pk, "start_date": "2026-01-07",
        "visit_weekday": "2", "health_care_accepted": "on"})
    agreement = FollowUpAgreement.objects.get()
    assert response["Location"] == reverse("followup:agreement_detail", args=[agreement.pk])
    pdf = client.get(reverse("followup:agreement_pdf", args=[agreement.pk]))
    assert pdf.content.startswith(b"%PDF")
    visit = agreement.visits.get(planned_on=TODAY)
    week = client.get(reverse("followup:my_week")).content.decode()
    assert reverse("followup:visit_record", args=[visit.pk]) in week
    response = client.post(reverse("followup:visit_record", args=[visit.pk]), {
        "status": "done", "visitors": [worker.pk], "damage": "on",
        "actions": "Meldte skade", "note_text": "Rolig uke.", "note_category": "followup"})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE and visit.damage
    assert ResidentNote.objects.filter(category="followup", text="Rolig uke.").exists()


@time_machine.travel(TODAY)
def test_the_agreement_form_starts_from_the_residents_team_and_primary_contact(
        client, login, municipality, team, make_staff):
    import re

    def chosen(body, name):
        select = re.search(rf'<select name="{name}".*?</select>', body, re.S).group(0)
        return re.findall(r'<option value="(\d+)" selected>', select)

    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    colleague = make_staff(Role.FOLLOWUP_WORKER, team=team)
    resident = _housed(municipality, team, worker)
    url = reverse("followup:agreement_create", args=[resident.pk])
    login(client, colleague)
    body = client.get(url).content.decode()
    # The resident's own team and primary contact are chosen
    assert chosen(body, "team") == [str(team.pk)]
    assert chosen(body, "primary_contact") == [str(worker.pk)]
    # Without a primary contact, whoever registers it is chosen, being in the team
    people_services.resident_update(resident=resident, primary_contact=None, by=worker)
    body = client.get(url).content.decode()
    assert chosen(body, "primary_contact") == [str(colleague.pk)]
    response = client.post(url, {"team": team.pk, "primary_contact": colleague.pk,
                                 "start_date": "2026-01-07", "visit_weekday": "2",
                                 "health_care_accepted": "on"})
    assert response.status_code == 302
    assert FollowUpAgreement.objects.get().primary_contact == colleague


@time_machine.travel(TODAY)
def test_a_visit_that_found_damage_offers_a_work_order_from_the_visit(client, login,
                                                                      municipality, team,
                                                                      make_staff):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    resident = _housed(municipality, team, worker)
    agreement = services.agreement_create(resident=resident, team=team, primary_contact=worker,
                                          start_date=TODAY, by=worker)
    visit = agreement.visits.get(planned_on=TODAY)
    login(client, worker)
    response = client.post(reverse("followup:visit_record", args=[visit.pk]), {
        "status": "done", "visitors": [worker.pk], "dangerous_objects_removed": "on",
        "actions": "Fjernet sprøyter fra kjøkkenbenken", "note_category": "followup"})
    # The week offers the work order: only the visit's id travels in the address
    assert response["Location"] == f"{reverse('followup:my_week')}?besok={visit.pk}"
    assert "sprøyter" not in response["Location"]
    week = client.get(response["Location"]).content.decode()
    order_url = (reverse("housing:work_order_create", args=[agreement.tenancy.dwelling_id])
                 + f"?besok={visit.pk}")
    assert order_url in week
    assert order_url not in client.get(reverse("followup:my_week")).content.decode()
    # A visit without damage goes straight back to the week
    later = agreement.visits.get(planned_on=datetime.date(2026, 1, 13))
    with time_machine.travel(datetime.date(2026, 1, 13)):
        login(client, worker)
        response = client.post(reverse("followup:visit_record", args=[later.pk]), {
            "status": "done", "visitors": [worker.pk], "note_category": "followup"})
    assert response["Location"] == reverse("followup:my_week")


@time_machine.travel(TODAY)
def test_the_coordination_form_offers_each_unit_its_own_people(client, login, municipality,
                                                                team, make_staff):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    nav = make_staff(Role.NAV_COUNSELLOR, team=team)
    nav_unit = nav.role_assignments.get().unit
    analyst = make_staff(Role.ANALYST, unit=nav_unit)
    resident = _housed(municipality, team, worker)
    agreement = services.agreement_create(resident=resident, team=team, primary_contact=worker,
                                          start_date=TODAY, by=worker)
    meeting = services.health_care_decline(agreement=agreement, on=TODAY, by=worker)
    login(client, worker)
    url = reverse("followup:coordination_meeting", args=[meeting.pk])
    body = client.get(url).content.decode()
    assert f'<optgroup label="{nav_unit.name}">' in body
    assert f'<option value="{nav.pk}">' in body
    assert f'<option value="{analyst.pk}">' not in body
    data = {"held_on": "2026-01-07", "needed_now": "Hjelp med mat", "next_steps": "Ny plan",
            "task1_title": "Søke sosialhjelp", "task1_unit": nav_unit.pk,
            "task1_person": worker.pk, "task1_due": "2026-01-09"}
    response = client.post(url, data)
    assert 'id="id_task1_person-feil"' in response.content.decode()
    assert worker.get_full_name() in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.held_on is None
    client.post(url, {**data, "task1_person": nav.pk})
    meeting.refresh_from_db()
    assert meeting.tasks.get().assigned_to == nav


@time_machine.travel(TODAY)
def test_declining_health_care_on_the_page_opens_the_coordination_meeting(client, login,
                                                                          municipality, team,
                                                                          make_staff):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    make_staff(Role.HOUSING_OFFICER)
    resident = _housed(municipality, team, worker)
    agreement = services.agreement_create(resident=resident, team=team, primary_contact=worker,
                                          start_date=TODAY, by=worker)
    login(client, worker)
    client.post(reverse("followup:health_care_decline", args=[agreement.pk]),
                {"on": "2026-01-07"})
    meeting = CoordinationMeeting.objects.get()
    assert meeting.due_on == datetime.date(2026, 1, 12)
    week = client.get(reverse("followup:my_week")).content.decode()
    assert reverse("followup:coordination_meeting", args=[meeting.pk]) in week
    response = client.post(reverse("followup:coordination_meeting", args=[meeting.pk]), {
        "held_on": "2026-01-07", "needed_now": "", "next_steps": "Ny plan"})
    assert 'id="id_needed_now-feil"' in response.content.decode()
    unit = worker.role_assignments.get().unit
    client.post(reverse("followup:coordination_meeting", args=[meeting.pk]), {
        "held_on": "2026-01-07", "needed_now": "Hjelp med mat", "next_steps": "Ny plan",
        "task1_title": "Søke økonomisk sosialhjelp", "task1_unit": unit.pk,
        "task1_due": "2026-01-09", "task2_title": "Avklare verge", "task2_unit": unit.pk,
        "task2_due": "2026-01-12"})
    meeting.refresh_from_db()
    assert meeting.held_on == TODAY and meeting.tasks.count() == 2


@time_machine.travel(TODAY)
def test_nav_does_not_see_follow_up_or_health_without_consent(client, login, municipality,
                                                              team, make_staff):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team, health=True)
    nav = make_staff(Role.NAV_COUNSELLOR, team=team)
    resident = _housed(municipality, team, worker)
    agreement = services.agreement_create(resident=resident, team=team, primary_contact=worker,
                                          start_date=TODAY, by=worker)
    services.visit_record(visit=agreement.visits.first(), status="done", by=worker,
                          note_text="Helse-hemmelig", note_category="health")
    login(client, nav)
    body = client.get(reverse("people:resident_detail", args=[resident.pk])).content.decode()
    assert "Helse-hemmelig" not in body
    assert client.get(reverse("followup:agreement_detail",
                              args=[agreement.pk])).status_code == 403


@time_machine.travel(TODAY)
def test_report_lists_housed_residents_without_agreement(client, login, municipality, team,
                                                         make_staff):
    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    resident = _housed(municipality, team, worker)
    login(client, worker)
    body = client.get(reverse("followup:without_agreement")).content.decode()
    assert resident.family_name in body


@time_machine.travel(TODAY)
def test_follow_up_lists_do_not_issue_more_queries_as_data_grows(client, login, municipality,
                                                                 team, make_staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    worker = make_staff(Role.FOLLOWUP_WORKER, team=team)
    login(client, worker)

    def add(n):
        for _ in range(n):
            resident = _housed(municipality, team, worker)
            agreement = services.agreement_create(resident=resident, team=team,
                                                  primary_contact=worker,
                                                  start_date=datetime.date(2025, 12, 8),
                                                  by=worker)
            services.health_care_decline(agreement=agreement, on=TODAY, by=worker)

    def count(name):
        client.get(reverse(name))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        return len(queries)

    add(2)
    small = [count(n) for n in ("followup:at_risk", "followup:my_week")]
    add(10)
    large = [count(n) for n in ("followup:at_risk", "followup:my_week")]
    assert large == small
