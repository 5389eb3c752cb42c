from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from husly.access.decorators import page
from husly.access.models import ListKind
from husly.access.policy import (
    arrears_recording_category,
    may_complete_work_order,
    residents_placeable,
    work_order_resident_shown,
)
from husly.access.services import list_read_record
from husly.housing import selectors, services
from husly.housing.forms import (
    ArrearsForm,
    DwellingFilterForm,
    DwellingForm,
    PhotoForm,
    TenancyEndForm,
    TenancyForm,
    WorkOrderDoneForm,
)
from husly.housing.models import Tenancy
from husly.people.selectors import resident_get

PAGE_SIZE = 50


@page("dwellings")
def dwelling_list(request):
    staff = request.staff
    tags = list(selectors.suitability_tags(staff=staff))
    form = DwellingFilterForm(request.GET or None, tags=tags)
    filters = form.cleaned_data if form.is_valid() else {}
    dwellings = selectors.dwelling_list(
        staff=staff, kind=filters.get("kind", ""), status=filters.get("status", ""),
        suitability=filters.get("suitability", ""), search=filters.get("q", ""),
    )
    paginator = Paginator(dwellings, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    context = {"form": form, "page_obj": page_obj, "query": query.urlencode(),
               "may_register": staff.may_open("dwelling_register"),
               "may_see_landlords": staff.may_open("landlords")}
    if request.htmx and request.htmx.target == "dwelling-results":
        return render(request, "housing/_dwelling_results.html", context)
    return render(request, "housing/dwelling_list.html", context)


@page("dwelling_register")
def dwelling_create(request):
    staff = request.staff
    form = DwellingForm(request.POST or None, municipality=staff.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            dwelling = services.dwelling_register(
                municipality=staff.municipality, by=staff.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The dwelling is registered."))
            return redirect("housing:dwelling_detail", pk=dwelling.pk)
    return render(request, "housing/dwelling_form.html", {"form": form})


@page("tenancy_register")
def tenancy_create(request, pk: int):
    staff = request.staff
    dwelling = selectors.dwelling_get(staff=staff, pk=pk)
    placeable = residents_placeable(staff)
    form = TenancyForm(request.POST or None, residents=placeable)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.tenancy_register(
                dwelling=dwelling, residents=list(data["residents"]),
                start_date=data["start_date"], fixed_term_end=data["fixed_term_end"],
                monthly_rent=data["monthly_rent"], by=staff.user,
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The tenancy is registered."))
            return redirect("housing:dwelling_detail", pk=dwelling.pk)
    list_read_record(staff=staff, view=ListKind.CHOOSER,
                     residents=placeable.values_list("pk", flat=True))
    return render(request, "housing/tenancy_form.html", {"form": form, "dwelling": dwelling})


@page("tenancy_register")
def tenancy_end(request, pk: int):
    staff = request.staff
    tenancy = selectors.tenancy_get(staff=staff, pk=pk)
    form = TenancyEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.tenancy_end(
                tenancy=tenancy, end_date=data["end_date"], end_reason=data["end_reason"],
                housing_situation_after=data["housing_situation_after"] or None, by=staff.user,
                what_went_wrong=data["what_went_wrong"], do_differently=data["do_differently"],
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The tenancy is ended."))
            return redirect("housing:dwelling_detail", pk=tenancy.dwelling_id)
    return render(request, "housing/tenancy_end_form.html", {"form": form, "tenancy": tenancy})


@page("work_orders")
def work_order_list(request):
    orders = selectors.work_orders_open(staff=request.staff)
    return render(request, "housing/work_order_list.html", {"orders": orders})


@page("work_orders")
def work_order_detail(request, pk: int):
    staff = request.staff
    order = selectors.work_order_get(staff=staff, pk=pk)
    form = WorkOrderDoneForm(request.POST or None)
    may_complete = may_complete_work_order(staff, order) and order.done_on is None
    if request.method == "POST" and may_complete and form.is_valid():
        try:
            services.work_order_complete(work_order=order, by=staff.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The work order is done."))
            return redirect("housing:work_order_list")

    shows_resident = work_order_resident_shown(staff, order)
    # The caretaker's view of a resident is the name and phone on the order (rule 7): no
    # basis to read their information, so it is logged as a name seen, like a list.
    list_read_record(staff=staff, view=ListKind.WORK_ORDERS,
                     residents=[order.resident] if shows_resident else [])
    return render(request, "housing/work_order_detail.html",
                  {"order": order, "form": form, "may_complete": may_complete,
                   "photo_form": PhotoForm(), "shows_resident": shows_resident})


def _arrears_resident(staff, resident_pk: int):
    """The resident whose arrears `staff` writes, and the category they write them in."""

    resident = resident_get(staff=staff, pk=resident_pk)
    category = arrears_recording_category(staff, resident)
    if category is None:
        raise PermissionDenied
    return resident, category


@require_POST
@page("arrears")
def arrears_record(request, resident_pk: int):
    staff = request.staff
    resident, category = _arrears_resident(staff, resident_pk)
    tenancy = Tenancy.objects.current().filter(residents=resident).first()
    form = ArrearsForm(request.POST)
    if tenancy is None:
        messages.error(request, _("The resident has no current tenancy."))
    elif form.is_valid():
        try:
            services.rent_arrears_record(tenancy=tenancy, category=category, by=staff.user,
                                         **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The rent arrears are recorded."))
    else:
        messages.error(request, _("Give the amount owed and how many months are unpaid."))
    return redirect("people:resident_detail", pk=resident.pk)


@require_POST
@page("arrears")
def arrears_settle(request, resident_pk: int):
    """"Gjort opp": the housing service or NAV marks arrears in its own category as settled."""
    staff = request.staff
    resident, category = _arrears_resident(staff, resident_pk)
    arrears = next((a for a in selectors.resident_open_arrears(
        resident=resident, categories=[category])
        if str(a.pk) == request.POST.get("arrears", "")), None)
    if arrears is None:
        messages.error(request, _("These arrears are settled already or are not for you to "
                                  "settle. Reload the page to see the arrears as they are."))
    else:
        try:
            services.rent_arrears_settle(arrears=arrears, by=staff.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The rent arrears are marked as settled."))
    return redirect("people:resident_detail", pk=resident.pk)


@require_POST
@page("work_orders")
def work_order_photo(request, pk: int):
    staff = request.staff
    order = selectors.work_order_get(staff=staff, pk=pk)
    if not may_complete_work_order(staff, order):
        raise PermissionDenied
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.work_order_photo_add(work_order=order, upload=form.cleaned_data["image"],
                                          by=staff.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The photo is attached."))
    else:
        messages.error(request, _("Choose a photo to attach."))
    return redirect("housing:work_order_detail", pk=pk)


@page("work_orders")
def work_order_photo_file(request, pk: int, photo_pk: int):
    from django.http import FileResponse

    order = selectors.work_order_get(staff=request.staff, pk=pk)
    photo = order.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    return response
