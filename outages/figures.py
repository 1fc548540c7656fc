"""The calendar's monthly figures, as pure functions over plain data (no ORM).

interfaces.md, "Calendar figures": for a service and a month, downtime is the merged union
of the incidents the current methodology counts (impacts and statuses), clipped to the
month in Europe/Brussels; an ongoing incident counts until "now". Availability is
``100 × (1 − downtime / length)``, 24/7 and over business hours (Monday to Friday
08:00–18:00, Belgian public holidays excluded), compared with the service's SLA target.

The selectors load the inputs in a constant number of queries; ``outage_stats`` and the
calendar page print what these functions return, so both always show the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from outages.availability import availability_percent, belgian_holidays, business_hours_windows
from outages.intervals import (
    SecondsInterval,
    clip_seconds,
    intersect_seconds,
    measure_seconds,
    merge_seconds,
    minutes,
    month_window,
    period_window,
    to_epoch_seconds,
)

# ABSyM-2024.1 (methodology.md): used while no methodology version is published.
DEFAULT_COUNTED_IMPACTS = frozenset({"major_outage", "partial_outage"})
DEFAULT_COUNTED_STATUSES = frozenset({"confirmed"})


@dataclass(frozen=True, slots=True)
class CountingRule:
    """Which incidents count as unavailability (methodology.md, rule 1)."""

    impacts: frozenset[str]
    statuses: frozenset[str]
    methodology: str | None = None  # the version name; None = the built-in default

    def counts(self, impact: str, status: str) -> bool:
        return impact in self.impacts and status in self.statuses


DEFAULT_RULE = CountingRule(DEFAULT_COUNTED_IMPACTS, DEFAULT_COUNTED_STATUSES, None)


@dataclass(frozen=True, slots=True)
class IncidentSpan:
    reference: str
    start: datetime
    end: datetime | None  # None while ongoing
    impact: str
    status: str
    services: frozenset[str]


@dataclass(frozen=True, slots=True)
class ServiceMonthFigures:
    service: str
    year: int
    month: int
    length_seconds: int
    business_hours_seconds: int
    downtime_seconds: int
    business_hours_downtime_seconds: int
    availability: str
    business_hours_availability: str | None  # None for a month without business hours
    sla_target: Decimal | None
    incidents: tuple[str, ...]
    daily_downtime_seconds: tuple[int, ...]

    @property
    def month_key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def downtime_minutes(self) -> int:
        return minutes(self.downtime_seconds)

    @property
    def business_hours_downtime_minutes(self) -> int:
        return minutes(self.business_hours_downtime_seconds)

    @property
    def meets_sla(self) -> bool | None:
        """``None`` when the operator publishes no target (Recip-e, domain.md)."""
        if self.sla_target is None:
            return None
        return Decimal(self.availability) >= self.sla_target

    def stats_json(self) -> dict:
        """The object ``manage.py outage_stats`` prints (interfaces.md), keys in order."""
        return {
            "service": self.service,
            "month": self.month_key,
            "downtime_minutes": self.downtime_minutes,
            "availability": self.availability,
            "business_hours_downtime_minutes": self.business_hours_downtime_minutes,
            "business_hours_availability": self.business_hours_availability,
            "incidents": list(self.incidents),
        }


@dataclass(frozen=True, slots=True)
class MonthFigures:
    year: int
    month: int
    days: tuple[date, ...]
    services: tuple[ServiceMonthFigures, ...]
    # The union over every service shown: "at least one service down", per day.
    any_service_daily_seconds: tuple[int, ...]
    any_service_downtime_seconds: int


def month_days(year: int, month: int) -> tuple[date, ...]:
    first = date(year, month, 1)
    days = []
    day = first
    while day.month == month:
        days.append(day)
        day += timedelta(days=1)
    return tuple(days)


def _day_windows(days: Sequence[date]) -> list[SecondsInterval]:
    # Local midnights, so a DST Sunday is 23 or 25 hours long.
    return [period_window(day, day).to_seconds() for day in days]


def _daily(merged: list[SecondsInterval], windows: list[SecondsInterval]) -> tuple[int, ...]:
    return tuple(measure_seconds(intersect_seconds(merged, [window])) for window in windows)


def _counted_intervals(
    spans: Iterable[IncidentSpan],
    service: str | None,
    window: SecondsInterval,
    rule: CountingRule,
    now_seconds: int,
) -> tuple[list[SecondsInterval], list[str]]:
    """The merged downtime of ``service`` (any service when ``None``) inside ``window``,
    and the references of the counted incidents that meet it."""
    pieces: list[SecondsInterval] = []
    references: list[str] = []
    for span in spans:
        if service is not None and service not in span.services:
            continue
        if not rule.counts(span.impact, span.status):
            continue
        start = to_epoch_seconds(span.start)
        end = to_epoch_seconds(span.end) if span.end is not None else now_seconds
        clipped = clip_seconds([(start, end)], window)
        if clipped:
            pieces.extend(clipped)
            references.append(span.reference)
    return merge_seconds(pieces), sorted(set(references))


def month_figures(
    *,
    year: int,
    month: int,
    services: Sequence[tuple[str, Decimal | None]],
    incidents: Sequence[IncidentSpan],
    rule: CountingRule,
    now: datetime,
    holiday_dates: set[date] | frozenset[date] | None = None,
) -> MonthFigures:
    """Figures of ``year``-``month`` for each ``(slug, sla_target)`` of ``services``."""
    window = month_window(year, month)
    window_seconds = window.to_seconds()
    length = window.seconds
    if holiday_dates is None:
        holiday_dates = belgian_holidays(year)
    business = merge_seconds(
        interval.to_seconds() for interval in business_hours_windows(window, holiday_dates)
    )
    business_length = measure_seconds(business)
    days = month_days(year, month)
    day_windows = _day_windows(days)
    now_seconds = to_epoch_seconds(now)

    figures = []
    for slug, sla_target in services:
        merged, references = _counted_intervals(incidents, slug, window_seconds, rule, now_seconds)
        downtime = measure_seconds(merged)
        business_downtime = measure_seconds(intersect_seconds(merged, business))
        figures.append(
            ServiceMonthFigures(
                service=slug,
                year=year,
                month=month,
                length_seconds=length,
                business_hours_seconds=business_length,
                downtime_seconds=downtime,
                business_hours_downtime_seconds=business_downtime,
                availability=availability_percent(downtime, length),
                business_hours_availability=(
                    availability_percent(business_downtime, business_length)
                    if business_length
                    else None
                ),
                sla_target=sla_target,
                incidents=tuple(references),
                daily_downtime_seconds=_daily(merged, day_windows),
            )
        )
    shown = {slug for slug, _target in services}
    any_merged, _references = _counted_intervals(
        [span for span in incidents if span.services & shown],
        None,
        window_seconds,
        rule,
        now_seconds,
    )
    return MonthFigures(
        year=year,
        month=month,
        days=days,
        services=tuple(figures),
        any_service_daily_seconds=_daily(any_merged, day_windows),
        any_service_downtime_seconds=measure_seconds(any_merged),
    )
