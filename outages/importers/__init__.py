"""Incident files → plain rows (interfaces.md, "Outage data imports").

``parse_incident_file(data, format, catalogue)`` reads the bytes with the parser the
registry (``outages.formats``) names for the format, and applies the rules every format
shares (a reference appears only once per file). It touches no database:
``outages.services.imports`` does the rest.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from outages.formats import FORMATS, guess_format
from outages.importers.rows import ImportIssue, IncidentRow, ParsedFile, ServiceCatalogue

__all__ = [
    "ImportIssue",
    "IncidentRow",
    "ParsedFile",
    "ServiceCatalogue",
    "guess_format",
    "parse_incident_file",
]


def parse_incident_file(data: bytes, format: str, catalogue: ServiceCatalogue) -> ParsedFile:
    """The bytes read by the parser of ``format`` (``outages.formats``), then the rules
    every format shares."""
    entry = FORMATS.get(format)
    if entry is None:
        return ParsedFile(
            errors=[
                ImportIssue(
                    None,
                    "",
                    _("Unknown format “%(format)s”: use %(formats)s.")
                    % {"format": format, "formats": ", ".join(FORMATS)},
                )
            ]
        )
    parsed = entry.parse(data, catalogue)
    _refuse_duplicate_references(parsed)
    parsed.errors.sort(key=lambda issue: (issue.line is not None, issue.line or 0))
    return parsed


def _refuse_duplicate_references(parsed: ParsedFile) -> None:
    """A reference twice in one file is an error on every occurrence after the first:
    which of the two rows is right cannot be guessed (interfaces.md)."""
    first_line: dict[str, int | None] = {}
    kept: list[IncidentRow] = []
    for row in parsed.rows:
        if row.reference in first_line:
            parsed.errors.append(
                ImportIssue(
                    row.line,
                    "reference",
                    _("The reference “%(reference)s” appears twice (first on line %(line)s).")
                    % {"reference": row.reference, "line": first_line[row.reference]},
                    row.reference,
                )
            )
            continue
        first_line[row.reference] = row.line
        kept.append(row)
    parsed.rows = kept
