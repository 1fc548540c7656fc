"""``manage.py outage_stats --service SLUG --month YYYY-MM`` (interfaces.md, "Calendar
figures"): the demo acceptance figures, business hours and holidays, DST months."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from outage_helpers import brussels, make_incident

from claims.models import Methodology
from outages.demo import seed_calendar

pytestmark = pytest.mark.django_db


def stats(service, month):
    out = StringIO()
    call_command("outage_stats", "--service", service, "--month", month, stdout=out)
    return json.loads(out.getvalue())


def test_the_demo_calendar_gives_the_figures_of_the_acceptance():
    seed_calendar()
    out = StringIO()
    call_command("outage_stats", "--service", "recip-e", "--month", "2024-01", stdout=out)
    assert json.loads(out.getvalue()) == {
        "service": "recip-e",
        "month": "2024-01",
        "downtime_minutes": 847,
        "availability": "98.103",
        "business_hours_downtime_minutes": 847,
        "business_hours_availability": "93.583",
        "incidents": [
            "DEMO-2024-01-09",
            "DEMO-2024-01-15-A",
            "DEMO-2024-01-15-B",
            "DEMO-2024-01-22",
            "DEMO-2024-01-24-A",
        ],
    }
    # The exact key order and spacing of interfaces.md.
    assert out.getvalue().startswith('{"service": "recip-e", "month": "2024-01", "downtime_')


def test_a_month_without_incidents_is_fully_available():
    assert stats("dmg", "2024-02") == {
        "service": "dmg",
        "month": "2024-02",
        "downtime_minutes": 0,
        "availability": "100.000",
        "business_hours_downtime_minutes": 0,
        "business_hours_availability": "100.000",
        "incidents": [],
    }


def test_overlaps_are_merged_and_uncounted_incidents_ignored():
    make_incident("EX-1", ["recip-e"], brussels(2024, 1, 15, 8), brussels(2024, 1, 15, 10))
    make_incident(
        "EX-2",
        ["recip-e", "mycarenet"],
        brussels(2024, 1, 15, 9, 30),
        brussels(2024, 1, 15, 11),
        impact="partial_outage",
    )
    make_incident(
        "EX-3",
        ["recip-e"],
        brussels(2024, 1, 15, 14),
        brussels(2024, 1, 15, 15),
        impact="degraded_performance",
    )
    make_incident(
        "EX-4",
        ["recip-e"],
        brussels(2024, 1, 15, 16),
        brussels(2024, 1, 15, 17),
        status="provisional",
    )
    result = stats("recip-e", "2024-01")
    assert result["downtime_minutes"] == 180
    assert result["incidents"] == ["EX-1", "EX-2"]


def test_incidents_are_clipped_to_the_month_in_brussels_time():
    # 31 January 23:00 to 1 February 01:00 Brussels: one hour in each month.
    make_incident("EX-1", ["recip-e"], brussels(2024, 1, 31, 23), brussels(2024, 2, 1, 1))
    assert stats("recip-e", "2024-01")["downtime_minutes"] == 60
    assert stats("recip-e", "2024-02")["downtime_minutes"] == 60
    assert stats("recip-e", "2024-02")["incidents"] == ["EX-1"]


def test_an_incident_ending_at_midnight_does_not_meet_the_next_month():
    make_incident("EX-1", ["recip-e"], brussels(2024, 1, 31, 22), brussels(2024, 2, 1))
    assert stats("recip-e", "2024-02")["incidents"] == []


def test_an_ongoing_incident_counts_until_now():
    make_incident("EX-1", ["recip-e"], brussels(2024, 1, 31), None)
    # Ongoing since 31 January: the whole last day of January, and all of February.
    assert stats("recip-e", "2024-01")["downtime_minutes"] == 24 * 60
    february = stats("recip-e", "2024-02")
    assert february["downtime_minutes"] == 29 * 24 * 60
    assert february["availability"] == "0.000"


def test_the_march_dst_month_has_743_hours():
    # 7.43 hours down out of 743 is exactly 1 %.
    make_incident("EX-1", ["recip-e"], brussels(2024, 3, 30, 12), brussels(2024, 3, 30, 19, 25, 48))
    assert stats("recip-e", "2024-03")["availability"] == "99.000"


def test_the_october_dst_month_has_745_hours():
    make_incident("EX-1", ["recip-e"], brussels(2024, 10, 5, 12), brussels(2024, 10, 5, 19, 27))
    # 447 min out of 745 h: 100 × (1 − 447 / 44700) = 99.000
    assert stats("recip-e", "2024-10")["availability"] == "99.000"


def test_a_dst_night_incident_counts_its_real_length():
    # 01:00 to 04:00 local on 27 October 2024 lasts four hours (02:00–03:00 happens twice).
    make_incident("EX-1", ["recip-e"], brussels(2024, 10, 27, 1), brussels(2024, 10, 27, 4))
    assert stats("recip-e", "2024-10")["downtime_minutes"] == 4 * 60


BELGIAN_HOLIDAYS_2024 = {
    "Easter Monday": date(2024, 4, 1),
    "Labour Day": date(2024, 5, 1),
    "Ascension": date(2024, 5, 9),
    "Whit Monday": date(2024, 5, 20),
    "Assumption": date(2024, 8, 15),
    "All Saints": date(2024, 11, 1),
    "Armistice": date(2024, 11, 11),
    "Christmas": date(2024, 12, 25),
}


@pytest.mark.parametrize("day", BELGIAN_HOLIDAYS_2024.values(), ids=BELGIAN_HOLIDAYS_2024.keys())
def test_business_hours_skip_belgian_public_holidays(day):
    make_incident(
        "EX-1",
        ["recip-e"],
        brussels(day.year, day.month, day.day, 9),
        brussels(day.year, day.month, day.day, 11),
    )
    result = stats("recip-e", f"{day:%Y-%m}")
    assert result["downtime_minutes"] == 120
    assert result["business_hours_downtime_minutes"] == 0
    assert result["business_hours_availability"] == "100.000"


def test_national_day_is_skipped_when_it_falls_on_a_weekday():
    # 21 July 2024 is a Sunday; in 2025 it is a Monday.
    make_incident("EX-1", ["recip-e"], brussels(2025, 7, 21, 9), brussels(2025, 7, 21, 11))
    assert stats("recip-e", "2025-07")["business_hours_downtime_minutes"] == 0


def test_the_same_hours_on_a_working_day_count_in_business_hours():
    day = date(2024, 4, 2)  # the Tuesday after Easter Monday
    make_incident("EX-1", ["recip-e"], brussels(2024, 4, 2, 7), brussels(2024, 4, 2, 11))
    result = stats("recip-e", f"{day:%Y-%m}")
    assert result["business_hours_downtime_minutes"] == 180  # 08:00–11:00 only
    # April 2024: 22 weekdays minus Easter Monday = 21 days of 10 hours = 12,600 min;
    # 100 × (1 − 180 / 12600) = 98.571.
    assert result["business_hours_availability"] == "98.571"


def test_business_hours_of_a_dst_month_stay_ten_hours_a_day():
    make_incident("EX-1", ["recip-e"], brussels(2024, 3, 29, 8), brussels(2024, 3, 29, 18))
    # March 2024: 21 weekdays, no holiday: 210 h, 10 h down.
    assert stats("recip-e", "2024-03")["business_hours_availability"] == "95.238"


def test_the_published_methodology_decides_what_counts():
    make_incident(
        "EX-3",
        ["recip-e"],
        brussels(2024, 1, 15, 14),
        brussels(2024, 1, 15, 15),
        impact="degraded_performance",
    )
    assert stats("recip-e", "2024-01")["downtime_minutes"] == 0
    Methodology.objects.create(
        version="TEST-2",
        published_on=date.today() + timedelta(days=1),
        counted_impacts=["major_outage", "partial_outage", "degraded_performance"],
        counted_statuses=["confirmed"],
    )
    assert stats("recip-e", "2024-01")["downtime_minutes"] == 60


def test_an_unknown_service_or_a_bad_month_is_an_error():
    with pytest.raises(CommandError, match="Unknown service"):
        stats("ehbox", "2024-01")
    with pytest.raises(CommandError, match="YYYY-MM"):
        stats("recip-e", "2024-13")
    with pytest.raises(CommandError, match="YYYY-MM"):
        stats("recip-e", "January")
