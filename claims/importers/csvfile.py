"""Reading an uploaded CSV the way Belgian spreadsheets write it.

UTF-8 with or without a byte-order mark (a Windows-1252 export is read too), a header
row whose columns may come in any order, and ``,`` or ``;`` as delimiter, detected on
the header line. Binary files (a spreadsheet saved as .xlsx, a PDF) are refused with a
message instead of a page of nonsense errors.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

_BOM = b"\xef\xbb\xbf"
# Signatures of files people pick by mistake instead of their CSV export.
_BINARY_SIGNATURES = (b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says what to do."""

    def __init__(self, message, line: int | None = None):
        super().__init__(str(message))
        self.message = message
        self.line = line


@dataclass(frozen=True)
class CsvRow:
    line: int  # where the row starts in the file, 1 = the first line
    cells: dict[str, str]
    extra_cells: int  # cells beyond the header's columns


def _decode(data: bytes) -> str:
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    if any(data.startswith(signature) for signature in _BINARY_SIGNATURES) or b"\x00" in data:
        raise ImportFileError(
            _(
                "This is not a CSV text file. In your spreadsheet, use “Save as” and "
                "choose CSV, then upload that file."
            )
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Windows still writes "CSV" in Windows-1252: accept it rather than
        # make a doctor learn about encodings.
        return data.decode("cp1252", errors="replace")


def _delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def normalise_column(name: str) -> str:
    return name.strip().strip("\ufeff").lower().replace(" ", "_").replace("-", "_")


class _BoundedLines:
    """The text's physical lines, refusing one longer than ``max_chars`` before the csv
    module splits it into cells (a 128 KiB header would otherwise become 100,000 cells)."""

    def __init__(self, text: str, max_chars: int):
        self._lines = io.StringIO(text, newline="")
        self.max_chars = max_chars
        self.number = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        # readline with a size reads at most that many characters: a huge line is never
        # held whole a second time.
        line = self._lines.readline(self.max_chars + 3)
        if not line:
            raise StopIteration
        self.number += 1
        if len(line.rstrip("\r\n")) > self.max_chars:
            raise ImportFileError(
                _("Line %(line)s is longer than %(max)s characters: this is not a file of rows.")
                % {"line": self.number, "max": self.max_chars},
                line=self.number,
            )
        return line


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
    max_columns = settings.IMPORT_MAX_COLUMNS
    max_chars = settings.IMPORT_MAX_LINE_CHARS
    if len(data) > max_bytes:
        raise too_large(len(data), max_bytes)
    text = _decode(data)
    lines = _BoundedLines(text, max_chars)
    header_line = ""
    for candidate in io.StringIO(text, newline=""):
        if candidate.strip():
            header_line = candidate[: max_chars + 1]
            break
    if not header_line:
        raise ImportFileError(_("The file is empty."))
    delimiter = _delimiter(header_line)
    reader = csv.reader(lines, delimiter=delimiter)
    header: list[str] | None = None
    rows: list[CsvRow] = []
    previous_line = 0
    limit = csv.field_size_limit()
    csv.field_size_limit(max_chars)
    try:
        for values in reader:
            line = previous_line + 1
            previous_line = lines.number
            if not any(value.strip() for value in values):
                continue
            if header is None:
                if len(values) > max_columns:
                    raise ImportFileError(
                        _(
                            "The header has %(count)s columns; a file may have at most "
                            "%(max)s. Keep only the columns of the import."
                        )
                        % {"count": len(values), "max": max_columns},
                        line=line,
                    )
                header = [normalise_column(value) for value in values]
                continue
            if len(rows) >= max_rows:
                raise ImportFileError(
                    _(
                        "The file has more than %(max)s rows: split it into several files "
                        "(for example one per month)."
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
    finally:
        csv.field_size_limit(limit)
    return header or [], rows
