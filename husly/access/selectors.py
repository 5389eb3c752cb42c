"""Reads of the access module: consents, the access log, leader review and retention."""

import datetime

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncHour
from django.utils import timezone

from husly.access.models import AccessLogEntry, BreakGlass, Consent
from husly.common.businessdays import norwegian_holidays
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


def break_glass_open_for_review(*, municipality):
    return (BreakGlass.objects.filter(municipality=municipality, reviewed_at__isnull=True)
            .select_related("user", "resident").order_by("started_at"))


def break_glass_reviewed(*, municipality, since):
    return (BreakGlass.objects.filter(municipality=municipality, reviewed_at__gte=since)
            .select_related("user", "resident", "reviewed_by").order_by("-reviewed_at"))


def many_residents_in_an_hour(*, municipality, since):
    """Staff who opened many different residents within one clock hour."""
    return list(
        AccessLogEntry.objects.filter(municipality=municipality, accessed_at__gte=since)
        .annotate(hour=TruncHour("accessed_at"))
        .values("user", "user__first_name", "user__last_name", "user__username", "hour")
        .annotate(residents=Count("resident", distinct=True))
        .filter(residents__gte=MANY_RESIDENTS_IN_AN_HOUR)
        .order_by("-hour")[:100]
    )


def outside_working_hours(*, municipality, since, today):
    """Reads in the evening, at night, at weekends and on public holidays (local time)."""
    start, end = WORKING_HOURS
    holidays = [d for d in norwegian_holidays(since.year, today.year) if since.date() <= d <= today]
    return (
        AccessLogEntry.objects.filter(municipality=municipality, accessed_at__gte=since)
        .annotate(hour=ExtractHour("accessed_at"), weekday=ExtractIsoWeekDay("accessed_at"))
        .filter(Q(hour__lt=start) | Q(hour__gte=end) | Q(weekday__gte=6)
                | Q(accessed_at__date__in=holidays))
        .exclude(basis="break_glass")  # listed, and reviewed, on their own
        .select_related("user", "resident", "unit").order_by("-accessed_at")[:200]
    )


def access_review(*, municipality):
    now = timezone.now()
    since = now - datetime.timedelta(days=REVIEW_DAYS)
    return {
        "open": list(break_glass_open_for_review(municipality=municipality)),
        "reviewed": list(break_glass_reviewed(municipality=municipality, since=since)[:50]),
        "many": many_residents_in_an_hour(municipality=municipality, since=since),
        "after_hours": list(outside_working_hours(municipality=municipality, since=since,
                                                  today=timezone.localdate())),
        "days": REVIEW_DAYS, "threshold": MANY_RESIDENTS_IN_AN_HOUR,
        "working_hours": WORKING_HOURS,
    }


def break_glass_open_count(*, municipality) -> int:
    return BreakGlass.objects.filter(municipality=municipality, reviewed_at__isnull=True).count()


def _preserved_records_q():
    """Records from drug-related and psychosocial care, which archive rules require kept:
    the follow-up unit's notes and health notes, agreements, plans, statements, the board."""
    from husly.allocation.models import Statement
    from husly.people.models import ResidentNote

    return (
        Exists(ResidentNote.objects.filter(resident=OuterRef("pk"), category__in=[
            Category.FOLLOWUP, Category.HEALTH]))
        | Q(agreements__isnull=False) | Q(plan_versions__isnull=False)
        | Q(red_board_entries__isnull=False) | Q(reviews__isnull=False)
        | Exists(Statement.objects.filter(application__applicant=OuterRef("pk"))
                 .exclude(text=""))
    )


def retention_due(*, municipality, today):
    """Residents whose every case ended more than the set number of years ago, with no
    tenancy or agreement running: split into those to anonymise and those to keep."""
    from husly.access.services import retention_settings_for
    from husly.followup.models import FollowUpAgreement
    from husly.housing.models import Tenancy
    from husly.people.models import Case, Resident

    years = retention_settings_for(municipality).years_after_end
    try:
        cutoff = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - years, day=28)
    candidates = (
        Resident.objects.filter(municipality=municipality, anonymised_on__isnull=True,
                                preserved_for_archive_on__isnull=True)
        .annotate(last_closed=Max("cases__closed_on"))
        .filter(last_closed__lte=cutoff)
        .exclude(Exists(Case.objects.filter(resident=OuterRef("pk"), closed_on__isnull=True)))
        .exclude(Exists(Tenancy.objects.filter(residents=OuterRef("pk")).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=cutoff))))
        .exclude(Exists(FollowUpAgreement.objects.filter(resident=OuterRef("pk")).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=cutoff))))
    )
    preserve_ids = set(candidates.filter(_preserved_records_q()).values_list("pk", flat=True))
    due = list(candidates.order_by("pk"))
    return {"anonymise": [r for r in due if r.pk not in preserve_ids],
            "preserve": [r for r in due if r.pk in preserve_ids]}


def retention_counts(*, municipality):
    from husly.people.models import Resident

    residents = Resident.objects.filter(municipality=municipality)
    return {
        "anonymised": residents.filter(anonymised_on__isnull=False).count(),
        "preserved": residents.filter(preserved_for_archive_on__isnull=False).count(),
    }
