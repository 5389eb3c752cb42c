"""Reads of the fidelity self-assessment: the result per domain, over time, and where the
team slipped since its previous assessment. Aggregated in SQL, always within the
municipality the caller passes."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q, Sum

from husly.fidelity.models import (
    AssessmentStatus,
    FidelityAssessment,
    FidelityDomain,
    FidelityItem,
    FidelityScore,
)

# The chart shows this many years up to the one shown; the table has them all.
CHART_YEARS = 5


def domains(*, municipality):
    return FidelityDomain.objects.filter(municipality=municipality).order_by("order", "id")


def items(*, municipality):
    return FidelityItem.objects.filter(municipality=municipality).select_related(
        "domain").order_by("domain__order", "domain_id", "order", "id")


def assessments(*, municipality):
    return FidelityAssessment.objects.filter(municipality=municipality).select_related(
        "team", "completed_by").order_by("-year", "team__name", "id")


def previous_assessment(assessment: FidelityAssessment) -> FidelityAssessment | None:
    """The team's latest completed assessment of an earlier year."""
    return FidelityAssessment.objects.filter(
        municipality_id=assessment.municipality_id, team_id=assessment.team_id,
        year__lt=assessment.year, status=AssessmentStatus.COMPLETED).order_by("-year").first()


@dataclass
class DomainResult:
    domain: FidelityDomain
    mean: float | None  # the mean item score
    percent: float | None  # the scores' sum as a share of the highest possible sum
    scored: int
    previous_mean: float | None = None

    @property
    def change(self) -> float | None:
        if self.mean is None or self.previous_mean is None:
            return None
        return self.mean - self.previous_mean


@dataclass
class Result:
    assessment: FidelityAssessment
    domains: list[DomainResult]
    mean: float | None
    percent: float | None
    scored: int
    previous: FidelityAssessment | None
    previous_mean: float | None
    slipped: list[dict] = field(default_factory=list)


def _per_domain(scores) -> dict[int, dict]:
    """{domain id: {mean, percent, scored}} in one grouped query."""
    rows = (scores.filter(score__isnull=False).values("item__domain_id")
            .annotate(mean=Avg("score"), total=Sum("score"), top=Sum("item__scale_max"),
                      n=Count("id")))
    return {r["item__domain_id"]: {"mean": float(r["mean"]), "scored": r["n"],
                                   "percent": 100 * r["total"] / r["top"] if r["top"] else None}
            for r in rows}


def _overall(scores) -> dict:
    r = scores.filter(score__isnull=False).aggregate(
        mean=Avg("score"), total=Sum("score"), top=Sum("item__scale_max"), n=Count("id"))
    return {"mean": float(r["mean"]) if r["mean"] is not None else None, "scored": r["n"],
            "percent": 100 * r["total"] / r["top"] if r["top"] else None}


def overall_means(*, assessments) -> dict[int, dict]:
    """{assessment id: {mean, percent, scored}} for many assessments in one grouped query."""
    rows = (FidelityScore.objects.filter(assessment__in=assessments, score__isnull=False)
            .values("assessment_id")
            .annotate(mean=Avg("score"), total=Sum("score"), top=Sum("item__scale_max"),
                      n=Count("id")))
    return {r["assessment_id"]: {"mean": float(r["mean"]), "scored": r["n"],
                                 "percent": 100 * r["total"] / r["top"] if r["top"] else None}
            for r in rows}


def assessment_result(assessment: FidelityAssessment) -> Result:
    """The mean score per domain and overall (each item weighs the same), beside the team's
    previous completed assessment, and the items whose score fell since then."""
    scores = FidelityScore.objects.filter(assessment=assessment)
    now = _per_domain(scores)
    overall = _overall(scores)
    previous = previous_assessment(assessment)
    before, previous_overall = {}, {"mean": None}
    if previous is not None:
        previous_scores = FidelityScore.objects.filter(assessment=previous)
        before = _per_domain(previous_scores)
        previous_overall = _overall(previous_scores)
    rows = []
    for domain in domains(municipality=assessment.municipality_id):
        figures = now.get(domain.pk, {"mean": None, "percent": None, "scored": 0})
        rows.append(DomainResult(domain=domain, mean=figures["mean"],
                                 percent=figures["percent"], scored=figures["scored"],
                                 previous_mean=before.get(domain.pk, {}).get("mean")))
    return Result(assessment=assessment, domains=rows, mean=overall["mean"],
                  percent=overall["percent"], scored=overall["scored"], previous=previous,
                  previous_mean=previous_overall["mean"],
                  slipped=slipped_items(assessment, previous) if previous else [])


def slipped_items(assessment: FidelityAssessment, previous: FidelityAssessment) -> list[dict]:
    """Items scored lower now than in `previous`, the largest fall first."""
    earlier = dict(FidelityScore.objects.filter(assessment=previous, score__isnull=False)
                   .values_list("item_id", "score"))
    fallen = []
    for s in (FidelityScore.objects.filter(assessment=assessment, score__isnull=False,
                                           item_id__in=earlier)
              .select_related("item__domain")):
        if s.score < earlier[s.item_id]:
            fallen.append({"item": s.item, "domain": s.item.domain, "text": s.item_text,
                           "previous": earlier[s.item_id], "score": s.score,
                           "fall": earlier[s.item_id] - s.score, "comment": s.comment})
    fallen.sort(key=lambda r: (-r["fall"], r["domain"].order, r["item"].order, r["item"].pk))
    return fallen


def team_history(*, team, up_to: int | None = None,
                 include: FidelityAssessment | None = None) -> dict:
    """Each completed year's mean per domain and overall for one team, oldest first; `include`
    adds an assessment not yet completed (the one being looked at)."""
    picked = FidelityAssessment.objects.filter(team=team, status=AssessmentStatus.COMPLETED)
    if up_to is not None:
        picked = picked.filter(year__lte=up_to)
    ids = set(picked.values_list("id", flat=True))
    if include is not None:
        ids.add(include.pk)
    scores = FidelityScore.objects.filter(assessment_id__in=ids, score__isnull=False)
    per_domain = scores.values("assessment__year", "item__domain_id").annotate(mean=Avg("score"))
    overall = scores.values("assessment__year").annotate(mean=Avg("score"))
    years = sorted(FidelityAssessment.objects.filter(id__in=ids).values_list("year", flat=True))
    means = {(r["assessment__year"], r["item__domain_id"]): float(r["mean"]) for r in per_domain}
    totals = {r["assessment__year"]: float(r["mean"]) for r in overall}
    domain_list = list(domains(municipality=team.municipality_id))
    return {
        "years": years,
        "domains": domain_list,
        "rows": [{"year": year, "means": [means.get((year, d.pk)) for d in domain_list],
                  "overall": totals.get(year)} for year in years],
    }


def scorable_items(assessment: FidelityAssessment):
    """The items of an assessment: the active ones, and any retired item it already scored."""
    return FidelityItem.objects.filter(
        Q(active=True) | Q(scores__assessment=assessment),
        municipality_id=assessment.municipality_id,
    ).select_related("domain").distinct().order_by("domain__order", "domain_id", "order", "id")


def missing_items(assessment: FidelityAssessment) -> list[FidelityItem]:
    """Active items without a score in the assessment."""
    scored = set(assessment.scores.filter(score__isnull=False).values_list("item_id", flat=True))
    return [item for item in FidelityItem.objects.filter(
        municipality_id=assessment.municipality_id, active=True).select_related("domain")
        .order_by("domain__order", "order", "id") if item.pk not in scored]
