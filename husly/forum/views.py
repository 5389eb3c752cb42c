"""Thin views of the housing forum; what may be seen is decided in husly.access.policy and
the selectors, every write in husly.forum.services."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from husly.access.decorators import page
from husly.access.models import ListKind
from husly.access.services import list_read_record
from husly.common.views import service_call
from husly.forum import forms, selectors, services

HELD_PAGE_SIZE = 20


@page("forum")
def meeting_list(request):
    staff = request.staff
    page_obj = Paginator(selectors.meetings_held(staff=staff), HELD_PAGE_SIZE).get_page(
        request.GET.get("side"))
    today = timezone.localdate()
    planned = list(selectors.meetings_planned(staff=staff))
    for meeting in planned:
        meeting.not_held_yet = timezone.localtime(meeting.starts_at).date() < today
    return render(request, "forum/meeting_list.html", {
        "planned": planned,
        "page_obj": page_obj, "held": page_obj.object_list,
        "my_decisions": list(selectors.decisions_open_for(staff=staff)),
        "today": today,
    })


def _previous(request):
    """The held meeting a new one follows (?etter=<id>), if any."""
    value = request.POST.get("etter") or request.GET.get("etter") or ""
    if not value.isdigit():
        return None
    return selectors.meeting_get(staff=request.staff, pk=int(value))


@page("forum")
def meeting_create(request):
    staff = request.staff
    previous = _previous(request)
    initial = {"chair": staff.user.pk}
    if previous is not None:
        proposed = timezone.localtime(services.next_meeting_proposal(previous))
        initial.update(day=proposed.date(), time=proposed.time().replace(second=0,
                                                                           microsecond=0),
                       place=previous.place, chair=previous.chair_id)
    form = forms.MeetingForm(request.POST or None, initial=initial,
                             chairs=selectors.forum_chairs(municipality=staff.municipality))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_plan(
                municipality=staff.municipality, starts_at=form.starts_at(),
                place=form.cleaned_data["place"], chair=form.cleaned_data["chair"],
                previous=previous, by=staff.user)
        except ValidationError as exc:
            form.add_service_error(_day_errors(exc))
        else:
            messages.success(request, _("The meeting is planned. Participants can add items "
                                        "to the agenda."))
            return redirect("forum:meeting_detail", pk=meeting.pk)
    return render(request, "forum/meeting_form.html", {"form": form, "previous": previous})


def _day_errors(exc: ValidationError) -> ValidationError:
    """The service speaks of the moment (starts_at); the form asks for the date."""
    if hasattr(exc, "error_dict") and "starts_at" in exc.error_dict:
        errors = dict(exc.error_dict)
        errors["day"] = errors.pop("starts_at")
        return ValidationError(errors)
    return exc


@page("forum")
def meeting_edit(request, pk: int):
    staff = request.staff
    meeting = selectors.meeting_get(staff=staff, pk=pk)
    if meeting.is_held:
        messages.error(request, _("The meeting is marked held and its minutes are closed."))
        return redirect("forum:meeting_detail", pk=pk)
    local = timezone.localtime(meeting.starts_at)
    form = forms.MeetingForm(request.POST or None, initial={
        "day": local.date(), "time": local.time().replace(second=0, microsecond=0),
        "place": meeting.place, "chair": meeting.chair_id},
        chairs=selectors.forum_chairs(municipality=staff.municipality))
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, starts_at=form.starts_at(),
                                    place=form.cleaned_data["place"],
                                    chair=form.cleaned_data["chair"], by=staff.user)
        except ValidationError as exc:
            form.add_service_error(_day_errors(exc))
        else:
            messages.success(request, _("The meeting is changed."))
            return redirect("forum:meeting_detail", pk=pk)
    return render(request, "forum/meeting_form.html", {"form": form, "meeting": meeting})


def _detail(request, meeting, status=200, **bound):
    staff = request.staff
    people = selectors.forum_staff(municipality=staff.municipality)
    if meeting.is_held:
        sections = selectors.agenda_from_snapshot(meeting.agenda_snapshot)
    else:
        sections = selectors.agenda_generated(staff=staff)
    list_read_record(staff=staff, view=ListKind.FORUM, residents={
        pk for section in sections for row in section.rows for pk in row.get("named", ())})
    context = {
        "meeting": meeting, "sections": sections,
        "agenda_on": (datetime.date.fromisoformat(meeting.agenda_snapshot["on"])
                      if meeting.is_held and meeting.agenda_snapshot.get("on") else None),
        "today": timezone.localdate(),
        "items": list(meeting.items.select_related("added_by")),
        "earlier": list(selectors.earlier_decisions(meeting=meeting)),
        "decisions": list(selectors.meeting_decisions(meeting=meeting)),
        "attendees": list(meeting.attendees.order_by("first_name", "last_name")),
        "next_meeting": selectors.meeting_next(meeting=meeting) if meeting.is_held else None,
        "item_form": bound.get("item_form") or forms.AgendaItemForm(prefix="sak"),
        "minutes_form": bound.get("minutes_form") or forms.MinutesForm(
            prefix="referat", staff=people, initial={
                "attendees": [u.pk for u in meeting.attendees.all()],
                "notes": meeting.notes}),
        "decision_form": bound.get("decision_form") or forms.DecisionForm(
            prefix="beslutning", staff=people),
    }
    return render(request, "forum/meeting_detail.html", context, status=status)


@page("forum")
def meeting_detail(request, pk: int):
    return _detail(request, selectors.meeting_get(staff=request.staff, pk=pk))


def _back(meeting, anchor=""):
    return redirect(reverse("forum:meeting_detail", args=[meeting.pk]) + anchor)


def _minutes_post(request, pk: int, *, form_class, prefix: str, context_key: str, service,
                  success: str, anchor: str, with_staff: bool = False):
    """A form on the meeting page: the service's refusal is shown beside the form on the
    same page, nothing saved; success goes back to the form's part of the page."""
    meeting = selectors.meeting_get(staff=request.staff, pk=pk)
    extra = ({"staff": selectors.forum_staff(municipality=request.staff.municipality)}
             if with_staff else {})
    form = form_class(request.POST, prefix=prefix, **extra)
    if form.is_valid():
        try:
            service(meeting=meeting, by=request.staff.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, success)
            return _back(meeting, anchor)
    return _detail(request, meeting, status=400, **{context_key: form})


@require_POST
@page("forum")
def agenda_item_add(request, pk: int):
    return _minutes_post(request, pk, form_class=forms.AgendaItemForm, prefix="sak",
                         context_key="item_form", service=services.agenda_item_add,
                         success=_("The item is on the agenda."), anchor="#saker")


@require_POST
@page("forum")
def agenda_item_remove(request, pk: int):
    item = selectors.agenda_item_get(staff=request.staff, pk=pk)
    service_call(request, lambda: services.agenda_item_remove(item=item, by=request.staff.user),
                 _("The item is removed from the agenda."))
    return _back(item.meeting, "#saker")


@require_POST
@page("forum")
def minutes_save(request, pk: int):
    return _minutes_post(request, pk, form_class=forms.MinutesForm, prefix="referat",
                         context_key="minutes_form", service=services.minutes_save,
                         success=_("The attendees and notes are saved."), anchor="#referat",
                         with_staff=True)


@require_POST
@page("forum")
def decision_record(request, pk: int):
    return _minutes_post(request, pk, form_class=forms.DecisionForm, prefix="beslutning",
                         context_key="decision_form", service=services.decision_record,
                         success=_("The decision is recorded in the minutes."),
                         anchor="#beslutninger", with_staff=True)


@require_POST
@page("forum")
def meeting_hold(request, pk: int):
    meeting = selectors.meeting_get(staff=request.staff, pk=pk)
    service_call(request, lambda: services.meeting_hold(meeting=meeting, by=request.staff.user),
                 _("The meeting is marked held. The agenda is kept in the minutes as it was "
                   "today."))
    return _back(meeting)


def _return_meeting(request, decision):
    """The meeting page the button was pressed on: the decision's own, or a later one."""
    value = request.POST.get("mote", "")
    if value.isdigit():
        return selectors.meeting_get(staff=request.staff, pk=int(value))
    return decision.meeting


@require_POST
@page("forum")
def decision_done(request, pk: int):
    decision = selectors.decision_get(staff=request.staff, pk=pk)
    meeting = _return_meeting(request, decision)
    at_meeting = meeting if meeting.pk != decision.meeting_id and not meeting.is_held else None
    form = forms.DoneForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    service_call(request, lambda: services.decision_mark_done(
        decision=decision, note=note, at_meeting=at_meeting, by=request.staff.user),
        _("The decision is marked done."))
    return _back(meeting, "#beslutninger" if meeting.pk == decision.meeting_id
                 else "#oppfolging")


@require_POST
@page("forum")
def decision_reopen(request, pk: int):
    decision = selectors.decision_get(staff=request.staff, pk=pk)
    meeting = _return_meeting(request, decision)
    service_call(request, lambda: services.decision_reopen(decision=decision,
                                                           by=request.staff.user),
                 _("The decision is open again."))
    return _back(meeting, "#beslutninger" if meeting.pk == decision.meeting_id
                 else "#oppfolging")
