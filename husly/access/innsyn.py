"""The resident's copy of what Husly holds on them (innsyn, personopplysningsloven / GDPR
art. 15): one structure, shown as a page, printed as PDF and downloaded as JSON."""

from __future__ import annotations

import datetime
import decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from husly.access.policy import (
    StaffContext,
    data_copy_categories,
    resident_access,
    resident_shows_address,
)
from husly.access.selectors import access_log_for, list_reads_for
from husly.common import persondata
from husly.common.formats import date_long
from husly.common.models import Category, DomainEvent
from husly.common.persondata import CopyContext, Part, PersonData


def _value(obj, field: models.Field):
    value = getattr(obj, field.name)
    if field.choices and value not in (None, ""):
        text = str(getattr(obj, f"get_{field.name}_display")())
        return value, text
    if isinstance(value, models.Model):
        return value.pk, str(value)
    if isinstance(value, datetime.datetime):
        from django.utils.formats import date_format

        return value.isoformat(), date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return value.isoformat(), date_long(value)
    if isinstance(value, bool):
        return value, _("Yes") if value else _("No")
    if isinstance(value, decimal.Decimal):
        return str(value), str(value)
    if value in (None, ""):
        return value, "–"
    return value, str(value)


def _record(obj, names, extra: dict | None = None, *, addresses=(),
            context: CopyContext | None = None) -> dict:
    fields = []
    for name in names:
        field = obj._meta.get_field(name)
        if name in addresses:
            value = getattr(obj, name)
            raw = text = "–" if value in (None, "") else context.address(str(value))
        else:
            raw, text = _value(obj, field)
        fields.append({"name": name, "label": capfirst(str(field.verbose_name)), "value": raw,
                       "text": text})
    for name, (label, raw, text) in (extra or {}).items():
        fields.append({"name": name, "label": label, "value": raw, "text": text})
    return {"fields": fields}


def _section(key: str, title: str, records: list[dict], category: str | None = None) -> dict:
    return {"key": key, "title": title, "category": category, "records": records}


def _rows_records(model, rows, spec: PersonData | Part, context: CopyContext,
                  fields) -> list[dict]:
    records = []
    for row in rows:
        computed = spec.computed(row, context) if spec.computed else None
        records.append(_record(row, fields, computed, addresses=spec.address_fields,
                               context=context))
        for part in spec.parts:
            records += _rows_records(part.model_under(model), _part_rows(row, part), part,
                                     context, part.fields)
    return records


def _part_rows(row, part: Part) -> list:
    if row._meta.get_field(part.accessor).one_to_one:
        child = getattr(row, part.accessor, None)
        return [] if child is None else [child]
    return list(getattr(row, part.accessor).all())


def _declared_section(declaration: PersonData, resident, context: CopyContext) -> dict | None:
    """The section as `context` may show it, or None where the maker shows none of it."""
    category = declaration.fixed_category
    if category is not None and category not in context.categories:
        return None
    rows = [row for row in declaration.rows_to_copy(resident)
            if declaration.category_of(row) is None
            or declaration.category_of(row) in context.categories]
    if not rows and not declaration.shown_when_empty:
        return None
    records = _rows_records(declaration.model, rows, declaration, context,
                            declaration.copy_fields(context.categories))
    return _section(declaration.key, capfirst(str(declaration.title)), records, category)


def data_copy_section_titles() -> list[str]:
    """The headings a complete copy has, in order: what the copy page promises."""
    return [capfirst(str(d.title)) for d in persondata.declarations()] + [
        _("Corrections"), _("Who has read your information"),
        _("Lists and exports that showed your name")]


def data_copy(*, staff: StaffContext, resident) -> dict:
    """Everything Husly holds on `resident` in the categories `staff` may read, and the
    parts that the units holding them must hand out. The sections are the apps' person-data
    declarations (husly.common.persondata), then the corrections and the access log."""
    access = resident_access(staff, resident)
    categories = data_copy_categories(access)
    context = CopyContext(categories=categories,
                          shows_address=resident_shows_address(staff, resident))
    sections = [section for declaration in persondata.declarations()
                if (section := _declared_section(declaration, resident, context)) is not None]

    corrections = DomainEvent.objects.filter(
        target_type="people.resident", target_id=str(resident.pk),
        name="resident.updated").select_related("actor").order_by("occurred_at")
    sections.append(_section("corrections", _("Corrections"), [
        {"fields": [
            {"name": "occurred_at", "label": _("When"), "value": e.occurred_at.isoformat(),
             "text": date_long(timezone.localtime(e.occurred_at))},
            {"name": "by", "label": _("By"), "value": e.actor_id, "text": str(e.actor or "–")},
            {"name": "changed", "label": _("Changed"), "value": sorted(e.changes),
             "text": ", ".join(_field_label(k) for k in sorted(e.changes))},
        ]} for e in corrections]))

    sections.append(_section("access_log", _("Who has read your information"), [
        access_log_record_out(entry) for entry in access_log_for(resident=resident)]))
    # Normen's "who saw me" includes those who saw the name in a list or an export.
    sections.append(_section("seen_in_lists", _("Lists and exports that showed your name"), [
        list_read_record_out(seen) for seen in list_reads_for(resident=resident)]))

    held_elsewhere = [{"category": c, "label": str(c.label), "unit": _holder(c)}
                      for c in Category if c not in categories]
    return {"resident": resident, "sections": sections, "held_elsewhere": held_elsewhere,
            "made_by": staff.user}


def access_log_record_out(entry) -> dict:
    from django.utils.formats import date_format

    return {"fields": [
        {"name": "accessed_at", "label": _("When"), "value": entry.accessed_at.isoformat(),
         "text": date_format(timezone.localtime(entry.accessed_at), "DATETIME_FORMAT")},
        {"name": "user", "label": _("Who"), "value": entry.user_id, "text": str(entry.user)},
        {"name": "unit", "label": _("Unit"), "value": entry.unit_id,
         "text": entry.unit.name if entry.unit else "–"},
        {"name": "categories", "label": _("What"), "value": entry.category_list,
         "text": ", ".join(str(Category(c).label) for c in entry.category_list) or "–"},
        {"name": "basis", "label": _("On what basis"), "value": entry.basis,
         "text": entry.get_basis_display()},
    ]}


def list_read_record_out(seen) -> dict:
    from django.utils.formats import date_format

    read = seen.list_read
    return {"fields": [
        {"name": "read_at", "label": _("When"), "value": read.read_at.isoformat(),
         "text": date_format(timezone.localtime(read.read_at), "DATETIME_FORMAT")},
        {"name": "user", "label": _("Who"), "value": read.user_id, "text": str(read.user)},
        {"name": "unit", "label": _("Unit"), "value": read.unit_id,
         "text": read.unit.name if read.unit else "–"},
        {"name": "list", "label": _("Which list"), "value": read.view,
         "text": read.list_label},
    ]}


def _field_label(name: str) -> str:
    try:
        return str(capfirst(persondata.person().model._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return name


def _holder(category: str) -> str:
    return {Category.HOUSING: _("the housing service"), Category.FOLLOWUP: _("the follow-up unit"),
            Category.HEALTH: _("health personnel in the follow-up unit"),
            Category.NAV: _("NAV")}[category]


def data_copy_json(copy: dict) -> dict:
    """The machine-readable file: field names and raw values, with the labels beside them."""
    return {
        "format": "husly-innsyn/1",
        "resident_id": copy["resident"].pk,
        "sections": {s["key"]: [{f["name"]: f["value"] for f in r["fields"]}
                                for r in s["records"]] for s in copy["sections"]},
        "labels": {s["key"]: s["title"] for s in copy["sections"]},
        "not_included": [{"category": h["category"].value, "held_by": h["unit"]}
                         for h in copy["held_elsewhere"]],
    }
