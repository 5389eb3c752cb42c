"""Reads for follow-up, filtered by what the staff member may see."""

import datetime

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone

from husly.access.policy import StaffContext, resident_access, residents_visible
from husly.common.businessdays import week_start
from husly.common.models import Category
from husly.followup.models import (
    CoordinationMeeting,
    CoordinationTask,
    FollowUpAgreement,
    FollowUpSettings,
    PlanVersion,
    Visit,
    VisitStatus,
)
from husly.housing.models import Tenancy


def agreement_for(*, resident):
    return (FollowUpAgreement.objects.filter(resident=resident, end_date__isnull=True)
            .select_related("team", "primary_contact", "tenancy__dwelling").first())


def visit_for_work_order(*, staff: StaffContext, pk):
    """(visit, access) for a recorded visit that found damage or removed dangerous objects,
    in a tenancy that still runs, when the staff member reads the resident's follow-up
    information; None otherwise. A work order for the caretakers is prefilled from it."""
    if staff.municipality is None or not str(pk).isdigit():
        return None
    visit = (Visit.objects.filter(pk=int(pk), municipality=staff.municipality)
             .exclude(status=VisitStatus.PLANNED)
             .filter(Q(damage=True) | Q(dangerous_objects_removed=True))
             .select_related("agreement__resident", "agreement__tenancy__dwelling").first())
    if visit is None:
        return None
    tenancy = visit.agreement.tenancy
    if tenancy.end_date is not None and tenancy.end_date < timezone.localdate():
        return None
    access = resident_access(staff, visit.agreement.resident)
    if not access.allowed or not access.reads(Category.FOLLOWUP):
        return None
    return visit, access


def missed_weeks(agreement: FollowUpAgreement, today=None) -> int:
    """How many weeks in a row, up to last week, passed without a done visit."""
    return missed_weeks_many([agreement], today).get(agreement.pk, 0)


LOOKBACK_WEEKS = 52
# Weeks in a row without a done visit before the primary contact and the team leader are
# alerted ("Mine besøk", the reminders).
MISSED_WEEKS_ALERT = 2


def missed_weeks_many(agreements, today=None) -> dict[int, int]:
    """`missed_weeks` for many agreements in one query."""
    today = today or timezone.localdate()
    agreements = list(agreements)
    last_week = week_start(today) - datetime.timedelta(weeks=1)
    done: dict[int, set] = {a.pk: set() for a in agreements}
    for agreement_id, week in (Visit.objects.filter(
            agreement__in=[a.pk for a in agreements], status=VisitStatus.DONE,
            week_start__lte=last_week,
            week_start__gt=last_week - datetime.timedelta(weeks=LOOKBACK_WEEKS))
            .values_list("agreement_id", "week_start")):
        done[agreement_id].add(week)
    result = {}
    for agreement in agreements:
        count, week = 0, last_week
        first = week_start(agreement.start_date)
        while week >= first and week not in done[agreement.pk] and count < LOOKBACK_WEEKS:
            count += 1
            week -= datetime.timedelta(weeks=1)
        result[agreement.pk] = count
    return result


def visits_for(*, staff: StaffContext, start: datetime.date, end: datetime.date):
    """The staff member's visits between two dates, planned ones and those already recorded."""
    return (Visit.objects.filter(municipality=staff.municipality, assigned_to=staff.user,
                                 planned_on__range=(start, end))
            .select_related("agreement__resident", "agreement__tenancy__dwelling")
            .order_by("planned_on", "id"))


def alerts_for(*, staff: StaffContext, today=None):
    """Agreements with two or more weeks in a row without a done visit, for the primary
    contact and the team's leader."""
    today = today or timezone.localdate()
    # The led teams as a list, not a subquery: with an OR over a subquery PostgreSQL cannot
    # estimate the handful of rows and scans every resident of the installation.
    led = list(staff.user.team_memberships.filter(is_leader=True)
               .values_list("team_id", flat=True))
    whose = Q(primary_contact=staff.user)
    if led:
        whose |= Q(team_id__in=led)
    agreements = (FollowUpAgreement.objects.filter(municipality=staff.municipality,
                                                   end_date__isnull=True)
                  .filter(whose).select_related("resident"))
    agreements = list(agreements)
    missed = missed_weeks_many(agreements, today)
    return [(a, missed[a.pk]) for a in agreements if missed[a.pk] >= MISSED_WEEKS_ALERT]


def missed_visit_alerts(*, municipality, today: datetime.date) -> list[tuple]:
    """The alerts of `alerts_for` for a whole municipality, for the daily reminders:
    (agreement, weeks missed) for each running agreement with `MISSED_WEEKS_ALERT` or more
    weeks in a row without a done visit. The agreement carries its team and primary contact
    ids only."""
    last_week = week_start(today) - datetime.timedelta(weeks=1)
    # The database keeps only the agreements old enough and without a done visit in the last
    # MISSED_WEEKS_ALERT weeks; `missed_weeks_many` counts the exact run on those few.
    recent_done = Visit.objects.filter(
        agreement=OuterRef("pk"), status=VisitStatus.DONE, week_start__lte=last_week,
        week_start__gt=last_week - datetime.timedelta(weeks=MISSED_WEEKS_ALERT))
    candidates = list(
        FollowUpAgreement.objects.filter(
            municipality=municipality, end_date__isnull=True,
            start_date__lt=last_week - datetime.timedelta(weeks=MISSED_WEEKS_ALERT - 2))
        .exclude(Exists(recent_done))
        .only("pk", "start_date", "team_id", "primary_contact_id", "municipality_id"))
    missed = missed_weeks_many(candidates, today)
    return [(a, missed[a.pk]) for a in candidates if missed[a.pk] >= MISSED_WEEKS_ALERT]


def coordination_meetings_open(*, staff: StaffContext):
    return (CoordinationMeeting.objects.filter(
        municipality=staff.municipality, held_on__isnull=True,
        agreement__resident__in=residents_visible(staff).values("pk"))
        .select_related("agreement__resident").order_by("due_on"))


def coordination_meeting_get(*, staff: StaffContext, pk: int):
    """A coordination meeting of the staff member's municipality (what they may read of it
    is decided by `coordination_meeting_access`); another municipality's is not found."""
    try:
        return (CoordinationMeeting.objects.select_related("agreement__resident",
                                                           "agreement__primary_contact")
                .get(pk=pk, municipality=staff.municipality))
    except CoordinationMeeting.DoesNotExist:
        raise Http404 from None


def coordination_task_get(*, staff: StaffContext, pk: int):
    try:
        return (CoordinationTask.objects.select_related("meeting")
                .get(pk=pk, meeting__municipality=staff.municipality))
    except CoordinationTask.DoesNotExist:
        raise Http404 from None


def residents_without_agreement(*, staff: StaffContext):
    """Residents in municipal dwellings who get follow-up services (a team follows them) but
    have no running agreement (P5)."""
    today = timezone.localdate()
    housed = Tenancy.objects.current(on=today).values("residents")
    with_agreement = FollowUpAgreement.objects.filter(end_date__isnull=True).values("resident")
    return (residents_visible(staff).filter(team__isnull=False, pk__in=housed)
            .exclude(pk__in=with_agreement).select_related("team", "primary_contact")
            .order_by("family_name", "given_name"))


def plan_versions(*, resident, kind):
    return (PlanVersion.objects.filter(resident=resident, kind=kind)
            .select_related("written_by").order_by("-number"))


def latest_plans(*, resident) -> dict:
    """The newest version of each of the resident's plans, by kind."""

    latest = {}
    for version in (PlanVersion.objects.filter(resident=resident)
                    .select_related("written_by").order_by("kind", "-number")):
        latest.setdefault(version.kind, version)
    return latest


def plans_due_for_review(*, staff: StaffContext, today=None):
    """Plans of the residents this staff member follows whose newest version is due."""

    today = today or timezone.localdate()
    newest = (PlanVersion.objects.filter(resident=OuterRef("resident"), kind=OuterRef("kind"))
              .order_by("-number").values("number")[:1])
    return (PlanVersion.objects.filter(
        municipality=staff.municipality, review_on__lte=today,
        resident__in=residents_visible(staff).values("pk"))
        .annotate(newest=Subquery(newest)).filter(number=F("newest"))
        .select_related("resident").order_by("review_on"))



def plans_review_open_by(*, municipality, due_by: datetime.date):
    """For the daily reminders: the newest version of each plan (as `plans_due_for_review`)
    whose review falls on or before `due_by`, in the whole municipality: (resident id,
    responsible id, review date) rows. Responsible is the resident's primary contact, or
    when the resident has none, the primary contact of their running agreement."""
    from django.db.models import BigIntegerField
    from django.db.models.functions import Coalesce


    newest = (PlanVersion.objects.filter(resident=OuterRef("resident"), kind=OuterRef("kind"))
              .order_by("-number").values("number")[:1])
    agreement_contact = (FollowUpAgreement.objects.filter(resident=OuterRef("resident"),
                                                          end_date__isnull=True)
                         .values("primary_contact_id")[:1])
    return (PlanVersion.objects.filter(municipality=municipality, review_on__lte=due_by)
            .annotate(newest=Subquery(newest)).filter(number=F("newest"))
            .annotate(responsible=Coalesce("resident__primary_contact_id",
                                           Subquery(agreement_contact),
                                           output_field=BigIntegerField()))
            .order_by().values_list("resident_id", "responsible", "review_on"))


def settings_for(municipality) -> FollowUpSettings:
    """The municipality's follow-up settings; the defaults until it has saved its own."""
    return (FollowUpSettings.objects.filter(municipality=municipality).first()
            or FollowUpSettings(municipality=municipality))
