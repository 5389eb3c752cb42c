"""Reads of the financing pathway, already filtered by what the staff member may read: a
work relation to the resident and the record's category (own unit's, or by consent)."""

from django.db.models import Q, QuerySet
from django.http import Http404

from husly.access.policy import (
    StaffContext,
    financing_write_categories,
    readable_categories,
    residents_visible,
)
from husly.common.models import Category
from husly.financing.models import (
    FINANCING_CATEGORIES,
    GRANTED_STATES,
    KIND_CATEGORY,
    FinancingApplication,
    FinancingKind,
    FinancingStatus,
    HomePurchase,
)
from husly.housing.models import Tenancy


def financing_get(*, staff: StaffContext, pk: int) -> FinancingApplication:
    """The record within the staff member's municipality; any other is not found (404).
    Whether its resident and category may be read is the caller's next question."""
    if staff.municipality is None:
        raise Http404
    try:
        return (FinancingApplication.objects
                .select_related("resident__team", "resident__primary_contact", "handled_by")
                .get(pk=pk, municipality=staff.municipality))
    except FinancingApplication.DoesNotExist:
        raise Http404 from None


def financing_for_resident(*, resident, categories) -> QuerySet:
    """The resident's records in the categories the reader holds for them."""
    return (FinancingApplication.objects
            .filter(resident=resident, municipality_id=resident.municipality_id,
                    category__in=list(set(categories) & FINANCING_CATEGORIES))
            .select_related("handled_by")
            .order_by("-registered_at", "-id"))


def _readable_q(staff: StaffContext) -> Q | None:
    """Records of residents the user has a work relation with, in a category they read:
    their unit's own for everyone they work with, another unit's where consent shares it."""
    visible = residents_visible(staff)
    own = staff.own_categories & FINANCING_CATEGORIES
    query = Q(category__in=list(own), resident__in=visible) if own else None
    shared = FINANCING_CATEGORIES - own
    if shared and staff.unit_ids:
        readable = readable_categories(staff, visible.values_list("pk", flat=True))
        for category in sorted(shared):
            ids = [pk for pk, categories in readable.items() if category in categories]
            if ids:
                part = Q(category=category, resident_id__in=ids)
                query = part if query is None else query | part
    return query


def financing_caseload(*, staff: StaffContext, kind: str = "", status: str = "") -> QuerySet:
    """Every record the user may read in their municipality, newest first; filtered by kind
    and status when given ("open" for those waiting on someone)."""
    if staff.municipality is None:
        return FinancingApplication.objects.none()
    query = _readable_q(staff)
    if query is None:
        return FinancingApplication.objects.none()
    records = FinancingApplication.objects.filter(municipality=staff.municipality).filter(query)
    if kind in FinancingKind.values:
        records = records.filter(kind=kind)
    if status == "open":
        records = records.open()
    elif status in FinancingStatus.values:
        records = records.filter(status=status)
    return (records.select_related("resident", "handled_by")
            .order_by("-registered_at", "-id"))


def financing_counts(*, staff: StaffContext) -> dict:
    """What waits: open applications and bostøtte applications still to be sent."""
    records = financing_caseload(staff=staff)
    return {
        "open": records.open().count(),
        "bostotte_drafts": records.filter(kind=FinancingKind.BOSTOTTE,
                                          status=FinancingStatus.DRAFT).count(),
    }


def residents_named(*, staff: StaffContext, residents) -> set[int]:
    """Which of these residents the user has a work relation with: only they are named."""
    ids = [r.pk for r in residents]
    if not ids:
        return set()
    return set(residents_visible(staff).filter(pk__in=ids).values_list("pk", flat=True))


def current_tenancy(*, resident):
    return (Tenancy.objects.current().filter(residents=resident,
                                             municipality_id=resident.municipality_id)
            .select_related("dwelling").order_by("-start_date").first())


def household_of(*, staff: StaffContext, resident) -> QuerySet:
    """Who may be named as household on an application: those who share the resident's
    current tenancy and whom the user works with."""
    tenancy = current_tenancy(resident=resident)
    if tenancy is None:
        return residents_visible(staff).none()
    return (residents_visible(staff).filter(tenancies=tenancy).exclude(pk=resident.pk)
            .order_by("given_name", "family_name"))


def hidden_reasons(access) -> list[str]:
    """Which of the resident's financing records the reader does not see, and why."""
    from django.utils.translation import gettext as _

    hidden = {h.category for h in access.hidden}
    reasons = []
    if Category.HOUSING in hidden:
        reasons.append(_("Startlån, etableringstilskudd and bostøtte are hidden: they are "
                         "housing information, and reading them needs the resident's consent "
                         "to share it from the housing service with your unit."))
    if Category.NAV in hidden:
        reasons.append(_("Deposit guarantees and financial help are hidden: they are NAV "
                         "information, and reading them needs the resident's consent to share "
                         "it from NAV with your unit."))
    return reasons


def resident_section(*, staff: StaffContext, resident, access) -> dict | None:
    """The financing part of the resident's page: the records the user reads, what is hidden
    and why, and what they may do. None for those whose role has no financing pages."""

    if not staff.may_open("financing") or not access.allowed:
        return None
    categories = access.categories & FINANCING_CATEGORIES
    records = list(financing_for_resident(resident=resident, categories=categories))
    hidden = hidden_reasons(access)
    writable = financing_write_categories(staff, access)
    purchase = None
    if Category.HOUSING in categories:
        purchase = HomePurchase.objects.filter(resident=resident).order_by(
            "-purchased_on").first()
    loan_granted = any(r.kind == FinancingKind.STARTLAN and r.amount_granted
                       and r.status in GRANTED_STATES for r in records)
    may_register_purchase = (Category.HOUSING in writable and loan_granted and purchase is None
                             and current_tenancy(resident=resident) is not None)
    return {
        "records": records, "hidden": hidden, "may_register": bool(writable),
        "writable_kinds": [k for k, c in KIND_CATEGORY.items() if c in writable],
        "purchase": purchase, "may_register_purchase": may_register_purchase,
    }


def granted_startlan(resident) -> FinancingApplication | None:
    """The resident's latest granted startlån, the loan a home purchase is registered on."""
    return (FinancingApplication.objects.filter(
        resident=resident, municipality_id=resident.municipality_id,
        kind=FinancingKind.STARTLAN).granted().order_by("-decided_on", "-id").first())
