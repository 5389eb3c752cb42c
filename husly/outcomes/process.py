"""Process figures: deadlines kept and how fast things happen, counted in SQL; medians and
percentiles from one pass over the values, never from model objects."""

from __future__ import annotations

import datetime
import statistics

from django.db.models import Count, F, Q
from django.utils import timezone

from husly.common.businessdays import add_months

RETURN_MONTHS = (6, 12, 24)


def _percentile(values: list[int], share: float) -> float | None:
    """The nearest-rank percentile; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))  # ceil
    return ordered[int(rank) - 1]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def process_figures(*, municipality, today: datetime.date | None = None) -> dict:
    from husly.allocation.models import Allocation
    from husly.board.models import RedBoardEntry
    from husly.followup.models import Visit, VisitStatus
    from husly.housing.models import Tenancy
    from husly.outcomes.models import EpisodeStart

    today = today or timezone.localdate()
    meetings = Allocation.objects.filter(municipality=municipality,
                                         meeting_deadline__lt=today).aggregate(
        due=Count("id"),
        kept=Count("id", filter=Q(meeting__held_on__lte=F("meeting_deadline"))))
    keys = [(moved - decided).days for decided, moved in Allocation.objects.filter(
        municipality=municipality, moved_in_on__isnull=False,
        application__decision__isnull=False).values_list(
        "application__decision__decided_on", "moved_in_on").iterator()]
    visits = Visit.objects.filter(municipality=municipality, planned_on__lt=today).exclude(
        status=VisitStatus.CANCELLED).aggregate(
        due=Count("id"), done=Count("id", filter=Q(status=VisitStatus.DONE)))
    red = [((off or timezone.now()) - on).days for on, off in RedBoardEntry.objects.filter(
        municipality=municipality).values_list("put_on_at", "taken_off_at").iterator()]
    returns = []
    for months in RETURN_MONTHS:
        cutoff = add_months(today, -months)
        started = Tenancy.objects.filter(municipality=municipality, start_date__lte=cutoff)
        # A tenancy whose resident came back on the by-name list, returned from housing,
        # within `months` of its start. One pass over the joined rows.
        returned = set()
        for pk, start, back_on in started.filter(
                residents__homeless_episodes__start_kind=EpisodeStart.RETURNED_FROM_HOUSING,
                residents__homeless_episodes__started_on__gte=F("start_date")).values_list(
                "pk", "start_date", "residents__homeless_episodes__started_on").iterator():
            if back_on <= add_months(start, months):
                returned.add(pk)
        total = started.count()
        returns.append({"months": months, "tenancies": total, "returned": len(returned),
                        "share": _share(len(returned), total)})
    return {
        "meetings_due": meetings["due"], "meetings_kept": meetings["kept"],
        "meetings_share": _share(meetings["kept"], meetings["due"]),
        "keys_n": len(keys),
        "keys_median": statistics.median(keys) if keys else None,
        "keys_p90": _percentile(keys, 0.9),
        "visits_due": visits["due"], "visits_done": visits["done"],
        "visits_share": _share(visits["done"], visits["due"]),
        "red_board_n": len(red), "red_board_on_now": RedBoardEntry.objects.filter(
            municipality=municipality, taken_off_at__isnull=True).count(),
        "red_board_median_days": statistics.median(red) if red else None,
        "returns": returns,
    }
