"""Writes of the access module: the access log, consent, break-the-glass and retention."""

import datetime
import json
import operator
from functools import reduce

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.access.models import (
    AccessListRead,
    AccessListReadResident,
    AccessLogEntry,
    BreakGlass,
    BreakGlassOutcome,
    BreakGlassReason,
    Consent,
    ConsentForm,
    ConsentScope,
    ListKind,
    RetentionSettings,
)
from husly.access.policy import (
    UNIT_CATEGORIES,
    ResidentAccess,
    StaffContext,
    access_review_team_ids,
    break_glass_duration,
    categories_held_by,
    may_break_glass,
    may_review_access,
    resident_access,
)
from husly.access.selectors import (
    break_glass_open_for_review,
    retention_due,
    retention_settings_for,
)
from husly.common import persondata
from husly.common.events import event_record, settings_save
from husly.common.models import Category, DomainEvent
from husly.common.uploads import scan_content_type

CONSENT_SCAN_MAX_BYTES = 10 * 1024 * 1024


def access_log_record(
    *, staff: StaffContext, resident, access: ResidentAccess, view: str
) -> AccessLogEntry:
    """Log one read of `resident`'s information. Refused reads are not reads: never logged."""
    if not access.allowed:
        raise ValueError("a refused read is not logged as a read")
    return AccessLogEntry.objects.create(
        municipality_id=resident.municipality_id,
        user=staff.user,
        resident=resident,
        accessed_at=timezone.now(),
        categories=",".join(sorted(access.categories)),
        basis=access.basis,
        view=view,
        unit=_reading_unit(staff, access),
    )


def _reading_unit(staff: StaffContext, access: ResidentAccess):
    """The unit through which the categories were read, for the letter to the resident."""

    return next((u for u in staff.units if UNIT_CATEGORIES[u.kind] & access.categories),
                staff.units[0] if staff.units else None)


def resident_read(*, staff: StaffContext, resident, view: str,
                  access: ResidentAccess | None = None, needs: str | None = None
                  ) -> ResidentAccess:
    """What `staff` may read of `resident` now, with the read written to the access log: the
    one place where a read of one resident is decided and logged together, so a page cannot
    show the information without its log row. Pages and the API call this, never
    `access_log_record`.

    `access` is an access already decided: on the basis a hand-off records (a statement, a
    meeting, an integration's operation), or earlier in the same request by a page that
    reads only when it renders. `needs` is the category the page shows: without it the page
    refuses, so nothing was read. A refused read is not logged; the caller refuses as its
    page always has (the refusal page, 403 or 404), from the returned access."""
    if access is None:
        access = resident_access(staff, resident)
    if access.allowed and (needs is None or access.reads(needs)):
        access_log_record(staff=staff, resident=resident, access=access, view=view)
    return access


def list_read_record(*, staff: StaffContext, residents, view: str) -> AccessListRead | None:
    """Log that a page or export showed the names of `residents` (objects or ids) to
    `staff`: one list-read row and one row per resident, two inserts whatever the length.
    Callers pass only the residents whose names were shown; a list without names is no read
    and writes nothing. Objects carry their municipality; bare ids are the staff member's
    municipality's, as every list is filtered by it."""
    if view not in ListKind.values:
        raise ValueError(f"{view!r} is not a list the access log can name (ListKind)")
    staff_municipality = getattr(staff.municipality, "pk", None)
    by_municipality: dict[int, set[int]] = {}
    for resident in residents:
        if resident is None:
            continue
        if isinstance(resident, int):
            pk, municipality_id = resident, staff_municipality
        else:
            pk, municipality_id = resident.pk, resident.municipality_id
        if municipality_id is None:
            raise ValueError("a list read needs the municipality of the residents shown")
        by_municipality.setdefault(municipality_id, set()).add(pk)
    if not by_municipality:
        return None
    now = timezone.now()
    unit = staff.units[0] if staff.units else None
    first = None
    # One municipality but for a calendar feed of someone working in several.
    for municipality_id, ids in sorted(by_municipality.items()):
        # No savepoint: inside a request's transaction it would cost two queries a list.
        with transaction.atomic(savepoint=False):
            header = AccessListRead.objects.create(
                municipality_id=municipality_id, user=staff.user, read_at=now, view=view,
                unit=unit if unit is not None and unit.municipality_id == municipality_id
                else None)
            _list_read_rows_insert(municipality_id=municipality_id, list_read=header,
                                   resident_ids=sorted(ids))
        first = first or header
    return first


def _list_read_rows_insert(*, municipality_id: int, list_read, resident_ids: list[int]) -> None:
    """The residents of one list read in one statement, however many: bulk_create splits
    its rows into batches of SQLite's 999 parameters, so a board of 1,000 names would cost
    four queries, and a page's queries would grow with its data. The ids travel as one
    array (PostgreSQL) or one JSON text (SQLite) and are unpacked by the database."""
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        AccessListReadResident.objects.bulk_create([
            AccessListReadResident(municipality_id=municipality_id, list_read=list_read,
                                   resident_id=pk) for pk in resident_ids])
        return
    quote = connection.ops.quote_name
    table = quote(AccessListReadResident._meta.db_table)
    columns = ", ".join(quote(c) for c in ("municipality_id", "list_read_id", "resident_id"))
    if vendor == "postgresql":
        ids_sql, ids = "unnest(%s::bigint[])", list(resident_ids)
    else:
        ids_sql, ids = "value FROM json_each(%s)", json.dumps(list(resident_ids))
    # Only quoted names are formatted in; every value is a bound parameter.
    sql = f"INSERT INTO {table} ({columns}) SELECT %s, %s, {ids_sql}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [municipality_id, list_read.pk, ids])


def _consent_errors(*, resident, from_units, to_units, categories, purpose, given_on,
                    expires_on, form, attachment) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not categories or set(categories) - set(Category.values):
        errors["categories"] = [_("Choose what the consent covers.")]
    if not from_units:
        errors["from_units"] = [_("Choose the unit or units the information comes from.")]
    if not to_units:
        errors["to_units"] = [_("Choose the unit or units that may read it.")]
    if any(u.municipality_id != resident.municipality_id for u in [*from_units, *to_units]):
        errors.setdefault("to_units", []).append(
            _("Choose units in this municipality from the list."))
    elif from_units and to_units and categories and "categories" not in errors:
        missing = set(categories) - categories_held_by(from_units)
        already = set(categories) & categories_held_by(to_units)
        if already:
            # Consent crosses units; within a unit the law decides (health needs health
            # personnel), and a consent must not widen that.
            errors["to_units"] = [_(
                "A unit that already holds %(categories)s cannot receive it by consent. Choose "
                "another unit to share with."
            ) % {"categories": ", ".join(str(Category(c).label).lower() for c in sorted(already))}]
        elif missing:
            errors["categories"] = [_(
                "The units the information comes from do not hold %(categories)s. Choose the "
                "unit that holds it, or remove it from the consent."
            ) % {"categories": ", ".join(str(Category(c).label).lower() for c in sorted(missing))}]
    if not (purpose or "").strip():
        errors["purpose"] = [_("Write what the information may be used for.")]
    if given_on and given_on > timezone.localdate():
        errors["given_on"] = [_("The consent cannot be given in the future. Use today or an "
                                "earlier date.")]
    if given_on and expires_on and expires_on < given_on:
        errors["expires_on"] = [_("The consent cannot expire before it is given. Choose an "
                                  "expiry on or after the date it was given.")]
    if form not in ConsentForm.values:
        errors["form"] = [_("Choose whether the consent was written or verbal.")]
    if attachment:
        if attachment.size > CONSENT_SCAN_MAX_BYTES:
            errors["attachment"] = [_("The file is larger than 10 MB. Scan it again with a "
                                      "lower resolution.")]
        elif scan_content_type(attachment) is None:
            errors["attachment"] = [_("Only a PDF or a photo (JPEG, PNG or WebP) of the signed "
                                      "form can be attached.")]
    return errors


@transaction.atomic
def consent_record(
    *, resident, from_units, to_units, categories: list[str], purpose: str, given_on,
    form: str, by, expires_on=None, attachment=None, scope: str = ConsentScope.CATEGORIES,
) -> Consent:
    """Record the resident's consent to share `categories` from some units with others.
    From this moment every read by the receiving units checks it."""
    from_units, to_units = list(from_units), list(to_units)
    errors = _consent_errors(
        resident=resident, from_units=from_units, to_units=to_units, categories=categories,
        purpose=purpose, given_on=given_on, expires_on=expires_on, form=form,
        attachment=attachment)
    if errors:
        raise ValidationError(errors)
    consent = Consent(
        municipality_id=resident.municipality_id, resident=resident,
        categories=sorted(categories), purpose=purpose.strip(), given_on=given_on,
        expires_on=expires_on, form=form, recorded_by=by, scope=scope,
    )
    if attachment:
        consent.attachment = attachment
        consent.attachment_content_type = scan_content_type(attachment)
    consent.save()
    consent.from_units.set(from_units)
    consent.to_units.set(to_units)
    # The purpose is free text and may describe the person: the event does not copy it.
    event_record(
        name="consent.recorded", actor=by, target=consent,
        changes={"resident": resident, "categories": sorted(categories),
                 "from_units": [u.pk for u in from_units], "to_units": [u.pk for u in to_units],
                 "given_on": given_on, "expires_on": expires_on, "form": form,
                 "attachment": bool(attachment), "scope": scope},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, by, on: datetime.date | None = None) -> Consent:
    """Withdraw a consent; from `on` (today unless told) it opens nothing. As quick as
    giving it: no reason is asked for, the resident owes none."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ValidationError(_("The consent is already withdrawn."))
    on = on or timezone.localdate()
    if on < consent.given_on:
        on = consent.given_on
    consent.withdrawn_on = on
    consent.save(update_fields=["withdrawn_on"])
    event_record(name="consent.withdrawn", actor=by, target=consent, changes={"withdrawn_on": on})
    return consent


def break_glass_hint_record(*, staff: StaffContext, resident) -> None:
    """A search confirmed to someone without a relation that this resident exists."""
    with transaction.atomic():
        event_record(name="break_glass.hint_shown", actor=staff.user, target=resident,
                     changes={})


@transaction.atomic
def break_glass_start(*, staff: StaffContext, resident, reason: str,
                      explanation: str) -> BreakGlass:
    """Open a resident's record without a work relation, for a limited time, for review."""
    errors: dict[str, list[str]] = {}
    if reason not in BreakGlassReason.values:
        errors["reason"] = [_("Choose why you need access.")]
    if len((explanation or "").strip()) < 10:
        errors["explanation"] = [_("Explain in a sentence what the emergency is, so the team "
                                   "leader can review it.")]
    if errors:
        raise ValidationError(errors)
    if not may_break_glass(staff, resident_access(staff, resident)):
        raise ValidationError(_("You already have access to this resident, or your role "
                                "cannot use emergency access."))
    now = timezone.now()
    glass = BreakGlass.objects.create(
        municipality_id=resident.municipality_id, user=staff.user, resident=resident,
        reason=reason, explanation=explanation.strip(), started_at=now,
        expires_at=now + break_glass_duration(),
    )
    event_record(name="break_glass.started", actor=staff.user, target=glass,
                 changes={"resident": resident, "reason": reason,
                          "expires_at": glass.expires_at})
    return glass


@transaction.atomic
def break_glass_review(*, staff: StaffContext, break_glass: BreakGlass, outcome: str,
                       note: str = "") -> BreakGlass:
    glass = BreakGlass.objects.select_for_update().get(pk=break_glass.pk)
    in_scope = break_glass_open_for_review(
        municipality=staff.municipality, team_ids=access_review_team_ids(staff),
    ).filter(pk=glass.pk).exists() if glass.reviewed_at is None else True
    if not may_review_access(staff, glass.municipality_id) or not in_scope:
        raise ValidationError(_("Only a team leader in this municipality reviews emergency "
                                "access."))
    if glass.user_id == staff.user.pk:
        raise ValidationError(_("Your own emergency access is reviewed by another team "
                                "leader."))
    if glass.reviewed_at is not None:
        raise ValidationError(_("This emergency access is already reviewed."))
    if outcome not in BreakGlassOutcome.values:
        raise ValidationError({"outcome": [_("Choose the outcome of the review.")]})
    if outcome == BreakGlassOutcome.FOLLOWED_UP and not note.strip():
        raise ValidationError({"note": [_("Write how you followed it up.")]})
    glass.reviewed_at = timezone.now()
    glass.reviewed_by = staff.user
    glass.review_outcome = outcome
    glass.review_note = note.strip()
    glass.save(update_fields=["reviewed_at", "reviewed_by", "review_outcome", "review_note"])
    event_record(name="break_glass.reviewed", actor=staff.user, target=glass,
                 changes={"outcome": outcome})
    return glass


def retention_settings_save(*, municipality, years_after_end: int, by) -> RetentionSettings:
    with transaction.atomic():
        return settings_save(instance=retention_settings_for(municipality),
                             values={"years_after_end": years_after_end}, by=by,
                             name="retention.settings_changed")


def retention_anonymise(resident, *, by, today: datetime.date) -> None:
    """Anonymise what every app declared about `resident` (husly.common.persondata): free
    text written about the person, wherever it was written, and the person row itself."""
    declared = persondata.declarations()
    # Earlier events copied values about the person (the name, wishes, companions at a
    # viewing): blanked first, so the events the anonymisation itself records stay.
    targets = [Q(target_type=d.label, target_id__in=[
        str(pk) for pk in d.rows_for(resident.pk).values_list("pk", flat=True)])
        for d in declared if d.anonymise_events]
    if targets:
        DomainEvent.objects.filter(reduce(operator.or_, targets)).update(
            changes={"anonymised": True})
    for declaration in declared:
        declaration.anonymise_rows(resident, by=by, today=today)


def _resident_preserve(resident, *, by, today) -> None:
    for declaration in persondata.declarations():
        if declaration.preserve is not None:
            declaration.preserve(resident=resident, by=by, today=today)


@transaction.atomic
def retention_apply(*, municipality, by=None, today: datetime.date | None = None) -> dict:
    """Anonymise the residents whose time is up, except those with records from drug-related
    or psychosocial care: archive rules require those kept, so they are marked to be kept
    and never anonymised or deleted. Nothing is ever hard-deleted, the access log included."""

    today = today or timezone.localdate()
    due = retention_due(municipality=municipality, today=today)
    preserve, anonymise = list(due["preserve"]), list(due["anonymise"])
    for resident in preserve:
        _resident_preserve(resident, by=by, today=today)
    for resident in anonymise:
        retention_anonymise(resident, by=by, today=today)
    return {"anonymised": len(anonymise), "preserved": len(preserve)}
