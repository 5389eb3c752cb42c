"""Housing stability: Kaplan–Meier retention with 95 % confidence intervals (exponential
Greenwood, as lifelines computes them), for tenancies and for persons. Spells come from SQL
counted per duration (by the database for tenancies); nothing is loaded as model objects."""

from __future__ import annotations

import datetime
import math
from collections import Counter
from typing import NamedTuple

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Value,
    When,
)
from django.utils import timezone

from husly.allocation.models import Application
from husly.housing.models import Tenancy, TenancyEndReason
from husly.people.models import Resident

Z_95 = 1.959963984540054  # the normal quantile at 0.975
DAYS_PER_MONTH = 365.25 / 12
REPORT_MONTHS = (6, 12, 24, 36)
SANDNES_3_YEARS = 0.70  # P19: 70 % still housed after three years in the Sandnes example


class Point(NamedTuple):
    time: float
    at_risk: int
    events: int
    survival: float
    log_s: float
    greenwood: float

    # The interval is worked out only where it is shown (the month rows), not at each step.
    @property
    def lower(self) -> float:
        return _interval(self.log_s, self.greenwood)[0]

    @property
    def upper(self) -> float:
        return _interval(self.log_s, self.greenwood)[1]


def kaplan_meier(durations, events) -> list[Point]:
    """The product-limit estimate at each distinct duration, with exponential Greenwood
    95 % intervals. `events[i]` is True when spell i ended in the event (lost the home),
    False when it is censored (still running, or ended for another reason)."""
    return kaplan_meier_counted(Counter(zip(durations, events, strict=True)))


def kaplan_meier_counted(counts: dict[tuple[int, bool], int]) -> list[Point]:
    """The same from counts of spells per (duration, event): a city's 30,000 tenancies have
    a few thousand distinct durations, so the work follows those, not the spells."""
    per_time: dict[int, list[int]] = {}
    for (t, event), n in counts.items():
        row = per_time.setdefault(t, [0, 0])
        row[0] += n
        if event:
            row[1] += n
    at_risk = sum(row[0] for row in per_time.values())
    points, log_s, greenwood = [], 0.0, 0.0
    for t in sorted(per_time):
        removed, d = per_time[t]
        if d:
            if d == at_risk:
                log_s = -math.inf
            elif log_s != -math.inf:
                log_s += math.log(at_risk - d) - math.log(at_risk)
                greenwood += d / (at_risk * (at_risk - d))
        points.append(Point(t, at_risk, d, math.exp(log_s), log_s, greenwood))
        at_risk -= removed
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
    last = Point(0, 0, 0, 1.0, 0.0, 0.0)
    for p in points:
        if p.time > time:
            break
        last = p
    return last


def _person_filter(filters: dict, prefix: str = "", pk: str = "pk") -> Q:
    """The report's filters on the person (background, team, Housing First), on a resident
    reached through `prefix`, whose id is `pk` to a subquery."""
    q = Q()
    if filters.get("background"):
        q &= Q(**{f"{prefix}background": filters["background"]})
    if filters.get("team"):
        q &= Q(**{f"{prefix}team": filters["team"]})
    if filters.get("housing_first") in (True, False):
        hf = Exists(Application.objects.filter(applicant=OuterRef(pk), housing_first=True))
        q &= hf if filters["housing_first"] else ~hf
    return q


def tenancy_filter(municipality, filters: dict, prefix: str = "",
                   today: datetime.date | None = None) -> Q:
    """The report's filters as conditions on a tenancy, reached through `prefix` (so the
    person spells filter the tenancy–resident rows directly, with no subquery)."""

    p = prefix
    q = Q(**{f"{p}municipality": municipality,
             f"{p}start_date__lte": today or timezone.localdate()})
    if filters.get("start_year"):
        q &= Q(**{f"{p}start_date__year": filters["start_year"]})
    if filters.get("dwelling_kind"):
        q &= Q(**{f"{p}dwelling__kind": filters["dwelling_kind"]})
    resident_q = _person_filter(filters)
    if resident_q:
        # EXISTS rather than a join: a tenancy of two matching residents still counts once.
        q &= Exists(Tenancy.residents.through.objects.filter(
            tenancy=OuterRef("tenancy_id" if p else "pk"),
            resident__in=Resident.objects.filter(resident_q)))
    return q


def _filtered_tenancies(municipality, filters: dict, today: datetime.date):
    return Tenancy.objects.filter(tenancy_filter(municipality, filters, today=today))


UNPLANNED = frozenset(TenancyEndReason.unplanned())


def _spell(start, end, reason, today):
    ended = end is not None and end <= today
    stop = end if ended else today
    return (stop - start).days, bool(ended and reason in UNPLANNED)


def tenancy_spell_counts(*, municipality, filters: dict,
                         today: datetime.date | None = None) -> Counter:
    """Spells per (days, ended unplanned), counted by the database: one row per distinct
    duration comes back instead of one per tenancy."""
    today = today or timezone.localdate()
    ended = Q(end_date__isnull=False, end_date__lte=today)
    stop = Case(When(ended, then=F("end_date")), default=Value(today),
                output_field=DateField())
    rows = (_filtered_tenancies(municipality, filters, today)
            .annotate(days=ExpressionWrapper(stop - F("start_date"),
                                             output_field=DurationField()),
                      event=Case(When(ended & Q(end_reason__in=TenancyEndReason.unplanned()),
                                      then=Value(True)),
                                 default=Value(False), output_field=BooleanField()))
            .order_by().values_list("days", "event").annotate(n=Count("id")))
    counts: Counter = Counter()
    for days, event, n in rows:
        counts[(days.days, bool(event))] += n
    return counts


def _person_tenancies(municipality, filters: dict, today: datetime.date):
    """Every tenancy of every person the filters on the person pick (background, team,
    Housing First), in order per person. The filters on the spell (start year, dwelling
    kind) are applied to the joined spell, not here: a spell follows its person into later
    tenancies, whatever year or kind they are."""
    q = Q(tenancy__municipality=municipality, tenancy__start_date__lte=today)
    q &= _person_filter(filters, prefix="resident__", pk="resident_id")
    return (Tenancy.residents.through.objects.filter(q)
            .order_by("resident_id", "tenancy__start_date", "tenancy_id")
            .values_list("resident_id", "tenancy__start_date", "tenancy__end_date",
                         "tenancy__end_reason", "tenancy__dwelling__kind"))


def _joined(rows):
    """Per person, their tenancies joined into spells where one starts no later than the
    day after the spell so far ends (re-settled without a gap is still housed): yields
    (resident id, start, end or None, how the last tenancy ended, the first dwelling kind)."""
    one_day = datetime.timedelta(days=1)
    current = None
    for resident_id, start, end, reason, kind in rows:
        if current and current[0] == resident_id and (
                current[2] is None or start <= current[2] + one_day):
            # Overlapping or back to back: the spell runs until the later of the two ends.
            if current[2] is not None and (end is None or end > current[2]):
                current = (resident_id, current[1], end, reason, current[4])
            continue
        if current:
            yield current
        current = (resident_id, start, end, reason, kind)
    if current:
        yield current


def person_spell_rows(*, municipality, filters: dict,
                      today: datetime.date | None = None) -> list[tuple[int, int, bool]]:
    """One spell per person: (resident id, days housed, ended in the event). A person's spell
    is the first of their joined spells that the report's filters pick: with a start year,
    the first that began in that year (a cohort: it follows the person into later
    tenancies, so moving on the next day is no event); with a dwelling kind, the first that
    began in such a dwelling. A person with no such spell is not counted. The spell ends in
    the event when its last tenancy ended unplanned."""
    today = today or timezone.localdate()
    year, kind = filters.get("start_year"), filters.get("dwelling_kind")
    chosen: dict[int, tuple[int, int, bool]] = {}
    for resident_id, start, end, reason, first_kind in _joined(
            _person_tenancies(municipality, filters, today)):
        if resident_id in chosen or (year and start.year != year) or (
                kind and first_kind != kind):
            continue
        chosen[resident_id] = (resident_id, *_spell(start, end, reason, today))
    return list(chosen.values())


def person_spell_counts(*, municipality, filters: dict,
                        today: datetime.date | None = None) -> Counter:
    """Persons per (days, ended in the event): one spell each (`person_spell_rows`)."""
    return Counter((days, event) for _pk, days, event in person_spell_rows(
        municipality=municipality, filters=filters, today=today))


def _expand(counts: Counter) -> list[tuple[int, bool]]:
    return [spell for spell, n in counts.items() for _ in range(n)]


def tenancy_spells(*, municipality, filters: dict, today: datetime.date | None = None):
    return _expand(tenancy_spell_counts(municipality=municipality, filters=filters,
                                        today=today))


def person_spells(*, municipality, filters: dict, today: datetime.date | None = None):
    return _expand(person_spell_counts(municipality=municipality, filters=filters,
                                       today=today))


def stability_report(*, municipality, filters: dict) -> dict:
    report = {}
    for key, counts in (("tenancies", tenancy_spell_counts(municipality=municipality,
                                                           filters=filters)),
                        ("persons", person_spell_counts(municipality=municipality,
                                                        filters=filters))):
        points = kaplan_meier_counted(counts) if counts else []
        rows = []
        for months in REPORT_MONTHS:
            t = months * DAYS_PER_MONTH
            still = sum(n for (d, _e), n in counts.items() if d >= t)
            # Past the longest spell the curve says nothing: shown as not yet known.
            rows.append({"months": months, "point": at(points, t) if still else None,
                         "at_risk": still})
        report[key] = {"n": sum(counts.values()),
                       "events": sum(n for (_d, e), n in counts.items() if e),
                       "points": points, "rows": rows}
    report["sandnes"] = SANDNES_3_YEARS
    return report
