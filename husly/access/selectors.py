"""Reads of the access module: consents, the access log, leader review and retention."""

import datetime
import operator
from functools import reduce

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate, TruncHour
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.access.models import (
    AccessBasis,
    AccessListReadResident,
    AccessLogEntry,
    BreakGlass,
    Consent,
    ListKind,
    RetentionSettings,
)
from husly.access.policy import access_review_team_ids
from husly.accounts.models import TeamMembership, Unit, User
from husly.common import persondata
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

    members = TeamMembership.objects.filter(team_id__in=team_ids).values("user_id")
    return Q(resident__team_id__in=team_ids) | Q(user_id__in=members)


def list_reads_for(*, resident):
    """Where the resident's name was shown in a list or export: who, from which unit, when,
    in which list (`row.list_read.list_label`), newest first."""
    return (AccessListReadResident.objects.filter(resident=resident)
            .select_related("list_read__user", "list_read__unit")
            .order_by("-list_read__read_at", "-list_read_id"))


def access_log_by_day(*, resident) -> list[dict]:
    """The log grouped by local day, reader, unit, information and basis, with counts; the
    lists that showed the resident's name grouped the same way by list, since "who saw me"
    includes those who saw the name in a list."""

    rows = list(
        AccessLogEntry.objects.filter(resident=resident)
        .annotate(day=TruncDate("accessed_at"))
        .values("day", "user_id", "unit_id", "categories", "basis")
        .annotate(reads=Count("id"))
        .order_by("-day", "user_id", "unit_id", "categories", "basis")
    )
    seen = list(
        AccessListReadResident.objects.filter(resident=resident)
        .annotate(day=TruncDate("list_read__read_at"))
        .values("day", user_id=F("list_read__user_id"), unit_id=F("list_read__unit_id"),
                view=F("list_read__view"))
        .annotate(reads=Count("id"))
        .order_by("-day", "user_id", "unit_id", "view")
    )
    people = {r["user_id"] for r in rows} | {r["user_id"] for r in seen}
    users = {u.pk: u for u in User.objects.filter(pk__in=people)}
    units = {u.pk: u for u in Unit.objects.filter(
        pk__in={r["unit_id"] for r in rows} | {r["unit_id"] for r in seen})}
    days = [{
        "day": r["day"], "user": users[r["user_id"]], "unit": units.get(r["unit_id"]),
        "categories": ", ".join(str(Category(c).label) for c in r["categories"].split(",") if c),
        "basis": AccessBasis(r["basis"]).label, "reads": r["reads"],
    } for r in rows]
    days += [{
        "day": r["day"], "user": users[r["user_id"]], "unit": units.get(r["unit_id"]),
        "categories": _("The name, in %(list)s") % {"list": _list_label(r["view"])},
        "basis": _("Seen in a list"), "reads": r["reads"], "list": True,
    } for r in seen]
    # Newest day first, and within a day as the two queries ordered them.
    return sorted(days, key=lambda d: d["day"], reverse=True)


def _list_label(view: str) -> str:
    return str(ListKind(view).label) if view in ListKind.values else view


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
    return break_glass_open_for_review(
        municipality=staff.municipality, team_ids=access_review_team_ids(staff)).count()


def _preserved_records_q():
    """Records archive rules require kept (PersonData.kept_for_archive): those from
    drug-related and psychosocial care, such as the follow-up unit's notes, agreements, plans,
    statements and the board. One EXISTS each: joins would multiply a resident's rows by
    every review and visit."""
    resident = OuterRef("pk")
    return reduce(operator.or_, [Exists(rows) for d in persondata.declarations()
                                 if (rows := d.archive_rows(resident)) is not None])


def retention_due(*, municipality, today):
    """Residents with nothing going on since the cut-off: registered before it, and no row
    declared to keep them active after it (PersonData.keeps_active: a case closed after it,
    a tenancy or agreement running after it, an open application as applicant or household
    member). Split into those to anonymise and those to keep."""
    years = retention_settings_for(municipality).years_after_end
    cutoff = add_months(today, -12 * years)
    resident = OuterRef("pk")
    candidates = persondata.person().model.objects.filter(
        municipality=municipality, anonymised_on__isnull=True,
        preserved_for_archive_on__isnull=True, registered_at__date__lte=cutoff)
    for declaration in persondata.declarations():
        if declaration.keeps_active is not None:
            candidates = candidates.exclude(Exists(declaration.keeps_active(resident, cutoff)))
    preserved = _preserved_records_q()
    candidates = candidates.order_by("pk")
    return {"anonymise": candidates.exclude(preserved), "preserve": candidates.filter(preserved)}


def retention_counts(*, municipality):
    residents = persondata.person().model.objects.filter(municipality=municipality)
    return {
        "anonymised": residents.filter(anonymised_on__isnull=False).count(),
        "preserved": residents.filter(preserved_for_archive_on__isnull=False).count(),
    }


def retention_settings_for(municipality) -> RetentionSettings:
    """The municipality's retention settings; the defaults until it has saved its own."""
    return (RetentionSettings.objects.filter(municipality=municipality).first()
            or RetentionSettings(municipality=municipality))
