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


def read_csv(data: bytes, *, max_bytes: int | None = None) -> tuple[list[str], list[CsvRow]]:
    """The header's column names (normalised) and every non-empty row as a dict."""
    max_bytes = settings.MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    if len(data) > max_bytes:
        raise ImportFileError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(max_bytes)}
        )
    text = _decode(data)
    lines = text.splitlines()
    header_index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_index is None:
        raise ImportFileError(_("The file is empty."))
    delimiter = _delimiter(lines[header_index])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[CsvRow] = []
    previous_line = 0
    try:
        for values in reader:
            line = previous_line + 1
            previous_line = reader.line_num
            if not any(value.strip() for value in values):
                continue
            if header is None:
                header = [normalise_column(value) for value in values]
                continue
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
