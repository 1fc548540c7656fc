"""XLSX incident files: an Excel workbook with the CSV format's columns (README, "Imports").

The first sheet; its first non-empty row names the columns exactly as a CSV header does
(any order, the same aliases), and every later row is one incident read by the CSV
format's own row rules (``from_csv.incident_row``). A date and time is an Excel date
(openpyxl gives it to the millisecond; it is Brussels wall-clock time) or text in the
formats the CSV accepts; either way the toolkit's DST rule and whole-second cut apply. A
cell with a date format and no time part is refused as "no time of day", like the CSV.

Formulas are never evaluated: ``data_only`` reads the value the spreadsheet program saved
with the formula; a formula saved without one (a file written by a program that does not
calculate) reads as an empty cell.

Bounded before and while reading (README, "Hardening"): the zip's total uncompressed size
(IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES, so a small file that inflates to gigabytes, such as a
huge sharedStrings part, is refused before openpyxl opens it), the number of sheets
(IMPORT_MAX_XLSX_SHEETS), columns (IMPORT_MAX_COLUMNS), rows (IMPORT_MAX_OUTAGE_ROWS,
blank ones included) and each cell's length (IMPORT_MAX_LINE_CHARS).
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time

from django.conf import settings
from django.utils.translation import gettext as _

from importkit.csvread import LimitError, check_columns
from outages.importers.from_csv import check_header, column_name, incident_row
from outages.importers.limits import max_rows, too_many_rows
from outages.importers.rows import ImportIssue, ParsedFile, ServiceCatalogue


def parse_xlsx_file(data: bytes, catalogue: ServiceCatalogue) -> ParsedFile:
    """The registry's parser (``outages.formats``): the workbook's bytes."""
    parsed = ParsedFile()
    try:
        _check_archive(data)
        _read(data, catalogue, parsed)
    except LimitError as exc:
        # Beyond a bound: refused whole, no row of it kept.
        parsed.rows.clear()
        parsed.errors.append(ImportIssue(exc.line, "", exc.message))
    return parsed


def _not_a_workbook() -> LimitError:
    return LimitError(
        _(
            "This is not an Excel workbook (.xlsx). Save the spreadsheet as “Excel "
            "workbook (.xlsx)”, or as “CSV UTF-8” and choose the CSV format."
        )
    )


def _check_archive(data: bytes) -> None:
    """A zip whose parts, once inflated, stay under the bound: checked on the zip's own
    directory, before anything is decompressed."""
    if not data.startswith(b"PK\x03\x04"):
        raise _not_a_workbook()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise _not_a_workbook() from None
    limit = settings.IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES
    if sum(member.file_size for member in members) > limit:
        raise LimitError(
            _(
                "Once uncompressed, this workbook holds more than %(max)s MB: keep only the "
                "incidents in it, or split it into several files."
            )
            % {"max": limit // (1024 * 1024)}
        )
    if not any(member.filename == "xl/workbook.xml" for member in members):
        raise _not_a_workbook()


def _read(data: bytes, catalogue: ServiceCatalogue, parsed: ParsedFile) -> None:
    from openpyxl import load_workbook  # a second of import time, for this format only

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged or foreign zip
        raise _not_a_workbook() from None
    try:
        sheets = workbook.worksheets
        if len(sheets) > settings.IMPORT_MAX_XLSX_SHEETS:
            raise LimitError(
                _("The workbook has %(count)s sheets; it may have at most %(max)s.")
                % {"count": len(sheets), "max": settings.IMPORT_MAX_XLSX_SHEETS}
            )
        if not sheets:
            raise _not_a_workbook()
        _read_sheet(sheets[0], catalogue, parsed)
    finally:
        workbook.close()


def _read_sheet(sheet, catalogue: ServiceCatalogue, parsed: ParsedFile) -> None:
    columns: list[str] | None = None
    index: dict[str, int] = {}
    limit = max_rows()
    max_columns = settings.IMPORT_MAX_COLUMNS
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        if number > limit + 1:  # the header, then at most ``limit`` rows
            raise too_many_rows(number)
        if columns is None:
            values = [_text(cell, number) for cell in cells[: max_columns + 1]]
            if not any(values):
                continue
            while values and not values[-1]:
                values.pop()  # formatted but empty cells at the end of the header
            check_columns(len(values), number)
            columns = [column_name(value) for value in values]
            if not check_header(columns, parsed):
                return
            index = {name: position for position, name in enumerate(columns) if name}
            continue
        values = [_text(cell, number) for cell in cells[: len(columns)]]
        if not any(values):
            continue
        if any(_text(cell, number) for cell in cells[len(columns) : max_columns + 1]):
            parsed.errors.append(
                ImportIssue(
                    number,
                    "",
                    _("This row has values beyond the %(expected)s named columns.")
                    % {"expected": len(columns)},
                )
            )
            continue
        values += [""] * (len(columns) - len(values))
        row = incident_row(
            number, {name: values[position] for name, position in index.items()}, catalogue, parsed
        )
        if row is not None:
            parsed.rows.append(row)
    if columns is None:
        parsed.errors.append(ImportIssue(None, "", _("The file is empty.")))


def _text(cell, row: int) -> str:
    """A cell as the text a CSV would hold: dates in ISO 8601 (Brussels wall-clock time,
    read by the toolkit's rule), whole numbers without ``.0``."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, datetime):
        if not _has_time(getattr(cell, "number_format", "")):
            return value.date().isoformat()  # refused like a CSV date without time
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if len(text) > settings.IMPORT_MAX_LINE_CHARS:
        raise LimitError(
            _("A cell of row %(line)s is longer than %(max)s characters.")
            % {"line": row, "max": settings.IMPORT_MAX_LINE_CHARS},
            row,
        )
    return text


def _has_time(number_format: str) -> bool:
    """Whether an Excel number format shows a time of day (hours)."""
    return "h" in (number_format or "").lower()
