"""Reads for the allocation flow, filtered by what the staff member may see."""

import datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.access.policy import StaffContext, residents_visible, statement_reading
from husly.access.services import resident_read
from husly.allocation.matching import dwelling_fit, unplanned_ends_by_resident
from husly.allocation.models import (
    Allocation,
    AllocationCriterion,
    AllocationSettings,
    Application,
    ApplicationState,
    MoveInTask,
    TaskTemplate,
)
from husly.allocation.rules import (
    UNDECIDED,
    decision_promised_by,
    preliminary_reply_due,
    preliminary_reply_due_on,
    task_is_done,
)
from husly.common.deadlines import deadline_state
from husly.common.measures import median, percentile
from husly.housing.models import Dwelling, DwellingStatus

S = ApplicationState


def statement_read(*, staff: StaffContext, application, access):
    """The basis on which `staff` reads the application's given statement (None: hidden),
    for the page and the API alike. A read on the workflow's own basis (the statement to
    the housing service) is logged here, with that basis."""
    reading = statement_reading(staff, application, access)
    if reading is not None and reading.basis != access.basis:
        resident_read(staff=staff, resident=application.applicant, access=reading,
                      view="statement_read")
    return reading


def applications_visible(staff: StaffContext):
    if staff.municipality is None:
        return Application.objects.none()
    return Application.objects.filter(
        municipality=staff.municipality,
        applicant__in=residents_visible(staff).values("pk"),
    )


def application_get(*, staff: StaffContext, pk: int) -> Application:
    """Any application in the staff member's municipality (access to its content is decided
    on the page by `resident_access`); another municipality's is not found."""
    if staff.municipality is None:
        raise Http404
    try:
        return (Application.objects.select_related("applicant", "officer", "case")
                .get(pk=pk, municipality=staff.municipality))
    except Application.DoesNotExist:
        raise Http404 from None


def _open_applications(staff: StaffContext):
    return (applications_visible(staff).filter(state__in=S.open())
            .select_related("applicant").order_by("state_since", "id"))


def _with_attention(rows):
    today = timezone.localdate()
    for row in rows:
        row.days_in_state = (today - row.state_since).days
        row.reply_due = preliminary_reply_due(row, today)
    return rows


def open_applications(*, staff: StaffContext):
    return _with_attention(list(_open_applications(staff)))


def open_applications_page(*, staff: StaffContext, number, per_page: int = 50):
    """One page of the open applications, longest in their stage first: a city has
    thousands waiting, and the dashboard shows the counts per stage above the list."""
    page_obj = Paginator(_open_applications(staff), per_page).get_page(number)
    _with_attention(page_obj.object_list)
    return page_obj


def state_counts(*, staff: StaffContext) -> dict[str, int]:
    counts = dict(applications_visible(staff).filter(state__in=S.open())
                  .values_list("state").annotate(n=Count("id")))
    return {state: counts.get(state, 0) for state in S.open()}


def meetings_due(*, staff: StaffContext):
    today = timezone.localdate()
    allocations = list(
        Allocation.objects.filter(
            municipality=staff.municipality, meeting__held_on__isnull=True,
            moved_in_on__isnull=True,
            application__in=applications_visible(staff).values("pk"),
        ).select_related("application__applicant", "dwelling", "meeting")
        .order_by("meeting_deadline")
    )
    for allocation in allocations:
        allocation.deadline_state = deadline_state(allocation.meeting_deadline, done=False,
                                                   today=today)
    return allocations


def statements_due(*, staff: StaffContext):
    today = timezone.localdate()
    rows = list(
        applications_visible(staff).filter(state=S.STATEMENT_REQUESTED)
        .select_related("applicant", "statement").order_by("statement__due_on")
    )
    for row in rows:
        row.deadline_state = deadline_state(row.statement.due_on, done=False, today=today)
    return rows


# The deadlines of a whole municipality, for the daily reminders (husly.reminders): each row
# says whose deadline it is and when it falls, with the same conditions as the lists above.
# No access filter and no names: a reminder carries only the kind of deadline and its date,
# and the page behind its link applies the access rules.

def joint_meetings_open_by(*, municipality, due_by: datetime.date):
    """Joint meetings not held (as `meetings_due`) due on or before `due_by`:
    (application id, housing officer id, deadline) rows."""
    return (Allocation.objects.filter(municipality=municipality, meeting__held_on__isnull=True,
                                      moved_in_on__isnull=True, meeting_deadline__lte=due_by)
            .order_by().values_list("application_id", "application__officer_id",
                                    "meeting_deadline"))


def statements_open_by(*, municipality, due_by: datetime.date):
    """Statements asked for and not given (as `statements_due`) due on or before `due_by`:
    (application id, the applicant's primary contact id, requesting officer id, due) rows."""
    return (Application.objects.filter(municipality=municipality, state=S.STATEMENT_REQUESTED,
                                       statement__due_on__lte=due_by)
            .order_by().values_list("pk", "applicant__primary_contact_id",
                                    "statement__requested_by_id", "statement__due_on"))


def replies_open_by(*, municipality, due_by: datetime.date) -> list[tuple]:
    """Undecided applications whose preliminary reply (a month after registration, as
    `preliminary_reply_due`) or whose decision promised in that reply
    (`decision_promised_by`) falls on or before `due_by`: (application id, housing officer
    id, reply sent, due) rows."""
    # A month is at least 28 days and the promise is four weeks: the database picks the
    # candidates, the exact month arithmetic is done here on the few rows it returns.
    earliest = due_by - datetime.timedelta(days=28)
    rows = (Application.objects.filter(municipality=municipality, state__in=UNDECIDED)
            .filter(Q(preliminary_reply_on__isnull=True, registered_on__lte=earliest)
                    | Q(preliminary_reply_on__lte=earliest))
            .order_by().values_list("pk", "officer_id", "registered_on",
                                    "preliminary_reply_on"))
    result = []
    for pk, officer_id, registered_on, replied_on in rows:
        if replied_on is None:
            due = preliminary_reply_due_on(registered_on)
        else:
            due = decision_promised_by(replied_on)
        if due <= due_by:
            result.append((pk, officer_id, replied_on is not None, due))
    return result


# One definition of a joint meeting kept, for every page that counts them: the allocation
# overview, Frister og tempo, the council report and the people behind the figure.
JOINT_MEETING_KEPT = Q(meeting__held_on__lte=F("meeting_deadline"))


def joint_meetings_due(*, municipality, today: datetime.date):
    """Allocations whose joint-meeting deadline has passed: each was kept or not."""
    return Allocation.objects.filter(municipality=municipality, meeting_deadline__lt=today)


def joint_meeting_figures(*, municipality, today: datetime.date) -> dict:
    counts = joint_meetings_due(municipality=municipality, today=today).aggregate(
        due=Count("id"), kept=Count("id", filter=JOINT_MEETING_KEPT))
    due, kept = counts["due"], counts["kept"]
    return {"meetings_due": due, "meetings_kept": kept,
            "meetings_share": kept / due if due else None}


def allocation_figures(*, staff: StaffContext, today: datetime.date | None = None) -> dict:
    """Days from decision to keys (median, 90th percentile) over the last twelve months of
    the municipality, and the joint meetings kept as `joint_meeting_figures` counts them on
    every page. Twelve months keep the dashboard about now, and its cost about a year's
    move-ins, however long the history and however large the installation."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=365)
    allocations = Allocation.objects.filter(municipality=staff.municipality)
    # Counted per number of days by the database: only a few hundred distinct waits.
    per_days = (
        allocations.filter(moved_in_on__gte=since, moved_in_on__lte=today,
                           application__decision__isnull=False)
        .annotate(wait=ExpressionWrapper(F("moved_in_on") - F("application__decision__decided_on"),
                                         output_field=DurationField()))
        .order_by().values_list("wait").annotate(n=Count("id"))
    )
    days = sorted(wait.days for wait, n in per_days for _ in range(n))
    meetings = joint_meeting_figures(municipality=staff.municipality, today=today)
    return {
        "moved_in": len(days),
        "median_days": median(days),
        "p90_days": percentile(days, 0.9),
        **meetings,
    }


def tasks_for(*, staff: StaffContext):
    """The staff member's move-in tasks: assigned to them, or to their unit with no person."""
    if staff.municipality is None:
        return []
    today = timezone.localdate()
    tasks = list(
        MoveInTask.objects.filter(allocation__municipality=staff.municipality)
        .filter(Q(assigned_to=staff.user) | Q(assigned_to__isnull=True,
                                               unit_id__in=staff.unit_ids))
        .filter(allocation__moved_in_on__isnull=True)
        .select_related("allocation__application__applicant", "allocation__dwelling",
                        "work_order", "unit", "assigned_to")
        .order_by("due_on", "id")
    )
    for task in tasks:
        task.is_done = task_is_done(task)
        task.deadline_state = deadline_state(task.due_on, done=task.is_done, today=today)
    return tasks


def criteria(*, municipality):
    return AllocationCriterion.objects.filter(municipality=municipality, active=True)


def task_templates(*, municipality):
    return TaskTemplate.objects.filter(municipality=municipality)


def vacant_dwellings(*, municipality):
    """Vacant dwellings not already offered or allocated: what can be offered now."""
    taken = Allocation.objects.filter(moved_in_on__isnull=True).values("dwelling_id")
    return (Dwelling.objects.filter(municipality=municipality,
                                    status=DwellingStatus.VACANT)
            .exclude(pk__in=taken)
            .exclude(offers__answer="pending")
            .prefetch_related("suitability").order_by("street_address", "bruksenhetsnummer"))


def all_criteria(*, municipality):
    return AllocationCriterion.objects.filter(municipality=municipality)


def applicants_for_dwelling(*, staff: StaffContext, dwelling, limit: int = 10):
    """Granted applicants waiting for an offer, ranked by how well this dwelling fits them.
    Only applicants the staff member has a work relation to are listed."""

    waiting = list(applications_visible(staff).filter(state__in=[S.DECIDED, S.DECLINED],
                                                      decision__granted=True)
                   .select_related("applicant"))
    unplanned = unplanned_ends_by_resident([a.applicant_id for a in waiting])
    ranked = []
    for application in waiting:
        fit = dwelling_fit(application, dwelling, unplanned.get(application.applicant_id, 0))
        if not fit.excluded:
            ranked.append((fit.score, application.registered_on, application, fit))
    # By fit only; the registration date just keeps the order stable between equal fits.
    ranked.sort(key=lambda r: (-r[0], r[1], r[2].pk))
    return [(application, fit) for _s, _d, application, fit in ranked[:limit]]


def open_application_for(*, resident):
    """The resident's open application with its joint-meeting deadline state, if any."""
    application = (Application.objects.filter(applicant=resident, state__in=S.open())
                   .select_related("allocation__meeting").first())
    if application is None:
        return None
    allocation = getattr(application, "allocation", None)
    application.meeting_state = None
    if allocation is not None:
        application.meeting_state = deadline_state(
            allocation.meeting_deadline, done=allocation.meeting.held_on is not None,
            today=timezone.localdate())
    return application


def settings_for(municipality) -> AllocationSettings:
    found = AllocationSettings.objects.filter(municipality=municipality).first()
    return found or AllocationSettings(municipality=municipality, lease_lengths_months=[36, 60])


def allocation_of(application: Application) -> Allocation:
    """The application's allocation; the joint meeting and move-in need one."""
    allocation = Allocation.objects.filter(application=application).select_related(
        "meeting").first()
    if allocation is None:
        raise ValidationError(_("Register the allocation first."))
    return allocation
