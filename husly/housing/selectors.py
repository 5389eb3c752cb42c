"""Reads of dwellings and tenancies, scoped to the staff member's municipality."""

from django.db.models import Prefetch
from django.http import Http404

from husly.access.policy import StaffContext, work_orders_visible
from husly.housing.models import (
    Dwelling,
    Landlord,
    LandlordContact,
    OfferStatus,
    PrivateLease,
    RentArrears,
    SuitabilityTag,
    Tenancy,
    WorkOrder,
)
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


def resident_open_arrears(*, resident: Resident, categories) -> list:
    """The resident's rent arrears not yet settled, in the categories the reader may read,
    newest first, with who recorded them (a staff member, or an integration's name)."""

    return list(RentArrears.objects.filter(
        municipality_id=resident.municipality_id, tenancy__residents=resident,
        settled_on__isnull=True, category__in=list(categories))
        .select_related("recorded_by").order_by("-recorded_on", "-pk"))


def tenancy_get(*, staff: StaffContext, pk: int) -> Tenancy:
    if staff.municipality is None:
        raise Http404
    try:
        return Tenancy.objects.select_related("dwelling").get(
            pk=pk, municipality=staff.municipality)
    except Tenancy.DoesNotExist:
        raise Http404 from None


def work_orders_open(*, staff: StaffContext):
    return (work_orders_visible(staff, WorkOrder.objects.all()).filter(done_on__isnull=True)
            .select_related("dwelling", "resident", "assigned_to").order_by("due_on", "id"))


def work_order_get(*, staff: StaffContext, pk: int):
    try:
        return work_orders_visible(staff, WorkOrder.objects.all()).select_related(
            "dwelling", "resident").get(pk=pk)
    except WorkOrder.DoesNotExist:
        raise Http404 from None


def landlords_listed(*, staff: StaffContext, search: str = ""):
    """The landlord register with what each gives: dwellings leased to the municipality,
    running direct leases to residents, open offers, and the last contact. Counted in
    subqueries, so one landlord is one row however much it has."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce


    def counted(qs):
        return Coalesce(Subquery(qs.order_by().values("landlord").annotate(n=Count("id"))
                                 .values("n"), output_field=IntegerField()), 0)

    if staff.municipality is None:
        return Landlord.objects.none()
    qs = Landlord.objects.filter(municipality=staff.municipality)
    for word in search.split():
        qs = qs.filter(name__icontains=word)
    own = OuterRef("pk")
    return qs.annotate(
        leased_dwellings=counted(Dwelling.objects.filter(landlord=own)),
        direct_leases=counted(PrivateLease.objects.filter(landlord=own, end_date__isnull=True)),
        open_offers=counted(LandlordContact.objects.filter(
            landlord=own, offer_status=OfferStatus.OPEN)),
        last_contact=Subquery(LandlordContact.objects.filter(landlord=own)
                              .order_by("-contacted_on").values("contacted_on")[:1]),
    ).order_by("name", "id")


def landlord_get(*, staff: StaffContext, pk: int):
    if staff.municipality is None:
        raise Http404
    try:
        return Landlord.objects.get(pk=pk, municipality=staff.municipality)
    except Landlord.DoesNotExist:
        raise Http404 from None


def landlord_contact_get(*, staff: StaffContext, pk: int):
    try:
        return LandlordContact.objects.select_related("landlord").get(
            pk=pk, municipality=staff.municipality)
    except LandlordContact.DoesNotExist:
        raise Http404 from None


def resident_tenancies(*, resident: Resident):
    return (
        Tenancy.objects.filter(residents=resident, municipality_id=resident.municipality_id)
        .select_related("dwelling")
        .prefetch_related(Prefetch("residents", queryset=Resident.objects.only(
            "id", "given_name", "family_name", "protected_address", "municipality_id")))
        .order_by("-start_date")
    )
