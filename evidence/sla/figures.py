"""SLA figures of a year (pure: plain data in, plain data out).

A month breaches its service's target when its availability 24/7 is below it. The
length of a breach is the downtime beyond what the target allows that month
(``downtime − (1 − target/100) × length``). Planned maintenance is not downtime: the
counting rule of the methodology counts only major and partial outages.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from outages.figures import ServiceMonthFigures
from outages.intervals import minutes


@dataclass(frozen=True, slots=True)
class SlaMonth:
    figures: ServiceMonthFigures
    breached: bool | None  # None: no target known
    breach_seconds: int

    @property
    def breach_minutes(self) -> int:
        return minutes(self.breach_seconds)


@dataclass(frozen=True, slots=True)
class SlaServiceYear:
    slug: str
    name: str
    target: Decimal | None
    source: str
    months: tuple[SlaMonth, ...]

    @property
    def breaches(self) -> int:
        return sum(1 for month in self.months if month.breached)

    @property
    def breach_seconds(self) -> int:
        return sum(month.breach_seconds for month in self.months)


def sla_month(figures: ServiceMonthFigures) -> SlaMonth:
    target = figures.sla_target
    if target is None:
        return SlaMonth(figures, None, 0)
    breached = Decimal(figures.availability) < target
    allowed = (Decimal(100) - target) / Decimal(100) * figures.length_seconds
    excess = Decimal(figures.downtime_seconds) - allowed
    return SlaMonth(figures, breached, max(0, int(excess.to_integral_value())) if breached else 0)


CSV_HEADER = (
    "service",
    "month",
    "downtime_minutes",
    "availability",
    "business_hours_downtime_minutes",
    "business_hours_availability",
    "sla_target",
    "breached",
    "breach_minutes",
)


def csv_rows(services: list[SlaServiceYear]):
    """One row per service and month; the figures are those of ``outage_stats``."""
    for service in services:
        for month in service.months:
            figures = month.figures
            yield (
                service.slug,
                figures.month_key,
                figures.downtime_minutes,
                figures.availability,
                figures.business_hours_downtime_minutes,
                figures.business_hours_availability or "",
                "" if service.target is None else f"{service.target:.3f}",
                "" if month.breached is None else ("yes" if month.breached else "no"),
                month.breach_minutes,
            )
