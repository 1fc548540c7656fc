from datetime import date, datetime, time, timedelta

import pytest

from outages.availability import availability_percent, belgian_holidays, business_hours_windows
from outages.intervals import BRUSSELS, Interval, measure, month_window, period_window

MINUTE = 60
HOUR = 3600

# The ten legal holidays of 2024 that fall on a weekday or on 21 July (a Sunday in 2024).
HOLIDAYS_2024 = {
    date(2024, 1, 1): "New Year's Day",
    date(2024, 4, 1): "Easter Monday",
    date(2024, 5, 1): "Labour Day",
    date(2024, 5, 9): "Ascension",
    date(2024, 5, 20): "Whit Monday",
    date(2024, 7, 21): "National Day",
    date(2024, 8, 15): "Assumption",
    date(2024, 11, 1): "All Saints",
    date(2024, 11, 11): "Armistice",
    date(2024, 12, 25): "Christmas",
}


@pytest.fixture(scope="module")
def holidays_2024():
    return belgian_holidays(2024)


def business_seconds_on(day, holiday_dates):
    return measure(business_hours_windows(period_window(day, day), holiday_dates))


def test_belgian_holidays_lists_the_legal_holidays_of_2024(holidays_2024):
    assert set(HOLIDAYS_2024) <= holidays_2024
    assert all(day.year == 2024 for day in holidays_2024)


def test_belgian_holidays_accepts_several_years():
    both = belgian_holidays([2024, 2025])
    assert date(2024, 7, 21) in both
    assert date(2025, 7, 21) in both


@pytest.mark.parametrize("day", sorted(HOLIDAYS_2024), ids=HOLIDAYS_2024.get)
def test_business_hours_skip_each_holiday_of_2024(day, holidays_2024):
    assert business_seconds_on(day, holidays_2024) == 0


def test_a_holiday_is_a_business_day_without_the_holiday_list():
    # Proves the test above is about the holiday list, not about weekdays.
    assert business_seconds_on(date(2024, 4, 1), set()) == 10 * HOUR


def test_business_hours_skip_national_day_when_it_falls_on_a_monday():
    # 21 July 2024 is a Sunday anyway; in 2025 it is a Monday.
    holidays_2025 = belgian_holidays(2025)
    assert date(2025, 7, 21).weekday() == 0
    assert business_seconds_on(date(2025, 7, 21), holidays_2025) == 0
    assert business_seconds_on(date(2025, 7, 22), holidays_2025) == 10 * HOUR


def test_business_hours_are_monday_to_friday_eight_to_six(holidays_2024):
    monday = date(2024, 1, 15)
    windows = business_hours_windows(period_window(monday, monday + timedelta(days=6)), set())
    assert len(windows) == 5
    assert windows[0] == Interval(
        datetime(2024, 1, 15, 8, tzinfo=BRUSSELS), datetime(2024, 1, 15, 18, tzinfo=BRUSSELS)
    )
    assert windows[-1].start == datetime(2024, 1, 19, 8, tzinfo=BRUSSELS)


def test_january_2024_has_22_business_days(holidays_2024):
    windows = business_hours_windows(month_window(2024, 1), holidays_2024)
    assert len(windows) == 22
    assert measure(windows) == 13_200 * MINUTE


def test_business_hours_are_clipped_to_the_window():
    window = Interval(
        datetime(2024, 1, 15, 9, tzinfo=BRUSSELS), datetime(2024, 1, 16, 9, 30, tzinfo=BRUSSELS)
    )
    windows = business_hours_windows(window, set())
    assert measure(windows) == 9 * HOUR + 90 * MINUTE


def test_business_hours_accept_other_opening_hours():
    day = date(2024, 1, 15)
    windows = business_hours_windows(
        period_window(day, day), set(), opening=time(9), closing=time(12, 30)
    )
    assert measure(windows) == 210 * MINUTE


def test_a_business_day_stays_ten_hours_on_dst_mondays():
    # The clocks change on Sunday night; the next Monday must not gain or lose an hour,
    # and the March and October months still add up per working day.
    assert business_seconds_on(date(2024, 4, 1), set()) == 10 * HOUR
    assert business_seconds_on(date(2024, 10, 28), set()) == 10 * HOUR
    march = business_hours_windows(month_window(2024, 3), set())
    assert measure(march) == 21 * 10 * HOUR


def test_dst_months_have_743_and_745_hours():
    assert month_window(2024, 3).seconds == 743 * HOUR
    assert month_window(2024, 10).seconds == 745 * HOUR


def test_availability_of_847_minutes_in_january_2024(holidays_2024):
    month = month_window(2024, 1)
    assert availability_percent(847 * MINUTE, month.seconds) == "98.103"
    business = measure(business_hours_windows(month, holidays_2024))
    assert availability_percent(847 * MINUTE, business) == "93.583"


def test_availability_always_has_three_decimals():
    assert availability_percent(0, 3600) == "100.000"
    assert availability_percent(3600, 3600) == "0.000"
    assert availability_percent(1800, 3600) == "50.000"


def test_availability_rounds_half_up():
    # 100 × (1 − 3/200000) = 99.9985 exactly: half-up gives 99.999 (half-even 99.998).
    assert availability_percent(3, 200_000) == "99.999"
    # 100 × (1 − 1/30000) = 99.99666…: rounds up; 100 × (1 − 1/7000) = 99.98571…: down.
    assert availability_percent(1, 30_000) == "99.997"
    assert availability_percent(1, 7_000) == "99.986"


def test_availability_rejects_an_empty_window():
    with pytest.raises(ValueError):
        availability_percent(0, 0)


def test_availability_rejects_downtime_longer_than_the_window():
    with pytest.raises(ValueError):
        availability_percent(3601, 3600)
