"""Every write of an import: the upload, the column mapping, and the import itself.

The check (dry run) and the import are one code path: every row goes through the same
services the pages use (dwelling_register, resident_register, tenancy_register, …), each in a
savepoint, inside one transaction. The check always rolls the transaction back; the import
commits it only when no row has a problem. So the check finds every refusal the import would
meet, and the import checks again against the data as it is then.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.accounts.models import Role, RoleAssignment
from husly.common.events import event_record
from husly.common.identifiers import matrikkel_parse
from husly.housing import services as housing
from husly.housing.models import Dwelling
from husly.imports import reading
from husly.imports.fields import fields_for, mapping_guess, row_values
from husly.imports.models import ImportBatch, ImportKind
from husly.people import services as people
from husly.people.models import Resident

# An uploaded file's cells are kept this long between the steps, then cleared.
BATCH_HOURS = 24

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


@dataclass
class Problem:
    row: int
    field: str
    message: str


@dataclass
class Outcome:
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.problems

    @property
    def to_do(self) -> int:
        return self.new + self.changed

    def as_counts(self) -> dict:
        return {"rows": self.rows, "new": self.new, "changed": self.changed,
                "unchanged": self.unchanged}


class _RollBack(Exception):
    pass


# Numbers of 11 digits (or 6 + 5) never leave the check, whatever a message says.
NATIONAL_ID_LIKE = re.compile(r"\d{6}\s?\d{5}")


def _safe(message: str) -> str:
    return NATIONAL_ID_LIKE.sub("…", str(message))


# -- upload and mapping --------------------------------------------------------------------


def import_batches_clear(*, now: datetime.datetime | None = None) -> int:
    """Clear the cells of every upload older than BATCH_HOURS (imported or not). Housekeeping
    of working copies, not a change of the register: no domain event."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=BATCH_HOURS)
    return ImportBatch.objects.filter(created_at__lt=cutoff, data_cleared_at__isnull=True).update(
        header=[], rows=[], data_cleared_at=now)


@transaction.atomic
def import_batch_upload(*, municipality, by, kind: str, upload, encoding: str = "utf-8"
                        ) -> ImportBatch:
    """Read the file and keep its cells for the next steps, with the columns guessed from the
    header names. Refused with a message on `upload` if the file cannot be read."""

    if kind not in ImportKind.values:
        raise ValidationError({"kind": [_("Choose what the file holds.")]})
    import_batches_clear()
    data = upload.read(reading.MAX_BYTES + 1)
    sheet = reading.sheet_read(data, encoding=encoding)
    name = (getattr(upload, "name", "") or "")[-200:]
    return ImportBatch.objects.create(
        municipality=municipality, created_by=by, created_at=timezone.now(), kind=kind,
        file_name=name, header=sheet.header, rows=[[n, cells] for n, cells in sheet.rows],
        row_count=len(sheet.rows), mapping=mapping_guess(kind, sheet.header))


@transaction.atomic
def import_batch_map(*, batch: ImportBatch, mapping: dict[str, int | None], by) -> ImportBatch:
    """Save which column holds each Husly field. Every required field needs a column."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    errors: dict[str, list[str]] = {}
    chosen: dict[str, int] = {}
    for f in fields_for(batch.kind):
        index = mapping.get(f.name)
        if index is None or index == "":
            if f.required:
                errors[f.name] = [_("Choose the column that holds this. If the file has no "
                                    "such column, add it to the file and upload it again.")]
            continue
        index = int(index)
        if not 0 <= index < len(batch.header):
            errors[f.name] = [_("Choose one of the file's columns.")]
            continue
        chosen[f.name] = index
    used: dict[int, str] = {}
    for name, index in chosen.items():
        if index in used:
            errors[name] = [_("This column is already chosen for another field. Choose the "
                              "right column for each field.")]
        used[index] = name
    if errors:
        raise ValidationError(errors)
    batch.mapping = chosen
    batch.mapped_at = timezone.now()
    batch.save(update_fields=["mapping", "mapped_at"])
    return batch


# -- the check and the import ----------------------------------------------------------------


def _dwelling_key(values) -> tuple:
    return (values.get("street_address", "").casefold(), values.get("postal_code", ""),
            values.get("bruksenhetsnummer") or "")


def _dwelling_find(municipality, values) -> Dwelling | None:
    return Dwelling.objects.filter(
        municipality=municipality, street_address__iexact=values["street_address"],
        postal_code=values["postal_code"],
        bruksenhetsnummer=values.get("bruksenhetsnummer") or "").first()


def _dwelling_row(*, batch, values, mapped, by) -> str:
    municipality = batch.municipality
    existing = _dwelling_find(municipality, values)
    if existing is None:
        housing.dwelling_register(
            municipality=municipality, by=by, street_address=values["street_address"],
            postal_code=values["postal_code"], postal_place=values["postal_place"],
            bruksenhetsnummer=values.get("bruksenhetsnummer") or "",
            matrikkel=values["matrikkel"], kind=values["kind"], rooms=values["rooms"],
            area_m2=values["area_m2"], floor=values["floor"], has_lift=values["has_lift"],
            wheelchair_accessible=values["wheelchair_accessible"], status=values["status"])
        return NEW
    changes = {}
    for name in housing.DWELLING_DESCRIPTION_FIELDS:
        if name not in mapped:
            continue  # a column the file does not have leaves the dwelling's value alone
        if name == "matrikkel":
            if str(matrikkel_parse(values[name])[1]) != str(existing.matrikkel):
                changes[name] = values[name]
        elif getattr(existing, name) != values[name]:
            changes[name] = values[name]
    if not changes:
        return UNCHANGED
    housing.dwelling_update(dwelling=existing, by=by, **changes)
    return CHANGED


def _case_unit(batch, by):
    assignment = RoleAssignment.objects.filter(
        user=by, municipality=batch.municipality, role=Role.HOUSING_OFFICER,
        unit__isnull=False).select_related("unit").first()
    return assignment.unit if assignment else None


def _resident_row(*, batch, values, mapped, by) -> str:
    existing = Resident.objects.filter(municipality=batch.municipality,
                                       national_id=values["national_id"]).first()
    if existing is None:
        people.resident_register(
            municipality=batch.municipality, by=by, case_unit=_case_unit(batch, by),
            national_id=values["national_id"], given_name=values["given_name"],
            family_name=values["family_name"], phone=values.get("phone") or "",
            housing_situation=values["housing_situation"],
            housing_situation_since=values.get("housing_situation_since")
            or timezone.localdate())
        return NEW
    # The housing situation of someone already in Husly follows their tenancies and the
    # by-name list; the import corrects only the name and phone.
    changes = {name: values[name] for name in ("given_name", "family_name", "phone")
               if name in mapped and getattr(existing, name) != (values[name] or "")}
    if not changes:
        return UNCHANGED
    people.resident_update(resident=existing, by=by, **changes)
    return CHANGED


def _tenancy_row(*, batch, values, mapped, by) -> str:
    municipality = batch.municipality
    dwelling = _dwelling_find(municipality, values)
    if dwelling is None:
        raise ValidationError({"street_address": [_(
            "No dwelling in Husly has this address, postal code and unit number. Import the "
            "dwellings first, or correct the cell.")]})
    numbers = values["national_ids"]
    residents = list(Resident.objects.filter(municipality=municipality,
                                             national_id__in=numbers))
    if len(residents) != len(numbers):
        raise ValidationError({"national_ids": [_(
            "A fødselsnummer in the cell is not registered as a resident in Husly. Import the "
            "residents first, or correct the number.")]})
    existing = dwelling.tenancies.filter(start_date=values["start_date"]).first()
    if existing is None:
        housing.tenancy_register(
            dwelling=dwelling, residents=residents, start_date=values["start_date"],
            monthly_rent=values["monthly_rent"], fixed_term_end=values.get("fixed_term_end"),
            end_date=values.get("end_date"), end_reason=values.get("end_reason") or "", by=by)
        return NEW
    labels = {f.name: f.label for f in fields_for(ImportKind.TENANCIES)}
    differs = []
    if {r.pk for r in residents} != set(existing.residents.values_list("pk", flat=True)):
        differs.append("national_ids")
    if existing.monthly_rent != values["monthly_rent"]:
        differs.append("monthly_rent")
    if "fixed_term_end" in mapped and existing.fixed_term_end != values.get("fixed_term_end"):
        differs.append("fixed_term_end")
    end_date, end_reason = values.get("end_date"), values.get("end_reason") or ""
    ends_now = existing.end_date is None and end_date is not None
    if not ends_now and ("end_date" in mapped or "end_reason" in mapped) and (
            existing.end_date != end_date or existing.end_reason != end_reason):
        differs.append("end_date")
    if differs:
        raise ValidationError({differs[0]: [_(
            "The tenancy with this start date is in Husly with another value here (%(fields)s)."
            " Correct the file, or change the tenancy in Husly.") % {
            "fields": ", ".join(str(labels[name]) for name in differs)}]})
    if ends_now:
        housing.tenancy_end(tenancy=existing, end_date=end_date, end_reason=end_reason, by=by)
        return CHANGED
    return UNCHANGED


ROW_APPLY = {ImportKind.DWELLINGS: _dwelling_row, ImportKind.RESIDENTS: _resident_row,
             ImportKind.TENANCIES: _tenancy_row}

# A service's field that the file has under another name.
SERVICE_FIELD = {"residents": "national_ids", "national_id": "national_id",
                 "landlord": "street_address"}


def _file_problems(kind, parsed, add) -> set[int]:
    """Rows that repeat or overlap an earlier row of the same file: {row number}."""
    bad: set[int] = set()
    seen: dict[tuple, int] = {}
    periods: dict[tuple, list] = {}
    for number, values, ok in parsed:
        if not ok:
            continue
        if kind == ImportKind.DWELLINGS:
            key, name = _dwelling_key(values), "street_address"
        elif kind == ImportKind.RESIDENTS:
            key, name = (values["national_id"],), "national_id"
        else:
            key, name = _dwelling_key(values) + (values["start_date"],), "start_date"
        if key in seen:
            add(number, name, _("Row %(row)s of the file is the same %(what)s. Remove one of "
                                "the rows.") % {"row": seen[key], "what": _what(kind)})
            bad.add(number)
            continue
        seen[key] = number
        if kind == ImportKind.TENANCIES:
            start, end = values["start_date"], values.get("end_date")
            for other, other_start, other_end in periods.setdefault(_dwelling_key(values), []):
                if (other_end is None or other_end >= start) and (end is None
                                                                  or end >= other_start):
                    add(number, "start_date", _(
                        "The period overlaps the tenancy in row %(row)s of the file on the same "
                        "dwelling. Correct the dates.") % {"row": other})
                    bad.add(number)
                    break
            else:
                periods[_dwelling_key(values)].append((number, start, end))
    return bad


def _what(kind) -> str:
    return {ImportKind.DWELLINGS: _("dwelling"), ImportKind.RESIDENTS: _("resident"),
            ImportKind.TENANCIES: _("tenancy")}[kind]


def _run(batch: ImportBatch, *, by, commit: bool) -> Outcome:
    kind = batch.kind
    labels = {f.name: str(f.label) for f in fields_for(kind)}
    outcome = Outcome(rows=len(batch.rows))

    def add(number, name, message):
        label = labels.get(SERVICE_FIELD.get(name, name)) or labels.get(name) or _("The row")
        outcome.problems.append(Problem(row=number, field=label, message=_safe(message)))

    parsed = []
    for number, cells in batch.rows:
        values, problems = row_values(kind, batch.mapping, cells)
        for name, message in problems.items():
            add(number, name, message)
        parsed.append((number, values, not problems))
    repeated = _file_problems(kind, parsed, add)
    mapped = set(batch.mapping)
    apply_row = ROW_APPLY[kind]
    try:
        with transaction.atomic():
            for number, values, ok in parsed:
                if not ok or number in repeated:
                    continue
                try:
                    with transaction.atomic():
                        result = apply_row(batch=batch, values=values, mapped=mapped, by=by)
                except ValidationError as exc:
                    if hasattr(exc, "error_dict"):
                        for name, errors in exc.message_dict.items():
                            add(number, name, " ".join(errors))
                    else:
                        add(number, "", " ".join(exc.messages))
                    continue
                except IntegrityError:
                    add(number, "", _("The row could not be saved: someone changed the same "
                                      "data at the same time. Check the file again."))
                    continue
                setattr(outcome, result, getattr(outcome, result) + 1)
            outcome.problems.sort(key=lambda p: p.row)
            if not (commit and outcome.clean):
                raise _RollBack
            batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            batch.applied_at = timezone.now()
            batch.counts = outcome.as_counts()
            batch.header, batch.rows, batch.data_cleared_at = [], [], batch.applied_at
            batch.save(update_fields=["applied_at", "counts", "header", "rows",
                                      "data_cleared_at"])
            if outcome.to_do:
                event_record(name="import.applied", actor=by, target=batch,
                             changes={"kind": kind, **outcome.as_counts()})
    except _RollBack:
        pass
    return outcome


def import_check(*, batch: ImportBatch, by) -> Outcome:
    """The dry run: every problem by row and field, and what the import would do. Nothing
    is saved (the services run in a transaction that is rolled back)."""
    return _run(batch, by=by, commit=False)


def import_apply(*, batch: ImportBatch, by) -> Outcome:
    """Import every row in one transaction, or nothing: the rows are checked again against
    the register as it is now. Refused when a row has a problem; the same file imported
    again changes nothing and records no event."""
    if batch.applied_at is not None:
        raise ValidationError(_("This file has already been imported."))
    if batch.data_cleared_at is not None or batch.mapped_at is None:
        raise ValidationError(_("The uploaded file is no longer kept. Upload it again."))
    outcome = _run(batch, by=by, commit=True)
    if not outcome.clean:
        raise ValidationError(_(
            "Nothing was imported: %(count)s problems were found when the rows were checked "
            "again. Correct the file and upload it again.") % {"count": len(outcome.problems)})
    return outcome
