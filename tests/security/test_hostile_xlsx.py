"""Hostile XLSX outage files (README, "Imports" and "Hardening"): refused whole, with a
message in the administrator's language, before anything is written."""

import pytest
from django.utils import translation

from outages.models import Incident
from outages.services.imports import incidents_import
from tests.support.workbooks import with_part, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["reference", "services", "start", "end", "impact"]


def row(number):
    return [f"X-{number}", "recip-e", "2024-01-15T08:00", "2024-01-15T09:00", "major_outage"]


def refused(data: bytes, language: str) -> str:
    """The one error of a real (not dry-run) import of ``data``, in ``language``."""
    with translation.override(language):
        report = incidents_import(data=data, file_name="hostile.xlsx", user=None)
    assert not report.ok
    assert Incident.objects.count() == 0
    (error,) = report.errors
    return error.message


def test_too_many_rows(settings):
    settings.IMPORT_MAX_OUTAGE_ROWS = 3
    data = xlsx_bytes([HEADER, *(row(number) for number in range(5))])
    assert "more than 3 incidents" in refused(data, "en")
    assert "plus de 3 incidents" in refused(data, "fr")


def test_a_huge_cell():
    data = xlsx_bytes([[*HEADER, "title"], [*row(1), "x" * 20_000]])
    assert "longer than 10000 characters" in refused(data, "en")
    assert "plus de 10000 caractères" in refused(data, "fr")


def test_not_a_zip():
    data = b"reference,services\n" * 10
    assert "not an Excel workbook" in refused(data, "en")
    assert "n’est pas un classeur Excel" in refused(data, "fr")
    # A zip without a workbook in it (a .docx renamed, a damaged file) reads the same.
    broken = b"PK\x03\x04" + b"\x00" * 200
    assert "not an Excel workbook" in refused(broken, "en")


def test_a_small_file_that_inflates_to_a_huge_shared_strings_part():
    huge = b"<sst><si><t>" + b"A" * (60 * 1024 * 1024) + b"</t></si></sst>"
    data = with_part(xlsx_bytes([HEADER, row(1)]), "xl/sharedStrings.xml", huge)
    assert len(data) < 200_000  # a small upload
    assert "more than 50 MB" in refused(data, "en")
    assert "plus de 50 Mo" in refused(data, "fr")


def test_too_many_sheets(settings):
    data = xlsx_bytes([HEADER, row(1)], sheets=settings.IMPORT_MAX_XLSX_SHEETS + 1)
    assert "21 sheets" in refused(data, "en")
