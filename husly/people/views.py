from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from husly.access.decorators import page
from husly.access.models import ListKind
from husly.access.policy import (
    arrears_recording_category,
    may_break_glass,
    may_change_protected_address,
    may_change_relation,
    may_handle_resident_rights,
    may_manage_consent,
    resident_access,
    resident_shows_address,
)
from husly.access.services import list_read_record, resident_read
from husly.common.models import Category
from husly.housing import selectors as housing_selectors
from husly.people import selectors, services
from husly.people.forms import ResidentForm

PAGE_SIZE = 25


SESSION_SEARCH = "husly_resident_search"
# Housing information on the person form: corrected only by those who read it.
HOUSING_FIELDS = ("housing_situation", "housing_situation_since", "background")


def resident_refused(request, resident, access):
    """No work relation: the reason, and emergency access for those who may use it."""
    return render(request, "people/resident_denied.html", {
        "reason": access.denied_reason, "resident": resident,
        "may_break_glass": may_break_glass(request.staff, access)}, status=403)


@page("residents")
def resident_list(request):
    # Names and fødselsnummer are searched by POST and kept in the session, so they never
    # appear in a URL, a server log or the browser history.
    if request.method == "POST":
        request.session[SESSION_SEARCH] = request.POST.get("q", "").strip()[:100]
        if not request.htmx:
            return redirect("people:resident_list")
    search = request.session.get(SESSION_SEARCH, "")
    residents = selectors.resident_list(staff=request.staff, search=search)
    paginator = Paginator(residents, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("side"))
    context = {"page_obj": page_obj, "search": search,
               "may_register": request.staff.may_open("resident_register")}
    if search and not page_obj.object_list:
        # Emergency access starts from the full fødselsnummer, never from browsing names.
        candidate = selectors.resident_for_break_glass(staff=request.staff, national_id=search)
        if candidate is not None:
            # Confirming that a number belongs to a resident is itself sensitive: recorded,
            # without the number, so probing shows.
            from husly.access.services import break_glass_hint_record

            break_glass_hint_record(staff=request.staff, resident=candidate)
        context["break_glass_candidate"] = candidate
    list_read_record(staff=request.staff, view=ListKind.RESIDENT_LIST,
                     residents=page_obj.object_list)
    if request.htmx and request.htmx.target == "resident-results":
        return render(request, "people/_resident_results.html", context)
    return render(request, "people/resident_list.html", context)


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
    from husly.followup.risk import risk_signals

    signals = risk_signals(resident, categories=access.categories)
    agreement = None
    if access.reads(Category.FOLLOWUP):
        from husly.followup.selectors import agreement_for

        agreement = agreement_for(resident=resident)
    application = None
    if access.reads(Category.HOUSING):
        from husly.allocation.selectors import open_application_for

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


@page("resident_register")
def resident_create(request):
    staff = request.staff
    form = ResidentForm(request.POST or None, municipality=staff.municipality)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()}
        try:
            resident = services.resident_register(
                municipality=staff.municipality, by=staff.user,
                case_unit=staff.units[0] if staff.units else None, **data,
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            from django.contrib import messages

            messages.success(request, _("The resident is registered."))
            return redirect("people:resident_detail", pk=resident.pk)
    return render(request, "people/resident_form.html", {"form": form})


@page("resident_register")
def resident_correct(request, pk: int):
    """Correct the person data; what changed, by whom and when is kept and shown in the
    resident's copy of their data."""
    staff = request.staff
    resident = selectors.resident_get(staff=staff, pk=pk)
    access = resident_access(staff, resident)
    if not access.allowed:
        return resident_refused(request, resident, access)
    initial = {f: getattr(resident, f) for f in ResidentForm.base_fields}
    form = ResidentForm(request.POST or None, initial=initial, municipality=staff.municipality)
    hidden = set()
    if not access.reads(Category.HOUSING):
        hidden |= set(HOUSING_FIELDS)
    if not may_change_relation(access):
        hidden |= {"team", "primary_contact"}
    if not may_change_protected_address(staff, resident):
        hidden.add("protected_address")
    for name in hidden:
        del form.fields[name]
    if request.method == "GET":
        resident_read(staff=staff, resident=resident, access=access, view="resident_correct")
    if request.method == "POST" and form.is_valid():
        changed = {f: form.cleaned_data[f] for f in form.changed_data}
        try:
            services.resident_update(resident=resident, by=staff.user, **changed)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            from django.contrib import messages

            messages.success(request, _("The correction is saved and recorded."))
            return redirect("people:resident_detail", pk=pk)
    return render(request, "people/resident_form.html", {
        "form": form, "resident": resident, "correcting": True})
