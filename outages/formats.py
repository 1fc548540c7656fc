"""The outage file formats: the ONE list every other place derives from (README, "Imports").

A format is a key (stored on ``ImportRecord`` and ``PendingImport``, typed after
``import_outages --format``), a translated label, the module function that reads it
(bytes → ``ParsedFile``, imported only when used), the extensions and content types the
upload accepts, and how to recognise it from its first bytes when the file name says
nothing. The admin's upload form (choices, ``accept``, help), the upload page's list of
accepted files, ``manage.py import_outages`` and the format guess all read this list:
adding a format is one parser module plus one entry here.

No import of models or parsers here: ``outages.models`` reads the choices from this module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class OutageFormat:
    key: str
    label: str
    parser: str  # dotted path of ``parse(data: bytes, catalogue) -> ParsedFile``
    extensions: tuple[str, ...]
    content_types: tuple[str, ...]
    description: str  # one line for the upload page
    # True when the (BOM- and blank-stripped, upper-cased) first bytes are this format.
    sniff: Callable[[bytes], bool] = lambda head: False

    def parse(self, data: bytes, catalogue):
        return import_string(self.parser)(data, catalogue)


FORMATS: dict[str, OutageFormat] = {
    entry.key: entry
    for entry in (
        OutageFormat(
            key="csv",
            label=_("CSV"),
            parser="outages.importers.from_csv.parse_csv_file",
            extensions=(".csv",),
            content_types=("text/csv",),
            description=_(
                "UTF-8 (or Windows-1252), comma or semicolon; services separated by “;”, "
                "quoted when “;” is the delimiter."
            ),
            sniff=lambda head: b"REFERENCE" in head,
        ),
        OutageFormat(
            key="ics",
            label=_("iCalendar"),
            parser="outages.importers.from_ics.parse_ics_file",
            extensions=(".ics", ".ical", ".ifb"),
            content_types=("text/calendar",),
            description=_("one event per incident, the services in CATEGORIES."),
            sniff=lambda head: head.startswith(b"BEGIN:VCALENDAR"),
        ),
        OutageFormat(
            key="statuspage",
            label=_("Statuspage JSON"),
            parser="outages.importers.from_statuspage.parse_statuspage_file",
            extensions=(".json",),
            content_types=("application/json",),
            description=_("incidents.json: components are matched to services by slug or name."),
            sniff=lambda head: head.startswith((b"{", b"[")),
        ),
        OutageFormat(
            key="xlsx",
            label=_("Excel workbook (XLSX)"),
            parser="outages.importers.from_xlsx.parse_xlsx_file",
            extensions=(".xlsx",),
            content_types=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
            description=_(
                "the first sheet, the same columns as the CSV in its first row; dates as "
                "Excel dates or as text; formulas are read as the value Excel saved."
            ),
            sniff=lambda head: head.startswith(b"PK\x03\x04"),
        ),
    )
}

#: Extensions that say nothing about the format: the content decides.
_NEUTRAL_EXTENSIONS = (".txt",)


def format_choices() -> list[tuple[str, str]]:
    """``(key, label)`` of every format, for model fields, forms and the command."""
    return [(entry.key, entry.label) for entry in FORMATS.values()]


def format_keys() -> list[str]:
    return list(FORMATS)


def format_extensions() -> list[str]:
    return [ext for entry in FORMATS.values() for ext in entry.extensions]


def upload_accept() -> str:
    """The upload input's ``accept`` attribute: every extension, then every content type."""
    extensions = format_extensions()
    types = [kind for entry in FORMATS.values() for kind in entry.content_types]
    return ",".join([*extensions, *_NEUTRAL_EXTENSIONS, *types])


def guess_format(file_name: str, data: bytes = b"") -> str | None:
    """The format from the file's extension; for another extension, from the first bytes.
    ``None``: unknown."""
    suffix = PurePath(file_name or "").suffix.lower()
    for entry in FORMATS.values():
        if suffix in entry.extensions:
            return entry.key
    head = data[:256].lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    if not head:
        return None
    # The most specific signatures first: a CSV is recognised by a word of its header only.
    for entry in sorted(FORMATS.values(), key=lambda entry: entry.key == "csv"):
        if entry.sniff(head):
            return entry.key
    return None
