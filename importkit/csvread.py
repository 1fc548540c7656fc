"""Bounded CSV reading (README, "Hardening"), the same for every CSV import.

``BoundedLines`` hands the csv module the physical lines of a text, refusing one longer
than IMPORT_MAX_LINE_CHARS before it is split into cells (a 128 KiB header would otherwise
become 100,000 cells); ``bounded_fields`` lowers the csv module's field limit to the same
length while a file is read; ``check_columns`` refuses a header wider than
IMPORT_MAX_COLUMNS; ``detect_delimiter`` picks ``,``, ``;`` or a tab on the header line.
A file beyond a bound raises ``LimitError`` and is refused whole.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils.translation import gettext as _


class LimitError(Exception):
    """A file beyond one of the bounds: ``message`` says which, ``line`` where (or None)."""

    def __init__(self, message, line: int | None = None):
        super().__init__(str(message))
        self.message = message
        self.line = line


class BoundedLines:
    """The physical lines of ``text`` for the csv module; ``number`` is the last line read."""

    def __init__(self, text: str, max_chars: int | None = None):
        self._lines = io.StringIO(text, newline="")
        self.max_chars = settings.IMPORT_MAX_LINE_CHARS if max_chars is None else max_chars
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
            raise LimitError(
                _("Line %(line)s is longer than %(max)s characters: this is not a file of rows.")
                % {"line": self.number, "max": self.max_chars},
                self.number,
            )
        return line


@contextmanager
def bounded_fields(max_chars: int | None = None) -> Iterator[None]:
    """A field is no longer than a line may be (the csv module's own limit is 128 KiB)."""
    previous = csv.field_size_limit()
    csv.field_size_limit(settings.IMPORT_MAX_LINE_CHARS if max_chars is None else max_chars)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def check_columns(count: int, line: int | None = 1, *, hint: str = "") -> None:
    """Refuse a header of more than IMPORT_MAX_COLUMNS columns (``hint`` ends the message)."""
    if count > settings.IMPORT_MAX_COLUMNS:
        message = _("The header has %(count)s columns; a file may have at most %(max)s.") % {
            "count": count,
            "max": settings.IMPORT_MAX_COLUMNS,
        }
        raise LimitError(f"{message} {hint}".strip(), line)


def first_line(text: str, max_chars: int | None = None) -> str:
    """The first non-blank physical line (cut after the line limit), or ""."""
    max_chars = settings.IMPORT_MAX_LINE_CHARS if max_chars is None else max_chars
    for candidate in io.StringIO(text, newline=""):
        if candidate.strip():
            return candidate[: max_chars + 1]
    return ""


def detect_delimiter(
    header_line: str,
    *,
    candidates: tuple[str, ...] = (",", ";", "\t"),
    known: Collection[str] = (),
    column_name: Callable[[str], str] = str,
) -> str:
    """The candidate that splits the header into the most ``known`` column names (as
    ``column_name`` spells them), then into the most cells; the first one on a tie."""

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([header_line], delimiter=delimiter), [])
        names = [column_name(cell) for cell in cells]
        return sum(name in known for name in names), len(names)

    return max(candidates, key=score)
