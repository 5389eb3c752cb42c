"""Reads of the outcomes module: aggregated in SQL, filtered by what the user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.access.policy import StaffContext, readable_categories, residents_visible
from husly.allocation.models import Application, ApplicationState
from husly.allocation.models import ApplicationState as S
from husly.common.businessdays import add_months
from husly.common.models import Category
from husly.outcomes.models import EpisodeEnd, EpisodeStart, HomelessEpisode, Resettlement


def _next_steps() -> dict[str | None, str]:
    return {
        None: _("Register an application for a dwelling"),
        S.RECEIVED: _("Ask the follow-up unit for its statement"),
        S.STATEMENT_REQUESTED: _("The follow-up unit gives its statement"),
        S.STATEMENT_GIVEN: _("Decide the application"),
        S.DECIDED: _("Offer a dwelling"),
        S.OFFERED: _("Viewing and the applicant's answer"),
        S.ACCEPTED: _("Register the allocation"),
        S.DECLINED: _("Offer another dwelling"),
        S.ALLOCATED: _("Joint meeting and move-in"),
    }


@dataclass
class ListRow:
    episode: HomelessEpisode
    days: int
    shown: bool  # name and link only with a work relation (as in every list)
    situation_shown: bool  # the kind of homelessness is housing information
    next_step: str
    owner: object
    resettlement: bool


def _as_listed(episodes):
    """Longest without a home first, with what a row shows; ready to slice into pages."""
    return (episodes.select_related("resident__team", "resident__primary_contact")
            .order_by("started_on", "id"))


def open_episodes(*, municipality):
    """The by-name list's spells."""
    return _as_listed(HomelessEpisode.objects.filter(municipality=municipality,
                                                     ended_on__isnull=True))


def by_name_list(*, staff: StaffContext, episodes=None) -> list[ListRow]:
    """Everyone in the municipality without a home now, longest first, with the next step
    and who owns it. Rows of people the user may not read show no name."""

    today = timezone.localdate()
    if episodes is None:
        episodes = open_episodes(municipality=staff.municipality)
    episodes = list(episodes)
    resident_ids = [e.resident_id for e in episodes]
    visible = set(residents_visible(staff).filter(pk__in=resident_ids)
                  .values_list("pk", flat=True))
    readable = readable_categories(staff, visible)
    applications = {a.applicant_id: a for a in Application.objects.filter(
        applicant_id__in=resident_ids, state__in=ApplicationState.open())
        .select_related("officer")}
    resettled = set(Resettlement.objects.filter(
        resident_id__in=resident_ids, case__closed_on__isnull=True, case__isnull=False)
        .values_list("resident_id", flat=True))
    steps = _next_steps()
    rows = []
    for e in episodes:
        application = applications.get(e.resident_id)
        state = application.state if application else None
        owner = application.officer if application else e.resident.primary_contact
        rows.append(ListRow(
            episode=e, days=(today - e.started_on).days,
            shown=e.resident_id in visible,
            situation_shown=Category.HOUSING in readable.get(e.resident_id, frozenset()),
            next_step=steps.get(state, ""), owner=owner,
            resettlement=e.resident_id in resettled))
    return rows


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def monthly_flow(*, municipality, months: int = 12, today: datetime.date | None = None):
    """Inflow and outflow of the by-name list per month (the last `months`, this one
    included), the number on it at each month's end, and whether the municipality is at
    functional zero (Built for Zero): fewer people without a home now than the average
    number housed per month over the last three whole months. The average is the same
    whatever `months` a page shows."""
    today = today or timezone.localdate()
    shown = months
    # The three whole months before this one, however few months the page shows.
    months = max(months, 4)
    first = add_months(_month_start(today), -(months - 1))
    episodes = HomelessEpisode.objects.filter(municipality=municipality)
    inflow = {(r["month"].date() if hasattr(r["month"], "date") else r["month"], r["start_kind"]):
              r["n"] for r in episodes.filter(started_on__gte=first)
              .annotate(month=TruncMonth("started_on")).values("month", "start_kind")
              .annotate(n=Count("id"))}
    outflow = {(r["month"].date() if hasattr(r["month"], "date") else r["month"], r["end_kind"]):
               r["n"] for r in episodes.filter(ended_on__gte=first)
               .annotate(month=TruncMonth("ended_on")).values("month", "end_kind")
               .annotate(n=Count("id"))}
    active = episodes.filter(started_on__lt=first).exclude(ended_on__lt=first).count()
    rows = []
    for i in range(months):
        month = add_months(_month_start(today), -(months - 1 - i))
        ins = {k: inflow.get((month, k), 0) for k in EpisodeStart.values}
        outs = {k: outflow.get((month, k), 0) for k in EpisodeEnd.values}
        active += sum(ins.values()) - sum(outs.values())
        rows.append({"month": month, "inflow": ins, "outflow": outs,
                     "inflow_total": sum(ins.values()), "outflow_total": sum(outs.values()),
                     "active": active})
    full = rows[-4:-1]
    housed_average = sum(r["outflow"][EpisodeEnd.HOUSED] for r in full) / len(full)
    current = episodes.filter(ended_on__isnull=True).count()
    return {"rows": rows[-shown:], "current": current, "housed_average": housed_average,
            "functional_zero": current < housed_average,
            "start_kinds": EpisodeStart.choices, "end_kinds": EpisodeEnd.choices}


def flow_episodes(*, municipality, month: datetime.date, direction: str, kind: str):
    """The spells behind one number of the flow table."""
    end = add_months(month, 1)
    episodes = HomelessEpisode.objects.filter(municipality=municipality)
    if direction == "inn":
        return episodes.filter(started_on__gte=month, started_on__lt=end, start_kind=kind)
    return episodes.filter(ended_on__gte=month, ended_on__lt=end, end_kind=kind)


def resettlements_for(*, resident):
    return Resettlement.objects.filter(resident=resident).select_related(
        "tenancy__dwelling", "recorded_by")


def inactive_list(*, staff: StaffContext) -> list[ListRow]:
    """People taken off the active list for lost contact, and not back on it since."""
    from django.db.models import Exists, OuterRef

    later = HomelessEpisode.objects.filter(resident=OuterRef("resident"),
                                           started_on__gte=OuterRef("ended_on"))
    open_ = HomelessEpisode.objects.filter(resident=OuterRef("resident"), ended_on__isnull=True)
    episodes = _as_listed(HomelessEpisode.objects.filter(municipality=staff.municipality,
                                                         end_kind=EpisodeEnd.INACTIVE)
                          .exclude(Exists(later)).exclude(Exists(open_)))
    return by_name_list(staff=staff, episodes=episodes)


def people_listed(*, staff: StaffContext, residents) -> list[dict]:
    """The people behind a figure as the user may see them: a name only with a work relation,
    the housing situation only where housing information is readable."""
    residents = list(residents)
    visible = set(residents_visible(staff).filter(pk__in=[r.pk for r in residents])
                  .values_list("pk", flat=True))
    readable = readable_categories(staff, visible)
    return [{"resident": r, "shown": r.pk in visible,
             "situation_shown": Category.HOUSING in readable.get(r.pk, frozenset())}
            for r in residents]
