"""Thin views over the financing services; access is decided in husly.access.policy."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from husly.access.decorators import page
from husly.access.models import ListKind
from husly.access.pages import resident_refused
from husly.access.policy import financing_write_categories, resident_access
from husly.access.services import list_read_record, resident_read
from husly.common.exports import table_response
from husly.common.formats import date_long
from husly.common.models import Category
from husly.financing import forms, selectors, services
from husly.financing.models import FinancingStatus
from husly.financing.rules import bostotte_deadline
from husly.people import selectors as people_selectors

PAGE_SIZE = 50


def _hidden_reason(access, category: str) -> str:
    return next((h.reason for h in access.hidden if h.category == category), "")


def _record_with_access(request, pk: int, view: str):
    """The record and the reader's access, or a 403 that says why (never a silent less)."""
    staff = request.staff
    record = selectors.financing_get(staff=staff, pk=pk)
    access = resident_read(staff=staff, resident=record.resident, view=view,
                           needs=record.category)
    if not access.allowed:
        return record, access, resident_refused(request, record.resident, access)
    if not access.reads(record.category):
        return record, access, render(request, "financing/hidden.html", {
            "record": record, "reason": _hidden_reason(access, record.category)}, status=403)
    return record, access, None


def _detail_context(request, record, access, **bound) -> dict:
    writable = record.category in financing_write_categories(request.staff, access)
    status = record.status
    members = list(record.household_members.all())
    named = selectors.residents_named(staff=request.staff, residents=members)
    context = {
        "record": record, "access": access, "writable": writable,
        "household": [{"resident": m, "named": m.pk in named} for m in members],
        "appeal_deadline": record.appeal_deadline, "today": timezone.localdate(),
    }
    if not writable:
        return context
    if status == FinancingStatus.DRAFT:
        context["submit_form"] = bound.get("submit_form") or forms.SubmitForm(prefix="send")
    if status == FinancingStatus.SUBMITTED:
        context["decision_form"] = bound.get("decision_form") or forms.DecisionForm(
            prefix="vedtak")
    if status in (FinancingStatus.DRAFT, FinancingStatus.SUBMITTED):
        context["withdraw_form"] = bound.get("withdraw_form") or forms.WithdrawForm(
            prefix="trekk")
    if status in (FinancingStatus.REFUSED, FinancingStatus.PARTLY_GRANTED):
        context["appeal_form"] = bound.get("appeal_form") or forms.AppealForm(prefix="klage")
    if status == FinancingStatus.APPEALED:
        context["appeal_decision_form"] = bound.get("appeal_decision_form") or (
            forms.AppealDecisionForm(prefix="klagevedtak"))
    return context


@page("financing")
def financing_detail(request, pk: int):
    record, access, refused = _record_with_access(request, pk, "financing_detail")
    if refused:
        return refused
    return render(request, "financing/detail.html", _detail_context(request, record, access))


def _action(request, pk: int, *, form_class, prefix: str, context_key: str, call, success):
    """Run one state change from the record page: a refusal shows beside the form, nothing
    saved; success goes back to the record."""
    record, access, refused = _record_with_access(request, pk, "financing_action")
    if refused:
        return refused
    if record.category not in financing_write_categories(request.staff, access):
        raise PermissionDenied(_("%(unit)s handles this application: only they register its "
                                 "decisions.") % {"unit": _unit_name(record.category)})
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            call(record, form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, success)
            return redirect("financing:detail", pk=record.pk)
    return render(request, "financing/detail.html",
                  _detail_context(request, record, access, **{context_key: form}))


def _unit_name(category: str) -> str:
    return _("The housing service") if category == Category.HOUSING else _("NAV")


@require_POST
@page("financing_manage")
def financing_submit(request, pk: int):
    return _action(
        request, pk, form_class=forms.SubmitForm, prefix="send", context_key="submit_form",
        call=lambda r, d: services.financing_submit(application=r, applied_on=d["applied_on"],
                                                    by=request.staff.user),
        success=_("The application is recorded as sent."))


@require_POST
@page("financing_manage")
def financing_decide(request, pk: int):
    return _action(
        request, pk, form_class=forms.DecisionForm, prefix="vedtak",
        context_key="decision_form",
        call=lambda r, d: services.financing_decide(
            application=r, outcome=d["status"], decided_on=d["decided_on"],
            amount_granted=d["amount_granted"], notified_on=d["notified_on"],
            decision_note=d["decision_note"], by=request.staff.user),
        success=_("The decision is recorded."))


@require_POST
@page("financing_manage")
def financing_appeal(request, pk: int):
    return _action(
        request, pk, form_class=forms.AppealForm, prefix="klage", context_key="appeal_form",
        call=lambda r, d: services.financing_appeal(application=r, lodged_on=d["lodged_on"],
                                                    by=request.staff.user),
        success=_("The appeal is recorded."))


@require_POST
@page("financing_manage")
def financing_appeal_decide(request, pk: int):
    return _action(
        request, pk, form_class=forms.AppealDecisionForm, prefix="klagevedtak",
        context_key="appeal_decision_form",
        call=lambda r, d: services.financing_appeal_decide(
            application=r, outcome=d["status"], decided_on=d["decided_on"],
            amount_granted=d["amount_granted"], note=d["note"], by=request.staff.user),
        success=_("The appeal decision is recorded."))


@require_POST
@page("financing_manage")
def financing_withdraw(request, pk: int):
    return _action(
        request, pk, form_class=forms.WithdrawForm, prefix="trekk", context_key="withdraw_form",
        call=lambda r, d: services.financing_withdraw(application=r, on=d["on"],
                                                      by=request.staff.user),
        success=_("The application is withdrawn."))


def _resident_for_writing(request, resident_pk: int, view: str):
    staff = request.staff
    resident = people_selectors.resident_get(staff=staff, pk=resident_pk)
    access = resident_access(staff, resident)
    if not access.allowed:
        return resident, access, resident_refused(request, resident, access)
    if request.method == "GET":
        resident_read(staff=staff, resident=resident, access=access, view=view)
    return resident, access, None


@page("financing_manage")
def financing_create(request, resident_pk: int):
    staff = request.staff
    resident, access, refused = _resident_for_writing(request, resident_pk, "financing_create")
    if refused:
        return refused
    categories = financing_write_categories(staff, access)
    if not categories:
        raise PermissionDenied
    form = forms.FinancingForm(request.POST or None, categories=categories,
                               household=selectors.household_of(staff=staff, resident=resident))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.financing_write_check(staff=staff, resident=resident, kind=data["kind"])
            record = services.financing_register(
                resident=resident, kind=data["kind"], amount_applied=data["amount_applied"],
                submitted=data["sent"], applied_on=data["applied_on"],
                household_members=list(data.get("household_members") or []), by=staff.user)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The application is registered."))
            return redirect("financing:detail", pk=record.pk)
    return render(request, "financing/form.html", {"form": form, "resident": resident})


@page("financing_manage")
def home_purchase(request, resident_pk: int):
    """Register that the resident bought their own home with a startlån: their tenancy ends
    as "bought own home"."""
    staff = request.staff
    resident, access, refused = _resident_for_writing(request, resident_pk, "home_purchase")
    if refused:
        return refused
    if Category.HOUSING not in financing_write_categories(staff, access):
        raise PermissionDenied(_("The housing service registers a home purchase, with the "
                                 "startlån it handles."))
    loan = selectors.granted_startlan(resident)
    tenancy = selectors.current_tenancy(resident=resident)
    form = forms.HomePurchaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.home_purchase_register(resident=resident,
                                            purchased_on=form.cleaned_data["purchased_on"],
                                            by=staff.user)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The home purchase is registered: the tenancy is ended "
                                        "as bought own home."))
            return redirect("people:resident_detail", pk=resident.pk)
    return render(request, "financing/home_purchase.html", {
        "form": form, "resident": resident, "loan": loan, "tenancy": tenancy})


def _export_rows(records) -> tuple[list, list]:
    headers = [_("Name"), _("Kind"), _("Status"), _("Amount applied for (kr)"),
               _("Amount granted (kr)"), _("Sent on"), _("For the payment of"),
               _("Decided on"), _("Appeal deadline"), _("Handled by")]
    rows = []
    for r in records:
        deadline = r.appeal_deadline
        rows.append([
            r.resident.full_name, r.get_kind_display(), r.get_status_display(),
            int(r.amount_applied) if r.amount_applied is not None else "",
            int(r.amount_granted) if r.amount_granted is not None else "",
            date_long(r.applied_on) if r.applied_on else "",
            r.for_month.strftime("%Y-%m") if r.for_month else "",
            date_long(r.decided_on) if r.decided_on else "",
            date_long(deadline) if deadline else "",
            str(r.handled_by or "")])
    return headers, rows


@page("financing")
def financing_list(request):
    """The caseload: every financing record the user may read, with the bostøtte deadline."""
    staff = request.staff
    form = forms.CaseloadFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    records = selectors.financing_caseload(staff=staff, kind=filters.get("type", ""),
                                           status=filters.get("status", ""))
    fmt = request.GET.get("eksport")
    if fmt in ("csv", "xlsx"):
        records = list(records)
        list_read_record(staff=staff, view=ListKind.FINANCING_EXPORT,
                         residents=[r.resident for r in records])
        headers, rows = _export_rows(records)
        return table_response(fmt=fmt, filename="finansiering", headers=headers, rows=rows)
    page_obj = Paginator(records, PAGE_SIZE).get_page(request.GET.get("side"))
    list_read_record(staff=staff, view=ListKind.FINANCING_LIST,
                     residents=[r.resident for r in page_obj.object_list])
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(request, "financing/list.html", {
        "form": form, "page_obj": page_obj, "query": query,
        "bostotte": bostotte_deadline(timezone.localdate()), "today": timezone.localdate(),
        "counts": selectors.financing_counts(staff=staff),
    })
