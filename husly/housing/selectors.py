"""Reads of dwellings and tenancies, scoped to the staff member's municipality."""

from django.db.models import Prefetch
from django.http import Http404

from husly.access.policy import StaffContext
from husly.housing.models import Dwelling, SuitabilityTag, Tenancy
from husly.people.models import Resident


def dwelling_list(*, staff: StaffContext, kind: str = "", status: str = "",
                  suitability: str = "", search: str = ""):
    if staff.municipality is None:
        return Dwelling.objects.none()
    qs = Dwelling.objects.filter(municipality=staff.municipality)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if suitability:
        qs = qs.filter(suitability__code=suitability)
    if search:
        for word in search.split():
            qs = qs.filter(street_address__icontains=word)
    return qs.prefetch_related("suitability").order_by("street_address", "bruksenhetsnummer", "id")


def suitability_tags(*, staff: StaffContext):
    return SuitabilityTag.objects.filter(municipality=staff.municipality)


def dwelling_get(*, staff: StaffContext, pk: int) -> Dwelling:
    if staff.municipality is None:
        raise Http404
    try:
        return (
            Dwelling.objects.select_related("landlord")
            .prefetch_related("suitability")
            .get(pk=pk, municipality=staff.municipality)
        )
    except Dwelling.DoesNotExist:
        raise Http404 from None


def dwelling_tenancies(*, dwelling: Dwelling):
    return (
        Tenancy.objects.filter(dwelling=dwelling, municipality_id=dwelling.municipality_id)
        .prefetch_related(Prefetch("residents", queryset=Resident.objects.all()))
        .order_by("-start_date")
    )


def tenancy_get(*, staff: StaffContext, pk: int) -> Tenancy:
    if staff.municipality is None:
        raise Http404
    try:
        return Tenancy.objects.select_related("dwelling").get(
            pk=pk, municipality=staff.municipality)
    except Tenancy.DoesNotExist:
        raise Http404 from None


def work_orders_open(*, staff: StaffContext):
    from husly.access.policy import work_orders_visible

    return (work_orders_visible(staff).filter(done_on__isnull=True)
            .select_related("dwelling", "resident", "assigned_to").order_by("due_on", "id"))


def work_order_get(*, staff: StaffContext, pk: int):
    from husly.access.policy import work_orders_visible
    from husly.housing.models import WorkOrder

    try:
        return work_orders_visible(staff).select_related("dwelling", "resident").get(pk=pk)
    except WorkOrder.DoesNotExist:
        raise Http404 from None
