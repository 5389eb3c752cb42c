from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from husly.access.decorators import page
from husly.access.models import ListKind
from husly.access.pages import resident_refused
from husly.access.policy import (
    may_change_protected_address,
    may_change_relation,
    resident_access,
)
from husly.access.services import break_glass_hint_record, list_read_record, resident_read
from husly.common.models import Category
from husly.people import selectors, services
from husly.people.forms import ResidentForm

PAGE_SIZE = 25


SESSION_SEARCH = "husly_resident_search"
# Housing information on the person form: corrected only by those who read it.
HOUSING_FIELDS = ("housing_situation", "housing_situation_since", "background")


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

            break_glass_hint_record(staff=request.staff, resident=candidate)
        context["break_glass_candidate"] = candidate
    list_read_record(staff=request.staff, view=ListKind.RESIDENT_LIST,
                     residents=page_obj.object_list)
    if request.htmx and request.htmx.target == "resident-results":
        return render(request, "people/_resident_results.html", context)
    return render(request, "people/resident_list.html", context)


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
