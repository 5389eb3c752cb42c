"""Internal audit (P20): who gets Housing First follow-up, by background and age band; how
many of the residents with services have a follow-up agreement; and who has no primary
contact. Counted by the database per group; no person is loaded."""

from __future__ import annotations

import datetime

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.utils import timezone

from husly.accounts.models import Team
from husly.board.models import RedBoardEntry
from husly.common.businessdays import add_months
from husly.followup.models import FollowUpAgreement
from husly.housing.models import Tenancy
from husly.people.models import Background, Resident

# (label key, youngest age, oldest age); the last band is open-ended.
AGE_BANDS = [("under_25", 0, 24), ("25_34", 25, 34), ("35_49", 35, 49), ("50_66", 50, 66),
             ("67_plus", 67, None)]
UNKNOWN = "unknown"


def _born_on_or_before(today: datetime.date, age: int) -> datetime.date:
    return add_months(today, -12 * age)


def age_band(today: datetime.date) -> Case:
    """The age band as SQL: birth dates compared with today minus each band's age."""
    whens = []
    for i in range(len(AGE_BANDS) - 1):
        # Born after the day someone of the next band's youngest age was born: in band i.
        next_youngest = AGE_BANDS[i + 1][1]
        whens.append(When(birth_date__gt=_born_on_or_before(today, next_youngest),
                          then=Value(i)))
    whens.append(When(birth_date__isnull=False, then=Value(len(AGE_BANDS) - 1)))
    return Case(*whens, default=Value(len(AGE_BANDS)), output_field=IntegerField())


# The audit's conditions, shared with the lists behind its figures (outcomes.figures), so a
# number and its people come from the same words.

def audited_residents(municipality):
    return Resident.objects.filter(municipality=municipality, anonymised_on__isnull=True)


def followed():
    """A running follow-up agreement: Housing First follow-up."""

    return Exists(FollowUpAgreement.objects.filter(resident=OuterRef("pk"),
                                                   end_date__isnull=True))


def housed(today: datetime.date):
    return Exists(Tenancy.objects.current(on=today).filter(residents=OuterRef("pk")))


def on_red_board():
    return Exists(RedBoardEntry.objects.filter(resident=OuterRef("pk"),
                                               taken_off_at__isnull=True))


def audit_figures(*, municipality, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    residents = audited_residents(municipality)
    by_group = (residents.annotate(band=age_band(today), followed=followed())
                .order_by().values_list("background", "band", "followed")
                .annotate(n=Count("id")))
    backgrounds = [*Background.values, ""]
    bands = [key for key, _y, _o in AGE_BANDS] + [UNKNOWN]
    by_background = {b: {"followed": 0, "all": 0} for b in backgrounds}
    by_band = {b: {"followed": 0, "all": 0} for b in bands}
    for background, band, is_followed, n in by_group:
        row = by_background.setdefault(background or "", {"followed": 0, "all": 0})
        row["all"] += n
        by_band[bands[band]]["all"] += n
        if is_followed:
            row["followed"] += n
            by_band[bands[band]]["followed"] += n

    with_services = residents.filter(housed(today), team__isnull=False)
    coverage = with_services.annotate(followed=followed()).aggregate(
        all=Count("id"), with_agreement=Count("id", filter=Q(followed=True)))

    per_team = (residents.filter(team__isnull=False)
                .annotate(red=on_red_board(), no_contact=ExpressionWrapper(
                    Q(primary_contact__isnull=True), output_field=BooleanField()))
                .order_by().values_list("team", "red", "no_contact")
                .annotate(n=Count("id")))
    teams = {t.pk: {"team": t, "followed": 0, "without_contact": 0, "red_board": 0}
             for t in Team.objects.filter(municipality=municipality).order_by("name")}
    for team_id, red, no_contact, n in per_team:
        row = teams[team_id]
        row["followed"] += n
        if red:
            row["red_board"] += n
        elif no_contact:
            row["without_contact"] += n
    return {"by_background": by_background, "by_band": by_band,
            "coverage": {"all": coverage["all"], "with_agreement": coverage["with_agreement"],
                         "without": coverage["all"] - coverage["with_agreement"]},
            "teams": list(teams.values())}
