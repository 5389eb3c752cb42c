"""The allocation pages as each role meets them."""

import datetime

import time_machine
from django.urls import reverse

from husly.allocation import rules, services
from husly.allocation.models import Application, ApplicationState
from husly.housing.models import DwellingStatus

TODAY = datetime.date(2026, 3, 30)


def granted(flow, **needs):
    """An application for the flow's applicant, granted (statement first, as required)."""
    application = services.application_register(
        applicant=needs.pop("applicant", flow["applicant"]), officer_unit=flow["officer_unit"],
        by=flow["officer"], **needs)
    if rules.statement_required(application):
        services.statement_request(application=application, by=flow["officer"])
        services.statement_give(application=application, text="Ok", by=flow["worker"])
    services.application_decide(application=application, granted=True, kind="dwelling",
                                reasons="x", legal_basis="y", dwelling_kind="transitional",
                                lease_months=36, by=flow["officer"])
    return application


def allocated(flow, *, meeting=True):
    """The flow's applicant allocated the flow's dwelling, the joint meeting held."""
    application = granted(flow)
    services.offer_make(application=application, dwelling=flow["dwelling"], by=flow["officer"])
    services.offer_answer(application=application, accepted=True, by=flow["officer"])
    allocation = services.allocation_register(application=application, by=flow["officer"])
    if meeting:
        services.joint_meeting_hold(meeting=allocation.meeting, held_on=TODAY, attendees=[],
                                    note="", assignees={}, by=flow["officer"])
    return application, allocation


@time_machine.travel(TODAY)
def test_officer_registers_an_application_through_the_form(client, login, flow):
    login(client, flow["officer"])
    response = client.post(reverse("allocation:application_create"), {
        "applicant": flow["applicant"].pk, "registered_on": "2026-03-30", "rooms_needed": "1",
        "housing_first": "on", "wishes": "Nær sjøen",
    })
    application = Application.objects.get()
    assert response.status_code == 302
    assert application.housing_first and application.wishes == "Nær sjøen"
    page = client.get(reverse("allocation:application_detail", args=[application.pk]))
    assert "Be oppfølgingsenheten om uttale" in page.content.decode()


@time_machine.travel(TODAY)
def test_out_of_order_step_shows_the_reason_and_changes_nothing(client, login, flow):
    application = services.application_register(
        applicant=flow["applicant"], officer_unit=flow["officer_unit"], by=flow["officer"])
    login(client, flow["officer"])
    response = client.post(reverse("allocation:allocate", args=[application.pk]),
                           {"allocated_on": "2026-03-30"}, follow=True)
    assert "Dette kan bare gjøres" in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.RECEIVED


@time_machine.travel(TODAY)
def test_follow_up_worker_writes_the_statement(client, login, flow):
    application = services.application_register(
        applicant=flow["applicant"], officer_unit=flow["officer_unit"], by=flow["officer"])
    services.statement_request(application=application, by=flow["officer"])
    login(client, flow["worker"])
    page = client.get(reverse("allocation:application_detail", args=[application.pk]))
    body = page.content.decode()
    assert "Skriv uttalen" in body
    # The follow-up worker has no housing category: the application details are hidden.
    assert "Skjult: krever samtykke" in body
    response = client.post(reverse("allocation:statement_give", args=[application.pk]),
                           {"text": ""})
    assert 'id="id_text-feil"' in response.content.decode()
    response = client.post(reverse("allocation:statement_give", args=[application.pk]),
                           {"text": "Trenger rolig bolig."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.STATEMENT_GIVEN


@time_machine.travel(TODAY)
def test_decision_form_refuses_a_decision_without_reasons(client, login, flow):
    application = services.application_register(
        applicant=flow["applicant"], officer_unit=flow["officer_unit"], by=flow["officer"])
    services.statement_request(application=application, by=flow["officer"])
    services.statement_give(application=application, text="Ok", by=flow["worker"])
    login(client, flow["officer"])
    response = client.post(reverse("allocation:decide", args=[application.pk]), {
        "granted": "yes", "kind": "dwelling", "reasons": "", "legal_basis": "§ 3",
        "dwelling_kind": "transitional", "lease_months": "36",
    })
    assert 'id="id_reasons-feil"' in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.STATEMENT_GIVEN
    response = client.post(reverse("allocation:decide", args=[application.pk]), {
        "granted": "yes", "kind": "dwelling", "reasons": "Behov for bolig.",
        "legal_basis": "§ 3", "dwelling_kind": "transitional", "lease_months": "36",
    })
    assert response.status_code == 302
    letter = client.get(reverse("allocation:decision_letter", args=[application.pk]))
    assert letter["Content-Type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF")


@time_machine.travel(TODAY)
def test_offer_page_suggests_fitting_dwellings_with_reasons(client, login, flow):
    application = granted(flow, rooms_needed=3)
    login(client, flow["officer"])
    body = client.get(reverse("allocation:offer_make", args=[application.pk])).content.decode()
    # The only vacant dwelling has two rooms: too few for this applicant, so not suggested.
    assert "Nyveien 3" not in body


@time_machine.travel(TODAY)
def test_caretaker_sees_and_completes_the_preparation_work_order(client, login, flow):
    application, allocation = allocated(flow)
    order = allocation.tasks.get(work_order__isnull=False).work_order
    login(client, flow["caretaker"])
    body = client.get(reverse("housing:work_order_list")).content.decode()
    assert "Nyveien 3" in body
    detail = client.get(reverse("housing:work_order_detail", args=[order.pk])).content.decode()
    assert flow["applicant"].full_name in detail
    # Nothing but name and phone of the resident reaches the caretaker.
    assert flow["applicant"].national_id not in detail
    assert client.get(reverse("people:resident_detail",
                              args=[flow["applicant"].pk])).status_code == 403
    response = client.post(reverse("housing:work_order_detail", args=[order.pk]),
                           {"what_was_done": "Seng satt opp", "guidance_given": "Vist ovnen"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.done_on == TODAY
    flow["dwelling"].refresh_from_db()
    assert flow["dwelling"].status == DwellingStatus.BEING_PREPARED


@time_machine.travel(TODAY)
def test_my_tasks_lists_the_units_tasks_by_due_date(client, login, flow):
    application, allocation = allocated(flow)
    login(client, flow["nav"])
    body = client.get(reverse("allocation:my_tasks")).content.decode()
    assert "Første husleie og depositumsgaranti" in body
    assert "Signere kontrakt" not in body  # the housing service's task
    task = allocation.tasks.get(title__startswith="Første husleie")
    response = client.post(reverse("allocation:task_complete", args=[task.pk]),
                           {"fra": "mine"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_on == TODAY
    other = allocation.tasks.get(title="Nøkler")
    assert client.post(reverse("allocation:task_complete",
                               args=[other.pk])).status_code == 403


def test_administrator_configures_the_allocation_rules(client, login, flow, make_staff):
    from husly.accounts.models import Role
    from husly.allocation.models import AllocationCriterion, AllocationSettings, TaskTemplate

    admin = make_staff(Role.ADMINISTRATOR)
    login(client, admin)
    url = reverse("allocation:settings")
    assert "18 år eller eldre" in client.get(url).content.decode()
    response = client.post(url, {
        "form": "settings", "lease_lengths": "36, tolv", "statement_due_days": "10",
        "meeting_business_days": "3", "offer_answer_days": "7", "appeal_body": "Klagenemnda"})
    assert 'id="id_lease_lengths-feil"' in response.content.decode()
    client.post(url, {
        "form": "settings", "lease_lengths": "60, 36", "statement_due_days": "14",
        "meeting_business_days": "3", "offer_answer_days": "7", "appeal_body": "Klagenemnda",
        "contact": "Boligtjenesten, tlf. 51 00 00 00"})
    saved = AllocationSettings.objects.get(municipality=flow["municipality"])
    assert saved.lease_lengths_months == [36, 60] and saved.statement_due_days == 14
    client.post(url, {"form": "criterion", "text": "Bosatt i kommunen"})
    criterion = AllocationCriterion.objects.get(text="Bosatt i kommunen")
    client.post(url, {"form": "retire", "criterion": criterion.pk})
    criterion.refresh_from_db()
    assert not criterion.active
    client.post(url, {"form": "template", "title": "Strøm og adresseendring",
                      "unit_kind": "followup", "due_business_days": "5"})
    template = TaskTemplate.objects.get(title="Strøm og adresseendring")
    assert not template.blocks_move_in
    client.post(url, {"form": "remove_template", "template": template.pk})
    assert not TaskTemplate.objects.filter(pk=template.pk).exists()


@time_machine.travel(TODAY)
def test_vacant_dwelling_suggests_granted_applicants_with_reasons(client, login, flow):
    from tests.factories import ResidentFactory

    fits = granted(flow, rooms_needed=2, applicant=ResidentFactory(
        municipality=flow["municipality"], family_name="Passer"))
    granted(flow, needs_wheelchair_access=True, applicant=ResidentFactory(
        municipality=flow["municipality"], family_name="Rullestol"))
    login(client, flow["officer"])
    body = client.get(reverse("housing:dwelling_detail",
                              args=[flow["dwelling"].pk])).content.decode()
    assert "Passer" in body
    assert "Rullestol" not in body  # the dwelling is not wheelchair accessible
    assert reverse("allocation:offer_make", args=[fits.pk]) in body


@time_machine.travel(TODAY)
def test_resident_page_shows_the_open_application_and_the_meeting_deadline(client, login,
                                                                          flow):
    application, _allocation = allocated(flow, meeting=False)
    login(client, flow["officer"])
    body = client.get(reverse("people:resident_detail",
                              args=[flow["applicant"].pk])).content.decode()
    assert reverse("allocation:application_detail", args=[application.pk]) in body
    assert "7. april 2026" in body and "I rute" in body
    with time_machine.travel(datetime.date(2026, 4, 8)):
        login(client, flow["officer"])  # the session from nine days ago has expired
        body = client.get(reverse("people:resident_detail",
                                  args=[flow["applicant"].pk])).content.decode()
    assert "Forsinket" in body



@time_machine.travel(TODAY)
def test_a_task_is_moved_to_a_colleague_who_sees_it_at_once(client, login, flow, make_staff):
    from husly.accounts.models import Role
    from husly.common.models import DomainEvent

    _application, allocation = allocated(flow)
    colleague = make_staff(Role.NAV_COUNSELLOR)
    task = allocation.tasks.get(title__startswith="Første husleie")
    login(client, flow["nav"])
    client.post(reverse("allocation:task_reassign", args=[task.pk]), {"to": colleague.pk})
    task.refresh_from_db()
    assert task.assigned_to == colleague
    assert DomainEvent.objects.filter(name="move_in_task.assigned").exists()
    login(client, colleague)
    assert "Første husleie" in client.get(reverse("allocation:my_tasks")).content.decode()


def _options(body: str, select_id: str) -> set[int]:
    """The people offered in one <select> of a page."""
    import re

    block = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', body, re.S)
    assert block, f"no select #{select_id}"
    return {int(v) for v in re.findall(r'<option value="(\d+)"', block.group(1))}


@time_machine.travel(TODAY)
def test_the_joint_meeting_offers_each_task_to_the_people_of_its_unit(client, login, flow,
                                                                      make_staff):
    from husly.accounts.models import Role
    from husly.allocation.models import TaskTemplate

    # Given an analyst and an administrator who hold a role through the NAV unit
    nav_unit = flow["nav"].role_assignments.get().unit
    analyst = make_staff(Role.ANALYST, unit=nav_unit, username="analytiker")
    administrator = make_staff(Role.ADMINISTRATOR, unit=nav_unit, username="admin")
    application, _allocation = allocated(flow, meeting=False)
    login(client, flow["officer"])
    body = client.get(reverse("allocation:meeting_hold", args=[application.pk])).content.decode()
    # Then the NAV task offers NAV's counsellor only, the caretaker's task the caretaker only
    nav_task = TaskTemplate.objects.get(unit_kind="nav")
    assert _options(body, f"id_t{nav_task.pk}") == {flow["nav"].pk}
    caretaker_task = TaskTemplate.objects.get(unit_kind="caretaker")
    assert _options(body, f"id_t{caretaker_task.pk}") == {flow["caretaker"].pk}
    assert analyst.get_full_name() not in body and administrator.get_full_name() not in body
    # And a task given to someone outside the unit is refused
    response = client.post(reverse("allocation:meeting_hold", args=[application.pk]), {
        "held_on": "2026-03-30", "attendees": [flow["officer"].pk],
        f"t{nav_task.pk}": flow["worker"].pk})
    assert response.status_code == 200
    assert f'id="id_t{nav_task.pk}-feil"' in response.content.decode()
    response = client.post(reverse("allocation:meeting_hold", args=[application.pk]), {
        "held_on": "2026-03-30", "attendees": [flow["officer"].pk],
        f"t{nav_task.pk}": flow["nav"].pk})
    assert response.status_code == 302
    assert application.allocation.tasks.get(title=nav_task.title).assigned_to == flow["nav"]


@time_machine.travel(TODAY)
def test_my_tasks_moves_a_task_only_to_colleagues_in_its_unit(client, login, flow, make_staff):
    from husly.accounts.models import Role

    _application, allocation = allocated(flow)
    nav_unit = flow["nav"].role_assignments.get().unit
    colleague = make_staff(Role.NAV_COUNSELLOR, username="nav-kollega")
    analyst = make_staff(Role.ANALYST, unit=nav_unit, username="analytiker")
    task = allocation.tasks.get(title__startswith="Første husleie")
    login(client, flow["nav"])
    body = client.get(reverse("allocation:my_tasks")).content.decode()
    assert _options(body, f"flytt-{task.pk}") == {flow["nav"].pk, colleague.pk}
    # A colleague of another unit, or the analyst, is refused with what to do
    for outsider in (flow["worker"], analyst):
        response = client.post(reverse("allocation:task_reassign", args=[task.pk]),
                               {"to": outsider.pk}, follow=True)
        assert outsider.get_full_name() in response.content.decode()
        task.refresh_from_db()
        assert task.assigned_to is None


@time_machine.travel(TODAY)
def test_the_allocation_date_is_chosen_on_the_application_page(client, login, flow):
    application = granted(flow)
    with time_machine.travel(datetime.date(2026, 3, 26)):
        services.offer_make(application=application, dwelling=flow["dwelling"],
                            by=flow["officer"])
        services.offer_answer(application=application, accepted=True, by=flow["officer"])
    login(client, flow["officer"])
    body = client.get(reverse("allocation:application_detail",
                              args=[application.pk])).content.decode()
    # The date field defaults to today, and allows no day after today or before the answer
    assert 'name="allocated_on" value="2026-03-30"' in body
    assert 'max="2026-03-30"' in body and 'min="2026-03-26"' in body
    url = reverse("allocation:allocate", args=[application.pk])
    client.post(url, {"allocated_on": "2026-03-31"})
    assert not hasattr(Application.objects.get(pk=application.pk), "allocation")
    response = client.post(url, {"allocated_on": "2026-03-27"}, follow=True)
    assert response.status_code == 200
    allocation = Application.objects.get(pk=application.pk).allocation
    # Friday 27 March + 3 business days = Wednesday 1 April.
    assert (allocation.allocated_on, allocation.meeting_deadline) == (
        datetime.date(2026, 3, 27), datetime.date(2026, 4, 1))


def test_administrator_sets_the_follow_up_deadlines(client, login, flow, make_staff):
    from husly.accounts.models import Role
    from husly.followup.selectors import settings_for

    login(client, make_staff(Role.ADMINISTRATOR))
    client.post(reverse("allocation:settings"), {
        "form": "followup", "coordination_business_days": "5", "weeks_planned_ahead": "4"})
    saved = settings_for(flow["municipality"])
    assert (saved.coordination_business_days, saved.weeks_planned_ahead) == (5, 4)


def test_the_dashboard_lists_open_applications_fifty_at_a_time(client, login, flow):
    # Given 55 open applications (a city has thousands waiting)
    from tests.factories import ResidentFactory

    for i in range(55):
        applicant = ResidentFactory(municipality=flow["municipality"],
                                    family_name=f"Zqxsøker{i:02d}")
        services.application_register(applicant=applicant, officer_unit=flow["officer_unit"],
                                      by=flow["officer"], rooms_needed=1)
    login(client, flow["officer"])
    # When the officer opens the dashboard and its second page
    first = client.get(reverse("allocation:overview")).content.decode()
    second = client.get(reverse("allocation:overview") + "?side=2").content.decode()
    # Then the counts per stage cover all 55, and the list is split 50 + 5
    assert '<span class="husly-count">55</span>' in first
    assert first.count("Zqxsøker") == 50 and second.count("Zqxsøker") == 5
    assert "side=2" in first
