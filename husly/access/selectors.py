"""Reads of the access module: consents, the access log, leader review and retention."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate, TruncHour
from django.utils import timezone

from husly.access.models import AccessLogEntry, BreakGlass, Consent
from husly.common.businessdays import add_months, norwegian_holidays
from husly.common.models import Category

# What a leader's review counts as unusual (docs/decisions/0015).
MANY_RESIDENTS_IN_AN_HOUR = 20
WORKING_HOURS = (7, 17)  # from 07:00 to 17:00 on business days
REVIEW_DAYS = 30


def consents_for(*, resident):
    return (Consent.objects.filter(resident=resident)
            .select_related("recorded_by").prefetch_related("from_units", "to_units"))


def access_log_for(*, resident):
    return (AccessLogEntry.objects.filter(resident=resident)
            .select_related("user", "unit").order_by("-accessed_at", "-id"))


def _team_scope(team_ids):
    """Reads of residents on these teams, or by their members."""
    from husly.accounts.models import TeamMembership

    members = TeamMembership.objects.filter(team_id__in=team_ids).values("user_id")
    return Q(resident__team_id__in=team_ids) | Q(user_id__in=members)


def access_log_by_day(*, resident) -> list[dict]:
    """The log grouped by local day, reader, unit, information and basis, with counts."""
    from husly.access.models import AccessBasis
    from husly.accounts.models import Unit, User

    rows = list(
        AccessLogEntry.objects.filter(resident=resident)
        .annotate(day=TruncDate("accessed_at"))
        .values("day", "user_id", "unit_id", "categories", "basis")
        .annotate(reads=Count("id"))
        .order_by("-day", "user_id", "unit_id", "categories", "basis")
    )
    users = {u.pk: u for u in User.objects.filter(pk__in={r["user_id"] for r in rows})}
    units = {u.pk: u for u in Unit.objects.filter(pk__in={r["unit_id"] for r in rows})}
    return [{
        "day": r["day"], "user": users[r["user_id"]], "unit": units.get(r["unit_id"]),
        "categories": ", ".join(str(Category(c).label) for c in r["categories"].split(",") if c),
        "basis": AccessBasis(r["basis"]).label, "reads": r["reads"],
    } for r in rows]


def break_glass_open_for_review(*, municipality, team_ids):
    return (BreakGlass.objects.filter(municipality=municipality, reviewed_at__isnull=True)
            .filter(_team_scope(team_ids))
            .select_related("user", "resident").order_by("started_at"))


def break_glass_reviewed(*, municipality, team_ids, since):
    return (BreakGlass.objects.filter(municipality=municipality, reviewed_at__gte=since)
            .filter(_team_scope(team_ids))
            .select_related("user", "resident", "reviewed_by").order_by("-reviewed_at"))


def many_residents_in_an_hour(*, municipality, team_ids, since):
    """Staff who opened many different residents within one clock hour."""
    from husly.accounts.models import TeamMembership

    members = TeamMembership.objects.filter(team_id__in=team_ids).values("user_id")
    return list(
        AccessLogEntry.objects.filter(municipality=municipality, accessed_at__gte=since,
                                      user_id__in=members)
        .annotate(hour=TruncHour("accessed_at"))
        .values("user", "user__first_name", "user__last_name", "user__username", "hour")
        .annotate(residents=Count("resident", distinct=True))
        .filter(residents__gte=MANY_RESIDENTS_IN_AN_HOUR)
        .order_by("-hour")[:100]
    )


def outside_working_hours(*, municipality, team_ids, since, today):
    """Reads in the evening, at night, at weekends and on public holidays (local time)."""
    start, end = WORKING_HOURS
    holidays = [d for d in norwegian_holidays(since.year, today.year) if since.date() <= d <= today]
    return (
        AccessLogEntry.objects.filter(municipality=municipality, accessed_at__gte=since)
        .filter(_team_scope(team_ids))
        .annotate(hour=ExtractHour("accessed_at"), weekday=ExtractIsoWeekDay("accessed_at"))
        .filter(Q(hour__lt=start) | Q(hour__gte=end) | Q(weekday__gte=6)
                | Q(accessed_at__date__in=holidays))
        # Emergency access is listed, and reviewed, on its own; integrations run at night by
        # design and are followed in their tokens' call logs (ADR 0027).
        .exclude(basis__in=["break_glass", "integration"])
        .select_related("user", "resident", "unit").order_by("-accessed_at")[:200]
    )


def access_review(*, staff):
    from husly.access.policy import access_review_team_ids

    municipality, team_ids = staff.municipality, access_review_team_ids(staff)
    now = timezone.now()
    since = now - datetime.timedelta(days=REVIEW_DAYS)
    return {
        "open": list(break_glass_open_for_review(municipality=municipality, team_ids=team_ids)),
        "reviewed": list(break_glass_reviewed(municipality=municipality, team_ids=team_ids,
                                              since=since)[:50]),
        "many": many_residents_in_an_hour(municipality=municipality, team_ids=team_ids,
                                          since=since),
        "after_hours": list(outside_working_hours(municipality=municipality, team_ids=team_ids,
                                                  since=since, today=timezone.localdate())),
        "days": REVIEW_DAYS, "threshold": MANY_RESIDENTS_IN_AN_HOUR,
        "working_hours": WORKING_HOURS, "has_teams": bool(team_ids),
    }


def break_glass_open_count(*, staff) -> int:
    from husly.access.policy import access_review_team_ids

    return break_glass_open_for_review(
        municipality=staff.municipality, team_ids=access_review_team_ids(staff)).count()


def _preserved_records_q():
    """Records from drug-related and psychosocial care, which archive rules require kept:
    the follow-up unit's notes and health notes, agreements, plans, statements, the board.
    One EXISTS each: joins would multiply a resident's rows by every review and visit."""
    from husly.allocation.models import Statement
    from husly.board.models import RedBoardEntry, Review
    from husly.followup.models import FollowUpAgreement, PlanVersion
    from husly.people.models import ResidentNote

    resident = OuterRef("pk")
    return (
        Exists(ResidentNote.objects.filter(resident=resident, category__in=[
            Category.FOLLOWUP, Category.HEALTH]))
        | Exists(FollowUpAgreement.objects.filter(resident=resident))
        | Exists(PlanVersion.objects.filter(resident=resident))
        | Exists(RedBoardEntry.objects.filter(resident=resident))
        | Exists(Review.objects.filter(resident=resident))
        | Exists(Statement.objects.filter(application__applicant=resident).exclude(text=""))
    )


def retention_due(*, municipality, today):
    """Residents with nothing going on since the cut-off: registered before it, every case
    closed before it, no tenancy, agreement or open application (as applicant or household
    member) after it. Split into those to anonymise and those to keep."""
    from husly.access.services import retention_settings_for
    from husly.allocation.models import Application, ApplicationState
    from husly.followup.models import FollowUpAgreement
    from husly.housing.models import Tenancy
    from husly.people.models import Case, Resident

    years = retention_settings_for(municipality).years_after_end
    cutoff = add_months(today, -12 * years)
    resident = OuterRef("pk")
    recent = Q(end_date__isnull=True) | Q(end_date__gt=cutoff)
    candidates = (
        Resident.objects.filter(municipality=municipality, anonymised_on__isnull=True,
                                preserved_for_archive_on__isnull=True,
                                registered_at__date__lte=cutoff)
        .exclude(Exists(Case.objects.filter(resident=resident).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=cutoff))))
        .exclude(Exists(Tenancy.objects.filter(residents=resident).filter(recent)))
        .exclude(Exists(FollowUpAgreement.objects.filter(resident=resident).filter(recent)))
        .exclude(Exists(Application.objects.filter(
            Q(applicant=resident) | Q(household_members=resident),
            state__in=ApplicationState.open())))
        .order_by("pk")
    )
    preserved = _preserved_records_q()
    return {"anonymise": candidates.exclude(preserved), "preserve": candidates.filter(preserved)}


def retention_counts(*, municipality):
    from husly.people.models import Resident

    residents = Resident.objects.filter(municipality=municipality)
    return {
        "anonymised": residents.filter(anonymised_on__isnull=False).count(),
        "preserved": residents.filter(preserved_for_archive_on__isnull=False).count(),
    }
