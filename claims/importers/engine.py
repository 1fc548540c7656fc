"""The import engine shared by doctors, slots and consultations.

An importer says how to read one row into a record, which key identifies it (the
upsert key), how to find the stored objects for those keys in one query, how to compare
and how to write. The engine does the rest the same way for all three: line-numbered
errors, a key twice in one file, the new / changed / unchanged / error fate of every
row, and an all-or-nothing write in one transaction.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.importers.csvfile import CsvRow, ImportFileError, read_csv

WRITTEN_MEANWHILE = gettext_lazy(
    "Nothing was imported: the same rows were written by another import at the same time "
    "(the file confirmed twice?). Check the list, then upload the file again if needed."
)


class RowStatus:
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    ERROR = "error"

    LABELS = {
        NEW: gettext_lazy("new"),
        CHANGED: gettext_lazy("changed"),
        UNCHANGED: gettext_lazy("unchanged"),
        ERROR: gettext_lazy("error"),
    }


@dataclass(frozen=True)
class RowError:
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        if self.column:
            return _("line %(line)s, column %(column)s: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class PreviewRow:
    line: int
    cells: dict[str, str]
    status: str = RowStatus.NEW
    errors: list[RowError] = field(default_factory=list)
    # Accepted, but worth a look before confirming (e.g. a code the nomenclature lacks).
    warnings: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    record: Any = None
    existing: Any = None

    @property
    def status_label(self) -> str:
        return str(RowStatus.LABELS[self.status])


class RowProblems(Exception):
    """Raised by ``Importer.parse`` with every (column, message) of a bad row."""

    def __init__(self, problems: list[tuple[str | None, str]]):
        super().__init__(problems)
        self.problems = problems


class Importer:
    """One kind of import. Subclasses fill in the hooks."""

    required_columns: tuple[str, ...] = ()
    optional_columns: tuple[str, ...] = ()

    def column_name(self, header: str) -> str:
        """The importer's name for a header cell (a translated header, for instance)."""
        return header

    def prepare(self, rows: list[CsvRow]) -> None:
        """Load what parsing needs (known services, fees…) once, before the rows."""

    def parse(self, cells: dict[str, str]) -> Any:
        """The record of one row; raises RowProblems."""
        raise NotImplementedError

    def key(self, record: Any) -> Hashable:
        raise NotImplementedError

    def key_label(self, record: Any) -> str:
        return str(self.key(record))

    def load_existing(self, records: list[Any]) -> dict[Hashable, Any]:
        """Stored objects for the records' keys, in a constant number of queries."""
        raise NotImplementedError

    def changes(self, record: Any, existing: Any) -> list[str]:
        """Names of the fields that would change; empty when unchanged."""
        raise NotImplementedError

    def warn(self, record: Any) -> list[str]:
        """What to point out about a valid row without refusing it."""
        return []

    def refuse(self, record: Any, status: str, existing: Any) -> list[tuple[str | None, str]]:
        """Problems that depend on the row's fate (a locked period refuses a write)."""
        return []

    def create(self, records: list[Any]) -> None:
        raise NotImplementedError

    def update(self, pairs: list[tuple[Any, Any]]) -> None:
        raise NotImplementedError


@dataclass
class ImportPreview:
    importer: Importer
    columns: list[str]
    rows: list[PreviewRow] = field(default_factory=list)
    file_errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def errors(self) -> list[RowError]:
        return self.file_errors + [error for row in self.rows for error in row.errors]

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def shown_rows(self) -> list[PreviewRow]:
        """The rows the preview page shows: at most IMPORT_PREVIEW_ROWS, rows with errors
        first (the doctor has to fix those), then in file order."""
        limit = settings.IMPORT_PREVIEW_ROWS
        errors = [row for row in self.rows if row.status == RowStatus.ERROR][:limit]
        others = [row for row in self.rows if row.status != RowStatus.ERROR]
        return sorted(errors + others[: limit - len(errors)], key=lambda row: row.line)

    @property
    def hidden_rows(self) -> int:
        return max(0, len(self.rows) - settings.IMPORT_PREVIEW_ROWS)

    @property
    def warning_rows(self) -> int:
        return sum(1 for row in self.rows if row.warnings and row.status != RowStatus.ERROR)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def created(self) -> int:
        return self.count(RowStatus.NEW)

    @property
    def updated(self) -> int:
        return self.count(RowStatus.CHANGED)

    @property
    def unchanged(self) -> int:
        return self.count(RowStatus.UNCHANGED)

    @property
    def error_rows(self) -> int:
        return self.count(RowStatus.ERROR)

    def summary(self) -> str:
        """The line the commands print (interfaces.md): ``created N, updated N, unchanged N``."""
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"

    def apply(self) -> ImportPreview:
        """Write every new and changed row, or nothing when any row is wrong."""
        if not self.is_valid:
            raise ValueError("an import with errors writes nothing")
        try:
            with transaction.atomic():
                new = [row.record for row in self.rows if row.status == RowStatus.NEW]
                changed = [
                    (row.record, row.existing)
                    for row in self.rows
                    if row.status == RowStatus.CHANGED
                ]
                if new:
                    self.importer.create(new)
                if changed:
                    self.importer.update(changed)
        except IntegrityError:
            # The same file confirmed twice at once (two tabs, a double click): the other
            # confirmation wrote these rows after this preview was read.
            raise ValidationError(WRITTEN_MEANWHILE) from None
        self.applied = True
        return self


def preview(
    importer: Importer, data: bytes, *, max_bytes: int | None = None, max_rows: int | None = None
) -> ImportPreview:
    """Read ``data`` and tell each row's fate, writing nothing."""
    columns = list(importer.required_columns + importer.optional_columns)
    result = ImportPreview(importer=importer, columns=columns)
    try:
        header, csv_rows = read_csv(data, max_bytes=max_bytes, max_rows=max_rows)
    except ImportFileError as error:
        result.file_errors.append(RowError(error.line, None, str(error.message)))
        return result
    renamed = {column: importer.column_name(column) for column in header}
    if any(name != column for column, name in renamed.items()):
        header = [renamed[column] for column in header]
        csv_rows = [
            CsvRow(row.line, {renamed.get(k, k): v for k, v in row.cells.items()}, row.extra_cells)
            for row in csv_rows
        ]
    missing = [column for column in importer.required_columns if column not in header]
    if missing:
        result.file_errors.append(
            RowError(
                1,
                None,
                _("The header row lacks the column(s) %(missing)s; it must name %(required)s.")
                % {
                    "missing": ", ".join(missing),
                    "required": ", ".join(importer.required_columns),
                },
            )
        )
        return result
    if not csv_rows:
        result.file_errors.append(RowError(None, None, _("The file has no rows under its header.")))
        return result

    importer.prepare(csv_rows)
    first_line_of_key: dict[Hashable, int] = {}
    for csv_row in csv_rows:
        row = PreviewRow(line=csv_row.line, cells=csv_row.cells)
        result.rows.append(row)
        problems: list[tuple[str | None, str]] = []
        if csv_row.extra_cells:
            problems.append((None, _("This row has more cells than the header has columns.")))
        try:
            row.record = importer.parse(csv_row.cells)
        except RowProblems as error:
            problems.extend(error.problems)
        if row.record is not None and not problems:
            key = importer.key(row.record)
            if key in first_line_of_key:
                problems.append(
                    (
                        None,
                        _("%(key)s appears twice in the file (first on line %(line)s).")
                        % {"key": importer.key_label(row.record), "line": first_line_of_key[key]},
                    )
                )
            else:
                first_line_of_key[key] = row.line
        if problems:
            row.status = RowStatus.ERROR
            row.errors = [RowError(row.line, column, message) for column, message in problems]
        else:
            row.warnings = importer.warn(row.record)

    valid = [row for row in result.rows if row.status != RowStatus.ERROR]
    existing = importer.load_existing([row.record for row in valid])
    for row in valid:
        stored = existing.get(importer.key(row.record))
        if stored is None:
            row.status = RowStatus.NEW
        else:
            row.existing = stored
            row.changes = importer.changes(row.record, stored)
            row.status = RowStatus.CHANGED if row.changes else RowStatus.UNCHANGED
        refused = importer.refuse(row.record, row.status, stored)
        if refused:
            row.status = RowStatus.ERROR
            row.errors = [RowError(row.line, column, message) for column, message in refused]
    return result
