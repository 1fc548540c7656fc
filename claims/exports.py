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
    return str(value)


class _Echo:
    """A file-like object whose ``write`` hands back the line: what ``csv.writer`` needs
    to produce lines for a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(claims: QuerySet[Claim]) -> Iterator[str]:
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(EXPORT_COLUMNS)
    for row in export_rows(claims):
        yield writer.writerow([_text(value) for value in row])


def xlsx_write(claims: QuerySet[Claim], target: IO[bytes] | str, *, title: str = "claims") -> None:
    """The same rows in a workbook written in openpyxl's write-only mode (rows go to disk
    as they come). Numbers stay numbers and dates stay dates, so spreadsheets can sum and
    sort them; the RIZIV number is text, it is an identifier."""
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
    for row in export_rows(claims):
        cells = []
        for index, value in enumerate(row):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, Decimal):
                cell.number_format = money
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            elif index == 2:
                cell.number_format = "@"
            cells.append(cell)
        sheet.append(cells)
    workbook.save(target)
