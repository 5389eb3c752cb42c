"""The resident's rights and the leader's review: consent, emergency access, the access log,
the copy of the data, and retention. Thin: rules in `policy`, writes in `services`."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from husly.access import innsyn, letters, selectors, services
from husly.access.decorators import page
from husly.access.forms import (
    BreakGlassForm,
    BreakGlassReviewForm,
    ConsentRecordForm,
    RetentionSettingsForm,
)
from husly.access.models import BreakGlass, Consent, ListKind
from husly.access.pages import resident_refused
from husly.access.policy import (
    break_glass_duration,
    may_break_glass,
    may_handle_resident_rights,
    may_manage_consent,
    resident_access,
    resident_in_municipality,
)
from husly.common.documents import pdf_from_html, pdf_response
from husly.common.models import WrittenLanguage
from husly.common.views import service_call


def _resident_with(request, pk: int, allowed):
    """The resident, if `allowed(staff, access)`; a resident without a relation gets the
    page that offers emergency access, never the data."""
    staff = request.staff
    resident = resident_in_municipality(staff, pk)
    access = resident_access(staff, resident)
    if not access.allowed:
        return resident, access, resident_refused(request, resident, access)
    if not allowed(staff, access):
        raise Http404
    return resident, access, None


@page("consent")
def consent_list(request, pk: int):
    staff = request.staff
    resident, access, refused = _resident_with(request, pk, may_manage_consent)
    if refused:
        return refused
    form = ConsentRecordForm(request.POST or None, request.FILES or None,
                             municipality=staff.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(resident=resident, by=staff.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The consent is recorded and applies from now."))
            return redirect("access:consent_list", pk=pk)
    # The page is a read when it is shown; a consent recorded and redirected is the event's.
    services.resident_read(staff=staff, resident=resident, access=access, view="consent_list")
    today = timezone.localdate()
    consents = list(selectors.consents_for(resident=resident))
    for consent in consents:
        consent.in_force = consent.is_in_force(today)
    return render(request, "access/consent_list.html", {
        "resident": resident, "consents": consents, "form": form, "access": access})


def _consent_with(request, pk: int):
    """The consent of this municipality, with its resident's access (see `_resident_with`)."""
    consent = get_object_or_404(Consent, pk=pk, municipality=request.staff.municipality)
    return (consent, *_resident_with(request, consent.resident_id, may_manage_consent))


@require_POST
@page("consent")
def consent_withdraw(request, pk: int):
    staff = request.staff
    consent, _resident, _access, refused = _consent_with(request, pk)
    if refused:
        return refused
    service_call(request, lambda: services.consent_withdraw(consent=consent, by=staff.user),
                 _("The consent is withdrawn. It opens nothing from now."))
    return redirect("access:consent_list", pk=consent.resident_id)


@page("consent")
def consent_attachment(request, pk: int):
    staff = request.staff
    consent, resident, access, refused = _consent_with(request, pk)
    if refused:
        return refused
    if not consent.attachment:
        raise Http404
    services.resident_read(staff=staff, resident=resident, access=access,
                           view="consent_attachment")
    response = FileResponse(consent.attachment.open("rb"),
                            content_type=consent.attachment_content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="samtykke-{consent.pk}"'
    return response


@page("break_glass")
def break_glass(request, pk: int):
    staff = request.staff
    resident = resident_in_municipality(staff, pk)
    access = resident_access(staff, resident)
    if access.allowed:
        return redirect("people:resident_detail", pk=pk)
    if not may_break_glass(staff, access):
        raise Http404
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass_start(staff=staff, resident=resident, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.warning(request, _(
                "Emergency access is open for %(hours)d hours. Every read is logged and the "
                "team leader reviews it today.") % {
                "hours": break_glass_duration().total_seconds() // 3600})
            return redirect("people:resident_detail", pk=pk)
    return render(request, "access/break_glass.html", {
        "resident": resident, "form": form,
        "hours": int(break_glass_duration().total_seconds() // 3600)})


def _letter_language(request, municipality) -> str:
    language = request.GET.get("sprak", municipality.written_language)
    return language if language in WrittenLanguage.values else municipality.written_language


@page("access_log")
def access_log(request, pk: int):
    resident, access, refused = _resident_with(
        request, pk, lambda s, a: may_handle_resident_rights(s, a, "access_log"))
    if refused:
        return refused
    # Who read the resident is information about them, so handing it out is a read too.
    services.resident_read(staff=request.staff, resident=resident, access=access,
                           view="access_log")
    entries = Paginator(selectors.access_log_for(resident=resident), 50).get_page(
        request.GET.get("side"))
    # Each list on its own pages: a board seen daily must not push the reads off the first.
    seen = Paginator(selectors.list_reads_for(resident=resident), 50).get_page(
        request.GET.get("lister"))
    # Each pager keeps the other's page, so paging one list does not reset the other.
    return render(request, "access/access_log.html", {
        "resident": resident, "page_obj": entries, "list_reads": seen,
        "lists_page_query": f"lister={seen.number}" if seen.number > 1 else "",
        "log_page_query": f"side={entries.number}" if entries.number > 1 else "",
        "languages": WrittenLanguage.choices})


@page("access_log")
def access_log_letter(request, pk: int):
    staff = request.staff
    resident, access, refused = _resident_with(
        request, pk, lambda s, a: may_handle_resident_rights(s, a, "access_log"))
    if refused:
        return refused
    html = letters.access_log_letter_html(
        resident=resident, staff=staff, language=_letter_language(request, staff.municipality))
    # Logged after the letter is made: it lists the reads before it, not its own making.
    services.resident_read(staff=staff, resident=resident, access=access,
                           view="access_log_letter")
    return pdf_response(pdf_from_html(html), f"tilgangslogg-{resident.pk}.pdf")


def _data_copy(request, pk: int):
    staff = request.staff
    resident, access, refused = _resident_with(
        request, pk, lambda s, a: may_handle_resident_rights(s, a, "data_copy"))
    if refused:
        return resident, None, refused
    # Making the copy reads every category it holds: that is a read like any other.
    services.resident_read(staff=staff, resident=resident, access=access, view="data_copy")
    return resident, innsyn.data_copy(staff=staff, resident=resident), None


@page("data_copy")
def data_copy(request, pk: int):
    resident, access, refused = _resident_with(
        request, pk, lambda s, a: may_handle_resident_rights(s, a, "data_copy"))
    if refused:
        return refused
    services.resident_read(staff=request.staff, resident=resident, access=access,
                           view="data_copy_page")
    return render(request, "access/data_copy.html", {
        "resident": resident, "languages": WrittenLanguage.choices,
        "section_titles": innsyn.data_copy_section_titles()})


@page("data_copy")
def data_copy_pdf(request, pk: int):
    resident, copy, refused = _data_copy(request, pk)
    if refused:
        return refused
    staff = request.staff
    html = letters.data_copy_html(copy=copy, staff=staff,
                                  language=_letter_language(request, staff.municipality))
    return pdf_response(pdf_from_html(html), f"innsyn-{resident.pk}.pdf")


@page("data_copy")
def data_copy_json(request, pk: int):
    resident, copy, refused = _data_copy(request, pk)
    if refused:
        return refused
    response = HttpResponse(
        json.dumps(innsyn.data_copy_json(copy), ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="innsyn-{resident.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response


@page("access_review")
def access_review(request):
    review = selectors.access_review(staff=request.staff)
    # The leader's review names the residents read: a read of those names, too.
    services.list_read_record(staff=request.staff, view=ListKind.ACCESS_REVIEW, residents={
        row.resident_id for key in ("open", "reviewed", "after_hours") for row in review[key]})
    return render(request, "access/access_review.html", {
        **review, "review_form": BreakGlassReviewForm()})


@require_POST
@page("access_review")
def break_glass_review(request, pk: int):
    staff = request.staff
    glass = get_object_or_404(BreakGlass, pk=pk, municipality=staff.municipality)
    form = BreakGlassReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the outcome of the review."))
    else:
        service_call(request, lambda: services.break_glass_review(
            staff=staff, break_glass=glass, **form.cleaned_data), _("The review is recorded."))
    return redirect("access:access_review")


@page("retention")
def retention(request):
    staff = request.staff
    settings = selectors.retention_settings_for(staff.municipality)
    form = RetentionSettingsForm(request.POST or None,
                                 initial={"years_after_end": settings.years_after_end})
    if request.method == "POST":
        if request.POST.get("action") == "apply":
            result = services.retention_apply(municipality=staff.municipality, by=staff.user)
            messages.success(request, _(
                "%(anonymised)d residents anonymised, %(preserved)d marked to be kept for the "
                "archive.") % result)
            return redirect("access:retention")
        if form.is_valid():
            services.retention_settings_save(municipality=staff.municipality, by=staff.user,
                                             **form.cleaned_data)
            messages.success(request, _("The retention period is saved."))
            return redirect("access:retention")
    due = selectors.retention_due(municipality=staff.municipality,
                                  today=timezone.localdate())
    return render(request, "access/retention.html", {
        "form": form, "due_anonymise": due["anonymise"].count(),
        "due_preserve": due["preserve"].count(),
        **selectors.retention_counts(municipality=staff.municipality)})
