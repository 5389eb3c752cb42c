"""Follow-up through the JSON API: agreements, visits, work orders and plans."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError
from ninja.responses import Status

from husly.access.models import ListKind
from husly.access.policy import (
    may_complete_work_order,
    work_order_resident_shown,
)
from husly.access.services import list_read_record, resident_read
from husly.accounts.models import Team, User
from husly.api import schemas
from husly.common.businessdays import week_start
from husly.common.models import Category
from husly.followup import selectors, services
from husly.followup.models import FollowUpAgreement, PlanKind, Visit
from husly.housing import selectors as housing_selectors
from husly.housing import services as housing
from husly.people import selectors as people_selectors

router = Router(tags=["follow-up"])
ERRORS = {403: schemas.Problem, 404: schemas.Problem, 409: schemas.Problem,
          422: schemas.Problem}


def _require(request, kind):
    if not request.staff.may_open(kind):
        raise HttpError(403, _("Your role does not give access to this operation."))


def _followup_resident(request, pk: int, view: str):
    _require(request, "followup")
    resident = people_selectors.resident_get(staff=request.staff, pk=pk)
    access = resident_read(staff=request.staff, resident=resident, view=view,
                           needs=Category.FOLLOWUP)
    if not access.allowed or not access.reads(Category.FOLLOWUP):
        raise HttpError(403, access.denied_reason or _("Follow-up information needs the "
                                                       "resident's consent for your unit."))
    return resident


def _visit_out(visit: Visit) -> dict:
    return {"id": visit.pk, "agreement_id": visit.agreement_id,
            "resident_id": visit.agreement.resident_id,
            "resident_name": visit.agreement.resident.full_name,
            "planned_on": visit.planned_on, "status": visit.status,
            "assigned_to_id": visit.assigned_to_id}


def _agreement_out(agreement) -> dict:
    today = timezone.localdate()
    visits = agreement.visits.select_related("agreement__resident").filter(
        planned_on__gte=today - datetime.timedelta(weeks=4)).order_by("planned_on")[:12]
    return {"id": agreement.pk, "resident_id": agreement.resident_id,
            "team_id": agreement.team_id, "primary_contact_id": agreement.primary_contact_id,
            "start_date": agreement.start_date, "signed_on": agreement.signed_on,
            "end_date": agreement.end_date, "visit_weekday": agreement.visit_weekday,
            "health_care_accepted": agreement.health_care_accepted,
            "missed_weeks": selectors.missed_weeks(agreement, today),
            "visits": [_visit_out(v) for v in visits]}


@router.get("/residents/{pk}/agreement", response={200: schemas.AgreementOut, **ERRORS},
            url_name="agreement")
def agreement_get(request, pk: int):
    resident = _followup_resident(request, pk, "api_agreement")
    agreement = selectors.agreement_for(resident=resident)
    if agreement is None:
        raise HttpError(404, _("The resident has no running agreement."))
    return _agreement_out(agreement)


@router.post("/residents/{pk}/agreement", response={201: schemas.AgreementOut, **ERRORS},
             url_name="agreement_create")
def agreement_create(request, pk: int, payload: schemas.AgreementIn):
    resident = _followup_resident(request, pk, "api_agreement")
    staff = request.staff
    team = get_object_or_404(Team, pk=payload.team_id, municipality=staff.municipality)
    contact = get_object_or_404(User, pk=payload.primary_contact_id)
    agreement = services.agreement_create(
        resident=resident, team=team, primary_contact=contact, start_date=payload.start_date,
        visit_weekday=payload.visit_weekday, health_care_accepted=payload.health_care_accepted,
        by=staff.user)
    return Status(201, _agreement_out(agreement))


@router.post("/agreements/{pk}/health-care", response={200: schemas.AgreementOut, **ERRORS},
             url_name="health_care")
def health_care(request, pk: int, payload: schemas.HealthCareIn):
    agreement = get_object_or_404(FollowUpAgreement, pk=pk,
                                  municipality=request.staff.municipality)
    _followup_resident(request, agreement.resident_id, "api_agreement")
    if payload.accepted:
        services.health_care_accept(agreement=agreement, on=payload.on, by=request.staff.user)
    else:
        services.health_care_decline(agreement=agreement, on=payload.on, by=request.staff.user)
    agreement.refresh_from_db()
    return _agreement_out(agreement)


@router.get("/visits", response=list[schemas.VisitOut], url_name="visits")
def visits(request, start: datetime.date | None = None, end: datetime.date | None = None):
    """The caller's visits; by default this week and next."""
    _require(request, "followup")
    today = timezone.localdate()
    start = start or week_start(today)
    end = end or start + datetime.timedelta(days=13)
    visits = list(selectors.visits_for(staff=request.staff, start=start, end=end))
    list_read_record(staff=request.staff, view=ListKind.API_VISITS,
                     residents=[v.agreement.resident for v in visits])
    return [_visit_out(v) for v in visits]


def _visit(request, pk: int) -> Visit:
    visit = get_object_or_404(Visit.objects.select_related("agreement__resident"), pk=pk,
                              municipality=request.staff.municipality)
    _followup_resident(request, visit.agreement.resident_id, "api_visit")
    return visit


@router.post("/visits/{pk}", response={200: schemas.VisitOut, **ERRORS}, url_name="visit")
def visit_record(request, pk: int, payload: schemas.VisitIn):
    visit = _visit(request, pk)
    data = payload.dict()
    visitor_ids = data.pop("visitor_ids")
    visitors = list(User.objects.filter(pk__in=visitor_ids))
    visit = services.visit_record(visit=visit, by=request.staff.user, visitors=visitors, **data)
    return _visit_out(visit)


@router.post("/visits/{pk}/reassign", response={200: schemas.VisitOut, **ERRORS},
             url_name="visit_reassign")
def visit_reassign(request, pk: int, payload: schemas.ReassignIn):
    visit = _visit(request, pk)
    to = get_object_or_404(User, pk=payload.to_id)
    return _visit_out(services.visit_reassign(visit=visit, to=to, by=request.staff.user))


def _order_out(order, staff) -> dict:
    # Caretakers get the dwelling, the order and the resident's name and phone: no more,
    # and not even those for a protected address.
    shown = work_order_resident_shown(staff, order)
    return {"id": order.pk, "dwelling_id": order.dwelling_id, "address": order.dwelling.address,
            "kind": order.kind, "priority": order.priority, "description": order.description,
            "due_on": order.due_on, "done_on": order.done_on,
            "resident_name": order.resident.full_name if shown else None,
            "resident_phone": order.resident.phone if shown else None}


@router.get("/work-orders", response=list[schemas.WorkOrderOut], url_name="work_orders")
def work_orders(request):
    _require(request, "work_orders")
    orders = list(housing_selectors.work_orders_open(staff=request.staff))
    out = [_order_out(o, request.staff) for o in orders]
    list_read_record(staff=request.staff, view=ListKind.API_WORK_ORDERS, residents=[
        order.resident for order, row in zip(orders, out, strict=True) if row["resident_name"]])
    return out


@router.post("/dwellings/{pk}/work-orders", response={201: schemas.WorkOrderOut, **ERRORS},
             url_name="work_order_create")
def work_order_create(request, pk: int, payload: schemas.WorkOrderIn):
    _require(request, "work_order_create")
    dwelling = housing_selectors.dwelling_get(staff=request.staff, pk=pk)
    tenancy = dwelling.tenancies.current().first()
    order = housing.work_order_create(
        dwelling=dwelling, resident=tenancy.residents.first() if tenancy else None,
        by=request.staff.user, **payload.dict())
    return Status(201, _order_out(order, request.staff))


@router.post("/work-orders/{pk}/complete", response={200: schemas.WorkOrderOut, **ERRORS},
             url_name="work_order_complete")
def work_order_complete(request, pk: int, payload: schemas.WorkOrderDoneIn):
    _require(request, "work_orders")
    order = housing_selectors.work_order_get(staff=request.staff, pk=pk)
    if not may_complete_work_order(request.staff, order):
        raise HttpError(403, _("Only caretakers and the property department complete work "
                               "orders."))
    order = housing.work_order_complete(work_order=order, by=request.staff.user,
                                        **payload.dict())
    return _order_out(order, request.staff)


def _plan_kind(kind: str) -> str:
    if kind not in PlanKind.values:
        raise HttpError(404, _("Not found."))
    return kind


def _plan_out(version) -> dict:
    return {"kind": version.kind, "number": version.number, "answers": version.answers,
            "review_on": version.review_on, "written_by_id": version.written_by_id}


@router.get("/residents/{pk}/plans/{kind}", response={200: schemas.PlanOut, **ERRORS},
            url_name="plan")
def plan_get(request, pk: int, kind: str):
    resident = _followup_resident(request, pk, "api_plan")
    version = selectors.plan_versions(resident=resident, kind=_plan_kind(kind)).first()
    if version is None:
        raise HttpError(404, _("Not written yet."))
    return _plan_out(version)


@router.post("/residents/{pk}/plans/{kind}", response={201: schemas.PlanOut, **ERRORS},
             url_name="plan_save")
def plan_save(request, pk: int, kind: str, payload: schemas.PlanIn):
    resident = _followup_resident(request, pk, "api_plan")
    try:
        version = services.plan_save(resident=resident, kind=_plan_kind(kind),
                                     answers=payload.answers, review_on=payload.review_on,
                                     based_on=payload.based_on, by=request.staff.user)
    except services.PlanConflict as exc:
        return Status(409, {"detail": exc.messages, "fields": {}})
    return Status(201, _plan_out(version))
