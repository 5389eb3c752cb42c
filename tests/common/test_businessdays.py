import datetime

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
