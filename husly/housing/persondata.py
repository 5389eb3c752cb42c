"""The housing app's person data: tenancies, leases from private landlords, rent arrears and
work orders (husly.common.persondata)."""

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from husly.common.models import Category
from husly.common.persondata import Part, PersonData, register
from husly.housing.models import PrivateLease, RentArrears, Tenancy, WorkOrder


def _tenancy_active(resident, cutoff):
    return Tenancy.objects.filter(residents=resident).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=cutoff))


def _photo(photo, context) -> dict:
    return {"photo": (gettext("Photo"), photo.uploaded_at.isoformat(),
                      date_format(localtime(photo.uploaded_at), "DATETIME_FORMAT"))}


register(PersonData(
    model=Tenancy, key="tenancies", title=_("Tenancies"), order=40,
    resident="residents", category=Category.HOUSING,
    fields=("start_date", "fixed_term_end", "monthly_rent", "end_date", "end_reason",
            "dwelling"),
    address_fields=("dwelling",), select_related=("dwelling",),
    keeps_active=_tenancy_active,
))

register(PersonData(
    model=PrivateLease, key="private_leases", title=_("Leases directly from private landlords"),
    order=60, resident="resident", category=Category.HOUSING,
    fields=("landlord", "street_address", "postal_code", "postal_place", "monthly_rent",
            "start_date", "end_date"),
    address_fields=("street_address", "postal_code", "postal_place"),
    select_related=("landlord",),
))

register(PersonData(
    model=RentArrears, key="arrears", title=_("Rent arrears"), order=80,
    resident="tenancy__residents",
    # Recorded by the housing service or NAV: each in the copy of the unit that knows of it.
    category=lambda arrears: arrears.category, shown_when_empty=False,
    fields=("recorded_on", "amount", "months_behind", "settled_on"),
))

register(PersonData(
    model=WorkOrder, key="work_orders", title=_("Work orders"), order=85,
    resident="resident", category=Category.HOUSING,
    fields=("kind", "created_on", "description", "due_on", "done_on", "what_was_done",
            "guidance_given", "dwelling"),
    address_fields=("dwelling",), select_related=("dwelling",),
    parts=(Part("photos", computed=_photo),),
    # What the caretaker did and taught is about the person; what to do is the dwelling's
    # upkeep, which the property department keeps.
    anonymise_fields=("what_was_done", "guidance_given"),
))
