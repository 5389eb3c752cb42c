"""KOSTRA-style annual figures, as SSB's form 13 (housing) asks them, counted by the database
from what happened: dwellings in the register, households moved in, the waiting list at the
year's end, and households in temporary housing during the year.

A household is one application (the applicant and the members on it) where the figure comes
from applications; for temporary housing it is one registered person, since a stay there is
recorded on the person. Each figure's people are given by a `*_residents` function, so the
number on the screen and the list behind it come from the same condition."""

from __future__ import annotations

import datetime

from django.db.models import (
    Case,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from husly.allocation.models import Application, ApplicationState
from husly.housing.models import Dwelling, OwnerKind, Tenancy
from husly.outcomes.models import Population, SituationSpell
from husly.people.models import HousingSituation

# A stay longer than three months (SSB's line "herav over 3 måneder").
LONG_STAY_DAYS = 91


def period(year: int, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The year's first day and its last counted day: 31 December, or today in the year that
    is running."""
    today = today or timezone.localdate()
    return datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today)


def years_available(*, municipality, today: datetime.date | None = None) -> list[int]:
    """From the year the first application or tenancy was registered up to this year."""
    today = today or timezone.localdate()
    firsts = [Application.objects.filter(municipality=municipality).aggregate(
                  d=Min("registered_on"))["d"],
              Tenancy.objects.filter(municipality=municipality).aggregate(
                  d=Min("start_date"))["d"]]
    first = min([d.year for d in firsts if d] or [today.year])
    return list(range(today.year, first - 1, -1))


def moved_in(*, municipality, year: int, today=None) -> QuerySet:
    """Households that moved into a dwelling of the municipality during the year: the
    tenancies that began in it, whether an allocation in Husly led to them or they were
    imported or registered without one. The allocation's move-in day is the tenancy's start.
    Each carries `head`, the person who stands for the household in a list: the applicant
    where an application led to it, else the first resident registered."""

    first, last = period(year, today)
    return (Tenancy.objects.filter(municipality=municipality, start_date__gte=first,
                                   start_date__lte=last)
            .annotate(head=Coalesce("allocation__application__applicant_id",
                                    Min("residents__id"))))


def waiting(*, municipality, year: int, today=None) -> QuerySet:
    """Applications granted a dwelling by the year's end and still without one then: not
    allocated by that day, and not withdrawn by it."""

    _first, last = period(year, today)
    return (Application.objects.filter(municipality=municipality, decision__granted=True,
                                       decision__decided_on__lte=last)
            .exclude(allocation__allocated_on__lte=last)
            .exclude(state=ApplicationState.WITHDRAWN, state_since__lte=last))


def applications(*, municipality, year: int, which: str, today=None) -> QuerySet:
    """Applications received in the year, or decided (granted or refused) in it."""

    first, last = period(year, today)
    qs = Application.objects.filter(municipality=municipality)
    if which == "received":
        return qs.filter(registered_on__gte=first, registered_on__lte=last)
    decided = qs.filter(decision__decided_on__gte=first, decision__decided_on__lte=last)
    return decided.filter(decision__granted=(which == "granted"))


def temporary_spells(*, municipality, year: int, long_only: bool = False,
                     today=None) -> QuerySet:
    """Spells in shelter or temporary housing that overlap the year. A long one lasted more
    than three months by the year's end (or by today, in the running year)."""

    first, last = period(year, today)
    spells = SituationSpell.objects.filter(
        municipality=municipality, situation=HousingSituation.SHELTER_TEMPORARY,
        started_on__lte=last).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
    if long_only:
        stop = Case(When(Q(ended_on__isnull=False, ended_on__lt=last), then=F("ended_on")),
                    default=Value(last), output_field=DateField())
        spells = spells.annotate(length=ExpressionWrapper(
            stop - F("started_on"), output_field=DurationField())).filter(
            length__gt=datetime.timedelta(days=LONG_STAY_DAYS))
    return spells


def dwellings(*, municipality) -> dict:
    """The dwelling register today: owned by the municipality or leased from others. The
    register keeps no history of purchases and sales, so earlier years show today's."""

    return Dwelling.objects.filter(municipality=municipality).aggregate(
        all=Count("id"), owned=Count("id", filter=Q(owner_kind=OwnerKind.MUNICIPAL)),
        leased=Count("id", filter=Q(owner_kind=OwnerKind.PRIVATE)))


def kostra_figures(*, municipality, year: int, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    first, last = period(year, today)
    population = Population.objects.filter(municipality=municipality, year=year).first()
    register = dwellings(municipality=municipality)
    inhabitants = population.inhabitants if population else None
    return {
        "year": year, "first": first, "last": last, "complete": last.year < today.year,
        "population": population,
        "dwellings": register,
        "per_1000": (round(register["all"] * 1000 / inhabitants, 1) if inhabitants else None),
        "moved_in": len(set(moved_in(municipality=municipality, year=year, today=today)
                            .values_list("head", flat=True))),
        "waiting": waiting(municipality=municipality, year=year, today=today).count(),
        "received": applications(municipality=municipality, year=year, which="received",
                                 today=today).count(),
        "granted": applications(municipality=municipality, year=year, which="granted",
                                today=today).count(),
        "refused": applications(municipality=municipality, year=year, which="refused",
                                today=today).count(),
        "temporary": temporary_spells(municipality=municipality, year=year, today=today)
        .values("resident").distinct().count(),
        "temporary_long": temporary_spells(municipality=municipality, year=year,
                                           long_only=True, today=today)
        .values("resident").distinct().count(),
    }
