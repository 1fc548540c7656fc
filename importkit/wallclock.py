"""Brussels wall-clock time → an aware datetime: the ONE rule for the DST nights.

Every entry point that reads a time without a UTC offset (outage imports, doctors' slot
and consultation imports, the slot and consultation forms) calls ``brussels_wall_clock``,
so the same typed time means the same instant wherever it is typed (docs/methodology.md,
"Time"):

* a time that happens twice (the October night, e.g. 27/10/2024 02:30) is refused: the
  first (summer time, +02:00) and the second (winter time, +01:00) are an hour apart, and
  guessing would move an incident or a slot by an hour in a legal dossier;
* a time that does not exist (the March night, e.g. 31/03/2024 02:30) is refused too.

Both messages say how to write the time with its offset, which every entry point accepts
(``2024-10-27T02:30+01:00``).

Every time is also cut to the whole second where it enters (``whole_second``): the
calculation counts whole seconds, and a fraction kept at the entry would round each
endpoint separately later (docs/methodology.md, "Time").
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils.translation import gettext as _

from outages.intervals import BRUSSELS

__all__ = ["WallClockError", "brussels_wall_clock", "whole_second"]


class WallClockError(ValueError):
    """A Brussels wall-clock time that the DST change repeats or skips; ``str(error)`` is
    the translated reason with an example of the same time written with its offset."""


def brussels_wall_clock(naive: datetime) -> datetime:
    """``naive`` (a wall-clock time in Brussels) as an aware datetime, or WallClockError."""
    naive = naive.replace(tzinfo=None, fold=0)
    first = naive.replace(tzinfo=BRUSSELS)
    second = naive.replace(tzinfo=BRUSSELS, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first  # every ordinary time: one reading only
    wall = naive.strftime("%d/%m/%Y %H:%M")
    iso = naive.strftime("%Y-%m-%dT%H:%M")
    # zoneinfo gives the gap's two readings different offsets too; a time that exists
    # survives a round trip through UTC, a time in the gap does not.
    if first.astimezone(UTC).astimezone(BRUSSELS).replace(tzinfo=None) != naive:
        raise WallClockError(
            _(
                "%(value)s does not exist in Brussels (the clocks move forward that night). "
                "Check the time, or give its UTC offset, e.g. %(example)s."
            )
            % {"value": wall, "example": f"{iso}+01:00"}
        )
    raise WallClockError(
        _(
            "%(value)s happens twice in Brussels (the clocks move back that night). "
            "Give its UTC offset: %(first)s for the first, %(second)s for the second."
        )
        % {"value": wall, "first": f"{iso}+02:00", "second": f"{iso}+01:00"}
    )


def whole_second(moment: datetime) -> datetime:
    """``moment`` without its fraction of a second (cut, not rounded: 08:05:59.9 is 08:05:59)."""
    return moment.replace(microsecond=0) if moment.microsecond else moment
