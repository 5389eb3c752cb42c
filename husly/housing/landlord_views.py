"""The private-landlord register: landlords, what they lease, contacts and offers (P21).
Thin: reads from `selectors`, writes through `services`, access from `access.policy`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from husly.access.decorators import page
from husly.access.models import ListKind
from husly.access.policy import residents_visible
from husly.access.services import list_read_record
from husly.common import exports
from husly.common.formats import date_long
from husly.common.views import service_call
from husly.housing import selectors, services
from husly.housing.forms import LandlordContactForm, LandlordForm, PrivateLeaseForm
from husly.housing.services import LANDLORD_FIELDS

PAGE_SIZE = 50


def _register_table(landlords):
    headers = [_("Name"), _("Kind"), _("Organisation number"), _("Contact person"),
               _("Phone"), _("Dwellings leased to the municipality"),
               _("Leases directly to residents"), _("Open offers"), _("Last contact")]
    rows = [[landlord.name, landlord.get_kind_display(), landlord.organisation_number,
             landlord.contact_name, landlord.phone, landlord.leased_dwellings,
             landlord.direct_leases, landlord.open_offers,
             date_long(landlord.last_contact) if landlord.last_contact else "–"]
            for landlord in landlords]
    return headers, rows


@page("landlords")
def landlord_list(request):
    staff = request.staff
    search = request.GET.get("q", "").strip()
    landlords = selectors.landlords_listed(staff=staff, search=search)
    fmt = request.GET.get("eksport")
    if fmt in ("csv", "xlsx"):
        headers, rows = _register_table(landlords)
        return exports.table_response(fmt=fmt, filename="utleiere", headers=headers, rows=rows)
    page_obj = Paginator(landlords, PAGE_SIZE).get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    return render(request, "housing/landlord_list.html", {
        "page_obj": page_obj, "search": search, "query": query.urlencode(),
        "may_manage": staff.may_open("landlords_manage")})


@page("landlords_manage")
def landlord_create(request):
    staff = request.staff
    form = LandlordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            landlord = services.landlord_register(municipality=staff.municipality,
                                                  by=staff.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The landlord is registered."))
            return redirect("housing:landlord_detail", pk=landlord.pk)
    return render(request, "housing/landlord_form.html", {"form": form})


@page("landlords_manage")
def landlord_edit(request, pk: int):
    staff = request.staff
    landlord = selectors.landlord_get(staff=staff, pk=pk)
    form = LandlordForm(request.POST or None,
                        initial={f: getattr(landlord, f) for f in LANDLORD_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            services.landlord_update(landlord=landlord, by=staff.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The landlord is saved."))
            return redirect("housing:landlord_detail", pk=landlord.pk)
    return render(request, "housing/landlord_form.html", {"form": form, "landlord": landlord})


@page("landlords")
def landlord_detail(request, pk: int, contact_form=None):
    staff = request.staff
    landlord = selectors.landlord_get(staff=staff, pk=pk)
    leases = list(landlord.private_leases.select_related("resident", "resident__team"))
    # A resident renting directly is named only to those with a work relation, as in lists.
    named = set(residents_visible(staff).filter(
        pk__in=[lease.resident_id for lease in leases]).values_list("pk", flat=True))
    list_read_record(staff=staff, view=ListKind.LANDLORDS, residents=named)
    may_manage = staff.may_open("landlords_manage")
    return render(request, "housing/landlord_detail.html", {
        "landlord": landlord,
        "dwellings": landlord.dwellings.order_by("street_address", "bruksenhetsnummer"),
        "leases": [{"lease": lease, "named": lease.resident_id in named} for lease in leases],
        "contacts": landlord.contacts.select_related("by"),
        "may_manage": may_manage,
        "may_lease": staff.may_open("tenancy_register"),
        "contact_form": contact_form or (LandlordContactForm(
            initial={"contacted_on": timezone.localdate()}) if may_manage else None)})


@require_POST
@page("landlords_manage")
def landlord_contact_add(request, pk: int):
    staff = request.staff
    landlord = selectors.landlord_get(staff=staff, pk=pk)
    form = LandlordContactForm(request.POST)
    if form.is_valid():
        try:
            services.landlord_contact_record(landlord=landlord, by=staff.user,
                                             **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The contact is recorded."))
            return redirect("housing:landlord_detail", pk=landlord.pk)
    return landlord_detail(request, pk=pk, contact_form=form)


@require_POST
@page("landlords_manage")
def landlord_offer_settle(request, pk: int):
    staff = request.staff
    contact = selectors.landlord_contact_get(staff=staff, pk=pk)
    accepted = request.POST.get("svar") == "ja"
    service_call(request, lambda: services.landlord_offer_settle(
        contact=contact, accepted=accepted, by=staff.user),
        _("The offer is accepted.") if accepted else _("The offer is declined."))
    return redirect("housing:landlord_detail", pk=contact.landlord_id)


@page("tenancy_register")
def private_lease_create(request, pk: int):
    """A resident the officer works with rents directly from this landlord."""
    staff = request.staff
    landlord = selectors.landlord_get(staff=staff, pk=pk)
    form = PrivateLeaseForm(request.POST or None, residents=residents_visible(staff).order_by(
        "family_name", "given_name"))
    if request.method == "POST" and form.is_valid():
        try:
            services.private_lease_register(landlord=landlord, by=staff.user,
                                            **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The lease is registered."))
            return redirect("housing:landlord_detail", pk=landlord.pk)
    list_read_record(staff=staff, view=ListKind.CHOOSER,
                     residents=form.fields["resident"].queryset.values_list("pk", flat=True))
    return render(request, "housing/private_lease_form.html",
                  {"form": form, "landlord": landlord})
