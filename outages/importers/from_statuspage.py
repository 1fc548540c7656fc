"""Atlassian Statuspage ``incidents.json`` (the public API of a status page).

``id`` → reference, ``name`` → title, ``created_at``/``resolved_at`` → start/end (no
``resolved_at``: ongoing), ``impact`` (critical and major → major_outage, minor →
partial_outage, none → degraded_performance, maintenance → maintenance), ``shortlink`` →
source link, ``components[].name`` matched to a service's slug or name in any language,
ignoring case. Components that match no service are reported as warnings; an incident
none of whose components matches is skipped (and reported), not refused: a status page
lists many components this app does not follow.
"""

from __future__ import annotations

import json
import re

from django.utils.translation import gettext as _

from outages.importers.fields import (
    TITLE_MAX_LENGTH,
    FieldError,
    parse_moment,
    parse_reference,
    parse_source_url,
    parse_text_file,
)
from outages.importers.limits import LimitError, check_json_depth, max_rows, too_many_rows
from outages.importers.rows import (
    ImportIssue,
    IncidentRow,
    ParsedFile,
    ServiceCatalogue,
    checked_row,
)
from outages.models import Impact, IncidentStatus

IMPACTS = {
    "critical": Impact.MAJOR_OUTAGE.value,
    "major": Impact.MAJOR_OUTAGE.value,
    "minor": Impact.PARTIAL_OUTAGE.value,
    "none": Impact.DEGRADED_PERFORMANCE.value,
    "maintenance": Impact.MAINTENANCE.value,
}


_ID = re.compile(r'"id"\s*:\s*("(?:[^"\\]|\\.)*")')


def _id_lines(text: str) -> dict[str, int]:
    """JSON has no line numbers once parsed: the line of each ``"id": "…"`` in the text,
    found in one pass (the first occurrence of an id wins), so that an issue names a line
    without searching the whole text again per incident."""
    found: dict[str, int] = {}
    line, position = 1, 0
    for match in _ID.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        try:
            value = json.loads(match.group(1))
        except ValueError:
            continue
        found.setdefault(value, line)
    return found


def parse_statuspage(text: str, catalogue: ServiceCatalogue) -> ParsedFile:
    parsed = ParsedFile()
    try:
        check_json_depth(text)
    except LimitError as exc:
        parsed.errors.append(ImportIssue(exc.line, "", exc.message))
        return parsed
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        parsed.errors.append(
            ImportIssue(
                exc.lineno,
                "",
                _("This is not valid JSON (%(reason)s, column %(column)s).")
                % {"reason": exc.msg, "column": exc.colno},
            )
        )
        return parsed
    incidents = data.get("incidents") if isinstance(data, dict) else data
    if not isinstance(incidents, list):
        parsed.errors.append(
            ImportIssue(
                None,
                "incidents",
                _("This is not a Statuspage incidents.json file (no “incidents” list)."),
            )
        )
        return parsed
    if len(incidents) > max_rows():
        parsed.errors.append(ImportIssue(None, "incidents", too_many_rows().message))
        return parsed
    lines = _id_lines(text)
    for position, incident in enumerate(incidents):
        where = f"incidents[{position}]"
        if not isinstance(incident, dict):
            parsed.errors.append(ImportIssue(None, where, _("An incident must be an object.")))
            continue
        row = _row(lines, where, incident, catalogue, parsed)
        if row is not None:
            parsed.rows.append(row)
    return parsed


def _string(incident: dict, key: str) -> str | None:
    value = incident.get(key)
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _row(lines, where, incident, catalogue: ServiceCatalogue, parsed) -> IncidentRow | None:
    errors: list[ImportIssue] = []
    raw_id = _string(incident, "id") or ""
    line = lines.get(incident.get("id")) if isinstance(incident.get("id"), str) else None

    def read(key: str, reader, value):
        try:
            return reader(value)
        except FieldError as exc:
            errors.append(ImportIssue(line, f"{where}.{key}", str(exc), raw_id))
            return None

    reference = read("id", parse_reference, raw_id)
    created_at = _string(incident, "created_at")
    if not created_at:
        errors.append(
            ImportIssue(line, f"{where}.created_at", _("The incident has no start."), raw_id)
        )
        start = None
    else:
        start = read("created_at", parse_moment, created_at)
    resolved_at = _string(incident, "resolved_at")
    end = read("resolved_at", parse_moment, resolved_at) if resolved_at else None

    impact_text = (_string(incident, "impact") or "").strip().lower()
    impact = IMPACTS.get(impact_text)
    if impact is None:
        errors.append(
            ImportIssue(
                line,
                f"{where}.impact",
                _("“%(value)s” is not a Statuspage impact. Expected one of: %(choices)s.")
                % {"value": impact_text, "choices": ", ".join(IMPACTS)},
                raw_id,
            )
        )
    shortlink = _string(incident, "shortlink")
    source_url = read("shortlink", parse_source_url, shortlink) if shortlink else ""
    title = " ".join((_string(incident, "name") or "").split())[:TITLE_MAX_LENGTH]

    components = incident.get("components") or []
    slugs: list[str] = []
    for component in components if isinstance(components, list) else []:
        name = component.get("name") if isinstance(component, dict) else None
        if not isinstance(name, str) or not name.strip():
            continue
        slug = catalogue.match(name)
        if slug is None:
            parsed.warnings.append(
                ImportIssue(
                    line,
                    f"{where}.components",
                    _("The component “%(name)s” matches no service.") % {"name": name},
                    raw_id,
                )
            )
        elif slug not in slugs:
            slugs.append(slug)
    row = checked_row(
        parsed,
        errors,
        end_at=(line, f"{where}.resolved_at"),
        issue_reference=raw_id,
        line=line,
        reference=reference,
        services=tuple(sorted(slugs)),
        start=start,
        end=end,
        impact=impact,
        status=IncidentStatus.CONFIRMED.value,
        title=title,
        source_url=source_url,
    )
    if row is not None and not row.services:
        parsed.skipped.append(
            ImportIssue(
                line,
                f"{where}.components",
                _("Skipped: none of its components is a known service."),
                raw_id,
            )
        )
        return None
    return row


def parse_statuspage_file(data: bytes, catalogue: ServiceCatalogue) -> ParsedFile:
    """The registry's parser (``outages.formats``): the file's bytes."""
    return parse_text_file(data, catalogue, parse_statuspage)
