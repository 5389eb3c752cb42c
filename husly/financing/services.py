"""Every write of the financing pathway: register, submit, decide, appeal, decide the appeal,
withdraw, and the home purchase that ends a tenancy as "bought own home".

Each service is one transaction and records one domain event with the amounts and dates;
free-text notes about the decision stay out of events.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.access.policy import StaffContext, financing_write_categories, resident_access
from husly.common.events import event_record
from husly.common.formats import date_long
from husly.common.models import Category
from husly.financing.models import (
    KIND_CATEGORY,
    FinancingApplication,
    FinancingKind,
    FinancingStatus,
    HomePurchase,
)
from husly.financing.rules import bostotte_for_month
from husly.financing.selectors import granted_startlan
from husly.housing.models import Tenancy, TenancyEndReason
from husly.housing.services import tenancy_end
from husly.people.models import HousingSituation, Resident
from husly.people.services import resident_update

DECISIONS = (FinancingStatus.GRANTED, FinancingStatus.PARTLY_GRANTED, FinancingStatus.REFUSED)
APPEAL_DECISIONS = (FinancingStatus.APPEAL_GRANTED, FinancingStatus.APPEAL_REFUSED)


def _kr(amount) -> str:
    from django.utils.formats import number_format

    return number_format(amount, decimal_pos=0, force_grouping=True)


def _unit_that_handles(category: str) -> str:
    return _("the housing service") if category == Category.HOUSING else _("NAV")


def financing_write_check(*, staff: StaffContext, resident, kind: str) -> None:
    """Refuse, with what to do instead, a user who may not write this kind for this resident:
    startlån, etableringstilskudd and bostøtte are the housing service's, the deposit guarantee
    and financial help NAV's, and a work relation is needed."""
    access = resident_access(staff, resident)
    if not access.allowed:
        raise PermissionDenied(access.denied_reason)
    category = KIND_CATEGORY.get(kind)
    if category is None:
        raise ValidationError({"kind": [_("Choose what is applied for from the list.")]})
    if category not in financing_write_categories(staff, access):
        raise ValidationError({"kind": [_(
            "%(kind)s is handled by %(unit)s: ask them to register and decide it. You can "
            "register what your own unit handles."
        ) % {"kind": FinancingKind(kind).label, "unit": _unit_that_handles(category)}]})


def _locked(application: FinancingApplication) -> FinancingApplication:
    return FinancingApplication.objects.select_for_update().get(pk=application.pk)


def _not_in_future(errors: dict, field: str, day, what: str) -> None:
    if day is not None and day > timezone.localdate():
        errors.setdefault(field, []).append(_(
            "%(what)s cannot be in the future. Use today or an earlier date.") % {"what": what})


AMOUNT_LIMIT = Decimal(10) ** 11  # what the column holds: whole kroner, 11 digits


def _amount(errors: dict, field: str, value) -> Decimal | None:
    """An amount in whole kroner, or None when not given; what is wrong goes to `errors`."""
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount != amount.to_integral_value():
        errors[field] = [_("Write the amount in whole kroner, with digits only.")]
        return None
    if amount < 0:
        errors[field] = [_("The amount cannot be negative. Write it in kroner.")]
        return None
    if amount >= AMOUNT_LIMIT:
        errors[field] = [_("The amount is too large. Write it in kroner.")]
        return None
    return amount


@transaction.atomic
def financing_register(
    *, resident, kind: str, by, amount_applied=None, applied_on: datetime.date | None = None,
    submitted: bool = True, household_members=(), handled_by=None,
) -> FinancingApplication:
    """Register an application, as a draft being prepared with the resident or as submitted
    on `applied_on` (today unless told)."""
    errors: dict[str, list[str]] = {}
    amount_applied = _amount(errors, "amount_applied", amount_applied)
    if kind not in FinancingKind.values:
        errors["kind"] = [_("Choose what is applied for from the list.")]
    if (amount_applied is None and kind != FinancingKind.BOSTOTTE
            and "amount_applied" not in errors):
        errors["amount_applied"] = [_("Write the amount applied for in kroner. Only for "
                                      "bostøtte may it be left empty.")]
    if submitted and applied_on is None:
        applied_on = timezone.localdate()
    _not_in_future(errors, "applied_on", applied_on, _("The application date"))
    members = [m for m in household_members if m.pk != resident.pk]
    if any(m.municipality_id != resident.municipality_id for m in members):
        errors["household_members"] = [_("Choose household members who are residents of "
                                         "this municipality.")]
    if errors:
        raise ValidationError(errors)
    application = FinancingApplication.objects.create(
        municipality_id=resident.municipality_id, resident=resident, kind=kind,
        category=KIND_CATEGORY[kind], amount_applied=amount_applied,
        applied_on=applied_on if submitted else None,
        for_month=(bostotte_for_month(applied_on)
                   if submitted and kind == FinancingKind.BOSTOTTE else None),
        status=FinancingStatus.SUBMITTED if submitted else FinancingStatus.DRAFT,
        handled_by=handled_by or (by if getattr(by, "pk", None) else None),
    )
    application.household_members.set(members)
    event_record(name="financing.registered", actor=by, target=application, changes={
        "resident": resident, "kind": kind, "category": application.category,
        "amount_applied": amount_applied, "status": application.status,
        "applied_on": application.applied_on, "for_month": application.for_month,
        "household_members": [m.pk for m in members]})
    return application


@transaction.atomic
def financing_submit(*, application: FinancingApplication, applied_on: datetime.date,
                     by) -> FinancingApplication:
    """A draft is sent: from `applied_on` it waits for a decision."""
    application = _locked(application)
    if application.status != FinancingStatus.DRAFT:
        raise ValidationError(_("Only a draft can be sent. This application is already "
                                "%(status)s.") % {
            "status": application.get_status_display().lower()})
    errors: dict[str, list[str]] = {}
    _not_in_future(errors, "applied_on", applied_on, _("The application date"))
    if errors:
        raise ValidationError(errors)
    application.status = FinancingStatus.SUBMITTED
    application.applied_on = applied_on
    if application.kind == FinancingKind.BOSTOTTE:
        application.for_month = bostotte_for_month(applied_on)
    application.save(update_fields=["status", "applied_on", "for_month"])
    event_record(name="financing.submitted", actor=by, target=application,
                 changes={"applied_on": applied_on, "for_month": application.for_month})
    return application


def _granted_amount_errors(application, outcome: str,
                           amount_granted) -> tuple[dict, Decimal | None]:
    """The amount a decision grants, or what is wrong with it."""
    applied = application.amount_applied
    errors: dict[str, list[str]] = {}
    if outcome in (FinancingStatus.REFUSED, FinancingStatus.APPEAL_REFUSED):
        if amount_granted:
            errors["amount_granted"] = [_("A refusal grants nothing. Leave the amount "
                                          "granted empty, or choose granted or partly "
                                          "granted.")]
        return errors, None
    if outcome == FinancingStatus.PARTLY_GRANTED and applied is None:
        errors["status"] = [_("No amount was applied for, so nothing can be partly granted. "
                              "Choose granted or refused.")]
        return errors, None
    if amount_granted is None:
        if applied is None:
            errors["amount_granted"] = [_("Write the amount granted in kroner: no amount was "
                                          "applied for.")]
            return errors, None
        if outcome == FinancingStatus.PARTLY_GRANTED:
            errors["amount_granted"] = [_("Write the amount granted: a partial grant is less "
                                          "than the %(applied)s kr applied for.")
                                        % {"applied": _kr(applied)}]
            return errors, None
        amount_granted = applied
    if applied is not None and amount_granted > applied:
        errors["amount_granted"] = [_(
            "The amount granted (%(granted)s kr) is larger than the amount applied for "
            "(%(applied)s kr). A grant cannot be larger than its application: correct the "
            "amount, or register a new application for the rest."
        ) % {"granted": _kr(amount_granted), "applied": _kr(applied)}]
    elif outcome == FinancingStatus.PARTLY_GRANTED and not 0 < amount_granted < applied:
        errors["amount_granted"] = [_(
            "A partial grant is more than 0 and less than the %(applied)s kr applied for. "
            "Choose granted if all of it was granted, refused if nothing was."
        ) % {"applied": _kr(applied)}]
    elif outcome == FinancingStatus.GRANTED:
        if amount_granted == 0:
            errors["amount_granted"] = [_("A grant of 0 kr is a refusal: choose refused.")]
        elif applied is not None and amount_granted < applied:
            errors["status"] = [_(
                "%(granted)s kr is less than the %(applied)s kr applied for: choose partly "
                "granted.") % {"granted": _kr(amount_granted), "applied": _kr(applied)}]
    elif outcome == FinancingStatus.APPEAL_GRANTED and amount_granted == 0:
        errors["amount_granted"] = [_("A granted appeal grants something: write the amount, "
                                      "or choose appeal refused.")]
    return errors, amount_granted


def _decision_date_errors(errors, application, decided_on, after, after_what) -> None:
    if decided_on is None:
        errors["decided_on"] = [_("Give the date of the decision.")]
        return
    _not_in_future(errors, "decided_on", decided_on, _("The decision date"))
    if after is not None and decided_on < after:
        errors.setdefault("decided_on", []).append(_(
            "The decision date is before %(what)s (%(date)s). Correct the date."
        ) % {"what": after_what, "date": date_long(after)})


@transaction.atomic
def financing_decide(
    *, application: FinancingApplication, outcome: str, decided_on: datetime.date, by,
    amount_granted=None, decision_note: str = "", notified_on: datetime.date | None = None,
) -> FinancingApplication:
    """The decision on a submitted application: granted, partly granted or refused. The
    amount granted is never larger than the amount applied for."""
    application = _locked(application)
    if application.status != FinancingStatus.SUBMITTED:
        if application.status == FinancingStatus.DRAFT:
            message = _("The application is a draft: send it before it is decided.")
        elif application.status == FinancingStatus.WITHDRAWN:
            message = _("The application is withdrawn and cannot be decided. Register a new "
                        "application if the resident applies again.")
        else:
            message = _("The application is already decided (%(status)s). A new decision "
                        "comes with an appeal.") % {
                "status": application.get_status_display().lower()}
        raise ValidationError(message)
    errors: dict[str, list[str]] = {}
    if outcome not in DECISIONS:
        errors["status"] = [_("Choose granted, partly granted or refused.")]
        raise ValidationError(errors)
    amount = _amount(errors, "amount_granted", amount_granted)
    if not errors:
        amount_errors, amount = _granted_amount_errors(application, outcome, amount)
        errors.update(amount_errors)
    _decision_date_errors(errors, application, decided_on, application.applied_on,
                          _("the application date"))
    if notified_on is not None and decided_on is not None and notified_on < decided_on:
        errors["notified_on"] = [_("The decision cannot reach the resident before it is "
                                   "made. Correct the date.")]
    _not_in_future(errors, "notified_on", notified_on, _("The date the decision reached "
                                                         "the resident"))
    if errors:
        raise ValidationError(errors)
    application.status = outcome
    application.decided_on = decided_on
    application.decision_notified_on = notified_on
    application.amount_granted = amount
    application.decision_note = (decision_note or "").strip()
    application.save(update_fields=["status", "decided_on", "decision_notified_on",
                                    "amount_granted", "decision_note"])
    event_record(name="financing.decided", actor=by, target=application, changes={
        "status": outcome, "decided_on": decided_on, "notified_on": notified_on,
        "amount_applied": application.amount_applied, "amount_granted": amount})
    return application


@transaction.atomic
def financing_appeal(*, application: FinancingApplication, lodged_on: datetime.date,
                     by) -> FinancingApplication:
    """The resident appeals a refusal or a partial grant, within three weeks of receiving
    the decision (forvaltningsloven § 29)."""
    application = _locked(application)
    if application.status not in (FinancingStatus.REFUSED, FinancingStatus.PARTLY_GRANTED):
        raise ValidationError(_(
            "Only a refusal or a partial grant can be appealed. This application is "
            "%(status)s.") % {"status": application.get_status_display().lower()})
    errors: dict[str, list[str]] = {}
    deadline = application.appeal_deadline
    if lodged_on is None:
        errors["lodged_on"] = [_("Give the date the appeal was lodged.")]
    else:
        _not_in_future(errors, "lodged_on", lodged_on, _("The appeal date"))
        if lodged_on < application.decided_on:
            errors["lodged_on"] = [_("The appeal date is before the decision (%(date)s). "
                                     "Correct the date.") % {
                "date": date_long(application.decided_on)}]
        elif lodged_on > deadline:
            errors["lodged_on"] = [_(
                "The appeal deadline passed on %(deadline)s: three weeks after the decision "
                "reached the resident. A late appeal can still be heard if the resident "
                "cannot be blamed for the delay (forvaltningsloven § 31): the appeal body "
                "decides that, outside Husly."
            ) % {"deadline": date_long(deadline)}]
    if errors:
        raise ValidationError(errors)
    application.status = FinancingStatus.APPEALED
    application.appeal_lodged_on = lodged_on
    application.save(update_fields=["status", "appeal_lodged_on"])
    event_record(name="financing.appealed", actor=by, target=application,
                 changes={"lodged_on": lodged_on, "deadline": deadline})
    return application


@transaction.atomic
def financing_appeal_decide(
    *, application: FinancingApplication, outcome: str, decided_on: datetime.date, by,
    amount_granted=None, note: str = "",
) -> FinancingApplication:
    """The appeal is decided: granted (the amount is then what stands, at least what was
    granted before and at most what was applied for) or refused (the first decision
    stands)."""
    application = _locked(application)
    if application.status != FinancingStatus.APPEALED:
        raise ValidationError(_("Only an appealed application gets an appeal decision. This "
                                "application is %(status)s.") % {
            "status": application.get_status_display().lower()})
    errors: dict[str, list[str]] = {}
    if outcome not in APPEAL_DECISIONS:
        raise ValidationError({"status": [_("Choose appeal granted or appeal refused.")]})
    before = application.amount_granted
    given = _amount(errors, "amount_granted", amount_granted)
    amount = before
    if errors:
        pass
    elif outcome == FinancingStatus.APPEAL_GRANTED:
        amount_errors, amount = _granted_amount_errors(application, outcome, given)
        errors.update(amount_errors)
        if not errors and before is not None and amount <= before:
            errors["amount_granted"] = [_(
                "A granted appeal grants more than the %(before)s kr granted before. Write "
                "the new amount, or choose appeal refused.") % {"before": _kr(before)}]
    elif given is not None and given != (before or 0):
        errors["amount_granted"] = [_("A refused appeal leaves the first decision as it was: "
                                      "leave the amount empty.")]
    _decision_date_errors(errors, application, decided_on, application.appeal_lodged_on,
                          _("the appeal"))
    if errors:
        raise ValidationError(errors)
    application.status = outcome
    application.appeal_decided_on = decided_on
    application.amount_granted = amount
    application.appeal_note = (note or "").strip()
    application.save(update_fields=["status", "appeal_decided_on", "amount_granted",
                                    "appeal_note"])
    event_record(name="financing.appeal_decided", actor=by, target=application, changes={
        "status": outcome, "decided_on": decided_on, "amount_granted_before": before,
        "amount_granted": amount})
    return application


@transaction.atomic
def financing_withdraw(*, application: FinancingApplication, on: datetime.date,
                       by) -> FinancingApplication:
    """The resident withdraws an application that is not decided yet."""
    application = _locked(application)
    if application.status not in (FinancingStatus.DRAFT, FinancingStatus.SUBMITTED):
        raise ValidationError(_(
            "Only an application that is not decided can be withdrawn. This one is "
            "%(status)s.") % {"status": application.get_status_display().lower()})
    errors: dict[str, list[str]] = {}
    _not_in_future(errors, "on", on, _("The date"))
    if application.applied_on and on < application.applied_on:
        errors.setdefault("on", []).append(_("The application cannot be withdrawn before it "
                                             "was sent (%(date)s).") % {
            "date": date_long(application.applied_on)})
    if errors:
        raise ValidationError(errors)
    application.status = FinancingStatus.WITHDRAWN
    application.withdrawn_on = on
    application.save(update_fields=["status", "withdrawn_on"])
    event_record(name="financing.withdrawn", actor=by, target=application,
                 changes={"withdrawn_on": on})
    return application


@transaction.atomic
def home_purchase_register(*, resident, purchased_on: datetime.date, by) -> HomePurchase:
    """The resident has bought their own home with a startlån: their tenancy ends on the
    purchase date as "bought own home", and they live in their own home from then (off the
    by-name list, a planned end in every report)."""

    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    errors: dict[str, list[str]] = {}
    loan = granted_startlan(resident)
    if loan is None:
        raise ValidationError(_(
            "A home purchase is registered on a granted startlån, and %(name)s has none. "
            "Register the startlån and its decision first."
        ) % {"name": resident.full_name})
    if purchased_on is None:
        errors["purchased_on"] = [_("Give the date the resident took over the home.")]
    else:
        _not_in_future(errors, "purchased_on", purchased_on, _("The purchase date"))
        if loan.decided_on and purchased_on < loan.decided_on:
            errors["purchased_on"] = [_(
                "The purchase date is before the startlån was granted (%(date)s). Correct "
                "the date.") % {"date": date_long(loan.decided_on)}]
    if errors:
        raise ValidationError(errors)
    if HomePurchase.objects.filter(loan=loan).exists():
        raise ValidationError(_("The home purchase with this startlån is already registered."))
    tenancies = Tenancy.objects.filter(residents=resident,
                                       municipality_id=resident.municipality_id)
    tenancy = tenancies.current(on=purchased_on).order_by("-start_date").first()
    if tenancy is None and tenancies.filter(end_date__isnull=True).exists():
        raise ValidationError({"purchased_on": [_(
            "The resident's current tenancy starts after this date. Give the date the "
            "resident took over the home they bought.")]})
    if tenancy is not None:
        tenancy_end(tenancy=tenancy, end_date=purchased_on,
                    end_reason=TenancyEndReason.BOUGHT_OWN_HOME,
                    housing_situation_after=HousingSituation.OWN_HOME, by=by)
    else:
        resident_update(resident=resident, housing_situation=HousingSituation.OWN_HOME,
                        housing_situation_since=purchased_on, by=by)
    purchase = HomePurchase.objects.create(
        municipality_id=resident.municipality_id, resident=resident, purchased_on=purchased_on,
        loan=loan, tenancy=tenancy, registered_by=by if getattr(by, "pk", None) else None)
    event_record(name="home_purchase.registered", actor=by, target=purchase, changes={
        "resident": resident, "purchased_on": purchased_on, "loan": loan,
        "tenancy": tenancy, "amount_granted": loan.amount_granted})
    return purchase
