"""XLSX files built in memory with openpyxl, as a spreadsheet program would save them."""

import io
import zipfile

from openpyxl import Workbook


def xlsx_bytes(rows, *, sheets: int = 1, formats: dict[str, str] | None = None) -> bytes:
    """A workbook whose first sheet holds ``rows`` (lists of cell values); ``formats``
    gives cells (``"C2"``) a number format; ``sheets`` adds empty sheets after the first."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    for number in range(1, sheets):
        workbook.create_sheet(f"Sheet {number + 1}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_part(data: bytes, name: str, content: bytes) -> bytes:
    """``data`` (a zip) with the part ``name`` replaced or added, compressed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info.filename))
        target.writestr(name, content)
    return buffer.getvalue()
