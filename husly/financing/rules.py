"""The calendar rules of the financing pathway: the bostøtte deadline and the appeal deadline.

Bostøtte: an application in by the 25th of a month counts for the next month's payment; one
that comes in later counts for the month after (a calendar date, not business days).
Appeal: three weeks from the decision (forvaltningsloven § 29); a deadline that falls on a
Saturday, Sunday or public holiday runs to the next business day, as time limits are computed
under domstolloven § 148. The law counts from when the decision reached the party: that date
when it is recorded, else the decision date.
"""

import datetime

from husly.common.businessdays import add_months, is_business_day

BOSTOTTE_DEADLINE_DAY = 25
APPEAL_WEEKS = 3


def _first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def bostotte_for_month(applied_on: datetime.date) -> datetime.date:
    """The first day of the month whose bostøtte payment an application made on `applied_on`
    counts for."""
    months = 1 if applied_on.day <= BOSTOTTE_DEADLINE_DAY else 2
    return add_months(_first_of_month(applied_on), months)


def bostotte_next_deadline(today: datetime.date) -> datetime.date:
    """The coming 25th (today when it is the 25th)."""
    if today.day <= BOSTOTTE_DEADLINE_DAY:
        return today.replace(day=BOSTOTTE_DEADLINE_DAY)
    return add_months(_first_of_month(today), 1).replace(day=BOSTOTTE_DEADLINE_DAY)


def bostotte_deadline(today: datetime.date) -> dict:
    """The next deadline, the days left to it and the month it counts for, for the pages."""
    deadline = bostotte_next_deadline(today)
    return {"deadline": deadline, "days_left": (deadline - today).days,
            "for_month": bostotte_for_month(deadline)}


def appeal_deadline(notified_on: datetime.date) -> datetime.date:
    """The last day an appeal is in time of a decision that reached the party on
    `notified_on`."""
    last = notified_on + datetime.timedelta(weeks=APPEAL_WEEKS)
    while not is_business_day(last):
        last += datetime.timedelta(days=1)
    return last
