"""Norwegian business days: not Saturday, Sunday or a public holiday (the holidays package)."""

import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _norwegian_holidays(year: int) -> frozenset[datetime.date]:
    # include_sundays=False: the package can list every Sunday as a holiday in Norway.
    return frozenset(holidays.country_holidays("NO", years=year, include_sundays=False).keys())


def norwegian_holidays(first_year: int, last_year: int) -> list[datetime.date]:
    """The public holidays of these years, in order."""
    days: set[datetime.date] = set()
    for year in range(first_year, last_year + 1):
        days |= _norwegian_holidays(year)
    return sorted(days)


def is_business_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _norwegian_holidays(day.year)


def business_days_add(start: datetime.date, days: int) -> datetime.date:
    """The date `days` business days after `start` (the start day itself not counted)."""
    if days < 0:
        raise ValueError("days must be zero or more")
    current = start
    remaining = days
    while remaining:
        current += datetime.timedelta(days=1)
        if is_business_day(current):
            remaining -= 1
    return current


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (earlier when negative), or the month's last day when it
    has no such day: 31 January + 1 month is 28 or 29 February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of the day's week (Norwegian weeks start on Monday)."""
    return day - datetime.timedelta(days=day.weekday())
