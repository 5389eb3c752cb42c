import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

# A row id: what the database can hold, so an out-of-range number is refused (422) before
# it reaches a query (an `__in` lookup does not turn it into "no match" as `exact` does).
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class Problem(Schema):
    detail: list[str]
    fields: dict[str, list[str]] = {}


class StatementOut(Schema):
    requested_on: datetime.date
    due_on: datetime.date
    given_on: datetime.date | None
    text: str | None = Field(None, description="Only when the access rules allow it.")


class DecisionOut(Schema):
    granted: bool
    kind: str
    decided_on: datetime.date
    dwelling_kind: str
    lease_months: int | None


class OfferOut(Schema):
    id: int
    dwelling_id: int
    offered_on: datetime.date
    answer_by: datetime.date
    viewing_on: datetime.date | None
    answer: str
    decline_reason: str


class TaskOut(Schema):
    id: int
    application_id: int
    title: str
    unit: str
    assigned_to_id: int | None
    due_on: datetime.date
    blocks_move_in: bool
    done: bool
    deadline_state: str
    work_order_id: int | None


class AllocationOut(Schema):
    dwelling_id: int
    allocated_on: datetime.date
    meeting_deadline: datetime.date
    meeting_deadline_state: str
    meeting_held_on: datetime.date | None
    moved_in_on: datetime.date | None
    tasks: list[TaskOut]


class ApplicationSummary(Schema):
    id: int
    applicant_id: int
    applicant_name: str
    state: str
    state_label: str
    state_since: datetime.date
    registered_on: datetime.date


class ApplicationOut(ApplicationSummary):
    hidden: list[str] = Field(description="Why parts are left out: the access rules' words.")
    housing_first: bool | None = None
    rooms_needed: int | None = None
    needs_ground_floor_or_lift: bool | None = None
    needs_wheelchair_access: bool | None = None
    needs_rop_suited: bool | None = None
    needs_24h_staffing: bool | None = None
    wishes: str | None = None
    statement: StatementOut | None = None
    decision: DecisionOut | None = None
    offers: list[OfferOut] = []
    allocation: AllocationOut | None = None


class ApplicationIn(Schema):
    applicant_id: int
    household_member_ids: list[RowId] = []
    registered_on: datetime.date | None = None
    rooms_needed: int = 1
    needs_ground_floor_or_lift: bool = False
    needs_wheelchair_access: bool = False
    needs_rop_suited: bool = False
    needs_24h_staffing: bool = False
    wished_area: str = ""
    wished_kind: str = ""
    wishes: str = ""
    housing_first: bool = False
    referral_source: str = ""


class StatementIn(Schema):
    text: str


class DecisionIn(Schema):
    granted: bool
    kind: str = "dwelling"
    reasons: str
    legal_basis: str
    dwelling_kind: str = ""
    rooms: int | None = None
    lease_months: int | None = None
    help_content: str = ""


class OfferIn(Schema):
    dwelling_id: int
    answer_by: datetime.date | None = None


class ViewingIn(Schema):
    viewing_on: datetime.date
    companions: str = ""


class AnswerIn(Schema):
    accepted: bool
    decline_reason: str = ""


class AllocationIn(Schema):
    allocated_on: datetime.date | None = None


class MeetingIn(Schema):
    held_on: datetime.date
    attendee_ids: list[RowId] = []
    note: str = ""
    assignees: dict[int, int] = Field({}, description="Task template id → staff id.")


class MoveInIn(Schema):
    moved_in_on: datetime.date
    monthly_rent: Decimal


class VisitOut(Schema):
    id: int
    agreement_id: int
    resident_id: int
    resident_name: str
    planned_on: datetime.date
    status: str
    assigned_to_id: int


class AgreementOut(Schema):
    id: int
    resident_id: int
    team_id: int
    primary_contact_id: int
    start_date: datetime.date
    signed_on: datetime.date | None
    end_date: datetime.date | None
    visit_weekday: int
    health_care_accepted: bool
    missed_weeks: int
    visits: list[VisitOut]


class AgreementIn(Schema):
    team_id: int
    primary_contact_id: int
    start_date: datetime.date
    visit_weekday: int = 1
    health_care_accepted: bool = True


class HealthCareIn(Schema):
    accepted: bool
    on: datetime.date


class VisitIn(Schema):
    status: str
    visitor_ids: list[RowId] = []
    damage: bool = False
    dangerous_objects_removed: bool = False
    hygiene_concern: bool = False
    fire_safety_concern: bool = False
    neighbour_complaint: bool = False
    actions: str = ""
    note_text: str = ""
    note_category: str = "followup"


class ReassignIn(Schema):
    to_id: int


class WorkOrderOut(Schema):
    id: int
    dwelling_id: int
    address: str
    kind: str
    priority: int
    description: str
    due_on: datetime.date
    done_on: datetime.date | None
    resident_name: str | None
    resident_phone: str | None


class WorkOrderIn(Schema):
    kind: str
    priority: int = 3
    description: str
    due_on: datetime.date


class WorkOrderDoneIn(Schema):
    what_was_done: str
    guidance_given: str = ""


class PlanOut(Schema):
    kind: str
    number: int
    answers: dict[str, str]
    review_on: datetime.date
    written_by_id: int


class PlanIn(Schema):
    answers: dict[str, str]
    review_on: datetime.date
    based_on: int
