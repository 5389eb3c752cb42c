"""Every write to residents, their cases and notes."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.common.events import changes_between, event_record
from husly.common.identifiers import national_id_birth_date, national_id_validate
from husly.common.models import Category
from husly.people.models import Case, CaseKind, Resident, ResidentNote

RESIDENT_FIELDS = (
    "given_name", "family_name", "national_id", "birth_date", "phone", "guardian_name",
    "guardian_phone", "guardian_scope", "protected_address", "background", "housing_situation",
    "housing_situation_since", "team", "primary_contact",
)
# Values that identify a person are not copied into the event: the event says they changed.
EVENT_REDACTED = {"national_id", "phone", "guardian_phone", "guardian_scope"}


def _resident_clean(resident: Resident) -> None:
    errors: dict[str, list[str]] = {}
    if resident.national_id:
        try:
            resident.national_id = national_id_validate(resident.national_id)
        except ValidationError as exc:
            errors["national_id"] = exc.messages
        else:
            born = national_id_birth_date(resident.national_id)
            if resident.birth_date is None:
                resident.birth_date = born
            elif resident.birth_date != born:
                errors["birth_date"] = [_(
                    "The birth date does not match the fødselsnummer. Correct one of them."
                )]
            duplicate = Resident.objects.filter(
                municipality_id=resident.municipality_id, national_id=resident.national_id
            ).exclude(pk=resident.pk)
            if duplicate.exists():
                errors["national_id"] = [_(
                    "A resident with this fødselsnummer is already registered. Search for the "
                    "person instead of registering them again."
                )]
    today = timezone.localdate()
    if resident.birth_date and resident.birth_date > today:
        errors["birth_date"] = [_("The birth date is in the future. Check the date.")]
    if resident.housing_situation_since and resident.housing_situation_since > today:
        errors["housing_situation_since"] = [_("The date is in the future. Use today or earlier.")]
    if resident.team_id and resident.team.municipality_id != resident.municipality_id:
        errors["team"] = [_("Choose a team in this municipality.")]
    if resident.primary_contact_id and not resident.primary_contact.role_assignments.filter(
        municipality_id=resident.municipality_id
    ).exists():
        errors["primary_contact"] = [_("Choose a staff member who works in this municipality.")]
    try:
        resident.full_clean(exclude=["municipality", "national_id", "team", "primary_contact"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _event_changes(values: dict) -> dict:
    return {k: ("***" if k in EVENT_REDACTED and v else v) for k, v in values.items()}


@transaction.atomic
def resident_register(*, municipality, by, case_unit=None, **fields) -> Resident:
    """Register a resident. With `case_unit`, also open a case there assigned to `by`."""
    unknown = set(fields) - set(RESIDENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown resident fields: {sorted(unknown)}")
    resident = Resident(municipality=municipality, **fields)
    _resident_clean(resident)
    resident.save()
    event_record(
        name="resident.registered", actor=by, target=resident,
        changes=_event_changes({f: getattr(resident, f) for f in RESIDENT_FIELDS}),
    )
    if case_unit is not None:
        _case_open(resident=resident, unit=case_unit, assigned_to=by, by=by)
    return resident


@transaction.atomic
def resident_update(*, resident: Resident, by, **fields) -> Resident:
    unknown = set(fields) - set(RESIDENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown resident fields: {sorted(unknown)}")
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    diff = changes_between(resident, fields)
    for field, value in fields.items():
        setattr(resident, field, value)
    _resident_clean(resident)
    resident.save()
    if diff:
        _resident_updated_record(resident, diff, by=by)
    return resident


def _resident_updated_record(resident: Resident, diff: dict, *, by) -> None:
    """`resident.updated`; a change of housing situation always carries its date, which the
    by-name list subscribes to (husly.outcomes.subscribers)."""
    if "housing_situation" in diff and "housing_situation_since" not in diff:
        since = resident.housing_situation_since
        diff = {**diff, "housing_situation_since": [since, since]}
    redacted = {k: ("***" if k in EVENT_REDACTED else v) for k, v in diff.items()}
    event_record(name="resident.updated", actor=by, target=resident, changes=redacted)


@transaction.atomic
def resident_housing_situation_set(*, resident: Resident, situation: str,
                                   since: datetime.date, by) -> Resident:
    """Where the person lives now, as another unit's work settles it (a tenancy starts or
    ends). Only the situation is checked: the rest of the record is the owner's to correct."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    diff = changes_between(resident, {"housing_situation": situation,
                                      "housing_situation_since": since})
    if "housing_situation" not in diff:
        # Same situation with a new date: only the date follows, as before events existed.
        diff = {}
    if diff:
        resident.housing_situation = situation
        resident.housing_situation_since = since
        resident.save(update_fields=["housing_situation", "housing_situation_since"])
        _resident_updated_record(resident, diff, by=by)
    return resident


UNIT_CASE_KIND = {
    "housing": CaseKind.HOUSING, "followup": CaseKind.FOLLOWUP, "nav": CaseKind.NAV,
    "property": CaseKind.HOUSING,
}


def _case_open(*, resident, unit, assigned_to, by, opened_on=None, kind=None) -> Case:
    if unit.municipality_id != resident.municipality_id:
        raise ValueError("the unit belongs to another municipality")
    case = Case.objects.create(
        municipality_id=resident.municipality_id, resident=resident,
        kind=kind or UNIT_CASE_KIND.get(unit.kind, CaseKind.HOUSING), unit=unit,
        assigned_to=assigned_to,
        opened_on=opened_on or timezone.localdate(),
    )
    event_record(
        name="case.opened", actor=by, target=case,
        changes={"resident": resident, "unit": unit, "assigned_to": assigned_to},
    )
    return case


@transaction.atomic
def case_open(*, resident, unit, assigned_to, by, opened_on: datetime.date | None = None,
              kind: str | None = None) -> Case:
    """Open a case at `unit`; its kind follows the unit unless given (a resettlement)."""
    return _case_open(
        resident=resident, unit=unit, assigned_to=assigned_to, by=by, opened_on=opened_on,
        kind=kind,
    )


@transaction.atomic
def case_close(*, case: Case, by, closed_on: datetime.date | None = None) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.closed_on:
        raise ValidationError(_("The case is already closed."))
    case.closed_on = closed_on or timezone.localdate()
    case.full_clean()
    case.save(update_fields=["closed_on"])
    event_record(name="case.closed", actor=by, target=case, changes={"closed_on": case.closed_on})
    return case


@transaction.atomic
def resident_note_write(*, resident, category: str, text: str, by, written_at=None):
    if category not in Category.values:
        raise ValueError(f"unknown category {category!r}")
    if not text.strip():
        raise ValidationError({"text": [_("Write the note before saving.")]})
    note = ResidentNote.objects.create(
        municipality_id=resident.municipality_id, resident=resident, category=category,
        text=text.strip(), written_by=by, written_at=written_at or timezone.now(),
    )
    # The event records that a note was written, never its content.
    event_record(name="resident.note_written", actor=by, target=note,
                 changes={"resident": resident, "category": category})
    return note


ANONYMISED_NAME = "Anonymisert"


def resident_anonymise(*, resident, rows, by, today: datetime.date) -> None:
    """Retention's step for the resident row (docs/decisions/0015), declared in
    people/persondata.py after its identifying fields are blanked: the name gives way to
    a number, and of the birth date only the year stays, which statistics need."""
    rows.update(
        given_name=ANONYMISED_NAME, family_name=f"#{resident.pk}",
        birth_date=(datetime.date(resident.birth_date.year, 1, 1)
                    if resident.birth_date else None),
        primary_contact=None, anonymised_on=today,
    )
    event_record(name="resident.anonymised", actor=by, target=resident, changes={})


def resident_preserve_for_archive(*, resident, by, today: datetime.date) -> None:
    """Archive rules require this resident's care records kept: marked, never anonymised."""
    Resident.objects.filter(pk=resident.pk).update(preserved_for_archive_on=today)
    event_record(name="resident.preserved_for_archive", actor=by, target=resident, changes={})
