"""The JSON API: the allocation flow over the same services and access rules as the pages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.responses import Status

from husly.access.models import ListKind
from husly.access.policy import (
    may_complete_task,
    resident_access,
    residents_visible,
)
from husly.access.services import list_read_record, resident_read
from husly.accounts.models import User
from husly.allocation import rules, selectors, services
from husly.allocation.models import Application, MoveInTask
from husly.api import schemas
from husly.api.auth import StaffSession
from husly.common.deadlines import deadline_state
from husly.common.models import Category
from husly.housing.models import Dwelling

api = NinjaAPI(
    title="Husly API", version="1", urls_namespace="api", auth=StaffSession(),
    description="Housing First in the municipality: from application to keys. Every call "
                "runs the same services and access rules as the pages; refusals answer 422 "
                "with the reason in the user's language. Other systems of the municipality use "
                "the integration API with a token instead: /api/v1/integrasjon/docs.",
)


@api.exception_handler(ValidationError)
def refused(request, exc):
    fields = {k: [str(m) for m in v] for k, v in getattr(exc, "message_dict", {}).items()} \
        if hasattr(exc, "error_dict") else {}
    return api.create_response(request, {"detail": exc.messages, "fields": fields}, status=422)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": [str(exc) or _("No access.")]}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": [_("Not found.")]}, status=404)


def _require(request, kind: str):
    if not request.staff.may_open(kind):
        raise HttpError(403, _("Your role does not give access to this operation."))


def _application(request, pk: int, kind: str = "application"):
    _require(request, kind)
    application = selectors.application_get(staff=request.staff, pk=pk)
    access = resident_access(request.staff, application.applicant)
    if not access.allowed:
        raise HttpError(403, access.denied_reason)
    return application, access


def _summary(application: Application) -> dict:
    return {
        "id": application.pk, "applicant_id": application.applicant_id,
        "applicant_name": application.applicant.full_name, "state": application.state,
        "state_label": str(application.get_state_display()),
        "state_since": application.state_since, "registered_on": application.registered_on,
    }


def _task(task: MoveInTask, today) -> dict:
    done = rules.task_is_done(task)
    return {
        "id": task.pk, "application_id": task.allocation.application_id, "title": task.title,
        "unit": str(task.unit), "assigned_to_id": task.assigned_to_id, "due_on": task.due_on,
        "blocks_move_in": task.blocks_move_in, "done": done,
        "deadline_state": deadline_state(task.due_on, done=done, today=today),
        "work_order_id": task.work_order_id,
    }


def _detail(request, application: Application, access) -> dict:
    application.refresh_from_db()
    staff = request.staff
    today = timezone.localdate()
    out = _summary(application)
    out["hidden"] = [h.reason for h in access.hidden]
    statement = getattr(application, "statement", None)
    if statement is not None:
        out["statement"] = {
            "requested_on": statement.requested_on, "due_on": statement.due_on,
            "given_on": statement.given_on,
            "text": statement.text if selectors.statement_read(
                staff=staff, application=application, access=access) else None,
        }
    allocation = getattr(application, "allocation", None)
    if allocation is not None:
        out["allocation"] = {
            "dwelling_id": allocation.dwelling_id, "allocated_on": allocation.allocated_on,
            "meeting_deadline": allocation.meeting_deadline,
            "meeting_deadline_state": deadline_state(
                allocation.meeting_deadline, done=allocation.meeting.held_on is not None,
                today=today),
            "meeting_held_on": allocation.meeting.held_on,
            "moved_in_on": allocation.moved_in_on,
            "tasks": [_task(t, today) for t in allocation.tasks.select_related(
                "unit", "work_order", "allocation")],
        }
    if access.reads(Category.HOUSING):
        for field in ("housing_first", "rooms_needed", "needs_ground_floor_or_lift",
                      "needs_wheelchair_access", "needs_rop_suited", "needs_24h_staffing",
                      "wishes"):
            out[field] = getattr(application, field)
        decision = getattr(application, "decision", None)
        if decision is not None:
            out["decision"] = {"granted": decision.granted, "kind": decision.kind,
                               "decided_on": decision.decided_on,
                               "dwelling_kind": decision.dwelling_kind,
                               "lease_months": decision.lease_months}
        out["offers"] = [
            {"id": o.pk, "dwelling_id": o.dwelling_id, "offered_on": o.offered_on,
             "answer_by": o.answer_by, "viewing_on": o.viewing_on, "answer": o.answer,
             "decline_reason": o.decline_reason}
            for o in application.offers.all()]
    resident_read(staff=staff, resident=application.applicant, access=access,
                  view="api_application")
    return out


ERRORS = {403: schemas.Problem, 404: schemas.Problem, 422: schemas.Problem}


@api.get("/applications", response=list[schemas.ApplicationSummary], url_name="applications",
         tags=["allocation"])
def applications_list(request):
    """Open applications the staff member has a work relation to."""
    _require(request, "allocation")
    applications = selectors.open_applications(staff=request.staff)
    list_read_record(staff=request.staff, view=ListKind.API_APPLICATIONS,
                     residents=[a.applicant for a in applications])
    return [_summary(a) for a in applications]


@api.post("/applications", response={201: schemas.ApplicationOut, **ERRORS},
          url_name="application_create", tags=["allocation"])
def applications_create(request, payload: schemas.ApplicationIn):
    _require(request, "allocation_manage")
    staff = request.staff
    visible = residents_visible(staff)
    applicant = get_object_or_404(visible, pk=payload.applicant_id)
    members = list(visible.filter(pk__in=payload.household_member_ids))
    unit = next((u for u in staff.units if u.kind == "housing"), None)
    if unit is None:
        raise HttpError(403, _("You need a role in the housing service to register "
                                "applications."))
    data = payload.dict(exclude={"applicant_id", "household_member_ids"})
    application = services.application_register(
        applicant=applicant, officer_unit=unit, by=staff.user, household_members=members,
        **data)
    return Status(201, _detail(request, application, resident_access(staff, applicant)))


@api.get("/applications/{pk}", response={200: schemas.ApplicationOut, **ERRORS},
         url_name="application", tags=["allocation"])
def applications_get(request, pk: int):
    application, access = _application(request, pk)
    return _detail(request, application, access)


def _step(request, pk: int, kind: str, action):
    application, access = _application(request, pk, kind)
    action(application)
    return _detail(request, application, access)


@api.post("/applications/{pk}/statement-request", response={200: schemas.ApplicationOut,
          **ERRORS}, url_name="statement_request", tags=["allocation"])
def statement_request(request, pk: int):
    return _step(request, pk, "allocation_manage", lambda a: services.statement_request(
        application=a, by=request.staff.user))


@api.post("/applications/{pk}/statement", response={200: schemas.ApplicationOut, **ERRORS},
          url_name="statement", tags=["allocation"])
def statement_give(request, pk: int, payload: schemas.StatementIn):
    return _step(request, pk, "statement_write", lambda a: services.statement_give(
        application=a, text=payload.text, by=request.staff.user))


@api.post("/applications/{pk}/decision", response={200: schemas.ApplicationOut, **ERRORS},
          url_name="decision", tags=["allocation"])
def decide(request, pk: int, payload: schemas.DecisionIn):
    return _step(request, pk, "allocation_manage", lambda a: services.application_decide(
        application=a, by=request.staff.user, **payload.dict()))


@api.post("/applications/{pk}/offers", response={200: schemas.ApplicationOut, **ERRORS},
          url_name="offer", tags=["allocation"])
def offer(request, pk: int, payload: schemas.OfferIn):
    def action(application):
        dwelling = get_object_or_404(Dwelling, pk=payload.dwelling_id,
                                     municipality=request.staff.municipality)
        services.offer_make(application=application, dwelling=dwelling,
                            answer_by=payload.answer_by, by=request.staff.user)

    return _step(request, pk, "allocation_manage", action)


@api.post("/applications/{pk}/viewing", response={200: schemas.ApplicationOut, **ERRORS},
          url_name="viewing", tags=["allocation"])
def viewing(request, pk: int, payload: schemas.ViewingIn):
    return _step(request, pk, "allocation_manage", lambda a: services.offer_viewing_record(
        application=a, viewing_on=payload.viewing_on, companions=payload.companions,
        by=request.staff.user))


@api.post("/applications/{pk}/answer", response={200: schemas.ApplicationOut, **ERRORS},
          url_name="answer", tags=["allocation"])
def answer(request, pk: int, payload: schemas.AnswerIn):
    return _step(request, pk, "allocation_manage", lambda a: services.offer_answer(
        application=a, accepted=payload.accepted, decline_reason=payload.decline_reason,
        by=request.staff.user))


@api.post("/applications/{pk}/allocation", response={200: schemas.ApplicationOut, **ERRORS},
          url_name="allocate", tags=["allocation"])
def allocate(request, pk: int, payload: schemas.AllocationIn):
    return _step(request, pk, "allocation_manage", lambda a: services.allocation_register(
        application=a, allocated_on=payload.allocated_on, by=request.staff.user))


@api.post("/applications/{pk}/meeting", response={200: schemas.ApplicationOut, **ERRORS},
          url_name="meeting", tags=["allocation"])
def meeting(request, pk: int, payload: schemas.MeetingIn):
    def action(application):
        allocation = selectors.allocation_of(application)
        people = User.objects.filter(role_assignments__municipality=request.staff.municipality)
        attendees = list(people.filter(pk__in=payload.attendee_ids).distinct())
        assignees = {template_id: people.filter(pk=user_id).distinct().first()
                     for template_id, user_id in payload.assignees.items()}
        services.joint_meeting_hold(meeting=allocation.meeting, held_on=payload.held_on,
                                    attendees=attendees, note=payload.note,
                                    assignees=assignees, by=request.staff.user)

    return _step(request, pk, "allocation_manage", action)


@api.post("/applications/{pk}/move-in", response={200: schemas.ApplicationOut, **ERRORS},
          url_name="move_in", tags=["allocation"])
def move_in(request, pk: int, payload: schemas.MoveInIn):
    def action(application):
        allocation = selectors.allocation_of(application)
        services.allocation_move_in(allocation=allocation, moved_in_on=payload.moved_in_on,
                                    monthly_rent=payload.monthly_rent, by=request.staff.user)

    return _step(request, pk, "allocation_manage", action)


@api.get("/tasks", response=list[schemas.TaskOut], url_name="tasks", tags=["tasks"])
def tasks(request):
    """The staff member's move-in tasks, by due date."""
    _require(request, "tasks")
    today = timezone.localdate()
    return [_task(t, today) for t in selectors.tasks_for(staff=request.staff)]


@api.post("/tasks/{pk}/complete", response={200: schemas.TaskOut, **ERRORS},
          url_name="task_complete", tags=["tasks"])
def task_complete(request, pk: int):
    _require(request, "tasks")
    staff = request.staff
    task = get_object_or_404(MoveInTask.objects.select_related("allocation", "unit"), pk=pk,
                             allocation__municipality=staff.municipality)
    if not may_complete_task(staff, task):
        raise HttpError(403, _("The task belongs to another unit."))
    services.move_in_task_complete(task=task, by=staff.user)
    task.refresh_from_db()
    return _task(task, timezone.localdate())


from husly.api.followup import router as followup_router  # noqa: E402 - after the api exists

api.add_router("/", followup_router)

from husly.api.landlords import router as landlords_router  # noqa: E402 - after the api exists

api.add_router("/", landlords_router)

from husly.api.financing import router as financing_router  # noqa: E402 - after the api exists

api.add_router("/", financing_router)
