"""Thin views over the allocation services; access is decided in husly.access."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from husly.access.decorators import page
from husly.access.models import AccessBasis, ListKind
from husly.access.policy import (
    joint_meeting_access,
    may_complete_task,
    may_hold_joint_meeting,
    resident_access,
    resident_shows_address,
    residents_visible,
    statement_consent_in_force,
    statement_writer_access,
)
from husly.access.services import list_read_record, resident_read
from husly.accounts.models import User
from husly.accounts.selectors import staff_in_units
from husly.allocation import forms, letters, rules, selectors, services
from husly.allocation.models import ApplicationState, MoveInTask
from husly.common.deadlines import deadline_state
from husly.common.documents import pdf_response
from husly.common.formats import percent_number
from husly.common.views import service_call

S = ApplicationState


def application_with_access(request, pk, view: str = ""):
    """The application, if the staff member has a work relation to the applicant. A page
    (`view`) shown on GET reads the applicant and is logged; a POST that redirects is
    recorded by its event, and the page it lands on logs its own read."""
    staff = request.staff
    application = selectors.application_get(staff=staff, pk=pk)
    access = resident_access(staff, application.applicant)
    if not access.allowed:
        raise PermissionDenied
    if view and request.method == "GET":
        resident_read(staff=staff, resident=application.applicant, access=access, view=view)
    return application, access


@page("allocation")
def overview(request):
    staff = request.staff
    page_obj = selectors.open_applications_page(staff=staff, number=request.GET.get("side"))
    meetings = selectors.meetings_due(staff=staff)
    statements = selectors.statements_due(staff=staff)
    list_read_record(staff=staff, view=ListKind.ALLOCATION_OVERVIEW, residents=[
        *(a.applicant for a in page_obj.object_list),
        *(a.application.applicant for a in meetings), *(a.applicant for a in statements)])
    figures = selectors.allocation_figures(staff=staff)
    return render(request, "allocation/overview.html", {
        "page_obj": page_obj,
        "applications": page_obj.object_list,
        "counts": [(S(state).label, n) for state, n in selectors.state_counts(staff=staff).items()],
        "meetings": meetings,
        "statements": statements,
        "figures": figures,
        # Written as the process report writes it (63,8), from the same count.
        "meetings_pct": percent_number(figures["meetings_share"])
        if figures["meetings_share"] is not None else None,
        "may_manage": staff.may_open("allocation_manage"),
        "may_see_outcomes": staff.may_open("outcomes"),
    })


@page("allocation_manage")
def application_create(request):
    staff = request.staff
    residents = residents_visible(staff).order_by("family_name", "given_name")
    form = forms.ApplicationForm(request.POST or None, residents=residents,
                                 initial={"applicant": request.GET.get("beboer")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = next((u for u in staff.units if u.kind == "housing"), None)
        if unit is None:
            form.add_error(None, _("You need a role in the housing service to register "
                                   "applications."))
        else:
            try:
                application = services.application_register(
                    applicant=data.pop("applicant"), officer_unit=unit, by=staff.user,
                    household_members=list(data.pop("household_members")), **data)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("The application is registered."))
                return redirect("allocation:application_detail", pk=application.pk)
    # The applicant chooser names everyone the officer works with.
    list_read_record(staff=staff, view=ListKind.CHOOSER,
                     residents=residents.values_list("pk", flat=True))
    return render(request, "allocation/application_form.html", {"form": form})


@require_POST
@page("allocation_manage")
def assess(request, pk: int):
    application, _access = application_with_access(request, pk)
    form = forms.AssessmentForm(request.POST, criteria=selectors.criteria(
        municipality=application.municipality), current={})
    if form.is_valid():
        for criterion in form.criteria:
            verdict = form.cleaned_data.get(f"c{criterion.pk}")
            if verdict:
                services.application_assess(application=application, criterion=criterion,
                                            verdict=verdict, by=request.staff.user)
        messages.success(request, _("The assessment is saved."))
    return redirect("allocation:application_detail", pk=pk)


@require_POST
@page("allocation_manage")
def statement_request(request, pk: int):
    application, _access = application_with_access(request, pk)
    service_call(request, lambda: services.statement_request(application=application,
                                                     by=request.staff.user),
         _("The follow-up unit is asked for its statement."))
    return redirect("allocation:application_detail", pk=pk)


@require_POST
@page("allocation_manage")
def statement_consent(request, pk: int):
    application, _access = application_with_access(request, pk)
    form = forms.StatementConsentForm(request.POST)
    if form.is_valid():
        service_call(request, lambda: services.application_statement_consent_record(
            application=application, form=form.cleaned_data["form"],
            given_on=form.cleaned_data["given_on"], by=request.staff.user),
            _("The consent to the statement is recorded."))
    else:
        messages.error(request, _("Choose how the consent was given, and the date."))
    return redirect("allocation:application_detail", pk=pk)


@page("statement_write")
def statement_give(request, pk: int):
    staff = request.staff
    application = selectors.application_get(staff=staff, pk=pk)
    access = resident_read(staff=staff, resident=application.applicant, view="statement_give",
                           access=statement_writer_access(staff, application))
    if not access.allowed:
        raise PermissionDenied
    statement = application.statement
    form = forms.StatementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.statement_give(application=application, text=form.cleaned_data["text"],
                                    by=request.staff.user)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The statement is sent to the housing service."))
            if access.basis == AccessBasis.STATEMENT_REQUEST:
                return redirect("inbox:inbox")
            return redirect("allocation:application_detail", pk=pk)
    return render(request, "allocation/statement_form.html", {
        "form": form, "application": application, "statement": statement, "access": access,
        "consent_in_force": statement_consent_in_force(application),
        "statement_state": deadline_state(statement.due_on, done=statement.given_on is not None,
                                          today=timezone.localdate()),
        "may_open_application": access.basis != AccessBasis.STATEMENT_REQUEST,
    })


@page("joint_meeting")
def joint_meeting(request, pk: int):
    """The joint meeting's own page, for everyone who takes part (housing, follow-up, NAV):
    the meeting, its note and its move-in tasks, with each participant's own tasks to do."""
    staff = request.staff
    application = selectors.application_get(staff=staff, pk=pk)
    allocation = getattr(application, "allocation", None)
    if allocation is None:
        raise Http404
    access = resident_read(staff=staff, resident=application.applicant, view="joint_meeting",
                           access=joint_meeting_access(staff, allocation))
    if not access.allowed:
        raise PermissionDenied
    today = timezone.localdate()
    tasks = list(allocation.tasks.select_related("unit", "assigned_to", "work_order"))
    for task in tasks:
        task.is_done = rules.task_is_done(task)
        task.deadline_state = deadline_state(task.due_on, done=task.is_done, today=today)
        task.may_complete = may_complete_task(staff, task) and not task.work_order_id
    meeting = allocation.meeting
    return render(request, "allocation/joint_meeting.html", {
        "application": application, "allocation": allocation, "meeting": meeting,
        "tasks": tasks, "access": access,
        "shows_address": resident_shows_address(staff, application.applicant),
        "attendees": list(meeting.attendees.all()),
        # Held by the housing service on its own work relation, not as a participant.
        "may_hold": (may_hold_joint_meeting(staff)
                     and access.basis != AccessBasis.JOINT_MEETING),
        "meeting_state": deadline_state(allocation.meeting_deadline,
                                        done=meeting.held_on is not None, today=today),
    })


@page("allocation_manage")
def decide(request, pk: int):
    application, access = application_with_access(request, pk, "decide")
    lease_lengths = selectors.settings_for(application.municipality).lease_lengths_months
    form = forms.DecisionForm(request.POST or None, lease_lengths=lease_lengths)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_decide(application=application, by=request.staff.user,
                                        **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The decision is made. Print the letter and send it."))
            return redirect("allocation:application_detail", pk=pk)
    return render(request, "allocation/decision_form.html",
                  {"form": form, "application": application})


@page("allocation_manage")
def decision_letter(request, pk: int):
    application, access = application_with_access(request, pk)
    decision = getattr(application, "decision", None)
    if decision is None:
        messages.error(request, _("There is no decision yet."))
        return redirect("allocation:application_detail", pk=pk)
    resident_read(staff=request.staff, resident=application.applicant, access=access,
                  view="decision_letter")
    pdf = letters.decision_letter_pdf(decision)
    return pdf_response(pdf, f"vedtak-{application.pk}.pdf")


@page("allocation_manage")
def preliminary_reply_letter(request, pk: int):
    application, _access = application_with_access(request, pk, "preliminary_reply_letter")
    return pdf_response(letters.preliminary_reply_pdf(application),
                         f"forelopig-svar-{application.pk}.pdf")


@require_POST
@page("allocation_manage")
def preliminary_reply(request, pk: int):
    application, _access = application_with_access(request, pk)
    service_call(request, lambda: services.preliminary_reply_record(application=application,
                                                            by=request.staff.user),
         _("The preliminary reply is recorded as sent."))
    return redirect("allocation:application_detail", pk=pk)


@require_POST
@page("allocation_manage")
def offer_viewing(request, pk: int):
    application, _access = application_with_access(request, pk)
    form = forms.ViewingForm(request.POST)
    if form.is_valid():
        service_call(request, lambda: services.offer_viewing_record(
            application=application, viewing_on=form.cleaned_data["viewing_on"],
            companions=form.cleaned_data["companions"], by=request.staff.user),
            _("The viewing is recorded."))
    else:
        messages.error(request, _("Give the date of the viewing."))
    return redirect("allocation:application_detail", pk=pk)


@require_POST
@page("allocation_manage")
def offer_answer(request, pk: int):
    application, _access = application_with_access(request, pk)
    form = forms.AnswerForm(request.POST)
    if form.is_valid():
        service_call(request, lambda: services.offer_answer(
            application=application, accepted=form.cleaned_data["accepted"],
            decline_reason=form.cleaned_data["decline_reason"], by=request.staff.user),
            _("The answer is recorded."))
    else:
        messages.error(request, _("Choose whether the offer was accepted or declined."))
    return redirect("allocation:application_detail", pk=pk)


@require_POST
@page("allocation_manage")
def allocate(request, pk: int):
    application, _access = application_with_access(request, pk)
    form = forms.AllocateForm(request.POST)
    if form.is_valid():
        service_call(request, lambda: services.allocation_register(
            application=application, allocated_on=form.cleaned_data["allocated_on"],
            by=request.staff.user),
            _("The allocation is registered. Hold the joint meeting before the deadline."))
    else:
        messages.error(request, _("Give the allocation date, today or earlier."))
    return redirect("allocation:application_detail", pk=pk)


@require_POST
@page("allocation_manage")
def meeting_schedule(request, pk: int):
    application, _access = application_with_access(request, pk)
    form = forms.ScheduleForm(request.POST)
    if form.is_valid():
        service_call(request, lambda: services.joint_meeting_schedule(
            meeting=selectors.allocation_of(application).meeting,
            on=form.cleaned_data["scheduled_on"], by=request.staff.user),
            _("The meeting is scheduled."))
    else:
        messages.error(request, _("Give the date of the meeting."))
    return redirect("allocation:application_detail", pk=pk)


@page("allocation_manage")
def meeting_hold(request, pk: int):
    application, access = application_with_access(request, pk)
    try:
        allocation = selectors.allocation_of(application)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("allocation:application_detail", pk=pk)
    if request.method == "GET":
        resident_read(staff=request.staff, resident=application.applicant, access=access,
                      view="meeting_hold")
    form = forms.MeetingForm(
        request.POST or None, staff_queryset=forms.staff_in(application.municipality),
        templates=selectors.task_templates(municipality=application.municipality),
        municipality=application.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            services.joint_meeting_hold(
                meeting=allocation.meeting, held_on=form.cleaned_data["held_on"],
                attendees=list(form.cleaned_data["attendees"]), note=form.cleaned_data["note"],
                assignees=form.assignees(), by=request.staff.user)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The meeting is recorded and the tasks handed out."))
            return redirect("allocation:application_detail", pk=pk)
    return render(request, "allocation/meeting_form.html",
                  {"form": form, "application": application, "allocation": allocation})


@require_POST
@page("tasks")
def task_complete(request, pk: int):
    staff = request.staff
    task = get_object_or_404(MoveInTask.objects.select_related("allocation"), pk=pk,
                             allocation__municipality=staff.municipality)
    if not may_complete_task(staff, task):
        raise PermissionDenied
    service_call(request, lambda: services.move_in_task_complete(task=task, by=staff.user),
         _("The task is done."))
    if request.POST.get("fra") == "mine":
        return redirect("allocation:my_tasks")
    if request.POST.get("fra") == "innboks":
        return redirect("inbox:inbox")
    if request.POST.get("fra") == "mote":
        return redirect("allocation:joint_meeting", pk=task.allocation.application_id)
    return redirect("allocation:application_detail", pk=task.allocation.application_id)


@page("allocation_manage")
def move_in(request, pk: int):
    application, access = application_with_access(request, pk)
    try:
        allocation = selectors.allocation_of(application)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("allocation:application_detail", pk=pk)
    if request.method == "GET":
        resident_read(staff=request.staff, resident=application.applicant, access=access,
                      view="move_in")
    form = forms.MoveInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_move_in(allocation=allocation, by=request.staff.user,
                                        **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Keys in hand: the tenancy has started."))
            return redirect("allocation:application_detail", pk=pk)
    return render(request, "allocation/move_in_form.html",
                  {"form": form, "application": application, "allocation": allocation})


@require_POST
@page("allocation_manage")
def withdraw(request, pk: int):
    application, _access = application_with_access(request, pk)
    service_call(request, lambda: services.application_withdraw(application=application,
                                                        by=request.staff.user),
         _("The application is withdrawn."))
    return redirect("allocation:application_detail", pk=pk)


@page("tasks")
def my_tasks(request):
    tasks = selectors.tasks_for(staff=request.staff)
    list_read_record(staff=request.staff, view=ListKind.MY_TASKS,
                     residents=[t.allocation.application.applicant for t in tasks])
    # A task moves only within its responsible unit.
    colleagues = staff_in_units(unit_ids={task.unit_id for task in tasks})
    for task in tasks:
        task.colleagues = colleagues[task.unit_id]
    return render(request, "allocation/my_tasks.html", {"tasks": tasks})


@require_POST
@page("tasks")
def task_reassign(request, pk: int):
    staff = request.staff
    task = get_object_or_404(MoveInTask.objects.select_related("allocation"), pk=pk,
                             allocation__municipality=staff.municipality)
    if not may_complete_task(staff, task):
        raise PermissionDenied
    to = User.objects.filter(pk=request.POST.get("to")).first()
    if to is None:
        messages.error(request, _("Choose a colleague."))
    else:
        service_call(request, lambda: services.move_in_task_assign(task=task, assigned_to=to,
                                                           by=staff.user),
             _("The task is moved to %(name)s.") % {"name": to})
    return redirect("allocation:my_tasks")
