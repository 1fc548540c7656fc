"""iCalendar incident files (RFC 5545), read with the ``icalendar`` library.

One VEVENT per incident: ``UID`` → reference, ``SUMMARY`` → title, ``DESCRIPTION`` →
description, ``DTSTART``/``DTEND`` (or ``DURATION``) → start and end, ``CATEGORIES`` →
services (one property with a comma list or several properties; a slug or a service name,
any case), ``X-IMPACT`` and ``X-STATUS`` (defaults major_outage and confirmed; a standard
``STATUS:TENTATIVE`` reads as provisional), ``URL`` → source link.

Times: with a ``TZID`` (a VTIMEZONE block of the file, an IANA name, or a Windows name
such as "Romance Standard Time"), in UTC, or floating (= Europe/Brussels). A ``DATE``
value is a whole local day: ``DTSTART;VALUE=DATE:20240115`` without an end is the day of
15 January, Brussels time. A timed event without ``DTEND`` or ``DURATION`` is an ongoing
incident (that is how ``/outages/calendar.ics`` writes them). Cancelled events are skipped.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar

from outages.importers.fields import (
    TITLE_MAX_LENGTH,
    FieldError,
    aware_moment,
    localize_brussels,
    parse_impact,
    parse_reference,
    parse_source_url,
    parse_status,
    parse_text_file,
)
from outages.importers.from_csv import unknown_service
from outages.importers.limits import max_rows
from outages.importers.rows import (
    ImportIssue,
    IncidentRow,
    ParsedFile,
    ServiceCatalogue,
    checked_row,
)
from outages.models import Impact, IncidentStatus

_BEGIN_EVENT = re.compile(r"^BEGIN:VEVENT\s*$", re.IGNORECASE | re.MULTILINE)


def _event_lines(text: str) -> list[int]:
    """The physical line where each VEVENT begins, in file order (icalendar walks
    components in the same order), so that issues can name a line. One pass: each
    newline is counted once."""
    found: list[int] = []
    line, position = 1, 0
    for match in _BEGIN_EVENT.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        found.append(line)
    return found


def parse_ics(text: str, catalogue: ServiceCatalogue) -> ParsedFile:
    parsed = ParsedFile()
    if not re.match(r"\s*BEGIN:VCALENDAR", text, re.IGNORECASE):
        parsed.errors.append(
            ImportIssue(
                1, "", _("This is not an iCalendar file (it must start with BEGIN:VCALENDAR).")
            )
        )
        return parsed
    # Counted before the library parses anything: 20,000 events take a minute to read.
    events_in_file = len(_BEGIN_EVENT.findall(text))
    if events_in_file > min(settings.IMPORT_MAX_ICS_EVENTS, max_rows()):
        parsed.errors.append(
            ImportIssue(
                None,
                "",
                _("The file holds %(count)s events; the limit is %(max)s. Split it.")
                % {"count": events_in_file, "max": min(settings.IMPORT_MAX_ICS_EVENTS, max_rows())},
            )
        )
        return parsed
    longest = max(map(len, text.splitlines()), default=0)
    if longest > settings.IMPORT_MAX_LINE_CHARS:
        parsed.errors.append(
            ImportIssue(
                None,
                "",
                _("A line is longer than %(max)s characters: this is not an iCalendar file.")
                % {"max": settings.IMPORT_MAX_LINE_CHARS},
            )
        )
        return parsed
    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except ValueError as exc:
        parsed.errors.append(
            ImportIssue(None, "", _("The iCalendar file cannot be read: %(e)s") % {"e": exc})
        )
        return parsed
    events = [event for calendar in calendars for event in calendar.walk("VEVENT")]
    if not events:
        parsed.errors.append(ImportIssue(None, "", _("The file holds no event (VEVENT).")))
        return parsed
    lines = _event_lines(text)
    physical = text.splitlines()
    for position, event in enumerate(events):
        line = lines[position] if position < len(lines) else None
        row = _row(line, event, catalogue, parsed, _property_lines(physical, line))
        if row is not None:
            parsed.rows.append(row)
    return parsed


def _property_lines(physical: list[str], event_line: int | None) -> dict[str, int]:
    """Where each property of the event starting on ``event_line`` is written, so that an
    issue points at its own line (the event's first line when a name is not found)."""
    found: dict[str, int] = {}
    if event_line is None:
        return found
    for number in range(event_line, len(physical)):
        content = physical[number]
        if content[:1] in (" ", "\t"):
            continue  # a folded continuation
        name = re.split(r"[;:]", content, maxsplit=1)[0].strip().upper()
        if name == "END" and content.strip().upper() == "END:VEVENT":
            break
        found.setdefault(name, number + 1)
    return found


def _text(event, name: str) -> str | None:
    value = event.get(name)
    if value is None:
        return None
    if isinstance(value, list):  # a property given twice: keep the first
        value = value[0]
    return str(value)


def _row(
    event_line, event, catalogue: ServiceCatalogue, parsed: ParsedFile, where: dict[str, int]
) -> IncidentRow | None:
    errors: list[ImportIssue] = []

    def line_of(name: str) -> int | None:
        return where.get(name, event_line)

    uid = (_text(event, "UID") or "").strip()
    broken = {name.upper() for name, _message in event.errors}
    for name, message in event.errors:
        errors.append(
            ImportIssue(
                line_of(name.upper()),
                name.upper(),
                _("Unreadable value: %(e)s") % {"e": message},
                uid,
            )
        )

    def read(name: str, reader, value):
        try:
            return reader(value)
        except FieldError as exc:
            errors.append(ImportIssue(line_of(name), name, str(exc), uid))
            return None

    reference = read("UID", parse_reference, uid)
    if (_text(event, "STATUS") or "").strip().upper() == "CANCELLED":
        parsed.skipped.append(
            ImportIssue(event_line, "STATUS", _("Cancelled event: not imported."), uid)
        )
        return None
    if event.get("RRULE") is not None:
        parsed.warnings.append(
            ImportIssue(
                line_of("RRULE"),
                "RRULE",
                _("The event repeats; only its first occurrence is imported."),
                uid,
            )
        )

    start = end = None
    if "DTSTART" not in broken:
        if event.get("DTSTART") is None:
            errors.append(
                ImportIssue(event_line, "DTSTART", _("The event has no start (DTSTART)."), uid)
            )
        else:
            start = read("DTSTART", _start_of, event["DTSTART"])
    if start is not None and not {"DTEND", "DURATION"} & broken:
        end = read("DTEND", lambda _value: _end_of(event, start), None)

    slugs = _services(line_of("CATEGORIES"), event, catalogue, uid, errors)
    impact_text = _text(event, "X-IMPACT")
    impact = (
        read("X-IMPACT", parse_impact, impact_text)
        if impact_text and impact_text.strip()
        else Impact.MAJOR_OUTAGE.value
    )
    status_text = _text(event, "X-STATUS")
    if status_text and status_text.strip():
        status = read("X-STATUS", parse_status, status_text)
    elif (_text(event, "STATUS") or "").strip().upper() == "TENTATIVE":
        status = IncidentStatus.PROVISIONAL.value
    else:
        status = IncidentStatus.CONFIRMED.value
    url = _text(event, "URL")
    source_url = read("URL", parse_source_url, url) if url is not None else None
    title = _text(event, "SUMMARY")
    if title is not None:
        title = " ".join(title.split())
        if title == reference:
            title = ""  # the feed writes the reference for an untitled incident
        if len(title) > TITLE_MAX_LENGTH:
            errors.append(
                ImportIssue(
                    line_of("SUMMARY"),
                    "SUMMARY",
                    _("The title is longer than %(max)s characters.") % {"max": TITLE_MAX_LENGTH},
                    uid,
                )
            )
    description = _text(event, "DESCRIPTION")
    return checked_row(
        parsed,
        errors,
        end_at=(line_of("DTEND"), "DTEND"),
        issue_reference=uid,
        line=event_line,
        reference=reference,
        services=slugs,
        start=start,
        end=end,
        impact=impact,
        status=status,
        title=title,
        description=description.strip() if description is not None else None,
        source_url=source_url,
    )


def _moment(prop) -> datetime | date:
    value = prop.dt
    if isinstance(value, datetime):
        if (value.tzinfo is None or value.utcoffset() is None) and prop.params.get("TZID"):
            # icalendar leaves the time naive when it knows neither a VTIMEZONE block
            # nor a zone of that name: reading it as Brussels could be an hour off.
            raise FieldError(
                _("Unknown time zone “%(tzid)s”: add its VTIMEZONE block or use UTC.")
                % {"tzid": prop.params["TZID"]}
            )
        return aware_moment(value)
    if isinstance(value, date):
        return value
    raise FieldError(_("Expected a date or a date and time."))


def _local_midnight(day: date) -> datetime:
    return localize_brussels(datetime.combine(day, time(0)))


def _start_of(prop) -> datetime:
    value = _moment(prop)
    return _local_midnight(value) if not isinstance(value, datetime) else value


def _end_of(event, start: datetime) -> datetime | None:
    dtstart = event["DTSTART"].dt
    whole_days = not isinstance(dtstart, datetime)
    if event.get("DTEND") is not None:
        value = _moment(event["DTEND"])
        return _local_midnight(value) if not isinstance(value, datetime) else value
    if event.get("DURATION") is not None:
        duration = event["DURATION"].dt
        if not isinstance(duration, timedelta):
            raise FieldError(_("Expected a duration."))
        if whole_days:
            # Whole days are counted on the local calendar, so a DST day stays one day.
            days = duration.days
            return _local_midnight(dtstart + timedelta(days=days))
        return start + duration
    if whole_days:
        return _local_midnight(dtstart + timedelta(days=1))
    return None  # ongoing


def _services(line, event, catalogue: ServiceCatalogue, uid: str, errors) -> tuple[str, ...]:
    properties = event.get("CATEGORIES")
    if properties is None:
        errors.append(
            ImportIssue(
                line,
                "CATEGORIES",
                _("No service is given: list the service slugs in CATEGORIES."),
                uid,
            )
        )
        return ()
    if not isinstance(properties, list):
        properties = [properties]
    names: list[str] = []
    for prop in properties:
        for category in getattr(prop, "cats", [prop]):
            names.extend(part.strip() for part in str(category).split(",") if part.strip())
    slugs: list[str] = []
    for name in names:
        slug = catalogue.match(name)
        if slug is None:
            errors.append(unknown_service(line, "CATEGORIES", name, catalogue, uid))
        elif slug not in slugs:
            slugs.append(slug)
    if not names:
        errors.append(ImportIssue(line, "CATEGORIES", _("No service is given."), uid))
    return tuple(sorted(slugs))


def parse_ics_file(data: bytes, catalogue: ServiceCatalogue) -> ParsedFile:
    """The registry's parser (``outages.formats``): the file's bytes."""
    return parse_text_file(data, catalogue, parse_ics)
