"""A date and time as typed in a file or a form → an aware datetime, cut to the second.

Accepted (README, "Imports"), the same in every import:

* ISO 8601: ``2024-01-15T08:05``, ``2024-01-15 08:05:30``, with optional fractions of a
  second and an optional ``Z`` or offset (``+01:00``, ``+0100``, ``+01``);
* day first, as Belgian spreadsheets write them: ``15/01/2024 08:05``, ``15-01-2024 8:05``,
  ``15.01.2024 08:05:30`` (never month first: ``01/02/2024`` is 1 February);
* a time is required; a value without an offset is Europe/Brussels wall-clock time by the
  one DST rule (``importkit.wallclock``: a time the DST night skips or repeats is refused
  with the same time written with its offsets);
* the fraction of a second is cut (``whole_second``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

from django.utils.translation import gettext as _

from importkit.wallclock import WallClockError, brussels_wall_clock, whole_second


class FieldError(ValueError):
    """A value that cannot be imported; ``str(error)`` is the translated reason."""


_ISO = re.compile(
    r"""^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})
        (?:[Tt]|\s+)
        (?P<hour>\d{1,2}):(?P<minute>\d{2})
        (?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?
        \s*(?P<offset>[Zz]|[+-]\d{2}(?::?\d{2})?)?$""",
    re.VERBOSE,
)
_DAY_FIRST = re.compile(
    r"""^(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4})
        (?:[Tt]|\s+)
        (?P<hour>\d{1,2}):(?P<minute>\d{2})
        (?::(?P<second>\d{2}))?$""",
    re.VERBOSE,
)
_DATE_ONLY = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{4})$")


@lru_cache(maxsize=64)
def _offset(text: str) -> timezone:
    # Cached: a file repeats the same two or three offsets on every row.
    if text in ("Z", "z"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise FieldError(_("“%(value)s” is not a valid UTC offset.") % {"value": text})
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def localize_brussels(naive: datetime) -> datetime:
    """A Brussels wall-clock time as an aware datetime cut to the second, or FieldError
    (the DST rule's message)."""
    try:
        return whole_second(brussels_wall_clock(naive))
    except WallClockError as error:
        raise FieldError(str(error)) from None


def aware_moment(moment: datetime) -> datetime:
    """A datetime a file format parsed (iCalendar, a spreadsheet cell): naive means
    Brussels wall-clock time; cut to the second."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return localize_brussels(moment.replace(tzinfo=None))
    return whole_second(moment)


def parse_moment(value: str) -> datetime:
    """An aware datetime from the text of a cell (formats in the module docstring)."""
    text = value.strip()
    match = _ISO.match(text) or _DAY_FIRST.match(text)
    if not match:
        if _DATE_ONLY.match(text):
            raise FieldError(
                _(
                    "“%(value)s” is not a date and time: it has no time of day. "
                    "Write e.g. 2024-01-15T08:05."
                )
                % {"value": text}
            )
        raise FieldError(
            _(
                "“%(value)s” is not a date and time. Write ISO 8601 (2024-01-15T08:05, "
                "optionally with +01:00 or Z) or day first (15/01/2024 08:05)."
            )
            % {"value": text}
        )
    parts = match.groupdict()
    try:
        naive = datetime(  # noqa: DTZ001 - made aware just below
            int(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"]),
            int(parts["minute"]),
            int(parts["second"] or 0),
        )
    except ValueError as exc:
        raise FieldError(_("“%(value)s” is not a valid date and time.") % {"value": text}) from exc
    # The fraction of a second is read (it must be digits) and cut: whole seconds only.
    offset = parts.get("offset")
    if offset:
        return naive.replace(tzinfo=_offset(offset))
    return localize_brussels(naive)
