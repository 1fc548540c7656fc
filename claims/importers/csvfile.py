"""Reading an uploaded CSV the way Belgian spreadsheets write it.

The toolkit's reading (``importkit``): UTF-8 with or without a byte-order mark (a
Windows-1252 export is read too), ``,``, ``;`` or a tab as delimiter, detected on the
header line, and the bounds of README's "Hardening". A header row whose columns may come
in any order. Binary files (a spreadsheet saved as .xlsx, a PDF) are refused with a
message instead of a page of nonsense errors.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from importkit.csvread import (
    BoundedLines,
    LimitError,
    bounded_fields,
    check_columns,
    detect_delimiter,
    first_line,
)
from importkit.text import NotText, decode

#: The toolkit's error for a file beyond a bound; the engine reports it with its line.
ImportFileError = LimitError


@dataclass(frozen=True)
class CsvRow:
    line: int  # where the row starts in the file, 1 = the first line
    cells: dict[str, str]
    extra_cells: int  # cells beyond the header's columns


def _decode(data: bytes) -> str:
    try:
        return decode(data, spreadsheet_fallback=True).text
    except NotText as refused:
        if refused.kind == "encoding":
            raise ImportFileError(
                _(
                    "The file is neither UTF-8 nor Windows-1252 text (line %(line)s). In "
                    "your spreadsheet, use “Save as” and choose “CSV UTF-8”."
                )
                % {"line": refused.line},
                line=refused.line,
            ) from None
        raise ImportFileError(
            _(
                "This is not a CSV text file. In your spreadsheet, use “Save as” and "
                "choose CSV, then upload that file."
            )
        ) from None


def normalise_column(name: str) -> str:
    return name.strip().strip("\ufeff").lower().replace(" ", "_").replace("-", "_")


def too_large(size: int, limit: int) -> ImportFileError:
    return ImportFileError(
        _("The file is too large (%(size)s); the limit is %(limit)s.")
        % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
    )


def read_csv(
    data: bytes, *, max_bytes: int | None = None, max_rows: int | None = None
) -> tuple[list[str], list[CsvRow]]:
    """The header's column names (normalised) and every non-empty row as a dict.

    Bounded while reading (README, "Hardening"): the file's size, each line's length,
    the number of columns and of rows are checked before any row is built, so a hostile
    file is refused with a message instead of filling the worker's memory."""
    max_bytes = (
        min(settings.IMPORT_MAX_BYTES, settings.MAX_UPLOAD_BYTES)
        if max_bytes is None
        else max_bytes
    )
    max_rows = settings.IMPORT_MAX_ROWS if max_rows is None else max_rows
    max_chars = settings.IMPORT_MAX_LINE_CHARS
    if len(data) > max_bytes:
        raise too_large(len(data), max_bytes)
    text = _decode(data)
    lines = BoundedLines(text, max_chars)
    header_line = first_line(text, max_chars)
    if not header_line:
        raise ImportFileError(_("The file is empty."))
    reader = csv.reader(lines, delimiter=detect_delimiter(header_line))
    header: list[str] | None = None
    rows: list[CsvRow] = []
    previous_line = 0
    try:
        with bounded_fields(max_chars):
            for values in reader:
                line = previous_line + 1
                previous_line = lines.number
                if not any(value.strip() for value in values):
                    continue
                if header is None:
                    check_columns(len(values), line, hint=_("Keep only the columns of the import."))
                    header = [normalise_column(value) for value in values]
                    continue
                if len(rows) >= max_rows:
                    raise ImportFileError(
                        _(
                            "The file has more than %(max)s rows: split it into several "
                            "files (for example one per month)."
                        )
                        % {"max": max_rows},
                        line=line,
                    )
                cells = {
                    column: (values[i].strip() if i < len(values) else "")
                    for i, column in enumerate(header)
                }
                rows.append(CsvRow(line, cells, max(0, len(values) - len(header))))
    except csv.Error as error:
        raise ImportFileError(
            _("Line %(line)s cannot be read as CSV (%(error)s).")
            % {"line": previous_line + 1, "error": error},
            line=previous_line + 1,
        ) from error
    return header or [], rows
