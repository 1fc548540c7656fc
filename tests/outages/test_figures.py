"""The pure figure functions: monthly figures, the calendar grid, the chart, durations."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from outages.calendar_grid import month_grid
from outages.charts import downtime_chart
from outages.figures import DEFAULT_RULE, CountingRule, IncidentSpan, month_figures
from outages.intervals import BRUSSELS
from outages.templatetags.outage_format import duration, format_minutes

NOW = datetime(2030, 1, 1, tzinfo=UTC)


def at(*args):
    return datetime(*args, tzinfo=BRUSSELS)


def span(reference, services, start, end, impact="major_outage", status="confirmed"):
    return IncidentSpan(reference, start, end, impact, status, frozenset(services))


def figures(
    incidents, services=(("recip-e", None),), year=2024, month=1, rule=DEFAULT_RULE, now=NOW
):
    return month_figures(
        year=year, month=month, services=list(services), incidents=incidents, rule=rule, now=now
    )


def test_overlapping_incidents_are_merged_never_summed():
    result = figures(
        [
            span("A", ["recip-e"], at(2024, 1, 15, 8), at(2024, 1, 15, 10)),
            span("B", ["recip-e"], at(2024, 1, 15, 9), at(2024, 1, 15, 11)),
        ]
    ).services[0]
    assert result.downtime_minutes == 180
    assert result.incidents == ("A", "B")


def test_only_the_services_incidents_count():
    result = figures(
        [span("A", ["mycarenet"], at(2024, 1, 15, 8), at(2024, 1, 15, 10))],
        services=[("recip-e", None), ("mycarenet", Decimal("99"))],
    )
    assert [f.downtime_minutes for f in result.services] == [0, 120]


def test_the_counting_rule_decides():
    incidents = [
        span("A", ["recip-e"], at(2024, 1, 15, 8), at(2024, 1, 15, 10), impact="maintenance")
    ]
    assert figures(incidents).services[0].downtime_seconds == 0
    wider = CountingRule(frozenset({"maintenance"}), frozenset({"confirmed"}), "X")
    assert figures(incidents, rule=wider).services[0].downtime_minutes == 120


def test_an_ongoing_incident_counts_until_now_and_not_beyond():
    now = at(2024, 1, 20, 12)
    result = figures([span("A", ["recip-e"], at(2024, 1, 20, 10), None)], now=now).services[0]
    assert result.downtime_minutes == 120
    later = figures([span("A", ["recip-e"], at(2024, 1, 20, 10), None)], month=2, now=now)
    assert later.services[0].downtime_seconds == 0


def test_sla_comparison():
    incidents = [span("A", ["mycarenet"], at(2024, 1, 15, 0), at(2024, 1, 16, 0))]
    breached = figures(incidents, services=[("mycarenet", Decimal("99.000"))]).services[0]
    assert breached.availability == "96.774"
    assert breached.meets_sla is False
    met = figures([], services=[("mycarenet", Decimal("99.000"))]).services[0]
    assert met.meets_sla is True
    assert figures([]).services[0].meets_sla is None


def test_daily_downtime_follows_local_days_across_dst():
    # 30 March 23:00 to 31 March 04:00 local: 1 h on the 30th, 3 real hours on the 31st
    # (02:00–03:00 does not exist that night).
    result = figures(
        [span("A", ["recip-e"], at(2024, 3, 30, 23), at(2024, 3, 31, 4))], month=3
    ).services[0]
    assert result.daily_downtime_seconds[29] == 3600
    assert result.daily_downtime_seconds[30] == 3 * 3600
    assert result.length_seconds == 743 * 3600


def test_the_any_service_union_counts_shared_downtime_once():
    result = figures(
        [
            span("A", ["recip-e", "mycarenet"], at(2024, 1, 15, 8), at(2024, 1, 15, 10)),
            span("B", ["mycarenet"], at(2024, 1, 15, 9), at(2024, 1, 15, 11)),
        ],
        services=[("recip-e", None), ("mycarenet", None)],
    )
    assert result.any_service_downtime_seconds == 3 * 3600
    assert result.any_service_daily_seconds[14] == 3 * 3600


class _Incident:
    def __init__(self, reference, start, end, impact="major_outage", status="confirmed"):
        self.reference, self.start, self.end = reference, start, end
        self.impact, self.status = impact, status


def test_the_grid_has_whole_weeks_starting_on_monday():
    weeks = month_grid(2024, 1, [], now=NOW, rule=DEFAULT_RULE)
    assert weeks[0][0].day == date(2024, 1, 1)  # a Monday
    assert weeks[-1][-1].day == date(2024, 2, 4)
    assert all(len(week) == 7 for week in weeks)
    assert not weeks[-1][-1].in_month


def test_a_bar_is_placed_on_its_days_track():
    incident = _Incident("A", at(2024, 1, 15, 6), at(2024, 1, 15, 18))
    weeks = month_grid(2024, 1, [incident], now=NOW, rule=DEFAULT_RULE)
    day = next(d for week in weeks for d in week if d.day == date(2024, 1, 15))
    (bar,) = day.bars
    assert (bar.left_percent, bar.width_percent) == (25.0, 50.0)
    assert not bar.starts_before and not bar.ends_after


def test_a_bar_on_the_25_hour_day_uses_the_real_day_length():
    incident = _Incident("A", at(2024, 10, 27, 12), at(2024, 10, 27, 13))
    weeks = month_grid(2024, 10, [incident], now=NOW, rule=DEFAULT_RULE)
    day = next(d for week in weeks for d in week if d.day == date(2024, 10, 27))
    # Noon local is 13 real hours after midnight that day; an hour is 1/25 of it.
    assert day.bars[0].left_percent == round(13 * 100 / 25, 3)
    assert day.bars[0].width_percent == 4.0


def test_an_incident_ending_at_midnight_stays_on_its_day():
    incident = _Incident("A", at(2024, 1, 15, 22), at(2024, 1, 16, 0))
    weeks = month_grid(2024, 1, [incident], now=NOW, rule=DEFAULT_RULE)
    with_bars = [d.day for week in weeks for d in week if d.bars]
    assert with_bars == [date(2024, 1, 15)]


def test_the_chart_scales_to_the_tallest_day():
    days = [date(2024, 1, d) for d in range(1, 32)]
    seconds = [0] * 31
    seconds[14] = 305 * 60
    chart = downtime_chart(days, seconds)
    tallest = chart.bars[14]
    assert chart.ticks[-1].seconds == 360 * 60  # the 6-hour scale holds 5 h 5 min
    assert 0 < tallest.height < chart.plot_bottom
    assert chart.bars[0].height == 0
    assert [label.day.day for label in chart.labels] == [1, 5, 10, 15, 20, 25, 30]


def test_durations_read_like_people_write_them():
    assert format_minutes(145) == "2 h 25 min"
    assert format_minutes(45) == "45 min"
    assert format_minutes(120) == "2 h"
    assert duration(847 * 60) == "14 h 7 min"
    assert duration(89) == "1 min"  # half-up to the minute (methodology rule 10)
    assert duration(90) == "2 min"
    assert duration(timedelta(hours=3)) == "3 h"
