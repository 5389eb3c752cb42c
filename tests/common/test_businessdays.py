import datetime

import dateutil.easter
import pytest

from husly.common.businessdays import business_days_add, is_business_day


def test_easter_2026_is_skipped():
    # Wednesday 1 April 2026; Maundy Thursday, Good Friday, the weekend and Easter Monday
    # are not business days, so three business days later is Thursday 9 April.
    assert business_days_add(datetime.date(2026, 4, 1), 3) == datetime.date(2026, 4, 9)


def test_constitution_day_and_weekend():
    assert not is_business_day(datetime.date(2027, 5, 17))
    assert not is_business_day(datetime.date(2026, 11, 22))  # a Sunday
    assert is_business_day(datetime.date(2026, 11, 23))
    assert business_days_add(datetime.date(2026, 12, 23), 1) == datetime.date(2026, 12, 24)
    assert business_days_add(datetime.date(2026, 12, 24), 1) == datetime.date(2026, 12, 28)


def _norwegian_holidays(year):
    """An independent oracle: the feasts computed from Easter (dateutil), not listed."""
    easter = dateutil.easter.easter(year)
    day = datetime.timedelta(days=1)
    moveable = {
        easter - 3 * day, easter - 2 * day, easter, easter + day,  # Maundy Thu to Easter Mon
        easter + 39 * day,  # Ascension Day
        easter + 49 * day, easter + 50 * day,  # Whit Sunday and Monday
    }
    fixed = {datetime.date(year, 1, 1), datetime.date(year, 5, 1), datetime.date(year, 5, 17),
             datetime.date(year, 12, 25), datetime.date(year, 12, 26)}
    return moveable | fixed


def _expected_add(start, days, holidays):
    current, counted = start, 0
    while counted < days:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            counted += 1
    return current


@pytest.mark.parametrize("year", range(2024, 2032))
def test_joint_meeting_deadline_across_the_feasts_of_the_year(year):
    holidays = _norwegian_holidays(year) | _norwegian_holidays(year + 1)
    for holiday in _norwegian_holidays(year):
        assert not is_business_day(holiday), holiday
    # Every allocation date within a week before each holiday, and around the new year.
    starts = {h - datetime.timedelta(days=k) for h in _norwegian_holidays(year)
              for k in range(0, 7)}
    for start in sorted(starts):
        assert business_days_add(start, 3) == _expected_add(start, 3, holidays), start


def test_wednesday_before_easter_2026_gives_thursday_after():
    assert business_days_add(datetime.date(2026, 4, 1), 3) == datetime.date(2026, 4, 9)


def test_add_months_keeps_the_day_or_takes_the_months_last():
    import datetime

    from husly.common.businessdays import add_months

    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 12, 15), 1) == datetime.date(2027, 1, 15)
    assert add_months(datetime.date(2028, 2, 29), -12 * 5) == datetime.date(2023, 2, 28)
    assert add_months(datetime.date(2026, 3, 1), -3) == datetime.date(2025, 12, 1)
