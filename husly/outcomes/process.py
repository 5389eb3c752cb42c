"""Process figures: deadlines kept and how fast things happen, counted in SQL; medians and
percentiles from one pass over the values, never from model objects."""

from __future__ import annotations

import datetime
from bisect import bisect_left
from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone

from husly.allocation.models import Allocation
from husly.allocation.selectors import joint_meeting_figures
from husly.board.models import RedBoardEntry
from husly.common.businessdays import add_months
from husly.common.measures import median, percentile
from husly.followup.models import Visit, VisitStatus
from husly.housing.models import Tenancy
from husly.outcomes.models import EpisodeStart, HomelessEpisode

RETURN_MONTHS = (6, 12, 24)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _first_returns(municipality, today: datetime.date):
    """(tenancy, resident, move-in, first return to the by-name list on or after it or None)
    for the tenancies old enough to be counted. Two selective reads of this municipality (its
    returns from housing, its tenancies' residents) and a binary search per row, instead of
    joining the episodes of the whole installation."""

    back = defaultdict(list)
    for resident_id, started_on in HomelessEpisode.objects.filter(
            municipality=municipality, start_kind=EpisodeStart.RETURNED_FROM_HOUSING
    ).values_list("resident_id", "started_on"):
        back[resident_id].append(started_on)
    for dates in back.values():
        dates.sort()
    for tenancy_id, resident_id, start in Tenancy.residents.through.objects.filter(
            tenancy__municipality=municipality,
            tenancy__start_date__lte=add_months(today, -min(RETURN_MONTHS))).values_list(
            "tenancy_id", "resident_id", "tenancy__start_date"):
        dates = back.get(resident_id, ())
        i = bisect_left(dates, start)
        yield tenancy_id, resident_id, start, dates[i] if i < len(dates) else None


def returned_residents(*, municipality, months: int,
                       today: datetime.date | None = None) -> set[int]:
    """The people behind "back without a home within `months` months of moving in"."""
    today = today or timezone.localdate()
    cutoff = add_months(today, -months)
    return {resident_id for _t, resident_id, start, found in _first_returns(municipality, today)
            if start <= cutoff and found is not None and found <= add_months(start, months)}


# The conditions behind the figures, shared with the lists of their people
# (outcomes.figures), so a number and its people come from the same words.


def moves_counted(*, municipality):
    """Move-ins after a decision: the time from decision to keys."""

    return Allocation.objects.filter(municipality=municipality, moved_in_on__isnull=False,
                                     application__decision__isnull=False)


def visits_due(*, municipality, today: datetime.date):
    return Visit.objects.filter(municipality=municipality, planned_on__lt=today).exclude(
        status=VisitStatus.CANCELLED)


def process_figures(*, municipality, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    # Joint meetings: defined once, in the allocation app, and counted the same on every page.
    meetings = joint_meeting_figures(municipality=municipality, today=today)
    keys = [(moved - decided).days for decided, moved in moves_counted(
        municipality=municipality).values_list("application__decision__decided_on",
                                               "moved_in_on")]
    visits = visits_due(municipality=municipality, today=today).aggregate(
        due=Count("id"), done=Count("id", filter=Q(status=VisitStatus.DONE)))
    red = [((off or timezone.now()) - on).days for on, off in RedBoardEntry.objects.filter(
        municipality=municipality).values_list("put_on_at", "taken_off_at")]
    first_back: dict[int, tuple] = {}
    for tenancy_id, _resident_id, start, found in _first_returns(municipality, today):
        earlier = first_back.get(tenancy_id, (start, None))[1]
        if found is None or (earlier is not None and earlier <= found):
            found = earlier
        first_back[tenancy_id] = (start, found)
    rows = list(first_back.values())
    returns = []
    for months in RETURN_MONTHS:
        cutoff = add_months(today, -months)
        started = [(start, back_on) for start, back_on in rows if start <= cutoff]
        returned = sum(1 for start, back_on in started
                       if back_on is not None and back_on <= add_months(start, months))
        returns.append({"months": months, "tenancies": len(started), "returned": returned,
                        "share": _share(returned, len(started))})
    return {
        "meetings_due": meetings["meetings_due"], "meetings_kept": meetings["meetings_kept"],
        "meetings_share": meetings["meetings_share"],
        "keys_n": len(keys),
        "keys_median": median(keys),
        "keys_p90": percentile(keys, 0.9),
        "visits_due": visits["due"], "visits_done": visits["done"],
        "visits_share": _share(visits["done"], visits["due"]),
        "red_board_n": len(red), "red_board_on_now": RedBoardEntry.objects.filter(
            municipality=municipality, taken_off_at__isnull=True).count(),
        "red_board_median_days": median(red),
        "returns": returns,
    }
