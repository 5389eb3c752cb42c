"""Thin views over the follow-up services; access is decided in husly.access."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from husly.access.decorators import page
from husly.access.models import ListKind
from husly.access.policy import (
    coordination_meeting_access,
    may_complete_coordination_task,
    readable_categories,
    resident_shows_address,
    residents_visible,
    staff_context_for,
)
from husly.access.services import list_read_record, resident_read
from husly.accounts.models import Unit, User
from husly.accounts.selectors import team_has_member
from husly.common.deadlines import deadline_state
from husly.common.documents import document_html, pdf_from_html, pdf_response
from husly.common.formats import date_long
from husly.common.models import Category
from husly.common.views import service_call
from husly.followup import forms, selectors, services
from husly.followup.calendar import calendar_named
from husly.followup.models import (
    PLAN_PROMPTS,
    CalendarFeed,
    FollowUpAgreement,
    PlanKind,
    Visit,
)
from husly.followup.risk import risk_signals_many
from husly.people import selectors as people_selectors


def _with_followup_access(request, resident, view):
    """The follow-up category of this resident, or a 403 that says why."""
    access = resident_read(staff=request.staff, resident=resident, view=view,
                           needs=Category.FOLLOWUP)
    if not access.allowed or not access.reads(Category.FOLLOWUP):
        raise PermissionDenied
    return access


def _agreement(request, pk):
    try:
        agreement = (FollowUpAgreement.objects.select_related(
            "resident", "team", "primary_contact", "tenancy__dwelling")
            .get(pk=pk, municipality=request.staff.municipality))
    except FollowUpAgreement.DoesNotExist:
        raise Http404 from None
    return agreement


@page("followup")
def agreement_create(request, resident_pk: int):
    staff = request.staff
    resident = people_selectors.resident_get(staff=staff, pk=resident_pk)
    _with_followup_access(request, resident, "agreement_create")
    contact = resident.primary_contact_id
    if contact is None and resident.team is not None and team_has_member(resident.team,
                                                                         staff.user):
        contact = staff.user.pk  # no primary contact yet: whoever registers it, in the team
    form = forms.AgreementForm(request.POST or None, municipality=staff.municipality,
                               initial={"team": resident.team_id, "primary_contact": contact})
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(resident=resident, by=staff.user,
                                                  **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The agreement is registered and the weekly visits "
                                        "are planned."))
            return redirect("followup:agreement_detail", pk=agreement.pk)
    return render(request, "followup/agreement_form.html", {"form": form, "resident": resident})


@page("followup")
def agreement_detail(request, pk: int):
    agreement = _agreement(request, pk)
    _with_followup_access(request, agreement.resident, "agreement_detail")
    today = timezone.localdate()
    visits = list(agreement.visits.select_related("assigned_to")
                  .filter(planned_on__gte=today - datetime.timedelta(weeks=6))
                  .order_by("planned_on")[:14])
    return render(request, "followup/agreement_detail.html", {
        "agreement": agreement, "visits": visits, "today": today,
        "missed_weeks": selectors.missed_weeks(agreement, today),
        "meetings": agreement.coordination_meetings.all(),
        "team_members": User.objects.filter(team_memberships__team=agreement.team)
        .order_by("first_name"),
        "date_form": forms.DateForm(),
        "shows_address": resident_shows_address(request.staff, agreement.resident),
    })


def _date_action(request, pk, action, success):
    agreement = _agreement(request, pk)
    _with_followup_access(request, agreement.resident, "agreement_action")
    form = forms.DateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a valid date."))
    else:
        try:
            action(agreement, form.cleaned_data["on"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, success)
    return redirect("followup:agreement_detail", pk=pk)


@require_POST
@page("followup")
def agreement_sign(request, pk: int):
    return _date_action(request, pk, lambda a, on: services.agreement_sign(
        agreement=a, signed_on=on, by=request.staff.user), _("The signing is recorded."))


@require_POST
@page("followup")
def health_care_decline(request, pk: int):
    return _date_action(request, pk, lambda a, on: services.health_care_decline(
        agreement=a, on=on, by=request.staff.user),
        _("Health care is recorded as declined. The weekly visits go on, and a coordination "
          "meeting with the housing service and NAV is opened."))


@require_POST
@page("followup")
def health_care_accept(request, pk: int):
    return _date_action(request, pk, lambda a, on: services.health_care_accept(
        agreement=a, on=on, by=request.staff.user), _("Health care is recorded as accepted."))


@require_POST
@page("followup")
def agreement_end(request, pk: int):
    return _date_action(request, pk, lambda a, on: services.agreement_end(
        agreement=a, end_date=on, by=request.staff.user), _("The agreement is ended."))


@page("followup")
def agreement_pdf(request, pk: int):
    agreement = _agreement(request, pk)
    _with_followup_access(request, agreement.resident, "agreement_pdf")
    municipality = agreement.municipality
    html = document_html("followup/letters/agreement.html", {
        "agreement": agreement, "municipality": municipality, "today": timezone.localdate(),
    }, language=municipality.written_language)
    return pdf_response(pdf_from_html(html), f"oppfolgingsavtale-{agreement.pk}.pdf")


def _visit(request, pk):
    try:
        return (Visit.objects.select_related("agreement__resident", "agreement__team",
                                             "agreement__tenancy__dwelling", "assigned_to")
                .get(pk=pk, municipality=request.staff.municipality))
    except Visit.DoesNotExist:
        raise Http404 from None


@page("followup")
def visit_record(request, pk: int):
    visit = _visit(request, pk)
    resident = visit.agreement.resident
    _with_followup_access(request, resident, "visit_record")
    form = forms.VisitForm(request.POST or None, team=visit.agreement.team,
                           initial={"visitors": [request.user.pk]})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["visitors"] = list(data["visitors"])
        try:
            visit = services.visit_record(visit=visit, by=request.staff.user, **data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The visit is recorded."))
            if (visit.damage or visit.dangerous_objects_removed) and request.staff.may_open(
                    "work_order_create"):
                # The week offers a work order prefilled from the visit (ids only in the URL).
                return redirect(f"{reverse('followup:my_week')}?besok={visit.pk}")
            return redirect("followup:my_week")
    return render(request, "followup/visit_form.html", {"form": form, "visit": visit})


@require_POST
@page("board")
def visit_reschedule(request, pk: int):
    visit = _visit(request, pk)
    _with_followup_access(request, visit.agreement.resident, "visit_reschedule")
    form = forms.DateForm(request.POST)
    if form.is_valid():
        try:
            services.visit_reschedule(visit=visit, to=form.cleaned_data["on"],
                                      by=request.staff.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The visit is moved to %(date)s.") % {
                "date": date_long(form.cleaned_data["on"])})
    else:
        messages.error(request, _("Give a valid date."))
    if request.POST.get("team", "").isdigit():
        return redirect("board:team_board", pk=int(request.POST["team"]))
    return redirect("followup:agreement_detail", pk=visit.agreement_id)


@require_POST
@page("board")
def visit_focus_set(request, pk: int):
    """The focus of a planned visit, written in the morning meeting."""
    visit = _visit(request, pk)
    _with_followup_access(request, visit.agreement.resident, "visit_focus_set")
    try:
        services.visit_focus_set(visit=visit, focus=request.POST.get("focus", ""),
                                 by=request.staff.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The focus of the visit is saved."))
    if request.POST.get("team", "").isdigit():
        return redirect("board:team_board", pk=int(request.POST["team"]))
    return redirect("followup:agreement_detail", pk=visit.agreement_id)


@require_POST
@page("followup")
def visit_reassign(request, pk: int):
    visit = _visit(request, pk)
    _with_followup_access(request, visit.agreement.resident, "visit_reassign")
    to = User.objects.filter(pk=request.POST.get("to")).first()
    try:
        if to is None:
            raise ValidationError(_("Choose a colleague."))
        services.visit_reassign(visit=visit, to=to, by=request.staff.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The visit is moved to %(name)s.") % {"name": to})
    if request.POST.get("tilbake") == "uke":
        return redirect("followup:my_week")
    if request.POST.get("tilbake") == "tavle" and request.POST.get("team", "").isdigit():
        return redirect("board:team_board", pk=int(request.POST["team"]))
    return redirect("followup:agreement_detail", pk=visit.agreement_id)


@page("followup")
def without_agreement(request):
    residents = list(selectors.residents_without_agreement(staff=request.staff))
    list_read_record(staff=request.staff, view=ListKind.WITHOUT_AGREEMENT, residents=residents)
    return render(request, "followup/without_agreement.html", {"residents": residents})


@page("coordination")
def coordination_meeting(request, pk: int):
    """The coordination meeting after health care is declined: the follow-up unit records
    it; the housing service and NAV, its participants, read its agenda, decisions and tasks
    and do their own tasks (ADR 0030)."""
    staff = request.staff
    meeting = selectors.coordination_meeting_get(staff=staff, pk=pk)
    access, may_hold = coordination_meeting_access(staff, meeting)
    resident_read(staff=staff, resident=meeting.agreement.resident, access=access,
                  view="coordination_meeting")
    if not access.allowed:
        raise PermissionDenied
    form = None
    if may_hold and not meeting.held_on:
        form = forms.CoordinationForm(request.POST or None,
                                      units=Unit.objects.filter(municipality=staff.municipality))
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        tasks = form.tasks()
        try:
            services.coordination_meeting_hold(
                meeting=meeting, held_on=data["held_on"], needed_now=data["needed_now"],
                next_steps=data["next_steps"], tasks=tasks, by=staff.user)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The coordination meeting is recorded."))
            return redirect("followup:coordination_meeting", pk=meeting.pk)
    today = timezone.localdate()
    tasks = list(meeting.tasks.select_related("unit", "assigned_to"))
    for task in tasks:
        task.deadline_state = deadline_state(task.due_on, done=task.done_on is not None,
                                             today=today)
        task.may_complete = may_complete_coordination_task(staff, task)
    return render(request, "followup/coordination_form.html", {
        "form": form, "meeting": meeting, "tasks": tasks, "access": access,
        "may_hold": may_hold,
        "meeting_state": deadline_state(meeting.due_on, done=meeting.held_on is not None,
                                        today=today),
    })


@require_POST
@page("coordination")
def coordination_task_complete(request, pk: int):
    staff = request.staff
    task = selectors.coordination_task_get(staff=staff, pk=pk)
    if not may_complete_coordination_task(staff, task):
        raise PermissionDenied
    service_call(request, lambda: services.coordination_task_complete(task=task, by=staff.user),
                 _("The task is done."))
    if request.POST.get("fra") == "innboks":
        return redirect("inbox:inbox")
    return redirect("followup:coordination_meeting", pk=task.meeting_id)


def _plan_kind(kind: str) -> str:
    if kind not in PlanKind.values:
        raise Http404
    return kind


@page("followup")
def plans(request, resident_pk: int):
    resident = people_selectors.resident_get(staff=request.staff, pk=resident_pk)
    _with_followup_access(request, resident, "plans")
    latest = selectors.latest_plans(resident=resident)
    return render(request, "followup/plans.html", {
        "resident": resident, "today": timezone.localdate(),
        "plans": [(kind, latest.get(kind)) for kind in PlanKind],
    })


@page("followup")
def plan_edit(request, resident_pk: int, kind: str):
    kind = _plan_kind(kind)
    resident = people_selectors.resident_get(staff=request.staff, pk=resident_pk)
    _with_followup_access(request, resident, "plan_edit")
    versions = list(selectors.plan_versions(resident=resident, kind=kind))
    latest = versions[0] if versions else None
    initial = {"based_on": latest.number if latest else 0,
               "review_on": timezone.localdate() + datetime.timedelta(days=90)}
    if latest:
        initial.update({f"a_{k}": v for k, v in latest.answers.items()})
    form = forms.PlanForm(request.POST or None, prompts=PLAN_PROMPTS[kind], initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_save(resident=resident, kind=kind, answers=form.answers(),
                               review_on=form.cleaned_data["review_on"],
                               based_on=form.cleaned_data["based_on"], by=request.staff.user)
        except services.PlanConflict as exc:
            conflict = latest
            # Keep the writer's text; the next save builds on the newer version.
            data = request.POST.copy()
            data["based_on"] = str(latest.number if latest else 0)
            form = forms.PlanForm(data, prompts=PLAN_PROMPTS[kind])
            form.is_valid()
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The plan is saved as a new version."))
            return redirect("followup:plan_edit", resident_pk=resident.pk, kind=kind)
    return render(request, "followup/plan_form.html", {
        "resident": resident, "kind": PlanKind(kind), "form": form, "versions": versions,
        "latest": latest, "conflict": conflict, "prompts": dict(PLAN_PROMPTS[kind]),
    })


@page("followup")
def plan_pdf(request, resident_pk: int, kind: str):
    kind = _plan_kind(kind)
    resident = people_selectors.resident_get(staff=request.staff, pk=resident_pk)
    _with_followup_access(request, resident, "plan_pdf")
    latest = selectors.plan_versions(resident=resident, kind=kind).first()
    if latest is None:
        raise Http404
    html = document_html("followup/letters/plan.html", {
        "resident": resident, "version": latest, "kind": PlanKind(kind),
        "prompts": PLAN_PROMPTS[kind],
    }, language=resident.municipality.written_language)
    return pdf_response(pdf_from_html(html), f"plan-{kind}.pdf")


@page("public")
def calendar_feed(request, token: str):
    """Reached by calendar apps without a session: the secret token is the credential."""

    feed = (CalendarFeed.objects.select_related("user")
            .filter(token=token, revoked_at__isnull=True, user__is_active=True).first())
    if feed is None:
        raise Http404
    with translation.override("nb"):
        body, named = calendar_named(feed.user)
    # Read by the owner's calendar app, on their behalf: the names it carries are logged.
    list_read_record(staff=staff_context_for(feed.user, None), view=ListKind.CALENDAR_FEED,
                     residents=named)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@page("followup")
def calendar_feed_manage(request):
    if request.POST.get("action") == "revoke":
        services.calendar_feed_revoke(user=request.staff.user)
        messages.success(request, _("The calendar address no longer works."))
    else:
        services.calendar_feed_renew(user=request.staff.user)
        messages.success(request, _("Your calendar address is ready. Add it to your "
                                    "calendar app; keep it to yourself."))
    return redirect("followup:my_week")


@page("followup")
def at_risk(request):
    """Tenancies at risk among the residents with a running agreement the user follows."""

    staff = request.staff
    agreements = list(FollowUpAgreement.objects.filter(
        municipality=staff.municipality, end_date__isnull=True,
        resident__in=residents_visible(staff).values("pk")).select_related("resident"))
    signals = risk_signals_many(agreements, categories_by_resident=readable_categories(
        staff, [a.resident_id for a in agreements]))
    rows = [(a, signals[a.resident_id]) for a in agreements if signals[a.resident_id]]
    rows.sort(key=lambda row: -len(row[1]))
    list_read_record(staff=staff, view=ListKind.AT_RISK,
                     residents=[agreement.resident for agreement, _signals in rows])
    return render(request, "followup/at_risk.html", {"rows": rows})
