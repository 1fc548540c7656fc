"""Pure figures of the public calendar: business hours, Belgian holidays, availability.

interfaces.md, "Calendar figures": downtime is the merged union of counted incidents,
clipped to the month; availability is ``100 × (1 − downtime / length)`` with three
decimals, rounded half-up; business hours are Monday to Friday 08:00–18:00
Europe/Brussels, Belgian public holidays excluded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import holidays

from outages.intervals import BRUSSELS, Interval, clip

__all__ = ["availability_percent", "belgian_holidays", "business_hours_windows"]

_THOUSANDTH = Decimal("0.001")


def belgian_holidays(years: int | Iterable[int]) -> set[date]:
    """Belgian public holidays of ``years`` (the ten legal ones, plus Easter Sunday and
    Whit Sunday that the ``holidays`` library lists and that fall on Sundays anyway)."""
    years = [years] if isinstance(years, int) else list(years)
    return set(holidays.country_holidays("BE", years=years).keys())


def business_hours_windows(
    window: Interval,
    holiday_dates: set[date] | frozenset[date],
    tz: ZoneInfo = BRUSSELS,
    opening: time = time(8),
    closing: time = time(18),
) -> list[Interval]:
    """Opening hours (Monday to Friday, ``opening``–``closing`` local time, holidays
    skipped) that lie inside ``window``, sorted.

    Each day is built from local wall-clock times and only then converted to UTC, so a
    business day stays ten hours long on the Sundays when the clocks change.
    """
    if closing <= opening:
        raise ValueError(f"closing {closing} is not after opening {opening}")
    first_day = window.start.astimezone(tz).date()
    last_day = window.end.astimezone(tz).date()
    days: list[Interval] = []
    day = first_day
    while day <= last_day:
        if day.weekday() < 5 and day not in holiday_dates:
            days.append(
                Interval(
                    datetime.combine(day, opening, tzinfo=tz),
                    datetime.combine(day, closing, tzinfo=tz),
                )
            )
        day += timedelta(days=1)
    return clip(days, window)


def availability_percent(downtime_seconds: int, length_seconds: int) -> str:
    """``100 × (1 − downtime / length)`` as a string with exactly three decimals, computed
    in Decimal and rounded half-up once (847 min down in January 2024 gives "98.103")."""
    if length_seconds <= 0:
        raise ValueError(f"availability of an empty window (length {length_seconds} s)")
    if not 0 <= downtime_seconds <= length_seconds:
        raise ValueError(
            f"downtime {downtime_seconds} s is outside the window length {length_seconds} s"
        )
    # One division of exact integers, so the only rounding is the final quantize.
    percent = Decimal(100) * (length_seconds - downtime_seconds) / length_seconds
    return format(percent.quantize(_THOUSANDTH, rounding=ROUND_HALF_UP), "f")
