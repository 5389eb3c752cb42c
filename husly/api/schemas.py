import datetime
from decimal import Decimal

from ninja import Field, Schema


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
    household_member_ids: list[int] = []
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
    attendee_ids: list[int] = []
    note: str = ""
    assignees: dict[int, int] = Field({}, description="Task template id → staff id.")


class MoveInIn(Schema):
    moved_in_on: datetime.date
    monthly_rent: Decimal
