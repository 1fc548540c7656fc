"""The month calendar's layout: weeks of days, each day with the incidents as bars.

Pure (no ORM, no template): the view hands it the incidents it loaded and renders what it
returns. A bar is placed on a 24-hour track of its local day (a DST Sunday is 23 or 25
hours long, so positions come from that day's real length), and carries its clipped
local start and end so that the page can say them in words as well.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from outages.figures import CountingRule
from outages.intervals import BRUSSELS, period_window

#: Bars written out in full in a day's cell; the track above still draws every incident,
#: and the month's list below the calendar names them all.
BARS_SHOWN_PER_DAY = 4


@dataclass(frozen=True, slots=True)
class DayBar:
    incident: Any  # the Incident; the template reads its reference, title, impact, services
    start: datetime  # local (Brussels), clipped to the day
    end: datetime
    left_percent: float
    width_percent: float
    starts_before: bool  # the incident began on an earlier day
    ends_after: bool  # it goes on after this day (or is ongoing)
    ongoing: bool
    counted: bool  # counts as unavailability under the current methodology


@dataclass(slots=True)
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    is_holiday: bool
    bars: list[DayBar] = field(default_factory=list)

    @property
    def is_weekend(self) -> bool:
        return self.day.weekday() >= 5

    @property
    def visible_bars(self) -> list[DayBar]:
        return self.bars[:BARS_SHOWN_PER_DAY]

    @property
    def hidden_count(self) -> int:
        return max(0, len(self.bars) - BARS_SHOWN_PER_DAY)


def _percent(value: float) -> float:
    return round(max(0.0, min(100.0, value)), 3)


def month_grid(
    year: int,
    month: int,
    incidents: Iterable[Any],
    *,
    now: datetime,
    rule: CountingRule,
    holiday_dates: set[date] | frozenset[date] = frozenset(),
) -> list[list[CalendarDay]]:
    """Weeks (Monday first) covering the month; days outside the month carry no bars."""
    weeks_of_dates = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    today = now.astimezone(BRUSSELS).date()
    days = {
        day: CalendarDay(
            day=day,
            in_month=day.month == month,
            is_today=day == today,
            is_holiday=day in holiday_dates,
        )
        for week in weeks_of_dates
        for day in week
    }
    first = date(year, month, 1)
    last = max(day for day in days if day.month == month)
    now_utc = now.astimezone(UTC)
    for incident in incidents:
        ongoing = incident.end is None
        start = incident.start.astimezone(UTC)
        end = now_utc if ongoing else incident.end.astimezone(UTC)
        if end < start:
            end = start  # an ongoing incident that starts in the future: a mark, no length
        first_day = max(start.astimezone(BRUSSELS).date(), first)
        last_day = min(end.astimezone(BRUSSELS).date(), last)
        counted = rule.counts(incident.impact, incident.status)
        day = first_day
        while day <= last_day:
            window = period_window(day, day)
            piece_start = max(start, window.start)
            piece_end = min(end, window.end)
            # An incident ending exactly at midnight does not spill onto the next day,
            # unless it lasts no time at all (shown as a mark where it starts).
            if piece_start < piece_end or (start == end and window.start <= start < window.end):
                length = window.seconds
                days[day].bars.append(
                    DayBar(
                        incident=incident,
                        start=piece_start.astimezone(BRUSSELS),
                        end=piece_end.astimezone(BRUSSELS),
                        left_percent=_percent(
                            (piece_start - window.start).total_seconds() * 100 / length
                        ),
                        width_percent=_percent(
                            (piece_end - piece_start).total_seconds() * 100 / length
                        ),
                        starts_before=start < window.start,
                        ends_after=end > window.end or (ongoing and end >= window.end),
                        ongoing=ongoing,
                        counted=counted,
                    )
                )
            day += timedelta(days=1)
    for calendar_day in days.values():
        calendar_day.bars.sort(key=lambda bar: (bar.start, bar.incident.reference))
    return [[days[day] for day in week] for week in weeks_of_dates]
