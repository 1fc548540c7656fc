"""Claim exports for the legal team: CSV and XLSX with the columns of interfaces.md.

One row per claim, streamed: rows are read from the database in chunks (a server-side
cursor on PostgreSQL), the two money figures that only the snapshot holds are extracted
by the database (JSON key lookups), never by loading snapshots into Python. Memory stays
flat whatever the number of claims.

Values are machine-friendly: dates in ISO 8601, money with a point and two decimals (as in
``claim_summary``), the RIZIV number as its eleven digits, the status as its code.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import IO

from django.db.models import QuerySet, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Concat

from claims.models import Claim

EXPORT_COLUMNS = [
    "claim_id",
    "doctor",
    "riziv",
    "from",
    "to",
    "status",
    "lost_minutes",
    "time_value",
    "revenue_loss",
    "total",
    "methodology",
]

CHUNK = 2000

# A cell a spreadsheet would read as a formula (OWASP, "CSV Injection"): a doctor's name
# such as ``=HYPERLINK(...)`` must reach the legal team as text, never as a live formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Text a spreadsheet shows as written: a leading apostrophe before a formula start."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def export_rows(claims: QuerySet[Claim]) -> Iterator[tuple]:
    """(claim_id, doctor, riziv, from, to, status, lost_minutes, time_value, revenue_loss,
    total, methodology) per claim, in claim id order; money as Decimal."""
    rows = (
        claims.order_by("pk")
        .annotate(
            doctor_name=Concat("doctor__user__first_name", Value(" "), "doctor__user__last_name"),
            time_value=KT("snapshot__figures__summary__time_value"),
            revenue_loss=KT("snapshot__figures__summary__revenue_loss"),
        )
        .values_list(
            "pk",
            "doctor_name",
            "doctor__riziv",
            "period_start",
            "period_end",
            "status",
            "lost_minutes",
            "time_value",
            "revenue_loss",
            "total",
            "methodology__version",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        pk, name, riziv, first, last, status, minutes, time_value, loss, total, version = row
        yield (
            pk,
            name.strip(),
            riziv,
            first,
            last,
            status,
            minutes,
            _decimal(time_value),
            _decimal(loss),
            total,
            version,
        )


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal("0.01")), "f")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value)) if isinstance(value, str) else str(value)


# Frozen batches: each claim's row is stored on its membership when the batch is frozen
# (``BatchClaim.export_row``), so that the batch exports the same content every day even
# after a doctor renames themselves or a claim is decided again.
_DATE_COLUMNS = (3, 4)
_DECIMAL_COLUMNS = (7, 8, 9)


def row_to_json(row: tuple) -> list:
    return [_text(value) if isinstance(value, (Decimal, date)) else value for value in row]


def row_from_json(values: list) -> tuple:
    row = list(values)
    for index in _DATE_COLUMNS:
        row[index] = date.fromisoformat(row[index]) if row[index] else None
    for index in _DECIMAL_COLUMNS:
        row[index] = _decimal(row[index])
    return tuple(row)


def rows_of(source) -> Iterator[tuple]:
    """The rows of a queryset of claims, or ``source`` itself when it is already rows."""
    return export_rows(source) if isinstance(source, QuerySet) else iter(source)


class _Echo:
    """A file-like object whose ``write`` hands back the line: what ``csv.writer`` needs
    to produce lines for a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(claims) -> Iterator[str]:
    """``claims``: a queryset of claims, or export rows (a frozen batch's)."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(EXPORT_COLUMNS)
    for row in rows_of(claims):
        yield writer.writerow([_text(value) for value in row])


def xlsx_write(claims, target: IO[bytes] | str, *, title: str = "claims") -> None:
    """The same rows in a workbook written in openpyxl's write-only mode (rows go to disk
    as they come). Numbers stay numbers and dates stay dates, so spreadsheets can sum and
    sort them; the RIZIV number is text, it is an identifier."""
    # Imported here: openpyxl takes 0.14 s to import, and only this export needs it.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "claims")
    bold = Font(bold=True)
    header = []
    for name in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    money = "0.00"
    for row in rows_of(claims):
        cells = []
        for index, value in enumerate(row):
            cell = WriteOnlyCell(
                sheet, value=neutralise(value) if isinstance(value, str) else value
            )
            if isinstance(value, str):
                # openpyxl turns a string starting with "=" into a formula: never.
                cell.data_type = "s"
            if isinstance(value, Decimal):
                cell.number_format = money
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            elif index == 2:
                cell.number_format = "@"
            cells.append(cell)
        sheet.append(cells)
    workbook.save(target)
