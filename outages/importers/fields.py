"""Reading one value of an incident file: text encoding, dates and times, impact, status,
references and links. Each reader returns the clean value or raises ``FieldError`` with a
translated message that says what is wrong and what is accepted.

Accepted dates and times (README, "Official incident calendar"):

* ISO 8601: ``2024-01-15T08:05``, ``2024-01-15 08:05:30``, with optional fractions of a
  second and an optional ``Z`` or offset (``+01:00``, ``+0100``, ``+01``);
* day first, as Belgian spreadsheets write them: ``15/01/2024 08:05``, ``15-01-2024 8:05``,
  ``15.01.2024 08:05:30`` (never month first: ``01/02/2024`` is 1 February);
* a time is required; a value without an offset is Europe/Brussels local time. A local
  time that does not exist (the March DST change) or happens twice (October) is refused:
  the file must then give the offset (``outages.wallclock``, the rule of every entry point).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from outages.models import Impact, IncidentStatus
from outages.wallclock import WallClockError, brussels_wall_clock

REFERENCE_MAX_LENGTH = 100
TITLE_MAX_LENGTH = 300
SOURCE_URL_MAX_LENGTH = 500


class FieldError(ValueError):
    """A value that cannot be imported; ``str(error)`` is the translated reason."""


class FileError(ValueError):
    """The whole file cannot be read (encoding, binary content, size)."""


# --- the file as text ----------------------------------------------------------------------

_BINARY_SIGNATURES = {
    b"PK\x03\x04": "zip",  # .xlsx, .ods and .docx are zip archives
    b"\xd0\xcf\x11\xe0": "ole",  # old .xls
    b"%PDF": "pdf",
}


#: Excel on Windows still saves plain "CSV" in Windows-1252: the only other encoding a
#: spreadsheet export of ours is read in, and only on request (CSV files).
SPREADSHEET_ENCODING = "cp1252"


def decode_text(data: bytes, *, spreadsheet_fallback: bool = False) -> tuple[str, str]:
    """The file as text, and the encoding it was read in: UTF-8 with or without a
    byte-order mark; with ``spreadsheet_fallback``, Windows-1252 when it is not UTF-8.

    Spreadsheet programs offer "CSV UTF-8"; a workbook, or a file in another encoding, is
    refused with a message that says how to export it properly rather than guessed at.
    Windows-1252 is no guess for a CSV: bytes that are not UTF-8 and that Windows-1252
    decodes are what Excel writes; the import then warns so the preview gets checked.
    """
    head = data[:8]
    for signature, kind in _BINARY_SIGNATURES.items():
        if head.startswith(signature):
            if kind in ("zip", "ole"):
                raise FileError(
                    _(
                        "This looks like a spreadsheet workbook, not a text file. "
                        "Save it as “CSV UTF-8” and upload the CSV file."
                    )
                )
            raise FileError(_("This is not a text file (CSV, iCalendar or JSON)."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileError(
            _("The file is in UTF-16. Save it as UTF-8 (in a spreadsheet: “CSV UTF-8”).")
        )
    if b"\x00" in data[:65536]:
        raise FileError(_("This is not a text file (CSV, iCalendar or JSON)."))
    encoding = "utf-8"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = _spreadsheet_text(data) if spreadsheet_fallback else None
        encoding = SPREADSHEET_ENCODING
        if text is not None:
            return _checked_text(text), encoding
        line = data[: exc.start].count(b"\n") + 1
        raise FileError(
            _(
                "The file is not UTF-8 text (first bad byte on line %(line)s). "
                "Save it as UTF-8 (in a spreadsheet: “CSV UTF-8”)."
            )
            % {"line": line}
        ) from exc
    return _checked_text(text), encoding


def _spreadsheet_text(data: bytes) -> str | None:
    try:
        return data.decode(SPREADSHEET_ENCODING)
    except UnicodeDecodeError:
        return None


def _checked_text(text: str) -> str:
    # Other control characters than tabs and line ends mean a binary file decoded by luck.
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text[:65536]):
        raise FileError(_("This is not a text file (CSV, iCalendar or JSON)."))
    return text


# --- dates and times -----------------------------------------------------------------------

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
    """A wall-clock time in Brussels as an aware datetime, by the one DST rule of
    ``outages.wallclock`` (a time the DST change skips or repeats is refused: guessing
    would shift an incident by an hour in a legal dossier)."""
    try:
        return brussels_wall_clock(naive)
    except WallClockError as error:
        raise FieldError(str(error)) from None


def parse_moment(value: str) -> datetime:
    """An aware datetime from the text of a cell (formats in the module docstring)."""
    text = value.strip()
    match = _ISO.match(text) or _DAY_FIRST.match(text)
    if not match:
        if _DATE_ONLY.match(text):
            raise FieldError(
                _("“%(value)s” has no time of day. Write e.g. 2024-01-15T08:05.") % {"value": text}
            )
        raise FieldError(
            _(
                "“%(value)s” is not a date and time. Write ISO 8601 (2024-01-15T08:05, "
                "optionally with +01:00 or Z) or day first (15/01/2024 08:05)."
            )
            % {"value": text}
        )
    parts = match.groupdict()
    fraction = (parts.get("fraction") or "")[:6].ljust(6, "0")
    try:
        naive = datetime(  # noqa: DTZ001 - made aware just below
            int(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"]),
            int(parts["minute"]),
            int(parts["second"] or 0),
            int(fraction),
        )
    except ValueError as exc:
        raise FieldError(_("“%(value)s” is not a valid date and time.") % {"value": text}) from exc
    offset = parts.get("offset")
    if offset:
        return naive.replace(tzinfo=_offset(offset))
    return localize_brussels(naive)


def aware_moment(moment: datetime) -> datetime:
    """A datetime from a parsed format (iCalendar): naive means Brussels (floating)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return localize_brussels(moment.replace(tzinfo=None))
    return moment


# --- enumerations --------------------------------------------------------------------------


# Read once: TextChoices.values builds a new list on every access.
_IMPACTS = tuple(Impact.values)
_STATUSES = tuple(IncidentStatus.values)


def _normalized(value: str) -> str:
    return re.sub(r"[\s-]+", "_", value.strip().lower())


def parse_impact(value: str) -> str:
    """One of the four impacts; ``Major outage`` and ``major-outage`` are accepted too."""
    if value in _IMPACTS:
        return value  # the common case, without the normalisation's regular expression
    impact = _normalized(value)
    if impact not in _IMPACTS:
        raise FieldError(
            _("“%(value)s” is not an impact. Use one of: %(choices)s.")
            % {"value": value.strip(), "choices": ", ".join(_IMPACTS)}
        )
    return impact


def parse_status(value: str) -> str:
    """confirmed or provisional; empty means confirmed (interfaces.md)."""
    if value in _STATUSES:
        return value
    if not value.strip():
        return IncidentStatus.CONFIRMED.value
    status = _normalized(value)
    if status not in _STATUSES:
        raise FieldError(
            _("“%(value)s” is not a status. Use one of: %(choices)s.")
            % {"value": value.strip(), "choices": ", ".join(_STATUSES)}
        )
    return status


# --- free text ------------------------------------------------------------------------------


def parse_reference(value: str) -> str:
    reference = value.strip()
    if not reference:
        raise FieldError(_("The reference is empty."))
    if len(reference) > REFERENCE_MAX_LENGTH:
        raise FieldError(
            _("The reference is longer than %(max)s characters.") % {"max": REFERENCE_MAX_LENGTH}
        )
    if any(ord(char) < 32 for char in reference):
        raise FieldError(_("The reference holds a line break or a control character."))
    return reference


_url_validator = URLValidator(schemes=["http", "https"])
# Plain links with an ordinary host name, which Django's validator always accepts, are
# recognised by this much cheaper expression first (it matters for 100,000-row files);
# anything else goes through the full validator.
_PLAIN_URL = re.compile(
    r"^https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?::\d{1,5})?"
    r"(?:[/?#][^\s]*)?$",
    re.IGNORECASE,
)


def parse_source_url(value: str) -> str:
    url = value.strip()
    if not url:
        return ""
    if len(url) > SOURCE_URL_MAX_LENGTH:
        raise FieldError(
            _("The link is longer than %(max)s characters.") % {"max": SOURCE_URL_MAX_LENGTH}
        )
    if _PLAIN_URL.match(url):
        return url
    try:
        _url_validator(url)
    except ValidationError as exc:
        raise FieldError(
            _("“%(value)s” is not a web address (http:// or https://).") % {"value": url}
        ) from exc
    return url


def split_service_list(value: str) -> list[str]:
    """``recip-e;mycarenet`` → two slugs. Commas and spaces separate too, since no slug
    holds one, so a list typed by hand in any of these ways reads the same."""
    return [part for part in re.split(r"[;,\s]+", value.strip()) if part]
