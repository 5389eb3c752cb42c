"""Housing stability: Kaplan–Meier retention with 95 % confidence intervals (exponential
Greenwood, as lifelines computes them), for tenancies and for persons. Spells come from SQL
as plain tuples in one pass; nothing is loaded as model objects."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from husly.housing.models import Tenancy, TenancyEndReason

Z_95 = 1.959963984540054  # the normal quantile at 0.975
DAYS_PER_MONTH = 365.25 / 12
REPORT_MONTHS = (6, 12, 24, 36)
SANDNES_3_YEARS = 0.70  # P19: 70 % still housed after three years in the Sandnes example


@dataclass(frozen=True)
class Point:
    time: float
    at_risk: int
    events: int
    survival: float
    lower: float
    upper: float


def kaplan_meier(durations, events) -> list[Point]:
    """The product-limit estimate at each distinct duration, with exponential Greenwood
    95 % intervals. `events[i]` is True when spell i ended in the event (lost the home),
    False when it is censored (still running, or ended for another reason)."""
    pairs = sorted(zip(durations, events, strict=True))
    n = len(pairs)
    points, log_s, greenwood, i = [], 0.0, 0.0, 0
    while i < n:
        t = pairs[i][0]
        d = removed = 0
        while i < n and pairs[i][0] == t:
            d += 1 if pairs[i][1] else 0
            removed += 1
            i += 1
        at_risk = n - (i - removed)
        if d:
            if d == at_risk:
                log_s = -math.inf
            elif log_s != -math.inf:
                log_s += math.log(at_risk - d) - math.log(at_risk)
                greenwood += d / (at_risk * (at_risk - d))
        survival = math.exp(log_s)
        points.append(Point(t, at_risk, d, survival, *_interval(log_s, greenwood)))
    return points


def _interval(log_s: float, greenwood: float) -> tuple[float, float]:
    if log_s == 0.0:
        return 1.0, 1.0
    if log_s == -math.inf:
        return 0.0, 0.0
    spread = Z_95 * math.sqrt(greenwood) / log_s
    return (math.exp(-math.exp(math.log(-log_s) - spread)),
            math.exp(-math.exp(math.log(-log_s) + spread)))


def at(points: list[Point], time: float) -> Point:
    """The estimate at `time`: the last step at or before it (1 before the first)."""
    last = Point(0, 0, 0, 1.0, 1.0, 1.0)
    for p in points:
        if p.time > time:
            break
        last = p
    return last


def _filtered_tenancies(municipality, filters: dict):
    from husly.allocation.models import Application

    tenancies = Tenancy.objects.filter(municipality=municipality,
                                       start_date__lte=timezone.localdate())
    if filters.get("start_year"):
        tenancies = tenancies.filter(start_date__year=filters["start_year"])
    if filters.get("dwelling_kind"):
        tenancies = tenancies.filter(dwelling__kind=filters["dwelling_kind"])
    resident_q = Q()
    if filters.get("background"):
        resident_q &= Q(background=filters["background"])
    if filters.get("team"):
        resident_q &= Q(team=filters["team"])
    if filters.get("housing_first") in (True, False):
        hf = Exists(Application.objects.filter(applicant=OuterRef("pk"), housing_first=True))
        resident_q &= hf if filters["housing_first"] else ~hf
    if resident_q:
        from husly.people.models import Resident

        tenancies = tenancies.filter(residents__in=Resident.objects.filter(resident_q))
    return tenancies.distinct()


def _spell(start, end, reason, today) -> tuple[int, bool]:
    ended = end is not None and end <= today
    stop = end if ended else today
    return (stop - start).days, bool(ended and reason in TenancyEndReason.unplanned())


def tenancy_spells(*, municipality, filters: dict, today: datetime.date | None = None):
    today = today or timezone.localdate()
    rows = _filtered_tenancies(municipality, filters).values_list(
        "start_date", "end_date", "end_reason")
    return [_spell(start, end, reason, today) for start, end, reason in rows.iterator()]


def person_spells(*, municipality, filters: dict, today: datetime.date | None = None):
    """A person's tenancies joined where one starts no later than the day after the last
    ended: re-settled without a gap counts as still housed. The spell ends in the event
    when its last tenancy ended unplanned."""
    today = today or timezone.localdate()
    rows = (Tenancy.residents.through.objects
            .filter(tenancy__in=_filtered_tenancies(municipality, filters))
            .order_by("resident_id", "tenancy__start_date")
            .values_list("resident_id", "tenancy__start_date", "tenancy__end_date",
                         "tenancy__end_reason"))
    spells, current = [], None
    for resident_id, start, end, reason in rows.iterator():
        if current and current[0] == resident_id and current[2] is not None and (
                start <= current[2] + datetime.timedelta(days=1)):
            current = (resident_id, current[1], end, reason)
            continue
        if current:
            spells.append(_spell(current[1], current[2], current[3], today))
        current = (resident_id, start, end, reason)
    if current:
        spells.append(_spell(current[1], current[2], current[3], today))
    return spells


def stability_report(*, municipality, filters: dict) -> dict:
    report = {}
    for key, spells in (("tenancies", tenancy_spells(municipality=municipality,
                                                     filters=filters)),
                        ("persons", person_spells(municipality=municipality,
                                                  filters=filters))):
        durations = [d for d, _e in spells]
        points = kaplan_meier(durations, [e for _d, e in spells]) if spells else []
        rows = []
        for months in REPORT_MONTHS:
            t = months * DAYS_PER_MONTH
            still = sum(1 for d in durations if d >= t)
            # Past the longest spell the curve says nothing: shown as not yet known.
            rows.append({"months": months, "point": at(points, t) if still else None,
                         "at_risk": still})
        report[key] = {"n": len(spells), "events": sum(1 for _d, e in spells if e),
                       "points": points, "rows": rows}
    report["sandnes"] = SANDNES_3_YEARS
    return report
