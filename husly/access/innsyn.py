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
from husly.access.selectors import access_log_for, consents_for
from husly.common.formats import date_long
from husly.common.models import Category, DomainEvent

CASE_CATEGORY = {"housing": Category.HOUSING, "resettlement": Category.HOUSING,
                 "followup": Category.FOLLOWUP, "nav": Category.NAV}


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


def _record(obj, names: list[str], extra: dict | None = None) -> dict:
    fields = []
    for name in names:
        field = obj._meta.get_field(name)
        raw, text = _value(obj, field)
        fields.append({"name": name, "label": capfirst(str(field.verbose_name)), "value": raw,
                       "text": text})
    for name, (label, raw, text) in (extra or {}).items():
        fields.append({"name": name, "label": label, "value": raw, "text": text})
    return {"fields": fields}


def _section(key: str, title: str, records: list[dict], category: str | None = None) -> dict:
    return {"key": key, "title": title, "category": category, "records": records}


def data_copy(*, staff: StaffContext, resident) -> dict:
    """Everything Husly holds on `resident` in the categories `staff` may read, and the
    parts that the units holding them must hand out."""
    from husly.allocation.models import Application
    from husly.board.models import RedBoardEntry, Review
    from husly.followup.models import FollowUpAgreement, PlanVersion, Visit
    from husly.housing.models import RentArrears
    from husly.people.selectors import resident_tenancies

    access = resident_access(staff, resident)
    categories = data_copy_categories(access)
    shows_address = resident_shows_address(staff, resident)
    sections = []

    person_fields = ["given_name", "family_name", "national_id", "birth_date", "phone",
                     "guardian_name", "guardian_phone", "guardian_scope", "protected_address",
                     "team", "primary_contact", "registered_at"]
    if Category.HOUSING in categories:
        person_fields += ["background", "housing_situation", "housing_situation_since"]
    sections.append(_section("person", _("Person"), [_record(resident, person_fields)]))

    cases = [c for c in resident.cases.select_related("unit", "assigned_to")
             if CASE_CATEGORY[c.kind] in categories]
    sections.append(_section("cases", _("Cases"), [
        _record(c, ["kind", "unit", "assigned_to", "opened_on", "closed_on"]) for c in cases]))

    for category in Category:
        if category not in categories:
            continue
        notes = resident.notes.filter(category=category).select_related("written_by")
        sections.append(_section(f"notes_{category.value}", _("Notes: %(category)s") % {
            "category": category.label}, [
            _record(n, ["written_at", "written_by", "text"]) for n in notes], category))

    if Category.HOUSING in categories:
        tenancy_records = []
        for t in resident_tenancies(resident=resident):
            address = t.dwelling.address if shows_address else _("Hidden: protected address")
            tenancy_records.append(_record(
                t, ["start_date", "fixed_term_end", "monthly_rent", "end_date", "end_reason"],
                {"dwelling": (_("Dwelling"), address, address)}))
        sections.append(_section("tenancies", _("Tenancies"), tenancy_records,
                                 Category.HOUSING))
        applications = (Application.objects.filter(applicant=resident)
                        .select_related("officer").prefetch_related("offers"))
        records = []
        for a in applications:
            records.append(_record(a, ["registered_on", "state", "state_since", "rooms_needed",
                                       "wished_area", "wished_kind", "wishes", "housing_first",
                                       "officer"]))
            decision = getattr(a, "decision", None)
            if decision is not None:
                records.append(_record(decision, ["decided_on", "kind", "granted", "reasons",
                                                  "legal_basis", "lease_months",
                                                  "help_content"]))
            for offer in a.offers.all():
                records.append(_record(offer, ["offered_on", "answer_by", "viewing_on",
                                               "answer", "answered_on", "decline_reason"]))
        sections.append(_section("applications", _("Applications, decisions and offers"),
                                 records, Category.HOUSING))
    if Category.HOUSING in categories:
        from husly.housing.models import PrivateLease

        sections.append(_section("private_leases", _("Leases directly from private landlords"), [
            _record(lease, ["landlord", "street_address", "postal_code", "postal_place",
                            "monthly_rent", "start_date", "end_date"])
            for lease in PrivateLease.objects.filter(resident=resident)
            .select_related("landlord")], Category.HOUSING))
    # Loans, grants and allowances: each kind under the unit that handles it.
    from husly.financing.models import FinancingApplication

    financing = [f for f in FinancingApplication.objects.filter(resident=resident)
                 .select_related("handled_by") if f.category in categories]
    if financing:
        sections.append(_section("financing", _("Financing applications"), [
            _record(f, ["kind", "amount_applied", "applied_on", "for_month", "status",
                        "decided_on", "amount_granted", "decision_note", "appeal_lodged_on",
                        "appeal_decided_on", "appeal_note", "withdrawn_on", "handled_by"])
            for f in financing]))
    arrears = [a for a in RentArrears.objects.filter(tenancy__residents=resident)
               if a.category in categories]
    if arrears:
        sections.append(_section("arrears", _("Rent arrears"), [
            _record(a, ["recorded_on", "amount", "months_behind", "settled_on"])
            for a in arrears]))

    if Category.FOLLOWUP in categories:
        statements = [a.statement for a in Application.objects.filter(applicant=resident)
                      .select_related("statement") if hasattr(a, "statement")]
        sections.append(_section("statements", _("Statements from the follow-up unit"), [
            _record(s, ["requested_on", "given_on", "text"]) for s in statements],
            Category.FOLLOWUP))
        agreements = FollowUpAgreement.objects.filter(resident=resident).select_related(
            "team", "primary_contact")
        sections.append(_section("agreements", _("Follow-up agreements"), [
            _record(a, ["start_date", "signed_on", "end_date", "team", "primary_contact",
                        "visit_weekday", "health_care_accepted"]) for a in agreements],
            Category.FOLLOWUP))
        visits = Visit.objects.filter(agreement__resident=resident).select_related(
            "assigned_to").order_by("planned_on")
        sections.append(_section("visits", _("Visits"), [
            _record(v, ["planned_on", "status", "assigned_to", *Visit.CHECKLIST, "actions"])
            for v in visits], Category.FOLLOWUP))
        plans = PlanVersion.objects.filter(resident=resident).select_related("written_by")
        sections.append(_section("plans", _("Plans in the resident's own words"), [
            _record(p, ["kind", "number", "written_at", "review_on"], {
                f"answer_{key}": (key, value, value) for key, value in p.answers.items()})
            for p in plans], Category.FOLLOWUP))
        sections.append(_section("red_board", _("Red board"), [
            _record(e, ["put_on_at", "reason_on", "taken_off_at", "reason_off"])
            for e in RedBoardEntry.objects.filter(resident=resident)], Category.FOLLOWUP))
        sections.append(_section("reviews", _("Team reviews"), [
            _record(r, ["held_on", "what_matters_now", "next_steps"])
            for r in Review.objects.filter(resident=resident)], Category.FOLLOWUP))

    sections.append(_section("consents", _("Consents"), [
        _record(c, ["given_on", "expires_on", "withdrawn_on", "purpose", "form"], {
            "categories": (_("Covers"), c.categories,
                           ", ".join(str(Category(x).label) for x in c.categories)),
            "to_units": (_("To"), [u.pk for u in c.to_units.all()],
                         ", ".join(u.name for u in c.to_units.all()))})
        for c in consents_for(resident=resident)]))

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


def _field_label(name: str) -> str:
    from husly.people.models import Resident

    try:
        return str(capfirst(Resident._meta.get_field(name).verbose_name))
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
