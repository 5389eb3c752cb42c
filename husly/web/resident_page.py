"""The resident's page: one person as every unit that works with them sees them. It shows
the parts of several apps (people, housing, follow-up, allocation), so it lives in the
interface layer; its URL stays in the `people` namespace (config/urls.py, ADR 0031)."""

from django.shortcuts import render

from husly.access.decorators import page
from husly.access.pages import resident_refused
from husly.access.policy import (
    arrears_recording_category,
    may_change_relation,
    may_handle_resident_rights,
    may_manage_consent,
    resident_shows_address,
)
from husly.access.services import resident_read
from husly.allocation.selectors import open_application_for
from husly.common.models import Category
from husly.followup.risk import risk_signals
from husly.followup.selectors import agreement_for
from husly.housing import selectors as housing_selectors
from husly.people import selectors


@page("residents")
def resident_detail(request, pk: int):
    staff = request.staff
    resident = selectors.resident_get(staff=staff, pk=pk)
    access = resident_read(staff=staff, resident=resident, view="resident_detail")
    if not access.allowed:
        return resident_refused(request, resident, access)
    tenancies = []
    if access.reads(Category.HOUSING):
        for tenancy in housing_selectors.resident_tenancies(resident=resident):
            tenancy.address_visible = resident_shows_address(staff, resident)
            tenancies.append(tenancy)
    notes = list(selectors.resident_notes(resident=resident, categories=access.categories))
    arrears = housing_selectors.resident_open_arrears(resident=resident,
                                                      categories=access.categories)
    settles_arrears = arrears_recording_category(staff, resident) if arrears else None
    sections = []
    for category in Category:
        sections.append({
            "category": category,
            "readable": access.reads(category),
            "notes": [n for n in notes if n.category == category],
            "arrears": [a for a in arrears if a.category == category],
            "settles_arrears": settles_arrears == category,
            "hidden_reason": next(
                (h.reason for h in access.hidden if h.category == category), ""
            ),
        })
    current = next((t for t in tenancies if t.end_date is None), None)
    signals = risk_signals(resident, categories=access.categories)
    agreement = None
    if access.reads(Category.FOLLOWUP):
        agreement = agreement_for(resident=resident)
    application = None
    if access.reads(Category.HOUSING):
        application = open_application_for(resident=resident)
    return render(request, "people/resident_detail.html", {
        "resident": resident, "access": access, "tenancies": tenancies, "sections": sections,
        "current_tenancy": current, "application": application, "agreement": agreement,
        "may_followup": staff.may_open("followup"), "signals": signals,
        "may_register_application": staff.may_open("allocation_manage"),
        "may_record_arrears": staff.may_open("arrears"),
        "shows_address": resident_shows_address(staff, resident),
        "may_consent": may_manage_consent(staff, access),
        "may_access_log": may_handle_resident_rights(staff, access, "access_log"),
        "may_data_copy": may_handle_resident_rights(staff, access, "data_copy"),
        "may_correct": staff.may_open("resident_register") and may_change_relation(access),
    })
