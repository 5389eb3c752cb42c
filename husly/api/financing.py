"""The financing pathway through the JSON API: the same services and access rules as the
pages (husly.financing). Refusals answer 422 with the reason in the user's language."""

import datetime
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from husly.access.models import ListKind
from husly.access.policy import resident_access, residents_visible
from husly.access.services import list_read_record, resident_read
from husly.api.schemas import Problem, RowId
from husly.financing import selectors, services
from husly.financing.models import FinancingApplication, FinancingStatus
from husly.people import selectors as people_selectors

router = Router(tags=["financing"])
ERRORS = {403: Problem, 404: Problem, 422: Problem}


class FinancingOut(Schema):
    id: int
    resident_id: int
    resident_name: str
    kind: str
    kind_label: str
    category: str = Field(description="housing or nav: who handles it, and who may read it.")
    household_member_ids: list[int]
    amount_applied: int | None = Field(description="Whole kroner; bostøtte: a month.")
    applied_on: datetime.date | None
    for_month: datetime.date | None = Field(
        description="Bostøtte: the first day of the month whose payment it counts for.")
    status: str
    status_label: str
    decided_on: datetime.date | None
    decision_notified_on: datetime.date | None
    amount_granted: int | None
    decision_note: str
    appeal_deadline: datetime.date | None
    appeal_lodged_on: datetime.date | None
    appeal_decided_on: datetime.date | None
    appeal_note: str
    withdrawn_on: datetime.date | None
    handled_by_id: int | None


class FinancingList(Schema):
    records: list[FinancingOut]
    hidden: list[str] = Field(description="Why some of the resident's records are left out: "
                                          "the access rules' words.")


class FinancingIn(Schema):
    resident_id: RowId
    kind: str = Field(description="startlan, etableringstilskudd, bostotte, "
                                  "deposit_guarantee or financial_help")
    amount_applied: Decimal | None = Field(None, description="Whole kroner; may be left out "
                                                             "for bostøtte only.")
    applied_on: datetime.date | None = Field(None, description="Today when left out.")
    submitted: bool = Field(True, description="False: a draft not sent yet.")
    household_member_ids: list[RowId] = []


class FinancingDecisionIn(Schema):
    status: str = Field(description="granted, partly_granted or refused; on an appealed "
                                    "application appeal_granted or appeal_refused")
    decided_on: datetime.date
    amount_granted: Decimal | None = Field(None, description="Whole kroner; never more than "
                                                             "applied for.")
    notified_on: datetime.date | None = Field(None, description="When the decision reached "
                                                                "the resident.")
    note: str = ""


def _require(request, kind: str):
    if not request.staff.may_open(kind):
        raise HttpError(403, _("Your role does not give access to this operation."))


def _amount(value):
    return int(value) if value is not None else None


def _out(record: FinancingApplication) -> dict:
    return {
        "id": record.pk, "resident_id": record.resident_id,
        "resident_name": record.resident.full_name, "kind": record.kind,
        "kind_label": str(record.get_kind_display()), "category": record.category,
        "household_member_ids": [m.pk for m in record.household_members.all()],
        "amount_applied": _amount(record.amount_applied), "applied_on": record.applied_on,
        "for_month": record.for_month, "status": record.status,
        "status_label": str(record.get_status_display()), "decided_on": record.decided_on,
        "decision_notified_on": record.decision_notified_on,
        "amount_granted": _amount(record.amount_granted),
        "decision_note": record.decision_note, "appeal_deadline": record.appeal_deadline,
        "appeal_lodged_on": record.appeal_lodged_on,
        "appeal_decided_on": record.appeal_decided_on, "appeal_note": record.appeal_note,
        "withdrawn_on": record.withdrawn_on, "handled_by_id": record.handled_by_id,
    }


def _resident(request, pk: int, view: str):
    resident = people_selectors.resident_get(staff=request.staff, pk=pk)
    access = resident_access(request.staff, resident)
    if not access.allowed:
        raise HttpError(403, access.denied_reason)
    if view:
        resident_read(staff=request.staff, resident=resident, access=access, view=view)
    return resident, access


def _record(request, pk: int, *, view: str = ""):
    """The record, if the caller reads its resident and its category."""
    record = selectors.financing_get(staff=request.staff, pk=pk)
    access = resident_access(request.staff, record.resident)
    if not access.allowed:
        raise HttpError(403, access.denied_reason)
    if not access.reads(record.category):
        raise HttpError(403, next((h.reason for h in access.hidden
                                   if h.category == record.category), _("No access.")))
    if view:
        resident_read(staff=request.staff, resident=record.resident, access=access,
                      view=view)
    return record


@router.get("/financing", response={200: FinancingList, **ERRORS}, url_name="financing_list")
def financing_list(request, resident: RowId | None = None, kind: str = "", status: str = ""):
    """With `resident`: that resident's records the caller may read, and what is hidden and
    why (a logged read). Without: the caller's caseload (as the page /finansiering/)."""
    _require(request, "financing")
    staff = request.staff
    if resident is None:
        records = list(selectors.financing_caseload(staff=staff, kind=kind, status=status)
                       .prefetch_related("household_members"))
        list_read_record(staff=staff, view=ListKind.API_FINANCING,
                         residents=[r.resident for r in records])
        return {"records": [_out(r) for r in records], "hidden": []}
    person, access = _resident(request, resident, "api_financing")
    records = selectors.financing_for_resident(resident=person, categories=access.categories)
    if kind:
        records = records.filter(kind=kind)
    if status:
        records = records.open() if status == "open" else records.filter(status=status)
    records = records.select_related("resident").prefetch_related("household_members")
    return {"records": [_out(r) for r in records],
            "hidden": selectors.hidden_reasons(access)}


@router.get("/financing/{pk}", response={200: FinancingOut, **ERRORS},
            url_name="financing_record")
def financing_get(request, pk: int):
    _require(request, "financing")
    return _out(_record(request, pk, view="api_financing"))


@router.post("/financing", response={201: FinancingOut, **ERRORS},
             url_name="financing_create")
def financing_create(request, payload: FinancingIn):
    _require(request, "financing_manage")
    staff = request.staff
    resident, _access = _resident(request, payload.resident_id, "")
    services.financing_write_check(staff=staff, resident=resident, kind=payload.kind)
    members = list(residents_visible(staff).filter(pk__in=payload.household_member_ids))
    if len(members) != len(set(payload.household_member_ids)):
        raise Http404  # a member the caller does not work with is not found
    record = services.financing_register(
        resident=resident, kind=payload.kind, amount_applied=payload.amount_applied,
        applied_on=payload.applied_on, submitted=payload.submitted,
        household_members=members, by=staff.user)
    return Status(201, _out(record))


@router.post("/financing/{pk}/decision", response={200: FinancingOut, **ERRORS},
             url_name="financing_decision")
def financing_decision(request, pk: int, payload: FinancingDecisionIn):
    """The decision; on an appealed application, the appeal decision."""
    _require(request, "financing_manage")
    staff = request.staff
    record = _record(request, pk)
    services.financing_write_check(staff=staff, resident=record.resident, kind=record.kind)
    if record.status == FinancingStatus.APPEALED:
        record = services.financing_appeal_decide(
            application=record, outcome=payload.status, decided_on=payload.decided_on,
            amount_granted=payload.amount_granted, note=payload.note, by=staff.user)
    else:
        record = services.financing_decide(
            application=record, outcome=payload.status, decided_on=payload.decided_on,
            amount_granted=payload.amount_granted, notified_on=payload.notified_on,
            decision_note=payload.note, by=staff.user)
    return _out(record)


class FinancingStepIn(Schema):
    on: datetime.date | None = Field(None, description="The day it happened; today when left "
                                                       "out.")


def _step(request, pk: int, action):
    """A step on a record the caller's unit handles: send, appeal, withdraw."""
    _require(request, "financing_manage")
    staff = request.staff
    record = _record(request, pk)
    services.financing_write_check(staff=staff, resident=record.resident, kind=record.kind)
    return _out(action(record, staff.user))


@router.post("/financing/{pk}/submit", response={200: FinancingOut, **ERRORS},
             url_name="financing_submit")
def financing_submit(request, pk: int, payload: FinancingStepIn):
    """A draft is sent (bostøtte: the payment month follows from the day)."""
    on = payload.on or timezone.localdate()
    return _step(request, pk, lambda record, by: services.financing_submit(
        application=record, applied_on=on, by=by))


@router.post("/financing/{pk}/appeal", response={200: FinancingOut, **ERRORS},
             url_name="financing_appeal")
def financing_appeal(request, pk: int, payload: FinancingStepIn):
    """The resident appeals a refusal or partial grant within the three weeks."""
    on = payload.on or timezone.localdate()
    return _step(request, pk, lambda record, by: services.financing_appeal(
        application=record, lodged_on=on, by=by))


@router.post("/financing/{pk}/withdraw", response={200: FinancingOut, **ERRORS},
             url_name="financing_withdraw")
def financing_withdraw(request, pk: int, payload: FinancingStepIn):
    on = payload.on or timezone.localdate()
    return _step(request, pk, lambda record, by: services.financing_withdraw(
        application=record, on=on, by=by))
