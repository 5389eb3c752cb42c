"""Every write to dwellings, landlords and tenancies."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.accounts.models import Role
from husly.common.events import changes_between, event_record
from husly.common.formats import date_long
from husly.common.identifiers import (
    bruksenhetsnummer_validate,
    matrikkel_parse,
    national_id_validate,
    organisation_number_validate,
)
from husly.common.uploads import image_content_type
from husly.housing.models import (
    Dwelling,
    DwellingStatus,
    Landlord,
    LandlordContact,
    LandlordKind,
    OfferStatus,
    OutreachKind,
    OwnerKind,
    PrivateLease,
    RentArrears,
    SuitabilityTag,
    Tenancy,
    TenancyEndReason,
    WorkOrder,
    WorkOrderKind,
    WorkOrderPhoto,
    WorkOrderPriority,
)
from husly.people import services as people
from husly.people.models import HousingSituation, Resident

# An unplanned end with no situation given: where the person most likely is now.
SITUATION_AFTER = {
    "eviction": HousingSituation.OTHER_HOMELESS,
    "abandonment": HousingSituation.OTHER_HOMELESS,
    "institution": HousingSituation.INSTITUTION_RELEASE,
    "prison": HousingSituation.PRISON_RELEASE,
}

LANDLORD_FIELDS = ("kind", "name", "organisation_number", "contact_name", "phone", "email",
                   "postal_address", "note")


def _landlord_clean(values: dict) -> dict:
    """A company needs a valid organisation number; a private person has none to give."""
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    errors: dict[str, list[str]] = {}
    if not values.get("name"):
        errors["name"] = [_("Write the landlord's name.")]
    number = values.get("organisation_number", "").replace(" ", "")
    if values.get("kind", LandlordKind.COMPANY) == LandlordKind.COMPANY and not number:
        errors["organisation_number"] = [_(
            "A company needs its organisation number (9 digits, from Brønnøysundregistrene).")]
    elif number:
        try:
            number = organisation_number_validate(number)
        except ValidationError as exc:
            errors["organisation_number"] = exc.messages
    if errors:
        raise ValidationError(errors)
    values["organisation_number"] = number
    return values


@transaction.atomic
def landlord_register(*, municipality, name: str, by, kind: str = LandlordKind.COMPANY,
                      organisation_number: str = "", contact_name: str = "", phone: str = "",
                      email: str = "", postal_address: str = "", note: str = "") -> Landlord:
    values = _landlord_clean({
        "kind": kind, "name": name, "organisation_number": organisation_number,
        "contact_name": contact_name, "phone": phone, "email": email,
        "postal_address": postal_address, "note": note})
    landlord = Landlord.objects.create(municipality=municipality, **values)
    # The note and the contact's details stay in the row, not in the event.
    event_record(name="landlord.registered", actor=by, target=landlord,
                 changes={"name": landlord.name, "kind": landlord.kind,
                          "organisation_number": landlord.organisation_number})
    return landlord


@transaction.atomic
def landlord_update(*, landlord: Landlord, by, **fields) -> Landlord:
    unknown = set(fields) - set(LANDLORD_FIELDS)
    if unknown:
        raise TypeError(f"unknown landlord fields: {sorted(unknown)}")
    landlord = Landlord.objects.select_for_update().get(pk=landlord.pk)
    values = _landlord_clean({**{f: getattr(landlord, f) for f in LANDLORD_FIELDS}, **fields})
    changed = [f for f in LANDLORD_FIELDS if getattr(landlord, f) != values[f]]
    for field in changed:
        setattr(landlord, field, values[field])
    if changed:
        landlord.save(update_fields=changed)
    event_record(name="landlord.updated", actor=by, target=landlord,
                 changes={"fields": changed})
    return landlord


@transaction.atomic
def landlord_contact_record(*, landlord: Landlord, kind: str, contacted_on: datetime.date,
                            summary: str, by, offered_address: str = "",
                            offered_rooms: int | None = None,
                            offered_rent: Decimal | None = None) -> LandlordContact:
    """A call, meeting, letter, offer or agreement with a landlord. An offer starts as being
    considered; what came of it is recorded with `landlord_offer_settle`."""
    errors: dict[str, list[str]] = {}
    if contacted_on > timezone.localdate():
        errors["contacted_on"] = [_("The date is in the future. Use today or earlier.")]
    if not summary.strip():
        errors["summary"] = [_("Write what was said or agreed.")]
    is_offer = kind == OutreachKind.OFFER
    if is_offer and not offered_address.strip():
        errors["offered_address"] = [_("An offer needs the address of the dwelling offered.")]
    if not is_offer and (offered_address.strip() or offered_rooms or offered_rent):
        errors["kind"] = [_("Address, rooms and rent belong to an offer. Choose the kind "
                            "“Offer of a dwelling” or leave them empty.")]
    if errors:
        raise ValidationError(errors)
    contact = LandlordContact.objects.create(
        municipality_id=landlord.municipality_id, landlord=landlord, kind=kind,
        contacted_on=contacted_on, summary=summary.strip(), by=by,
        offered_address=offered_address.strip(), offered_rooms=offered_rooms,
        offered_rent=offered_rent, offer_status=OfferStatus.OPEN if is_offer else "")
    event_record(name="landlord.contacted", actor=by, target=contact,
                 changes={"landlord": landlord, "kind": kind, "contacted_on": contacted_on})
    return contact


@transaction.atomic
def landlord_offer_settle(*, contact: LandlordContact, accepted: bool, by) -> LandlordContact:
    contact = LandlordContact.objects.select_for_update().get(pk=contact.pk)
    if contact.kind != OutreachKind.OFFER or contact.offer_status != OfferStatus.OPEN:
        raise ValidationError(_("Only an offer being considered can be accepted or declined."))
    contact.offer_status = OfferStatus.ACCEPTED if accepted else OfferStatus.DECLINED
    contact.save(update_fields=["offer_status"])
    event_record(name="landlord.offer_settled", actor=by, target=contact,
                 changes={"offer_status": contact.offer_status})
    return contact


@transaction.atomic
def private_lease_register(*, landlord: Landlord, resident: Resident, street_address: str,
                           postal_code: str, postal_place: str, monthly_rent: Decimal,
                           start_date: datetime.date, by) -> PrivateLease:
    """The housing service has helped a resident rent directly from a private landlord: the
    resident lives in a privately rented home from the start date, and leaves the by-name
    list then if they were on it."""

    errors: dict[str, list[str]] = {}
    if landlord.municipality_id != resident.municipality_id:
        errors["landlord"] = [_("Choose a landlord registered in this municipality.")]
    if not (postal_code.isdigit() and len(postal_code) == 4):
        errors["postal_code"] = [_("A postal code has four digits.")]
    if monthly_rent is None or monthly_rent < 0:
        errors["monthly_rent"] = [_("Write the monthly rent in kroner, 0 or more.")]
    if start_date > timezone.localdate() + datetime.timedelta(days=366):
        errors["start_date"] = [_("The start is more than a year ahead. Check the date.")]
    if PrivateLease.objects.filter(resident=resident, end_date__isnull=True).exists():
        errors["resident"] = [_("The resident already has a running private lease. End it "
                                "before registering a new one.")]
    if errors:
        raise ValidationError(errors)
    lease = PrivateLease.objects.create(
        municipality_id=resident.municipality_id, landlord=landlord, resident=resident,
        street_address=street_address.strip(), postal_code=postal_code,
        postal_place=postal_place.strip(), monthly_rent=monthly_rent, start_date=start_date,
        arranged_by=by)
    if start_date <= timezone.localdate():
        people.resident_update(resident=resident, by=by,
                               housing_situation=HousingSituation.OWN_HOME,
                               housing_situation_since=start_date)
    event_record(name="private_lease.registered", actor=by, target=lease,
                 changes={"landlord": landlord, "resident": resident,
                          "start_date": start_date, "monthly_rent": monthly_rent})
    return lease


@transaction.atomic
def suitability_tag_create(*, municipality, code: str, name: str, by) -> SuitabilityTag:
    tag = SuitabilityTag.objects.create(municipality=municipality, code=code, name=name)
    event_record(name="suitability.created", actor=by, target=tag, changes={"code": code})
    return tag


@transaction.atomic
def dwelling_register(
    *, municipality, by, street_address: str, postal_code: str, postal_place: str,
    matrikkel: str, kind: str, rooms: int, area_m2: Decimal, bruksenhetsnummer: str = "",
    floor: int = 1, has_lift: bool = False, wheelchair_accessible: bool = False,
    suitability=(), owner_kind: str = OwnerKind.MUNICIPAL, landlord: Landlord | None = None,
    status: str = DwellingStatus.VACANT,
) -> Dwelling:
    errors: dict[str, list[str]] = {}
    parts = None
    try:
        municipality_number, parts = matrikkel_parse(matrikkel)
        if municipality_number and municipality_number != municipality.number:
            errors["matrikkel"] = [_(
                "The cadastral number starts with another municipality's number (%(got)s). "
                "Use %(own)s or leave the municipality number out."
            ) % {"got": municipality_number, "own": municipality.number}]
    except ValidationError as exc:
        errors["matrikkel"] = exc.messages
    if bruksenhetsnummer:
        try:
            bruksenhetsnummer = bruksenhetsnummer_validate(bruksenhetsnummer)
        except ValidationError as exc:
            errors["bruksenhetsnummer"] = exc.messages
    if owner_kind == OwnerKind.PRIVATE and landlord is None:
        errors["landlord"] = [_("Choose the private landlord who owns the dwelling.")]
    if owner_kind == OwnerKind.MUNICIPAL:
        landlord = None
    if landlord is not None and landlord.municipality_id != municipality.pk:
        errors["landlord"] = [_("Choose a landlord registered in this municipality.")]
    if rooms is None or rooms < 1:
        errors["rooms"] = [_("A dwelling has at least one room.")]
    if not postal_code.strip().isdigit() or len(postal_code.strip()) != 4:
        errors["postal_code"] = [_("A postal code has four digits.")]
    if status == DwellingStatus.LET:
        errors["status"] = [_("A dwelling becomes let when a tenancy is registered on it.")]
    if errors:
        raise ValidationError(errors)
    dwelling = Dwelling(
        municipality=municipality, street_address=street_address.strip(),
        postal_code=postal_code.strip(), postal_place=postal_place.strip(),
        bruksenhetsnummer=bruksenhetsnummer, gnr=parts.gnr, bnr=parts.bnr, fnr=parts.fnr,
        snr=parts.snr, kind=kind, rooms=rooms, area_m2=area_m2, floor=floor, has_lift=has_lift,
        wheelchair_accessible=wheelchair_accessible, owner_kind=owner_kind, landlord=landlord,
        status=status,
    )
    dwelling.full_clean(exclude=["municipality", "landlord"])
    if Dwelling.objects.filter(
        municipality=municipality, street_address=dwelling.street_address,
        postal_code=dwelling.postal_code, bruksenhetsnummer=bruksenhetsnummer,
    ).exists():
        raise ValidationError({"street_address": [_(
            "This address and unit number is already registered. Open the existing dwelling."
        )]})
    dwelling.save()
    tags = [t for t in suitability if t.municipality_id == municipality.pk]
    dwelling.suitability.set(tags)
    event_record(
        name="dwelling.registered", actor=by, target=dwelling,
        changes={"address": dwelling.address, "matrikkel": str(dwelling.matrikkel), "kind": kind,
                 "status": status, "suitability": [t.code for t in tags]},
    )
    return dwelling


DWELLING_DESCRIPTION_FIELDS = ("postal_place", "matrikkel", "kind", "rooms", "area_m2", "floor",
                               "has_lift", "wheelchair_accessible")


@transaction.atomic
def dwelling_update(*, dwelling: Dwelling, by, **fields) -> Dwelling:
    """Correct a dwelling's description (e.g. from the property system's register). The
    address identifies the dwelling and stays; the status follows its tenancies."""
    unknown = set(fields) - set(DWELLING_DESCRIPTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown dwelling fields: {sorted(unknown)}")
    dwelling = Dwelling.objects.select_for_update().get(pk=dwelling.pk)
    errors: dict[str, list[str]] = {}
    values = dict(fields)
    if "matrikkel" in values:
        try:
            municipality_number, parts = matrikkel_parse(values.pop("matrikkel"))
        except ValidationError as exc:
            errors["matrikkel"] = exc.messages
        else:
            if municipality_number and municipality_number != dwelling.municipality.number:
                errors["matrikkel"] = [_(
                    "The cadastral number starts with another municipality's number "
                    "(%(got)s). Use %(own)s or leave the municipality number out."
                ) % {"got": municipality_number, "own": dwelling.municipality.number}]
            else:
                values.update(gnr=parts.gnr, bnr=parts.bnr, fnr=parts.fnr, snr=parts.snr)
    if "rooms" in values and (values["rooms"] is None or values["rooms"] < 1):
        errors["rooms"] = [_("A dwelling has at least one room.")]
    if errors:
        raise ValidationError(errors)
    old_matrikkel = str(dwelling.matrikkel)
    diff = changes_between(dwelling, values)
    for field, value in values.items():
        setattr(dwelling, field, value)
    dwelling.full_clean(exclude=["municipality", "landlord"], validate_unique=False)
    dwelling.save()
    if diff:
        for part in ("gnr", "bnr", "fnr", "snr"):
            diff.pop(part, None)
        if old_matrikkel != str(dwelling.matrikkel):
            diff["matrikkel"] = [old_matrikkel, str(dwelling.matrikkel)]
        event_record(name="dwelling.updated", actor=by, target=dwelling, changes=diff)
    return dwelling


@transaction.atomic
def dwelling_status_set(*, dwelling: Dwelling, status: str, by) -> Dwelling:
    dwelling = Dwelling.objects.select_for_update().get(pk=dwelling.pk)
    has_current = dwelling.tenancies.current().exists()
    if status == DwellingStatus.LET and not has_current:
        raise ValidationError({"status": [_(
            "A dwelling becomes let when a tenancy is registered on it.")]})
    if status != DwellingStatus.LET and has_current:
        raise ValidationError({"status": [_(
            "The dwelling has a current tenancy. End the tenancy before changing the status.")]})
    old = dwelling.status
    dwelling.status = status
    dwelling.save(update_fields=["status"])
    event_record(name="dwelling.status_changed", actor=by, target=dwelling,
                 changes={"status": [old, status]})
    return dwelling


def _tenancy_overlap_error(dwelling, start, end, exclude_pk=None):
    overlapping = dwelling.tenancies.overlapping(start, end)
    if exclude_pk:
        overlapping = overlapping.exclude(pk=exclude_pk)
    other = overlapping.order_by("start_date").first()
    if other is None:
        return None
    if other.end_date:
        return _("The dwelling is let from %(start)s to %(end)s in that period. Choose dates "
                 "outside that tenancy.") % {"start": date_long(other.start_date),
                                             "end": date_long(other.end_date)}
    return _("The dwelling is let from %(start)s with no end date. End that tenancy first.") % {
        "start": date_long(other.start_date)}



@transaction.atomic
def tenancy_register(
    *, dwelling: Dwelling, residents: list[Resident], start_date: datetime.date,
    monthly_rent: Decimal, fixed_term_end: datetime.date | None = None,
    end_date: datetime.date | None = None, end_reason: str = "", by,
) -> Tenancy:
    """Register a tenancy. A row lock on the dwelling makes two simultaneous tenancies
    on one dwelling impossible: the second waits, then sees the first and is refused."""
    dwelling = Dwelling.objects.select_for_update().get(pk=dwelling.pk)
    errors: dict[str, list[str]] = {}
    if not residents:
        errors["residents"] = [_("Choose at least one resident.")]
    if any(r.municipality_id != dwelling.municipality_id for r in residents):
        errors["residents"] = [_("Choose residents of this municipality.")]
    if dwelling.status == DwellingStatus.OUT_OF_SERVICE and end_date is None:
        errors["start_date"] = [_("The dwelling is out of service. Change its status first.")]
    if end_date is not None and end_date < start_date:
        errors["end_date"] = [_("The end date is before the start date. Correct one of them.")]
    if end_date is not None and not end_reason:
        errors["end_reason"] = [_("Choose why the tenancy ended.")]
    if end_date is None and end_reason:
        errors["end_date"] = [_("Give the end date, or leave the end reason empty.")]
    if fixed_term_end is not None and fixed_term_end <= start_date:
        errors["fixed_term_end"] = [_("The fixed-term end must come after the start date.")]
    if monthly_rent is None or monthly_rent < 0:
        errors["monthly_rent"] = [_("Give the monthly rent in kroner, 0 or more.")]
    if not errors:
        overlap = _tenancy_overlap_error(dwelling, start_date, end_date)
        if overlap:
            errors["start_date"] = [overlap]
    if errors:
        raise ValidationError(errors)
    tenancy = Tenancy.objects.create(
        municipality_id=dwelling.municipality_id, dwelling=dwelling, start_date=start_date,
        fixed_term_end=fixed_term_end, monthly_rent=monthly_rent, end_date=end_date,
        end_reason=end_reason,
    )
    tenancy.residents.set(residents)
    # The by-name list follows this event and the residents' new situation, in this order
    # (husly.outcomes.subscribers): housed first, then where they live now.
    event_record(
        name="tenancy.registered", actor=by, target=tenancy,
        changes={"dwelling": dwelling, "residents": [r.pk for r in residents],
                 "start_date": start_date, "fixed_term_end": fixed_term_end,
                 "monthly_rent": monthly_rent, "end_date": end_date, "end_reason": end_reason},
    )
    today = timezone.localdate()
    is_current = start_date <= today and (end_date is None or end_date >= today)
    if is_current:
        dwelling.status = DwellingStatus.LET
        dwelling.save(update_fields=["status"])
        for resident in residents:
            people.resident_housing_situation_set(
                resident=resident, situation=HousingSituation.MUNICIPAL_TENANCY,
                since=start_date, by=by)
    return tenancy


@transaction.atomic
def tenancy_end(
    *, tenancy: Tenancy, end_date: datetime.date, end_reason: str, by,
    housing_situation_after: str | None = None, what_went_wrong: str = "",
    do_differently: str = "",
) -> Tenancy:
    """End a tenancy. The dwelling becomes vacant; the residents' housing situation is what
    the officer says it is now (a planned move to own home, or back without a home)."""
    tenancy = Tenancy.objects.select_for_update().get(pk=tenancy.pk)
    errors: dict[str, list[str]] = {}
    if tenancy.end_date is not None:
        errors["end_date"] = [_("The tenancy has already ended.")]
    elif end_date < tenancy.start_date:
        errors["end_date"] = [_("The end date is before the start date (%(start)s). Correct "
                                "the end date.") % {"start": date_long(tenancy.start_date)}]
    if not end_reason:
        errors["end_reason"] = [_("Choose why the tenancy ended.")]
    if errors:
        raise ValidationError(errors)
    later = tenancy.dwelling.tenancies.filter(start_date__gt=tenancy.start_date,
                                              start_date__lte=end_date)
    if later.exists():
        raise ValidationError({"end_date": [_(
            "A later tenancy on the dwelling starts before this date. Choose an earlier end "
            "date.")]})
    tenancy.end_date = end_date
    tenancy.end_reason = end_reason
    tenancy.save(update_fields=["end_date", "end_reason"])
    dwelling = Dwelling.objects.select_for_update().get(pk=tenancy.dwelling_id)
    if end_date <= timezone.localdate() and not dwelling.tenancies.current().exists():
        dwelling.status = DwellingStatus.VACANT
        dwelling.save(update_fields=["status"])
    unplanned = end_reason in TenancyEndReason.unplanned()
    if unplanned and housing_situation_after not in HousingSituation.homeless():
        # Back on the by-name list at once: the person has no home now.
        housing_situation_after = SITUATION_AFTER[end_reason]
    if housing_situation_after:
        for resident in tenancy.residents.all():
            people.resident_housing_situation_set(
                resident=resident, situation=housing_situation_after, since=end_date, by=by)
    # An unplanned end opens a resettlement (husly.outcomes.subscribers); what the officer
    # wrote about it goes to that subscriber only, never into the audit trail.
    event_record(
        name="tenancy.ended", actor=by, target=tenancy,
        changes={"end_date": end_date, "end_reason": end_reason,
                 "housing_situation_after": housing_situation_after or "",
                 "unplanned": unplanned},
        private={"what_went_wrong": what_went_wrong, "do_differently": do_differently},
    )
    return tenancy


@transaction.atomic
def work_order_create(*, dwelling: Dwelling, kind: str, description: str, due_on, by,
                      resident=None, assigned_to=None, priority: int = 3):
    """A job for the caretakers. A preparation order puts a vacant dwelling in preparation."""

    errors: dict[str, list[str]] = {}
    if kind not in WorkOrderKind.values:
        errors["kind"] = [_("Choose the kind of job from the list.")]
    if priority not in WorkOrderPriority.values:
        errors["priority"] = [_("Choose a priority from the list.")]
    if not (description or "").strip():
        errors["description"] = [_("Describe the job, so the caretaker knows what to do.")]
    if errors:
        raise ValidationError(errors)
    dwelling = Dwelling.objects.select_for_update().get(pk=dwelling.pk)
    order = WorkOrder.objects.create(
        municipality_id=dwelling.municipality_id, dwelling=dwelling, kind=kind,
        description=description, resident=resident, assigned_to=assigned_to,
        created_on=timezone.localdate(), due_on=due_on, priority=priority,
    )
    if kind == WorkOrderKind.PREPARATION and dwelling.status == DwellingStatus.VACANT:
        dwelling.status = DwellingStatus.BEING_PREPARED
        dwelling.save(update_fields=["status"])
    event_record(name="work_order.created", actor=by, target=order,
                 changes={"dwelling": dwelling, "kind": kind, "due_on": due_on,
                          "assigned_to": assigned_to})
    return order


@transaction.atomic
def work_order_complete(*, work_order, what_was_done: str, guidance_given: str = "", by,
                        done_on=None):
    order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
    if order.done_on:
        raise ValidationError(_("The work order is already done."))
    if not what_was_done.strip():
        raise ValidationError({"what_was_done": [_("Write what was done.")]})
    order.done_on = done_on or timezone.localdate()
    order.done_by = by
    order.what_was_done = what_was_done.strip()
    order.guidance_given = guidance_given.strip()
    order.save(update_fields=["done_on", "done_by", "what_was_done", "guidance_given"])
    event_record(name="work_order.completed", actor=by, target=order,
                 changes={"done_on": order.done_on, "guidance_given": bool(guidance_given)})
    return order


@transaction.atomic
def work_order_assign(*, work_order, assigned_to, by):
    """Give a work order to a caretaker (or take it oneself): only caretakers do the job."""
    order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
    if order.done_on:
        raise ValidationError(_("The work order is already done."))
    if not assigned_to.role_assignments.filter(municipality_id=order.municipality_id,
                                               role=Role.CARETAKER).exists():
        raise ValidationError(_("%(name)s is not a caretaker. Give the work order to someone "
                                "in the caretaker service.") % {"name": assigned_to})
    order.assigned_to = assigned_to
    order.save(update_fields=["assigned_to"])
    event_record(name="work_order.assigned", actor=by, target=order,
                 changes={"assigned_to": assigned_to})
    return order


@transaction.atomic
def rent_arrears_record(*, tenancy: Tenancy, amount: Decimal, months_behind: int,
                        category: str, by, recorded_on=None):
    errors = {}
    if amount is None or amount <= 0:
        errors["amount"] = [_("Give the amount owed in kroner.")]
    if months_behind is None or months_behind < 1:
        errors["months_behind"] = [_("Give how many months of rent are unpaid.")]
    if tenancy.end_date and tenancy.end_date < timezone.localdate():
        errors["amount"] = [_("The tenancy has ended. Record arrears on the current one.")]
    if category not in ("housing", "nav"):
        raise ValueError("arrears are housing or NAV information")
    if errors:
        raise ValidationError(errors)
    arrears = RentArrears.objects.create(
        municipality_id=tenancy.municipality_id, tenancy=tenancy, amount=amount,
        months_behind=months_behind, recorded_on=recorded_on or timezone.localdate(),
        recorded_by=by, category=category)
    event_record(name="rent_arrears.recorded", actor=by, target=arrears,
                 changes={"tenancy": tenancy, "months_behind": months_behind,
                          "category": category})
    return arrears


@transaction.atomic
def rent_arrears_settle(*, arrears, by, settled_on=None):
    """The arrears are paid or otherwise settled: no longer a sign that the home is at risk.
    The record stays, with the date, in the resident's history."""

    settled_on = settled_on or timezone.localdate()
    arrears = RentArrears.objects.select_for_update().get(pk=arrears.pk)
    if arrears.settled_on is not None:
        raise ValidationError({"arrears": [_(
            "These arrears were marked as settled on %(date)s already.") % {
            "date": date_long(arrears.settled_on)}]})
    if settled_on < arrears.recorded_on or settled_on > timezone.localdate():
        raise ValidationError({"settled_on": [_(
            "Give a date from %(recorded)s to today.") % {
            "recorded": date_long(arrears.recorded_on)}]})
    arrears.settled_on = settled_on
    arrears.save(update_fields=["settled_on"])
    event_record(name="rent_arrears.settled", actor=by, target=arrears,
                 changes={"settled_on": settled_on})
    return arrears


ARREARS_MONTHS_MAX = 120


def _arrears_line_errors(line: dict, today) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        line["national_id"] = national_id_validate(line.get("national_id") or "")
    except ValidationError as exc:
        errors["national_id"] = exc.messages
    amount = line.get("amount")
    if amount is not None and not isinstance(amount, Decimal):
        amount = Decimal(amount)
    if amount is not None and amount.is_finite() and abs(amount) < Decimal("1e9"):
        # Whole kroner, as the arrears are kept; øre are rounded.
        amount = line["amount"] = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if amount is None or not amount.is_finite() or amount <= 0:
        errors["amount"] = [_("Give the amount owed in whole kroner, more than 0.")]
    elif amount >= Decimal("1e9"):
        errors["amount"] = [_("The amount is too large. Give the amount owed in kroner.")]
    months = line.get("months_behind")
    if months is None or not 1 <= months <= ARREARS_MONTHS_MAX:
        errors["months_behind"] = [_("Give how many months of rent are unpaid, from 1 to "
                                     "%(max)s.") % {"max": ARREARS_MONTHS_MAX}]
    as_of = line.get("as_of")
    if as_of is None:
        errors["as_of"] = [_("Give the date the arrears were counted.")]
    elif as_of > today:
        errors["as_of"] = [_("The date is in the future. Give the date the arrears were "
                             "counted, today or earlier.")]
    return errors


@transaction.atomic
def rent_arrears_report(*, municipality, lines: list[dict], by, category: str = "housing",
                        replaces_reports_of=None) -> tuple[list[dict], list]:
    """Rent arrears reported by another system (the finance system's list): one line per
    tenant, `{"national_id", "amount", "months_behind", "as_of"}`.

    Each line finds the resident by fødselsnummer in `municipality` and the tenancy that runs
    on `as_of`. Every line is checked first; if any is wrong nothing is saved and the
    ValidationError's keys are "<line number>.<field>" (from 0). The same report twice
    changes nothing: a line for a tenancy and date `by` has already reported is "unchanged",
    or "corrected" when the figures differ; otherwise it is "recorded" through
    `rent_arrears_record`.

    With `replaces_reports_of` (users: the systems whose reports this list takes over), the
    lines are the whole list: every open arrears of the category those users reported and
    that is not on this list (paid, or replaced by the figures on it) is settled today.
    Returns one `{"line", "result", "arrears", "resident"}` per line, and the arrears
    settled.
    """

    today = timezone.localdate()
    lines = [dict(line) for line in lines]
    errors: dict[str, list[str]] = {}
    for n, line in enumerate(lines):
        for field, messages in _arrears_line_errors(line, today).items():
            errors[f"{n}.{field}"] = messages
    ids = {line["national_id"] for n, line in enumerate(lines)
           if f"{n}.national_id" not in errors}
    residents = {r.national_id: r for r in Resident.objects.filter(
        municipality=municipality, national_id__in=ids)}
    tenancies: dict[int, list[Tenancy]] = {}
    for tenancy in (Tenancy.objects.filter(municipality=municipality,
                                           residents__in=list(residents.values()))
                    .select_related("dwelling").prefetch_related("residents").distinct()):
        for resident in tenancy.residents.all():
            tenancies.setdefault(resident.pk, []).append(tenancy)
    found: dict[int, tuple] = {}
    seen: set[tuple] = set()
    for n, line in enumerate(lines):
        if any(key.startswith(f"{n}.") for key in errors):
            continue
        resident = residents.get(line["national_id"])
        if resident is None:
            errors[f"{n}.national_id"] = [_(
                "No resident in Husly has this fødselsnummer in %(municipality)s. Check the "
                "number, or leave the line out if the tenant is not in Husly.") % {
                "municipality": municipality.name}]
            continue
        as_of = line["as_of"]
        running = [t for t in tenancies.get(resident.pk, []) if t.start_date <= as_of
                   and (t.end_date is None or t.end_date >= as_of)]
        if not running:
            errors[f"{n}.as_of"] = [_(
                "The resident has no tenancy in Husly that runs on %(date)s. Check the date, "
                "or leave the line out.") % {"date": date_long(as_of)}]
            continue
        if len(running) > 1:
            errors[f"{n}.national_id"] = [_(
                "The resident has more than one tenancy on %(date)s in Husly. Ask the housing "
                "service to correct the tenancies, then send the list again.") % {
                "date": date_long(as_of)}]
            continue
        tenancy = running[0]
        if tenancy.end_date is not None and tenancy.end_date < today:
            errors[f"{n}.as_of"] = [_(
                "The tenancy ended on %(date)s. Husly records arrears on running tenancies "
                "only: leave the line out.") % {"date": date_long(tenancy.end_date)}]
            continue
        if (tenancy.pk, as_of) in seen:
            errors[f"{n}.national_id"] = [_(
                "The same tenant and date are on an earlier line. Send each tenant once per "
                "date.")]
            continue
        seen.add((tenancy.pk, as_of))
        found[n] = (resident, tenancy)
    if errors:
        raise ValidationError(errors)
    # The tenancy rows are locked: the same report sent twice at once is recorded once.
    locked = list(Tenancy.objects.select_for_update().filter(
        pk__in={t.pk for _r, t in found.values()}).order_by("pk").values_list("pk", flat=True))
    # Open ones only: arrears settled since are owed again when a list has them again.
    earlier = {(a.tenancy_id, a.recorded_on): a for a in RentArrears.objects.filter(
        tenancy_id__in=locked, recorded_by=by, recorded_on__in={d for _t, d in seen},
        settled_on__isnull=True)}
    results = []
    for n, line in enumerate(lines):
        resident, tenancy = found[n]
        amount, months = line["amount"], line["months_behind"]
        arrears = earlier.get((tenancy.pk, line["as_of"]))
        if arrears is None:
            arrears = rent_arrears_record(tenancy=tenancy, amount=amount, months_behind=months,
                                          category=category, by=by, recorded_on=line["as_of"])
            result = "recorded"
        elif arrears.amount == amount and arrears.months_behind == months:
            result = "unchanged"
        else:
            changes = {"amount": [arrears.amount, amount],
                       "months_behind": [arrears.months_behind, months]}
            arrears.amount, arrears.months_behind = amount, months
            arrears.save(update_fields=["amount", "months_behind"])
            event_record(name="rent_arrears.corrected", actor=by, target=arrears,
                         changes=changes)
            result = "corrected"
        results.append({"line": n, "result": result, "arrears": arrears, "resident": resident})
    settled = []
    if replaces_reports_of is not None:
        listed = {r["arrears"].pk for r in results}
        for arrears in (RentArrears.objects.filter(
                municipality=municipality, recorded_by__in=replaces_reports_of,
                category=category, settled_on__isnull=True)
                .exclude(pk__in=listed).order_by("pk")):
            settled.append(rent_arrears_settle(arrears=arrears, by=by, settled_on=today))
    return results, settled


PHOTO_MAX_BYTES = 5 * 1024 * 1024


@transaction.atomic
def work_order_photo_add(*, work_order, upload, by):
    """Attach a photo: only JPEG, PNG or WebP images up to 5 MB; checked by opening it."""

    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError({"image": [_("The photo is larger than 5 MB. Take it again with "
                                           "a lower resolution, or choose a smaller photo.")]})
    content_type = image_content_type(upload)
    if content_type is None:
        raise ValidationError({"image": [_("Only photos can be attached (JPEG, PNG or WebP). "
                                           "Choose a photo file.")]})
    photo = WorkOrderPhoto.objects.create(
        work_order=work_order, image=upload, content_type=content_type,
        uploaded_by=by, uploaded_at=timezone.now())
    event_record(name="work_order.photo_added", actor=by, target=work_order,
                 changes={"photo": photo.pk})
    return photo
