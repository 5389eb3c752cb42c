"""Middle values of a list of numbers, defined once for every page that shows them (the
allocation dashboard's and the process report's "90th percentile" are the same measure)."""

import statistics


def median(values):
    """The median; None without values."""
    return statistics.median(values) if values else None


def percentile(values, share: float):
    """The nearest-rank percentile: the smallest value with at least `share` of the values at
    or below it, so it is always one of the values (a number of days, never 160,3). None
    without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))  # ceil
    return ordered[int(rank) - 1]
