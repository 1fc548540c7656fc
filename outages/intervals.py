"""Half-open time intervals ``[start, end)`` and the arithmetic both apps share.

Pure Python on purpose (no Django, no ORM): the calendar figures and the claim calculation
are both built from these few operations, and property-based tests can run them by the
thousand in a second.

Two layers:

* the *datetime* API (``Interval``, ``merge``, ``intersect``, ``subtract``, ``clip``,
  ``measure``, ``meets``) that views, services and tests use;
* the *seconds* API (``merge_seconds`` & co.) working on ``(start, end)`` tuples of whole
  seconds since the Unix epoch. The datetime API is a thin wrapper around it, and the claim
  calculation works in it directly because it must run thousands of claims a second.

All arithmetic happens in UTC (methodology.md, "Rules"): an aware datetime is turned into
epoch seconds, so a Brussels DST night simply has 23 or 25 hours and nothing special has to
be done about it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "BRUSSELS",
    "EPOCH",
    "ONE_SECOND",
    "Interval",
    "SecondsInterval",
    "clip",
    "clip_seconds",
    "from_epoch_seconds",
    "intersect",
    "intersect_seconds",
    "measure",
    "measure_seconds",
    "meets",
    "meets_seconds",
    "merge",
    "merge_seconds",
    "minutes",
    "month_window",
    "period_window",
    "subtract",
    "subtract_seconds",
    "to_epoch_seconds",
    "whole_second",
]

BRUSSELS = ZoneInfo("Europe/Brussels")

#: ``(moment - EPOCH) // ONE_SECOND`` is ``to_epoch_seconds`` without the check, for hot
#: loops over inputs validated on construction (a naive datetime still raises TypeError).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_SECOND = timedelta(seconds=1)

#: ``(start, end)`` in whole seconds since the Unix epoch, half-open.
SecondsInterval = tuple[int, int]


def _require_aware(moment: datetime, what: str) -> None:
    if not isinstance(moment, datetime):
        raise TypeError(f"{what} must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {moment.isoformat()}")


def whole_second(moment: datetime) -> datetime:
    """``moment`` cut to the whole second (the fraction dropped, never rounded up).

    Every time is cut so when it enters the application, at each entry point (outage
    imports, doctors' imports, forms): what is stored, shown, frozen and counted is then
    the same time (methodology.md, "Rules").
    """
    return moment.replace(microsecond=0)


def to_epoch_seconds(moment: datetime) -> int:
    """Whole seconds since the Unix epoch of an aware datetime.

    Sub-second parts are floored away: the calendar and the declarations are at most
    precise to the second, and durations in methodology.md are whole seconds.
    """
    _require_aware(moment, "moment")
    # Exact integer arithmetic on timedelta, no float rounding.
    return (moment - EPOCH) // ONE_SECOND


def from_epoch_seconds(seconds: int) -> datetime:
    """The UTC datetime of ``seconds`` since the Unix epoch."""
    return EPOCH + timedelta(seconds=seconds)


@dataclass(frozen=True, slots=True)
class Interval:
    """A half-open interval ``[start, end)`` between two aware datetimes.

    Both ends are stored in UTC. That is not cosmetic: two datetimes sharing one ``ZoneInfo``
    are compared on their wall-clock times, which ignores the DST fold, so 02:30 before and
    after the October change would compare equal. UTC datetimes always compare as instants.
    """

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _require_aware(self.start, "start")
        _require_aware(self.end, "end")
        start = self.start.astimezone(UTC)
        end = self.end.astimezone(UTC)
        if end < start:
            raise ValueError(f"interval ends before it starts: {start} > {end}")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    @classmethod
    def from_seconds(cls, start: int, end: int) -> Interval:
        if end < start:
            raise ValueError(f"interval ends before it starts: {start} > {end}")
        # Already UTC and aware: skip __post_init__, dossiers build thousands of these.
        interval = object.__new__(cls)
        object.__setattr__(interval, "start", EPOCH + timedelta(seconds=start))
        object.__setattr__(interval, "end", EPOCH + timedelta(seconds=end))
        return interval

    def to_seconds(self) -> SecondsInterval:
        return (self.start - EPOCH) // ONE_SECOND, (self.end - EPOCH) // ONE_SECOND

    @property
    def seconds(self) -> int:
        """Length in whole seconds."""
        start, end = self.to_seconds()
        return end - start

    @property
    def is_empty(self) -> bool:
        return self.start == self.end


# --- seconds API -------------------------------------------------------------------------


def merge_seconds(intervals: Iterable[SecondsInterval]) -> list[SecondsInterval]:
    """Sorted, disjoint union: overlapping *and adjacent* intervals are merged, empty ones
    dropped. Every other function of the seconds API that says "merged" expects this shape."""
    merged: list[SecondsInterval] = []
    ordered = iter(sorted(intervals))
    for current_start, current_end in ordered:
        if current_start < current_end:
            break
    else:
        return merged
    append = merged.append
    # Hot in the claim calculation: one comparison per interval in the common case.
    for start, end in ordered:
        if start > current_end:
            if start < end:  # an empty interval adds nothing and must not start a piece
                append((current_start, current_end))
                current_start, current_end = start, end
        elif end > current_end:
            current_end = end
    append((current_start, current_end))
    return merged


def intersect_seconds(
    first: list[SecondsInterval], second: list[SecondsInterval]
) -> list[SecondsInterval]:
    """Intersection of two *merged* lists, itself merged (a linear sweep)."""
    result: list[SecondsInterval] = []
    i = j = 0
    len_first, len_second = len(first), len(second)
    while i < len_first and j < len_second:
        first_start, first_end = first[i]
        second_start, second_end = second[j]
        start = first_start if first_start > second_start else second_start
        end = first_end if first_end < second_end else second_end
        if start < end:
            result.append((start, end))
        if first_end < second_end:
            i += 1
        else:
            j += 1
    return result


def subtract_seconds(
    minuend: list[SecondsInterval], subtrahend: list[SecondsInterval]
) -> list[SecondsInterval]:
    """``minuend`` minus ``subtrahend``; both *merged*, result merged (a linear sweep)."""
    if not subtrahend:
        return list(minuend)
    result: list[SecondsInterval] = []
    j = 0
    len_subtrahend = len(subtrahend)
    for start, end in minuend:
        # Holes ending at or before this piece cannot touch it, nor any later piece.
        while j < len_subtrahend and subtrahend[j][1] <= start:
            j += 1
        cursor = start
        k = j
        while k < len_subtrahend and subtrahend[k][0] < end:
            hole_start, hole_end = subtrahend[k]
            if hole_start > cursor:
                result.append((cursor, hole_start))
            if hole_end > cursor:
                cursor = hole_end
            if cursor >= end:
                break
            k += 1
        if cursor < end:
            result.append((cursor, end))
    return result


def clip_seconds(
    intervals: Iterable[SecondsInterval], window: SecondsInterval
) -> list[SecondsInterval]:
    """Each interval cut to ``window``, in input order, not merged; empty results dropped."""
    window_start, window_end = window
    result: list[SecondsInterval] = []
    for start, end in intervals:
        if start < window_start:
            start = window_start
        if end > window_end:
            end = window_end
        if start < end:
            result.append((start, end))
    return result


def measure_seconds(intervals: Iterable[SecondsInterval]) -> int:
    """Length of the union in seconds: overlaps are counted once, never summed."""
    return sum(end - start for start, end in merge_seconds(intervals))


def meets_seconds(interval: SecondsInterval, intervals: Iterable[SecondsInterval]) -> bool:
    """True when ``interval`` shares a positive length with one of ``intervals``.

    Half-open: ``[08:00, 10:45)`` does not meet ``[10:45, 11:00)`` (methodology rule 12).
    """
    start, end = interval
    for other_start, other_end in intervals:
        if (start if start > other_start else other_start) < (
            end if end < other_end else other_end
        ):
            return True
    return False


# --- datetime API ------------------------------------------------------------------------


def _to_seconds_list(intervals: Iterable[Interval]) -> list[SecondsInterval]:
    return [interval.to_seconds() for interval in intervals]


def _to_interval_list(intervals: Iterable[SecondsInterval]) -> list[Interval]:
    return [Interval.from_seconds(start, end) for start, end in intervals]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, disjoint union; overlapping and adjacent intervals merged, empty ones dropped."""
    return _to_interval_list(merge_seconds(_to_seconds_list(intervals)))


def intersect(first: Iterable[Interval], second: Iterable[Interval]) -> list[Interval]:
    """Where both lists cover, merged."""
    return _to_interval_list(
        intersect_seconds(
            merge_seconds(_to_seconds_list(first)), merge_seconds(_to_seconds_list(second))
        )
    )


def subtract(minuend: Iterable[Interval], subtrahend: Iterable[Interval]) -> list[Interval]:
    """What ``minuend`` covers and ``subtrahend`` does not, merged."""
    return _to_interval_list(
        subtract_seconds(
            merge_seconds(_to_seconds_list(minuend)),
            merge_seconds(_to_seconds_list(subtrahend)),
        )
    )


def clip(intervals: Iterable[Interval], window: Interval) -> list[Interval]:
    """Each interval cut to ``window``, in input order and *not* merged (so a caller can
    still tell which incident or slot a piece came from); intervals outside are dropped."""
    return _to_interval_list(clip_seconds(_to_seconds_list(intervals), window.to_seconds()))


def measure(intervals: Iterable[Interval]) -> int:
    """Seconds covered by the union of ``intervals`` (overlaps counted once)."""
    return measure_seconds(_to_seconds_list(intervals))


def meets(interval: Interval, intervals: Iterable[Interval]) -> bool:
    """True when ``interval`` overlaps one of ``intervals`` over a positive length."""
    return meets_seconds(interval.to_seconds(), _to_seconds_list(intervals))


def minutes(seconds: int) -> int:
    """Whole minutes shown to people: ``seconds / 60`` rounded half-up (methodology rule 10).

    Integer arithmetic, so 90 s is exactly 1.5 min and becomes 2, never 1 through a float.
    """
    if seconds < 0:
        # Half-up means away from zero for the half, as Decimal's ROUND_HALF_UP.
        return -((-seconds + 30) // 60)
    return (seconds + 30) // 60


# --- calendar windows --------------------------------------------------------------------


def period_window(first_day: date, last_day: date, tz: ZoneInfo = BRUSSELS) -> Interval:
    """The claim period "from D1 to D2": ``[D1 00:00, (D2 + 1 day) 00:00)`` local time.

    Because the ends are local midnights, a period containing a DST change is 23 or 25
    hours longer or shorter than its number of days times 24 (March 2024: 743 h).
    """
    if last_day < first_day:
        raise ValueError(f"period ends before it starts: {first_day} > {last_day}")
    return Interval(
        datetime.combine(first_day, time(0), tzinfo=tz),
        datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=tz),
    )


def month_window(year: int, month: int, tz: ZoneInfo = BRUSSELS) -> Interval:
    """The whole calendar month as a period window (see ``period_window``)."""
    first_day = date(year, month, 1)
    first_of_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return period_window(first_day, first_of_next - timedelta(days=1), tz)
