"""Incident files → plain rows (interfaces.md, "Outage data imports").

``parse_incident_file(data, format, catalogue)`` decodes the bytes, reads them with the
parser of the format, and applies the rules every format shares (a reference appears only
once per file). It touches no database: ``outages.services.imports`` does the rest.
"""

from __future__ import annotations

from pathlib import PurePath

from django.utils.translation import gettext as _

from outages.importers.fields import SPREADSHEET_ENCODING, FileError, decode_text
from outages.importers.from_csv import parse_csv
from outages.importers.from_ics import parse_ics
from outages.importers.from_statuspage import parse_statuspage
from outages.importers.rows import ImportIssue, IncidentRow, ParsedFile, ServiceCatalogue
from outages.models import ImportFormat

__all__ = [
    "ImportIssue",
    "IncidentRow",
    "ParsedFile",
    "ServiceCatalogue",
    "guess_format",
    "parse_incident_file",
]

PARSERS = {
    ImportFormat.CSV.value: parse_csv,
    ImportFormat.ICS.value: parse_ics,
    ImportFormat.STATUSPAGE.value: parse_statuspage,
}

_EXTENSIONS = {
    ".csv": ImportFormat.CSV.value,
    ".txt": None,
    ".ics": ImportFormat.ICS.value,
    ".ical": ImportFormat.ICS.value,
    ".ifb": ImportFormat.ICS.value,
    ".json": ImportFormat.STATUSPAGE.value,
}


def guess_format(file_name: str, data: bytes = b"") -> str | None:
    """The format from the extension (.csv, .ics, .json); for another extension, from the
    first bytes (BEGIN:VCALENDAR, a JSON object or list, else CSV). ``None``: unknown."""
    suffix = PurePath(file_name or "").suffix.lower()
    if _EXTENSIONS.get(suffix):
        return _EXTENSIONS[suffix]
    head = data[:256].lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    if not head:
        return None
    if head.startswith(b"BEGIN:VCALENDAR"):
        return ImportFormat.ICS.value
    if head.startswith((b"{", b"[")):
        return ImportFormat.STATUSPAGE.value
    if b"REFERENCE" in head:
        return ImportFormat.CSV.value
    return None


def parse_incident_file(data: bytes, format: str, catalogue: ServiceCatalogue) -> ParsedFile:
    try:
        text, encoding = decode_text(data, spreadsheet_fallback=format == ImportFormat.CSV)
    except FileError as exc:
        return ParsedFile(errors=[ImportIssue(None, "", str(exc))])
    parser = PARSERS.get(format)
    if parser is None:
        return ParsedFile(
            errors=[
                ImportIssue(
                    None,
                    "",
                    _("Unknown format “%(format)s”: use csv, ics or statuspage.")
                    % {"format": format},
                )
            ]
        )
    parsed = parser(text, catalogue)
    if encoding == SPREADSHEET_ENCODING:
        parsed.warnings.insert(
            0,
            ImportIssue(
                None,
                "",
                _(
                    "The file is not UTF-8: it was read as Windows-1252, the encoding of "
                    "Excel's “CSV” on Windows. Check the accented letters in the preview."
                ),
            ),
        )
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
