"""CSV incident files (interfaces.md, "Outage data imports").

A header row names the columns in any order; the delimiter is ``,`` or ``;`` (Belgian
spreadsheets write ``;``), told apart on the header line; a byte-order mark and CRLF line
ends are fine; a list of services is ``;``-separated and quoted when ``;`` is also the
delimiter. Line numbers in issues are the file's physical lines (the header is line 1), so
that a quoted cell spanning two lines does not shift the numbers of the rows after it.
Reading is the toolkit's (``importkit``: bytes, bounded lines, delimiter); the header and
row rules here are also the XLSX format's (``from_xlsx``).
"""

from __future__ import annotations

import csv

from django.utils.translation import gettext as _

from importkit.csvread import BoundedLines, bounded_fields, check_columns, detect_delimiter
from outages.importers.fields import (
    TITLE_MAX_LENGTH,
    FieldError,
    parse_impact,
    parse_moment,
    parse_reference,
    parse_source_url,
    parse_status,
    parse_text_file,
    split_service_list,
)
from outages.importers.limits import LimitError, max_rows, too_many_rows
from outages.importers.rows import (
    ImportIssue,
    IncidentRow,
    ParsedFile,
    ServiceCatalogue,
    checked_row,
)

REQUIRED_COLUMNS = ("reference", "services", "start", "end", "impact")
OPTIONAL_COLUMNS = ("status", "title", "source_url", "description")
# Spellings a person may type in a header; the contract's names are the first ones.
COLUMN_ALIASES = {"service": "services", "url": "source_url", "source": "source_url"}


def column_name(raw: str) -> str:
    name = raw.strip().strip("\ufeff").strip().lower().replace(" ", "_")
    return COLUMN_ALIASES.get(name, name)


_KNOWN_COLUMNS = frozenset(REQUIRED_COLUMNS) | frozenset(OPTIONAL_COLUMNS)


def _delimiter(header_line: str) -> str:
    """``;`` or ``,``: the one that splits the header into more known column names."""
    return detect_delimiter(
        header_line, candidates=(";", ","), known=_KNOWN_COLUMNS, column_name=column_name
    )


def parse_csv(text: str, catalogue: ServiceCatalogue) -> ParsedFile:
    parsed = ParsedFile()
    if not text.strip():
        parsed.errors.append(ImportIssue(None, "", _("The file is empty.")))
        return parsed
    try:
        _read(text, catalogue, parsed)
    except LimitError as exc:
        # A file beyond the bounds (limits.py) is refused whole: no row of it is kept.
        parsed.rows.clear()
        parsed.errors.append(ImportIssue(exc.line, "", exc.message))
    return parsed


def _read(text: str, catalogue: ServiceCatalogue, parsed: ParsedFile) -> None:
    with bounded_fields():
        lines = BoundedLines(text)
        header_line = next(iter(BoundedLines(text)), "")
        delimiter = _delimiter(header_line)
        # The lines keep CRLF and quoted line breaks for the csv module to handle.
        reader = csv.reader(lines, delimiter=delimiter)
        _read_rows(reader, lines, delimiter, catalogue, parsed)


def _read_rows(reader, lines: BoundedLines, delimiter, catalogue, parsed: ParsedFile) -> None:
    try:
        header = next(reader)
    except csv.Error as exc:
        parsed.errors.append(ImportIssue(1, "", _("Unreadable header: %(e)s") % {"e": exc}))
        return
    check_columns(len(header))
    columns = [column_name(cell) for cell in header]
    if not check_header(columns, parsed):
        return

    index = {name: position for position, name in enumerate(columns) if name}
    line = lines.number
    limit = max_rows()
    count = 0
    while True:
        row_line = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            parsed.errors.append(
                ImportIssue(row_line, "", _("Unreadable line: %(e)s") % {"e": exc})
            )
            break
        line = lines.number
        if not any(cell.strip() for cell in cells):
            continue  # blank lines and the ";;;;" rows spreadsheets leave at the end
        count += 1
        if count > limit:
            raise too_many_rows(row_line)
        if len(cells) > len(columns):
            parsed.errors.append(_too_many_cells(row_line, len(cells), len(columns), delimiter))
            continue
        # Some programs drop trailing empty cells: they read as empty.
        cells += [""] * (len(columns) - len(cells))
        values = {name: cells[position] for name, position in index.items()}
        row = incident_row(row_line, values, catalogue, parsed)
        if row is not None:
            parsed.rows.append(row)


def check_header(columns: list[str], parsed: ParsedFile) -> bool:
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            parsed.errors.append(
                ImportIssue(1, name, _("The column “%(name)s” appears twice.") % {"name": name})
            )
        seen.add(name)
    missing = [name for name in REQUIRED_COLUMNS if name not in seen]
    if missing:
        # One message for the whole header: repeating the rule once per missing column
        # buried the one thing to fix.
        parsed.errors.append(
            ImportIssue(
                1,
                ", ".join(missing),
                _(
                    "The header lacks %(missing)s. The header must name: "
                    "%(required)s (and may add %(optional)s)."
                )
                % {
                    "missing": ", ".join(f"“{name}”" for name in missing),
                    "required": ", ".join(REQUIRED_COLUMNS),
                    "optional": ", ".join(OPTIONAL_COLUMNS),
                },
            )
        )
    known = _KNOWN_COLUMNS
    for name in columns:
        if name and name not in known:
            parsed.warnings.append(
                ImportIssue(1, name, _("The column “%(name)s” is ignored.") % {"name": name})
            )
    return not parsed.errors


def _too_many_cells(line: int, count: int, expected: int, delimiter: str) -> ImportIssue:
    message = _("This line has %(count)s values for %(expected)s columns.") % {
        "count": count,
        "expected": expected,
    }
    if delimiter == ";":
        message += " " + _(
            'With “;” as the delimiter, a list of services must be quoted: "recip-e;mycarenet".'
        )
    return ImportIssue(line, "", message)


def incident_row(
    line: int, values: dict[str, str], catalogue: ServiceCatalogue, parsed: ParsedFile
) -> IncidentRow | None:
    """One incident from a CSV line (or an XLSX row), or ``None`` after recording every
    problem it has (``rows.checked_row``)."""
    errors: list[ImportIssue] = []
    reference = values["reference"].strip()

    def read(column: str, reader):
        try:
            return reader(values[column])
        except FieldError as exc:
            errors.append(ImportIssue(line, column, str(exc), reference))
            return None

    read("reference", parse_reference)
    slugs = _services(line, values["services"], catalogue, reference, errors)
    start = read("start", parse_moment)
    end = read("end", parse_moment) if values["end"].strip() else None
    impact = read("impact", parse_impact)
    status = read("status", parse_status) if "status" in values else "confirmed"
    source_url = read("source_url", parse_source_url) if "source_url" in values else None
    title = values["title"].strip() if "title" in values else None
    if title is not None and len(title) > TITLE_MAX_LENGTH:
        errors.append(
            ImportIssue(
                line,
                "title",
                _("The title is longer than %(max)s characters.") % {"max": TITLE_MAX_LENGTH},
                reference,
            )
        )
    return checked_row(
        parsed,
        errors,
        end_at=(line, "end"),
        issue_reference=reference,
        line=line,
        reference=reference,
        services=slugs,
        start=start,
        end=end,
        impact=impact,
        status=status,
        title=title,
        description=values["description"].strip() if "description" in values else None,
        source_url=source_url,
    )


def _services(
    line: int,
    value: str,
    catalogue: ServiceCatalogue,
    reference: str,
    errors: list[ImportIssue],
) -> tuple[str, ...]:
    names = split_service_list(value)
    if not names:
        errors.append(ImportIssue(line, "services", _("No service is given."), reference))
        return ()
    slugs: list[str] = []
    for name in names:
        slug = catalogue.slug(name)
        if slug is None:
            errors.append(unknown_service(line, "services", name, catalogue, reference))
        elif slug not in slugs:
            slugs.append(slug)
    return tuple(sorted(slugs))


def unknown_service(
    line: int | None, column: str, name: str, catalogue: ServiceCatalogue, reference: str
) -> ImportIssue:
    return ImportIssue(
        line,
        column,
        _(
            "“%(name)s” is not a known service. Known services: %(slugs)s "
            "(an administrator adds services in the Django admin)."
        )
        % {"name": name, "slugs": ", ".join(sorted(catalogue.slugs))},
        reference,
    )


def parse_csv_file(data: bytes, catalogue: ServiceCatalogue) -> ParsedFile:
    """The registry's parser (``outages.formats``): the file's bytes."""
    return parse_text_file(data, catalogue, parse_csv, spreadsheet_fallback=True)
