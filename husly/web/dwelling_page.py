"""The dwelling's page and ordering work on it. The page suggests applicants for a vacant
dwelling (allocation), and an order may start from a visit that found damage (follow-up),
so both live in the interface layer; their URLs stay in the `housing` namespace
(config/urls.py, ADR 0031)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from husly.access.decorators import page
from husly.access.models import ListKind
from husly.access.policy import tenants_shown
from husly.access.services import list_read_record, resident_read
from husly.allocation.selectors import applicants_for_dwelling
from husly.common.formats import date_long
from husly.followup.selectors import visit_for_work_order
from husly.housing import selectors, services
from husly.housing.forms import WorkOrderForm
from husly.housing.models import DwellingStatus, WorkOrderKind


def _tenancy_rows(staff, tenancies):
    tenancies = list(tenancies)
    everyone = {r.pk: r for t in tenancies for r in t.residents.all()}
    shown = tenants_shown(staff, everyone.values())
    for tenancy in tenancies:
        tenancy.tenant_rows = [
            {"resident": r, "shown": r.pk in shown} for r in tenancy.residents.all()
        ]
    return tenancies


@page("dwellings")
def dwelling_detail(request, pk: int):
    staff = request.staff
    dwelling = selectors.dwelling_get(staff=staff, pk=pk)
    tenancies = _tenancy_rows(staff, selectors.dwelling_tenancies(dwelling=dwelling))
    suggestions = None
    if dwelling.status == DwellingStatus.VACANT and staff.may_open("allocation_manage"):
        suggestions = applicants_for_dwelling(staff=staff, dwelling=dwelling)
    list_read_record(staff=staff, view=ListKind.DWELLINGS, residents=[
        *(row["resident"] for t in tenancies for row in t.tenant_rows if row["shown"]),
        *(application.applicant for application, _fit in suggestions or [])])
    return render(request, "housing/dwelling_detail.html", {
        "dwelling": dwelling, "tenancies": tenancies, "suggestions": suggestions,
        "may_register_tenancy": staff.may_open("tenancy_register"),
        "may_order_work": staff.may_open("work_order_create"),
        "open_orders": dwelling.work_orders.filter(done_on__isnull=True),
    })


@page("work_order_create")
def work_order_create(request, pk: int):

    staff = request.staff
    dwelling = selectors.dwelling_get(staff=staff, pk=pk)
    visit, initial = None, {}
    if "besok" in request.GET:
        # From a visit that found damage: only its id travels in the URL; what it found is
        # read here, where follow-up access is checked and the reading logged.
        found = visit_for_work_order(staff=staff, pk=request.GET["besok"])
        if found is None or found[0].agreement.tenancy.dwelling_id != dwelling.pk:
            raise Http404
        visit, access = found
        if request.method == "GET":
            resident_read(staff=staff, resident=visit.agreement.resident, access=access,
                          view="work_order_create")
        initial = _work_order_from_visit(visit)
    form = WorkOrderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if visit is not None:
            resident = visit.agreement.resident
        else:
            tenancy = dwelling.tenancies.current().prefetch_related("residents").first()
            resident = tenancy.residents.first() if tenancy else None
        try:
            services.work_order_create(dwelling=dwelling, resident=resident, by=staff.user,
                                       **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The work order is sent to the caretakers."))
            if visit is not None and staff.may_open("followup"):
                return redirect("followup:my_week")
            return redirect("housing:dwelling_detail", pk=dwelling.pk)
    return render(request, "housing/work_order_form.html",
                  {"form": form, "dwelling": dwelling, "visit": visit})


def _work_order_from_visit(visit) -> dict:
    """A repair for the caretakers, described by the actions the visit recorded."""
    description = visit.actions
    if not description:
        date = date_long(visit.planned_on)
        description = (_("Damage to the dwelling was found at the visit on %(date)s. Look at "
                         "it and repair it.") if visit.damage else
                       _("Dangerous objects were found and removed at the visit on %(date)s. "
                         "Check that the dwelling is safe.")) % {"date": date}
    return {"kind": WorkOrderKind.REPAIR, "description": description}
