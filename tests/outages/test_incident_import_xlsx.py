"""XLSX outage files (README, "Imports"): the CSV format's columns in a workbook, added as
one parser module and one registry entry."""

import csv
import re
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from outage_helpers import CSV_HEADER, WORKED_EXAMPLE_OUTAGES, run_import

from outages.models import ImportRecord, Incident
from tests.support.workbooks import xlsx_bytes

pytestmark = pytest.mark.django_db

UPLOAD = reverse("outages:import_upload")


def worked_example_rows(*, dates_as_excel: bool):
    """The worked example's CSV as workbook rows: the header, then each incident with
    its dates as Excel dates (Brussels wall-clock time) or as the CSV's text."""
    rows = list(csv.reader(StringIO(WORKED_EXAMPLE_OUTAGES.read_text())))
    header, body = rows[0], rows[1:]
    if dates_as_excel:
        for row in body:
            for position in (header.index("start"), header.index("end")):
                row[position] = datetime.fromisoformat(row[position])
    return [header, *body]


def figures():
    """What a reader sees: each incident's duration on its page, and the month's
    availability figures of the calendar."""
    from django.test import Client

    client = Client()
    client.cookies["django_language"] = "en"
    durations = {}
    for incident in Incident.objects.order_by("reference"):
        html = client.get(reverse("outages:incident", args=[incident.reference])).content.decode()
        durations[incident.reference] = re.search(r'id="incident-duration">([^<]*)<', html).group(1)
    calendar = client.get(reverse("outages:calendar"), {"month": "2024-01"}).content.decode()
    rows = re.findall(r'<tr id="figures-[^"]+".*?</tr>', calendar, re.DOTALL)
    stored = [
        (
            incident.reference,
            incident.start,
            incident.end,
            incident.impact,
            incident.status,
            incident.title,
            incident.source_url,
            tuple(sorted(incident.services.values_list("slug", flat=True))),
        )
        for incident in Incident.objects.order_by("reference")
    ]
    return durations, rows, stored


@pytest.mark.parametrize("dates_as_excel", [True, False])
def test_a_workbook_imports_the_same_incidents_as_the_equivalent_csv(dates_as_excel):
    report = run_import(WORKED_EXAMPLE_OUTAGES.read_bytes(), name="outages.csv")
    assert report.ok, report.errors
    from_csv = figures()
    assert len(from_csv[0]) == 4 and from_csv[1]
    Incident.objects.all().delete()

    data = xlsx_bytes(worked_example_rows(dates_as_excel=dates_as_excel))
    report = run_import(data, name="outages.xlsx")
    assert report.ok, report.errors
    assert (report.created, report.format) == (4, "xlsx")
    assert figures() == from_csv


def test_excel_dates_follow_the_dst_rule_and_are_cut_to_the_second():
    data = xlsx_bytes(
        [
            ["reference", "services", "start", "end", "impact"],
            ["X-1", "recip-e", datetime(2024, 1, 15, 8, 5, 30, 900000), None, "major_outage"],
            ["X-2", "recip-e", datetime(2024, 10, 27, 2, 30), None, "major_outage"],
            ["X-3", "recip-e", "27/10/2024 02:30", None, "major_outage"],
        ]
    )
    report = run_import(data, name="dst.xlsx", dry_run=True)
    messages = {issue.line: issue.message for issue in report.errors}
    # The repeated October hour is refused the same way, as an Excel date or as text.
    assert set(messages) == {3, 4}
    assert messages[3] == messages[4]
    assert "happens twice in Brussels" in messages[3]
    assert "2024-10-27T02:30+01:00" in messages[3]

    cut = xlsx_bytes(
        [
            ["reference", "services", "start", "end", "impact"],
            ["X-1", "recip-e", datetime(2024, 1, 15, 8, 5, 30, 900000), None, "major_outage"],
        ]
    )
    report = run_import(cut, name="cut.xlsx")
    assert report.ok, report.errors
    assert Incident.objects.get().start == datetime(2024, 1, 15, 7, 5, 30, tzinfo=UTC)


def test_a_date_without_time_and_a_formula_are_not_guessed():
    data = xlsx_bytes(
        [
            ["reference", "services", "start", "end", "impact"],
            ["X-1", "recip-e", datetime(2024, 1, 15), None, "major_outage"],
            ['="X-"&2', "recip-e", "2024-01-15T08:00", None, "major_outage"],
        ],
        formats={"C2": "dd/mm/yyyy"},
    )
    report = run_import(data, name="dates.xlsx", dry_run=True)
    messages = {(issue.line, issue.column): issue.message for issue in report.errors}
    assert "no time of day" in messages[(2, "start")]
    # openpyxl saves no computed value with the formula: it reads as an empty cell.
    assert messages[(3, "reference")] == "The reference is empty."


def test_the_admin_import_page_offers_xlsx_and_imports_it(admin_client):
    admin_client.cookies["django_language"] = "en"
    html = admin_client.get(UPLOAD).content.decode()
    assert '<option value="xlsx">Excel workbook (XLSX)</option>' in html
    assert re.search(r'accept="[^"]*\.xlsx', html)
    assert 'data-format="xlsx"' in html

    data = xlsx_bytes(worked_example_rows(dates_as_excel=True))
    upload = SimpleUploadedFile("outages.xlsx", data)
    response = admin_client.post(UPLOAD, {"file": upload, "format": ""})
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    assert "Confirm the import (4 new, 0 changed)" in page
    token = response["Location"].rstrip("/").split("/")[-1]
    admin_client.post(reverse("outages:import_confirm", args=[token]))
    assert Incident.objects.count() == 4
    assert ImportRecord.objects.get().format == "xlsx"


def test_import_outages_accepts_a_workbook(tmp_path):
    path = tmp_path / "outages.xlsx"
    path.write_bytes(xlsx_bytes(worked_example_rows(dates_as_excel=True)))
    out = StringIO()
    call_command("import_outages", str(path), stdout=out, stderr=StringIO())
    assert out.getvalue() == "created 4, updated 0, unchanged 0\n"
    renamed = tmp_path / "outages.bin"
    path.rename(renamed)
    out = StringIO()
    call_command("import_outages", str(renamed), "--format", "xlsx", stdout=out, stderr=StringIO())
    assert out.getvalue() == "created 0, updated 0, unchanged 4\n"


def test_the_csv_header_row_and_extra_columns_read_alike():
    data = xlsx_bytes(
        [
            [],
            [*CSV_HEADER.strip().split(","), "note"],
            [
                "X-1",
                "Recip-E; mycarenet",
                "2024-01-15 08:05",
                "15/01/2024 09:05",
                "major_outage",
                "",
                "Title",
                "",
                "ignored",
            ],
        ]
    )
    report = run_import(data, name="x.xlsx", dry_run=True)
    assert report.ok, report.errors
    assert [warning.message for warning in report.warnings] == ["The column “note” is ignored."]
    (row,) = report.rows
    assert row.line == 3
