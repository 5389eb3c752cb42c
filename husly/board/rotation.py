"""The weekly review rotation: every resident followed by a team comes up once in every
cycle of N weeks, spread evenly, and stays in the same slot when others join or leave."""

import datetime

from husly.common.businessdays import week_start

EPOCH = datetime.date(2024, 1, 1)  # a Monday: weeks are counted from here


def week_index(day: datetime.date) -> int:
    return (day - EPOCH).days // 7


def slot(resident_id: int, interval_weeks: int) -> int:
    return resident_id % max(interval_weeks, 1)


def due_this_week(resident_id: int, interval_weeks: int, day: datetime.date) -> bool:
    return week_index(day) % max(interval_weeks, 1) == slot(resident_id, interval_weeks)


def last_due_week(resident_id: int, interval_weeks: int, day: datetime.date) -> datetime.date:
    """The Monday of the most recent week (this one included) the resident was due."""
    n = max(interval_weeks, 1)
    back = (week_index(day) - slot(resident_id, n)) % n
    return week_start(day) - datetime.timedelta(weeks=back)
