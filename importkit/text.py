"""Uploaded bytes → text, the same way for every import.

UTF-8 with or without a byte-order mark; when the caller allows it (CSV files, which
spreadsheets write), Windows-1252, the encoding of Excel's "CSV" on Windows, when the
bytes are not UTF-8. A workbook, a PDF, an image, UTF-16 or bytes that neither encoding
reads are refused: ``NotText.kind`` says which, and each import phrases the message for
its own users (what they should export instead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BOM = b"\xef\xbb\xbf"

#: Excel on Windows still saves plain "CSV" in Windows-1252: the only other encoding a
#: text import reads, and only on request (CSV files).
SPREADSHEET_ENCODING = "cp1252"

# Signatures of files people pick by mistake instead of their text export.
_SIGNATURES = {
    b"PK\x03\x04": "workbook",  # .xlsx, .ods and .docx are zip archives
    b"\xd0\xcf\x11\xe0": "workbook",  # old .xls
    b"%PDF": "binary",
    b"\x89PNG": "binary",
    b"\xff\xd8\xff": "binary",
}
# Control characters other than tabs and line ends mean a binary file decoded by luck.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CHECKED_CHARS = 65536


class NotText(ValueError):
    """The bytes are not a text file we read. ``kind``: ``workbook`` (a zip or OLE
    spreadsheet), ``binary`` (PDF, image, NUL bytes, control characters), ``utf16``, or
    ``encoding`` (not UTF-8, nor Windows-1252 when allowed; ``line`` is the first bad one)."""

    def __init__(self, kind: str, line: int | None = None):
        super().__init__(kind)
        self.kind = kind
        self.line = line


@dataclass(frozen=True)
class Text:
    text: str
    encoding: str  # "utf-8" or SPREADSHEET_ENCODING

    @property
    def from_spreadsheet_encoding(self) -> bool:
        return self.encoding == SPREADSHEET_ENCODING


def file_kind(data: bytes) -> str | None:
    """``workbook`` or ``binary`` from the first bytes, ``None`` for anything else."""
    head = data[len(BOM) :] if data.startswith(BOM) else data
    for signature, kind in _SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


def decode(data: bytes, *, spreadsheet_fallback: bool = False) -> Text:
    """The bytes as text, or ``NotText`` (module docstring)."""
    kind = file_kind(data)
    if kind:
        raise NotText(kind)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotText("utf16")
    if b"\x00" in data:
        raise NotText("binary")
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        try:
            if not spreadsheet_fallback:
                raise
            text, encoding = data.decode(SPREADSHEET_ENCODING), SPREADSHEET_ENCODING
        except UnicodeDecodeError:
            raise NotText("encoding", data[: exc.start].count(b"\n") + 1) from exc
    if _CONTROL.search(text, 0, _CHECKED_CHARS):
        raise NotText("binary")
    return Text(text, encoding)
