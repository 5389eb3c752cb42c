"""Reads for cost sharing: the year's positions and what each unit pays, summed in SQL."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, IntegerField, Prefetch, Sum
from django.db.models.functions import Coalesce

from husly.costs.models import FundedPosition, FundingShare


@dataclass
class UnitCost:
    unit_id: int
    name: str
    cost: Decimal  # kr: the sum of annual cost × share
    fte: Decimal  # full-time equivalents: the sum of position size × share


@dataclass
class CostSummary:
    year: int
    units: list[UnitCost] = field(default_factory=list)
    total_cost: Decimal = Decimal(0)
    total_fte: Decimal = Decimal(0)
    positions: list = field(default_factory=list)


def positions(*, municipality, year: int | None = None):
    qs = (FundedPosition.objects.filter(municipality=municipality)
          .select_related("holder")
          .prefetch_related(Prefetch("shares", queryset=FundingShare.objects.select_related(
              "unit").order_by("-percent", "unit__name"))))
    return qs.filter(year=year) if year is not None else qs


def years(*, municipality) -> list[int]:
    return list(FundedPosition.objects.filter(municipality=municipality)
                .values_list("year", flat=True).distinct().order_by("year"))


def cost_summary(*, municipality, year: int) -> CostSummary:
    """Per unit: Σ annual_cost × percent / 100 and Σ fte_percent × percent / 10 000 (FTE).
    The database sums the whole-number products; only the constant division is done here."""
    rows = (FundingShare.objects.filter(municipality=municipality, position__year=year)
            .values("unit_id", "unit__name")
            .annotate(cost_x100=Sum(F("position__annual_cost") * F("percent"),
                                    output_field=IntegerField()),
                      fte_x10000=Sum(F("position__fte_percent") * F("percent"),
                                     output_field=IntegerField()))
            .order_by("unit__name", "unit_id"))
    units = [UnitCost(unit_id=r["unit_id"], name=r["unit__name"],
                      cost=Decimal(r["cost_x100"]) / 100, fte=Decimal(r["fte_x10000"]) / 10000)
             for r in rows]
    totals = FundedPosition.objects.filter(municipality=municipality, year=year).aggregate(
        cost=Coalesce(Sum("annual_cost"), 0, output_field=IntegerField()),
        fte=Coalesce(Sum("fte_percent"), 0, output_field=IntegerField()))
    return CostSummary(year=year, units=units, total_cost=Decimal(totals["cost"]),
                       total_fte=Decimal(totals["fte"]) / 100,
                       positions=list(positions(municipality=municipality, year=year)))
