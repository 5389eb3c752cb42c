"""Every write from application to keys. Each is one transaction and records one event;
an out-of-order step is refused with a message that says what has to happen first."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.access.models import ConsentScope
from husly.access.services import consent_record
from husly.accounts.models import Unit, UnitKind
from husly.accounts.selectors import not_in_unit_message, unit_of_kind_for, works_in_unit
from husly.allocation.models import (
    Allocation,
    AllocationCriterion,
    AllocationSettings,
    Application,
    ApplicationState,
    CriterionAssessment,
    Decision,
    DecisionKind,
    JointMeeting,
    MoveInTask,
    Offer,
    Statement,
    TaskTemplate,
)
from husly.allocation.rules import (
    statement_required,
    task_is_done,
)
from husly.allocation.selectors import settings_for
from husly.common.businessdays import add_months, business_days_add
from husly.common.events import event_record, settings_save
from husly.common.formats import date_long
from husly.common.models import Category
from husly.housing import services as housing
from husly.housing.models import Dwelling, DwellingStatus, WorkOrderKind
from husly.people import services as people

S = ApplicationState


def _state_label(state: str) -> str:
    return str(ApplicationState(state).label).lower()


def _require_state(application: Application, *allowed: str) -> None:
    if application.state not in allowed:
        raise ValidationError(_(
            "The application is %(state)s. This step can only be taken when it is %(allowed)s."
        ) % {"state": _state_label(application.state),
             "allowed": _(" or ").join(_state_label(s) for s in allowed)})


def _move(application: Application, state: str, on: datetime.date) -> None:
    application.state = state
    application.state_since = on
    application.save(update_fields=["state", "state_since"])


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


@transaction.atomic
def allocation_settings_save(*, municipality, by, **values) -> AllocationSettings:
    return settings_save(instance=settings_for(municipality), values=values, by=by,
                         name="allocation.settings_saved")


@transaction.atomic
def criterion_create(*, municipality, text: str, order: int = 0, by) -> AllocationCriterion:
    criterion = AllocationCriterion.objects.create(municipality=municipality, text=text,
                                                   order=order)
    event_record(name="allocation.criterion_created", actor=by, target=criterion,
                 changes={"text": text})
    return criterion


@transaction.atomic
def task_template_create(*, municipality, title: str, unit_kind: str, by,
                         due_business_days: int = 2, blocks_move_in: bool = True,
                         is_preparation: bool = False, order: int = 0,
                         purpose: str = "") -> TaskTemplate:
    purpose = " ".join(purpose.split())
    longest = TaskTemplate._meta.get_field("purpose").max_length
    if len(purpose) > longest:
        raise ValidationError({"purpose": [_("Keep the why short: at most %(max)d "
                                             "characters.") % {"max": longest}]})
    template = TaskTemplate.objects.create(
        municipality=municipality, title=title, unit_kind=unit_kind,
        due_business_days=due_business_days, blocks_move_in=blocks_move_in,
        is_preparation=is_preparation, order=order, purpose=purpose,
    )
    event_record(name="allocation.task_template_created", actor=by, target=template,
                 changes={"title": title, "unit_kind": unit_kind, "purpose": purpose})
    return template


APPLICATION_NEEDS = (
    "rooms_needed", "needs_ground_floor_or_lift", "needs_wheelchair_access", "needs_rop_suited",
    "needs_24h_staffing", "wished_area", "wished_kind", "wishes", "housing_first",
    "referral_source",
)


@transaction.atomic
def application_register(*, applicant, officer_unit: Unit, by, registered_on=None,
                         household_members=(), statement_consent_form: str = "",
                         **needs) -> Application:
    """Register an application. `statement_consent_form` ("written" or "verbal") records the
    applicant's consent to the follow-up unit's statement reaching the housing service
    (ADR 0030); empty: not asked yet, recorded later on the application's page."""
    unknown = set(needs) - set(APPLICATION_NEEDS)
    if unknown:
        raise TypeError(f"unknown application fields: {sorted(unknown)}")
    registered_on = registered_on or timezone.localdate()
    if registered_on > timezone.localdate():
        raise ValidationError({"registered_on": [_("The date is in the future. Use today or "
                                                    "earlier.")]})
    if officer_unit.municipality_id != applicant.municipality_id:
        raise ValueError("the officer's unit is in another municipality")
    if Application.objects.filter(applicant=applicant, state__in=S.open()).exists():
        raise ValidationError(_("The applicant already has an open application. Open it "
                                "instead of registering a new one."))
    members = [m for m in household_members if m.pk != applicant.pk]
    if any(m.municipality_id != applicant.municipality_id for m in members):
        raise ValidationError({"household_members": [_("Choose residents of this "
                                                        "municipality.")]})
    case = people.case_open(resident=applicant, unit=officer_unit, assigned_to=by, by=by,
                            opened_on=registered_on)
    application = Application(
        municipality_id=applicant.municipality_id, applicant=applicant, officer=by, case=case,
        registered_on=registered_on, state_since=registered_on, **needs,
    )
    application.full_clean(exclude=["municipality", "applicant", "officer", "case"])
    application.save()
    application.household_members.set(members)
    if statement_consent_form:
        _statement_consent_attach(application, form=statement_consent_form,
                                  given_on=registered_on, by=by)
    event_record(name="application.registered", actor=by, target=application,
                 changes={"applicant": applicant, "registered_on": registered_on,
                          "household_members": [m.pk for m in members],
                          "statement_consent": bool(statement_consent_form), **needs})
    return application


def _statement_consent_attach(application: Application, *, form: str, given_on, by):
    """The applicant's consent to the statement: from the follow-up units, to the housing
    unit that runs the case, scoped to this statement only (it opens nothing else)."""
    followup_units = list(Unit.objects.filter(municipality_id=application.municipality_id,
                                              kind=UnitKind.FOLLOWUP))
    if not followup_units:
        raise ValidationError(_("The municipality has no follow-up unit to ask. Ask the "
                                "administrator to register it."))
    consent = consent_record(
        resident=application.applicant, from_units=followup_units,
        to_units=[application.case.unit], categories=[Category.FOLLOWUP],
        purpose=_("The follow-up unit's statement on the application for a dwelling"),
        given_on=given_on, form=form, by=by, scope=ConsentScope.STATEMENT)
    application.statement_consent = consent
    application.save(update_fields=["statement_consent"])
    return consent


@transaction.atomic
def application_statement_consent_record(*, application: Application, form: str, by,
                                         given_on=None) -> Application:
    """Record, afterwards, the applicant's consent to the statement reaching the housing
    service: the page that needs it offers this in place."""
    application = _locked(application)
    if application.statement_consent_id and application.statement_consent.is_in_force(
            timezone.localdate()):
        raise ValidationError(_("The consent to the statement is already recorded."))
    consent = _statement_consent_attach(application, form=form,
                                        given_on=given_on or timezone.localdate(), by=by)
    event_record(name="application.statement_consent_recorded", actor=by, target=application,
                 changes={"consent": consent, "form": form})
    return application


@transaction.atomic
def application_assess(*, application: Application, criterion: AllocationCriterion,
                       verdict: str, note: str = "", by) -> CriterionAssessment:
    if criterion.municipality_id != application.municipality_id:
        raise ValueError("criterion of another municipality")
    assessment, _created = CriterionAssessment.objects.update_or_create(
        application=application, criterion=criterion,
        defaults={"verdict": verdict, "note": note},
    )
    event_record(name="application.criterion_assessed", actor=by, target=application,
                 changes={"criterion": criterion, "verdict": verdict})
    return assessment


@transaction.atomic
def statement_request(*, application: Application, by, due_on=None) -> Statement:
    application = _locked(application)
    _require_state(application, S.RECEIVED)
    today = timezone.localdate()
    unit = Unit.objects.filter(municipality_id=application.municipality_id,
                               kind=UnitKind.FOLLOWUP).order_by("id").first()
    if unit is None:
        raise ValidationError(_("The municipality has no follow-up unit to ask. Ask the "
                                "administrator to register it."))
    due_on = due_on or today + datetime.timedelta(
        days=settings_for(application.municipality).statement_due_days)
    if due_on < today:
        raise ValidationError({"due_on": [_("The due date is in the past. Choose today or "
                                            "later.")]})
    statement = Statement.objects.create(application=application, unit=unit, requested_on=today,
                                         due_on=due_on, requested_by=by)
    _move(application, S.STATEMENT_REQUESTED, today)
    event_record(name="application.statement_requested", actor=by, target=application,
                 changes={"unit": unit, "due_on": due_on})
    return statement


@transaction.atomic
def statement_give(*, application: Application, text: str, by) -> Statement:
    application = _locked(application)
    _require_state(application, S.STATEMENT_REQUESTED)
    if not text.strip():
        raise ValidationError({"text": [_("Write the statement before sending it.")]})
    statement = application.statement
    statement.text = text.strip()
    statement.given_on = timezone.localdate()
    statement.written_by = by
    statement.save(update_fields=["text", "given_on", "written_by"])
    _move(application, S.STATEMENT_GIVEN, statement.given_on)
    # The event records that the statement came, not what it says (follow-up information).
    event_record(name="application.statement_given", actor=by, target=application,
                 changes={"given_on": statement.given_on})
    return statement


@transaction.atomic
def application_decide(
    *, application: Application, granted: bool, kind: str, reasons: str, legal_basis: str,
    by, dwelling_kind: str = "", rooms: int | None = None, lease_months: int | None = None,
    help_content: str = "", decided_on=None,
) -> Decision:
    application = _locked(application)
    if statement_required(application):
        _require_state(application, S.STATEMENT_GIVEN)
    else:
        _require_state(application, S.RECEIVED, S.STATEMENT_GIVEN)
    errors: dict[str, list[str]] = {}
    if not reasons.strip():
        errors["reasons"] = [_("A decision must give its reasons (forvaltningsloven § 24). "
                               "Write them.")]
    if not legal_basis.strip():
        errors["legal_basis"] = [_("Name the legal basis for the decision.")]
    if kind not in DecisionKind.values:
        errors["kind"] = [_("Choose the kind of decision.")]
    if granted and kind == DecisionKind.DWELLING:
        if not dwelling_kind:
            errors["dwelling_kind"] = [_("Choose the kind of dwelling granted.")]
        allowed = settings_for(application.municipality).lease_lengths_months
        if not lease_months:
            errors["lease_months"] = [_("Choose the lease length granted.")]
        elif allowed and lease_months not in allowed:
            errors["lease_months"] = [_("Choose one of the municipality's lease lengths: "
                                        "%(allowed)s months.") % {
                "allowed": ", ".join(str(m) for m in allowed)}]
    if granted and kind == DecisionKind.TAILORED_HELP and not help_content.strip():
        errors["help_content"] = [_("State the main content of the help granted.")]
    decided_on = decided_on or timezone.localdate()
    if decided_on < application.registered_on:
        errors["decided_on"] = [_("The decision date is before the application was "
                                  "registered.")]
    if errors:
        raise ValidationError(errors)
    decision = Decision.objects.create(
        application=application, kind=kind, granted=granted, reasons=reasons.strip(),
        legal_basis=legal_basis.strip(), dwelling_kind=dwelling_kind if granted else "",
        rooms=rooms if granted else None, lease_months=lease_months if granted else None,
        help_content=help_content.strip(), decided_on=decided_on, decided_by=by,
    )
    _move(application, S.DECIDED if granted else S.REFUSED, decided_on)
    event_record(name="application.decided", actor=by, target=application,
                 changes={"granted": granted, "kind": kind, "dwelling_kind": dwelling_kind,
                          "lease_months": lease_months, "decided_on": decided_on})
    return decision


@transaction.atomic
def preliminary_reply_record(*, application: Application, by, sent_on=None) -> Application:
    application = _locked(application)
    _require_state(application, S.RECEIVED, S.STATEMENT_REQUESTED, S.STATEMENT_GIVEN)
    application.preliminary_reply_on = sent_on or timezone.localdate()
    application.save(update_fields=["preliminary_reply_on"])
    event_record(name="application.preliminary_reply_sent", actor=by, target=application,
                 changes={"sent_on": application.preliminary_reply_on})
    return application


@transaction.atomic
def offer_make(*, application: Application, dwelling: Dwelling, by, offered_on=None,
               answer_by=None) -> Offer:
    application = _locked(application)
    _require_state(application, S.DECIDED, S.DECLINED)
    if not application.decision.granted:
        raise ValidationError(_("Only a granted application can get an offer."))
    dwelling = Dwelling.objects.select_for_update().get(pk=dwelling.pk)
    if dwelling.municipality_id != application.municipality_id:
        raise ValidationError({"dwelling": [_("Choose a dwelling in this municipality.")]})
    if dwelling.status != DwellingStatus.VACANT:
        raise ValidationError({"dwelling": [_(
            "The dwelling is %(status)s, not vacant. Choose a vacant dwelling.") % {
            "status": str(DwellingStatus(dwelling.status).label).lower()}]})
    if Offer.objects.filter(dwelling=dwelling, answer=Offer.Answer.PENDING).exists() or (
        Allocation.objects.filter(dwelling=dwelling, moved_in_on__isnull=True).exists()
    ):
        raise ValidationError({"dwelling": [_(
            "The dwelling is already offered or allocated to someone else. Choose another.")]})
    offered_on = offered_on or timezone.localdate()
    answer_by = answer_by or offered_on + datetime.timedelta(
        days=settings_for(application.municipality).offer_answer_days)
    if answer_by < offered_on:
        raise ValidationError({"answer_by": [_("The answer deadline is before the offer "
                                               "date.")]})
    offer = Offer.objects.create(application=application, dwelling=dwelling,
                                 offered_on=offered_on, answer_by=answer_by, offered_by=by)
    _move(application, S.OFFERED, offered_on)
    event_record(name="application.offered", actor=by, target=application,
                 changes={"dwelling": dwelling, "answer_by": answer_by})
    return offer


def _pending_offer(application: Application) -> Offer:
    offer = application.offers.filter(answer=Offer.Answer.PENDING).first()
    if offer is None:
        raise ValidationError(_("There is no offer waiting for an answer."))
    return offer


@transaction.atomic
def offer_viewing_record(*, application: Application, viewing_on: datetime.date,
                         companions: str, by) -> Offer:
    application = _locked(application)
    _require_state(application, S.OFFERED)
    offer = _pending_offer(application)
    if viewing_on < offer.offered_on:
        raise ValidationError({"viewing_on": [_("The viewing date is before the offer was "
                                                "made.")]})
    offer.viewing_on = viewing_on
    offer.viewing_companions = companions.strip()
    offer.save(update_fields=["viewing_on", "viewing_companions"])
    event_record(name="application.viewing_recorded", actor=by, target=application,
                 changes={"viewing_on": viewing_on, "companions": offer.viewing_companions})
    return offer


@transaction.atomic
def offer_answer(*, application: Application, accepted: bool, by, decline_reason: str = "",
                 answered_on=None) -> Offer:
    application = _locked(application)
    _require_state(application, S.OFFERED)
    offer = _pending_offer(application)
    if not accepted and not decline_reason:
        raise ValidationError({"decline_reason": [_("Choose why the offer was declined.")]})
    answered_on = answered_on or timezone.localdate()
    offer.answer = Offer.Answer.ACCEPTED if accepted else Offer.Answer.DECLINED
    offer.answered_on = answered_on
    offer.decline_reason = "" if accepted else decline_reason
    offer.save(update_fields=["answer", "answered_on", "decline_reason"])
    # A declined offer keeps the applicant on the list: the application waits for a new one.
    _move(application, S.ACCEPTED if accepted else S.DECLINED, answered_on)
    event_record(name="application.offer_answered", actor=by, target=application,
                 changes={"accepted": accepted, "decline_reason": offer.decline_reason})
    return offer


@transaction.atomic
def allocation_register(*, application: Application, by, allocated_on=None) -> Allocation:
    """Register the allocation and set the joint meeting's deadline: the configured number
    of Norwegian business days (3) after the allocation date. The date is not in the future
    and not before the offer was accepted."""
    application = _locked(application)
    _require_state(application, S.ACCEPTED)
    offer = application.offers.filter(answer=Offer.Answer.ACCEPTED).latest("id")
    dwelling = Dwelling.objects.select_for_update().get(pk=offer.dwelling_id)
    today = timezone.localdate()
    allocated_on = allocated_on or today
    if allocated_on > today:
        raise ValidationError({"allocated_on": [_(
            "The allocation date is in the future. Register the allocation on the day it is "
            "made, today or earlier.")]})
    if offer.answered_on and allocated_on < offer.answered_on:
        raise ValidationError({"allocated_on": [_(
            "The allocation date is before the offer was accepted (%(date)s). Use that day "
            "or later.") % {"date": date_long(offer.answered_on)}]})
    if dwelling.status != DwellingStatus.VACANT:
        raise ValidationError(_("The dwelling is %(status)s, not vacant, and cannot be "
                                "allocated.") % {
            "status": str(DwellingStatus(dwelling.status).label).lower()})
    business_days = settings_for(application.municipality).meeting_business_days
    deadline = business_days_add(allocated_on, business_days)
    if deadline < today:
        raise ValidationError({"allocated_on": [_(
            "With this allocation date the joint meeting would already be overdue (%(date)s). "
            "Use a later allocation date.") % {"date": date_long(deadline)}]})
    if Allocation.objects.filter(dwelling=dwelling, moved_in_on__isnull=True).exists():
        raise ValidationError(_("The dwelling has just been allocated to someone else."))
    try:
        with transaction.atomic():
            allocation = Allocation.objects.create(
                municipality_id=application.municipality_id, application=application,
                dwelling=dwelling, allocated_on=allocated_on, meeting_deadline=deadline,
                allocated_by=by,
            )
    except IntegrityError:
        raise ValidationError(
            _("The dwelling has just been allocated to someone else.")) from None
    JointMeeting.objects.create(allocation=allocation)
    _move(application, S.ALLOCATED, allocated_on)
    event_record(name="application.allocated", actor=by, target=application,
                 changes={"dwelling": dwelling, "allocated_on": allocated_on,
                          "meeting_deadline": deadline})
    return allocation



@transaction.atomic
def joint_meeting_schedule(*, meeting: JointMeeting, on: datetime.date, by) -> JointMeeting:
    meeting = JointMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.held_on:
        raise ValidationError(_("The meeting has already been held."))
    if on < timezone.localdate():
        raise ValidationError({"scheduled_on": [_("The date is in the past. Choose today or "
                                                  "later.")]})
    meeting.scheduled_on = on
    meeting.save(update_fields=["scheduled_on"])
    event_record(name="joint_meeting.scheduled", actor=by, target=meeting.allocation,
                 changes={"scheduled_on": on})
    return meeting


@transaction.atomic
def joint_meeting_hold(*, meeting: JointMeeting, held_on: datetime.date, attendees, note: str,
                       assignees: dict, by) -> list[MoveInTask]:
    """Record the meeting and hand out the municipality's move-in tasks. `assignees` maps a
    task template id to the responsible person (or None: the unit is responsible)."""
    meeting = JointMeeting.objects.select_for_update().select_related(
        "allocation__dwelling", "allocation__application__applicant").get(pk=meeting.pk)
    allocation = meeting.allocation
    if meeting.held_on:
        raise ValidationError(_("The meeting has already been held."))
    if held_on < allocation.allocated_on:
        raise ValidationError({"held_on": [_("The meeting cannot be held before the "
                                             "allocation.")]})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": [_("Record the meeting when it has been held.")]})
    units = {u.kind: u for u in Unit.objects.filter(municipality_id=allocation.municipality_id)
             .order_by("-id")}
    templates = list(TaskTemplate.objects.filter(municipality_id=allocation.municipality_id))
    missing = {t.unit_kind for t in templates} - set(units)
    if missing:
        raise ValidationError(_("The municipality lacks a unit for some tasks. Ask the "
                                "administrator to register it."))
    # A named person answers for the task in their own unit of the responsible kind.
    task_units, outsiders = {}, []
    for template in templates:
        person = assignees.get(template.pk)
        if person is None:
            task_units[template.pk] = units[template.unit_kind]
            continue
        unit = unit_of_kind_for(user=person, municipality_id=allocation.municipality_id,
                                kind=template.unit_kind)
        if unit is None:
            outsiders.append(not_in_unit_message(person, units[template.unit_kind]))
        task_units[template.pk] = unit
    if outsiders:
        raise ValidationError(outsiders)
    meeting.held_on = held_on
    meeting.note = note.strip()
    meeting.save(update_fields=["held_on", "note"])
    meeting.attendees.set(attendees)
    tasks = []
    resident = allocation.application.applicant
    for template in templates:
        person = assignees.get(template.pk)
        due = business_days_add(held_on, template.due_business_days)
        work_order = None
        if template.is_preparation:
            work_order = housing.work_order_create(
                dwelling=allocation.dwelling, kind=WorkOrderKind.PREPARATION,
                description=template.title, resident=resident, assigned_to=person,
                due_on=due, by=by,
            )
        tasks.append(MoveInTask.objects.create(
            allocation=allocation, title=template.title, unit=task_units[template.pk],
            assigned_to=person, due_on=due, blocks_move_in=template.blocks_move_in,
            work_order=work_order, purpose=template.purpose,
        ))
    event_record(name="joint_meeting.held", actor=by, target=allocation,
                 changes={"held_on": held_on, "attendees": [a.pk for a in attendees],
                          "tasks": [t.title for t in tasks],
                          "within_deadline": held_on <= allocation.meeting_deadline})
    return tasks


@transaction.atomic
def move_in_task_complete(*, task: MoveInTask, by, done_on=None) -> MoveInTask:
    task = MoveInTask.objects.select_for_update().get(pk=task.pk)
    if task.work_order_id:
        raise ValidationError(_("The caretaker completes this task on the work order."))
    if task.done_on:
        raise ValidationError(_("The task is already done."))
    task.done_on = done_on or timezone.localdate()
    task.done_by = by
    task.save(update_fields=["done_on", "done_by"])
    event_record(name="move_in_task.completed", actor=by, target=task.allocation,
                 changes={"task": task.title, "done_on": task.done_on})
    return task


@transaction.atomic
def move_in_task_assign(*, task: MoveInTask, assigned_to, by) -> MoveInTask:
    """Move a task to a colleague in one step; they see it at once on their own list."""
    task = MoveInTask.objects.select_for_update().select_related("allocation", "unit").get(
        pk=task.pk)
    if not works_in_unit(user=assigned_to, unit=task.unit):
        raise ValidationError({"assigned_to": [not_in_unit_message(assigned_to, task.unit)]})
    if task.done_on:
        raise ValidationError(_("The task is already done."))
    task.assigned_to = assigned_to
    task.save(update_fields=["assigned_to"])
    event_record(name="move_in_task.assigned", actor=by, target=task.allocation,
                 changes={"task": task.title, "assigned_to": assigned_to})
    return task


@transaction.atomic
def allocation_move_in(*, allocation: Allocation, moved_in_on: datetime.date,
                       monthly_rent: Decimal, by) -> Allocation:
    """Keys in hand: the tenancy starts, the dwelling is let, the resident is housed."""
    allocation = Allocation.objects.select_for_update().select_related(
        "application", "dwelling").get(pk=allocation.pk)
    application = _locked(allocation.application)
    _require_state(application, S.ALLOCATED)
    if not hasattr(allocation, "meeting") or allocation.meeting.held_on is None:
        raise ValidationError(_("Hold the joint meeting before move-in."))
    open_tasks = [t.title for t in allocation.tasks.select_related("work_order")
                  if t.blocks_move_in and not task_is_done(t)]
    if open_tasks:
        raise ValidationError(_("These tasks must be done before move-in: %(tasks)s.") % {
            "tasks": ", ".join(open_tasks)})
    if moved_in_on < allocation.allocated_on:
        raise ValidationError({"moved_in_on": [_("Move-in cannot be before the allocation "
                                                 "(%(date)s).") % {
            "date": date_long(allocation.allocated_on)}]})
    if moved_in_on > timezone.localdate():
        raise ValidationError({"moved_in_on": [_("Register move-in on the day the keys are "
                                                 "handed over, not before.")]})
    decision = application.decision
    fixed_term_end = None
    if decision.lease_months:
        fixed_term_end = add_months(moved_in_on, decision.lease_months)
    # The dwelling's status is housing's to set: the tenancy makes it let.
    tenancy = housing.tenancy_register(
        dwelling=allocation.dwelling, residents=[application.applicant,
                                      *application.household_members.all()],
        start_date=moved_in_on, fixed_term_end=fixed_term_end, monthly_rent=monthly_rent,
        by=by,
    )
    allocation.moved_in_on = moved_in_on
    allocation.tenancy = tenancy
    allocation.save(update_fields=["moved_in_on", "tenancy"])
    _move(application, S.MOVED_IN, moved_in_on)
    if application.case.closed_on is None:
        people.case_close(case=application.case, by=by, closed_on=moved_in_on)
    event_record(name="application.moved_in", actor=by, target=application,
                 changes={"moved_in_on": moved_in_on, "tenancy": tenancy,
                          "days_from_decision": (moved_in_on - decision.decided_on).days})
    return allocation


@transaction.atomic
def application_withdraw(*, application: Application, by) -> Application:
    application = _locked(application)
    _require_state(application, *[s for s in S.open() if s != S.ALLOCATED])
    today = timezone.localdate()
    application.offers.filter(answer=Offer.Answer.PENDING).update(
        answer=Offer.Answer.DECLINED, answered_on=today, decline_reason="other")
    _move(application, S.WITHDRAWN, today)
    if application.case.closed_on is None:
        people.case_close(case=application.case, by=by, closed_on=today)
    event_record(name="application.withdrawn", actor=by, target=application)
    return application


@transaction.atomic
def criterion_set_active(*, criterion: AllocationCriterion, active: bool, by):
    """Criteria are retired, never deleted: earlier assessments keep pointing at them."""
    criterion.active = active
    criterion.save(update_fields=["active"])
    event_record(name="allocation.criterion_changed", actor=by, target=criterion,
                 changes={"active": active})
    return criterion


@transaction.atomic
def task_template_remove(*, template: TaskTemplate, by) -> None:
    """Tasks already handed out keep their own copy; the template can go."""
    event_record(name="allocation.task_template_removed", actor=by, target=template,
                 changes={"title": template.title})
    template.delete()
