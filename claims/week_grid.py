"""The week view's layout: seven days, each with a lane per service (the official
incidents), one for the doctor's slots (verified and unverified time) and one for the
consultations, every bar placed in percent of the day's drawn window.

Pure (no ORM, no template), like ``outages.calendar_grid``: ``claims.selectors.week_view``
computes the claim of the week and reads the service names, then hands them here. One
drawing window serves the whole week so the days line up; it is a consulting day
(07:00–20:00, Brussels wall clock) widened when something lies outside. Every position is
computed on UTC datetimes, so a DST night places hours on the wall clock correctly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from claims.calculation import ClaimInputs, ClaimResult
from outages.intervals import BRUSSELS, merge, subtract


@dataclass(frozen=True)
class Bar:
    """One bar of the week view, placed in percent of the day's drawn window."""

    left: float
    width: float
    kind: str  # an impact, "verified", "unverified", "affected", "unaffected"
    label: str
    start: datetime
    end: datetime
    detail: str = ""
    counted: bool = True


@dataclass(frozen=True)
class Lane:
    title: str
    bars: list[Bar]
    kind: str  # "service", "slots", "consultations"


@dataclass(frozen=True)
class Day:
    day: date
    lanes: list[Lane]
    ticks: list[tuple[float, str]]

    @property
    def is_empty(self) -> bool:
        return not any(lane.bars for lane in self.lanes)


@dataclass(frozen=True)
class WeekView:
    monday: date
    days: list[Day]
    report: Any  # the week's claims.selectors.ClaimReport (the page prints its figures)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def iso_week(self) -> str:
        year, week, _weekday = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    def _shift(self, days: int) -> str:
        year, week, _weekday = (self.monday + timedelta(days=days)).isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def previous_week(self) -> str:
        return self._shift(-7)

    @property
    def next_week(self) -> str:
        return self._shift(7)


# Hours drawn by default: a consulting day; widened when something lies outside.
DRAWN_FROM_HOUR, DRAWN_UNTIL_HOUR = 7, 20


def wall_clock(day: date, hour: int) -> datetime:
    """``hour``:00 on ``day`` in Brussels (24 = the next midnight), as a UTC datetime."""
    if hour == 24:
        day, hour = day + timedelta(days=1), 0
    return datetime.combine(day, time(hour), tzinfo=BRUSSELS).astimezone(UTC)


def week_days(
    *,
    monday: date,
    inputs: ClaimInputs,
    result: ClaimResult,
    names: Mapping[str, str],
    impacts: Mapping[str, str],
) -> list[Day]:
    """The seven days of the week from ``monday``, drawn from the week's computed claim.

    ``names``: slug → service name in catalogue order (the lanes' order);
    ``impacts``: impact code → label (a bar's detail).
    """
    params = inputs.params
    now = inputs.now

    # Verified time is V; the rest of the declared slots is unverified (rules 2 and 3).
    declared = merge(row.interval for row in result.slot_breakdown if row.interval is not None)
    verified = list(result.verified_intervals)
    unverified = subtract(declared, verified)
    catalogue_order = {slug: position for position, slug in enumerate(names)}
    services_seen = sorted(
        {s for incident in inputs.incidents for s in incident.services}
        | {s for slot in inputs.slots for s in slot.services}
        | {s for c in inputs.consultations for s in c.services},
        key=lambda slug: (catalogue_order.get(slug, len(catalogue_order)), slug),
    )

    # One drawing window for the whole week, so the days line up.
    starts, ends = [], []
    for interval in [*declared, *(row.interval for row in result.consultation_breakdown)]:
        starts.append(interval.start.astimezone(BRUSSELS))
        ends.append(interval.end.astimezone(BRUSSELS))
    from_hour = min([DRAWN_FROM_HOUR, *(moment.hour for moment in starts)])
    until_hour = max(
        [DRAWN_UNTIL_HOUR, *((m.hour + (1 if m.minute or m.second else 0)) for m in ends)]
    )
    until_hour = min(until_hour, 24)

    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        window_start = wall_clock(day, from_hour)
        window_end = wall_clock(day, until_hour)
        span = (window_end - window_start).total_seconds()

        def place(start, end, window_start=window_start, window_end=window_end, span=span):
            # All in UTC: two datetimes sharing one ZoneInfo subtract as wall clocks,
            # which would be an hour off on a DST night.
            start, end = max(start, window_start), min(end, window_end)
            if start >= end:
                return None
            left = (start - window_start).total_seconds() / span * 100
            width = (end - start).total_seconds() / span * 100
            return round(left, 3), round(width, 3), start, end

        lanes = []
        for slug in services_seen:
            bars = []
            for incident in inputs.incidents:
                if slug not in incident.services:
                    continue
                placed = place(incident.start, incident.end or now)
                if placed is None:
                    continue
                counted = (
                    incident.impact in params.counted_impacts
                    and incident.status in params.counted_statuses
                )
                bars.append(
                    Bar(
                        *placed[:2],
                        kind=incident.impact,
                        label=incident.reference,
                        start=placed[2],
                        end=placed[3],
                        detail=f"{incident.title} · {impacts.get(incident.impact, '')}",
                        counted=counted,
                    )
                )
            lanes.append(Lane(names.get(slug, slug), bars, "service"))
        slot_bars = []
        for kind, intervals in (("verified", verified), ("unverified", unverified)):
            for interval in intervals:
                placed = place(interval.start, interval.end)
                if placed is not None:
                    slot_bars.append(
                        Bar(*placed[:2], kind=kind, label="", start=placed[2], end=placed[3])
                    )
        lanes.append(Lane("", sorted(slot_bars, key=lambda bar: bar.left), "slots"))
        consultation_bars = []
        for row in result.consultation_breakdown:
            placed = place(row.interval.start, row.interval.end)
            if placed is not None:
                consultation_bars.append(
                    Bar(
                        *placed[:2],
                        kind="affected" if row.affected else "unaffected",
                        label=row.code,
                        start=placed[2],
                        end=placed[3],
                    )
                )
        lanes.append(Lane("", consultation_bars, "consultations"))
        step = 2 if until_hour - from_hour > 12 else 1
        ticks = [
            (
                round((wall_clock(day, hour) - window_start).total_seconds() / span * 100, 3),
                f"{hour:02d}:00",
            )
            for hour in range(from_hour, until_hour + 1, step)
        ]
        days.append(Day(day, lanes, ticks))
    return days
