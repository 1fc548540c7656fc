"""Issue 11, points 1 and 5: an administrator's outage file is read in linear time with
explicit bounds; a hostile one gets a clear message (never a 500), and a big file is
previewed in the background."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from outages.importers import parse_incident_file
from outages.models import Incident, PendingImport
from outages.services.imports import service_catalogue

pytestmark = pytest.mark.django_db

UPLOAD = reverse("outages:import_upload")


@pytest.fixture
def admin_en(admin_client):
    admin_client.cookies["django_language"] = "en"
    return admin_client


def preview_page(client, data: bytes, name: str):
    response = client.post(UPLOAD, {"file": SimpleUploadedFile(name, data), "format": ""})
    assert response.status_code == 302, response.status_code
    page = client.get(response.url)
    assert page.status_code == 200
    return page.content.decode()


def test_deeply_nested_json_is_refused_with_a_message(admin_en):
    text = preview_page(admin_en, b"[" * 100_000 + b"]" * 100_000, "incidents.json")
    assert "nested more than 64 levels" in text
    assert not Incident.objects.exists()


def test_a_csv_header_over_128_kib_is_refused_with_a_message(admin_en):
    header = "reference,services,start,end,impact," + "x" * 128 * 1024 + "\n"
    text = preview_page(admin_en, header.encode(), "incidents.csv")
    assert "is longer than 10000 characters" in text


def test_a_csv_of_100000_columns_is_refused(admin_en, settings):
    settings.IMPORT_MAX_LINE_CHARS = 10**7
    header = "reference,services,start,end,impact," + ",".join(f"c{n}" for n in range(100_000))
    text = preview_page(admin_en, (header + "\n").encode(), "incidents.csv")
    assert "at most 50" in text


def test_a_quoted_csv_field_over_the_limit_is_a_message_not_a_500(admin_en, settings):
    settings.IMPORT_MAX_LINE_CHARS = 1000
    long_field = "\n".join("y" * 900 for _ in range(3))
    data = f'reference,services,start,end,impact,title\nA,recip-e,,,,"{long_field}"\n'.encode()
    text = preview_page(admin_en, data, "incidents.csv")
    assert "Unreadable line" in text


def test_an_ics_with_too_many_events_is_refused_before_parsing(admin_en):
    event = "BEGIN:VEVENT\r\nUID:E{n}\r\nDTSTART:20240115T080000Z\r\nEND:VEVENT\r\n"
    body = "".join(event.format(n=n) for n in range(20_000))
    data = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{body}END:VCALENDAR\r\n".encode()
    text = preview_page(admin_en, data, "incidents.ics")
    assert "holds 20000 events; the limit is 5000" in text


def test_statuspage_lines_are_found_for_every_incident():
    incidents = [
        {
            "id": f"inc-{n}",
            "name": "Recip-e down",
            "created_at": "2024-01-15T08:00:00Z",
            "resolved_at": "2024-01-15T09:00:00Z",
            "impact": "bogus" if n == 9_999 else "major",
            "components": [{"name": "Recip-e"}],
        }
        for n in range(10_000)
    ]
    text = json.dumps({"incidents": incidents}, indent=1)
    catalogue, _ids = service_catalogue()
    parsed = parse_incident_file(text.encode(), "statuspage", catalogue)
    assert len(parsed.rows) == 9_999
    [error] = parsed.errors
    lines = text.splitlines()
    expected = next(n for n, line in enumerate(lines, 1) if '"id": "inc-9999"' in line)
    assert error.line == expected


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_big_file_is_previewed_in_the_background_with_progress(admin_en, settings):
    settings.IMPORT_BACKGROUND_PREVIEW_BYTES = 1024
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    rows = "".join(
        f"EH-{n},recip-e,2024-01-15T08:{n % 60:02d}Z,2024-01-15T09:00Z,major_outage\n"
        for n in range(200)
    )
    data = ("reference,services,start,end,impact\n" + rows).encode()
    response = admin_en.post(UPLOAD, {"file": SimpleUploadedFile("big.csv", data), "format": ""})
    page = admin_en.get(response.url).content.decode()
    assert "Preview in progress" in page
    assert "You may leave this page" in page
    assert PendingImport.objects.get().state == PendingImport.State.PREVIEWING

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    pending = PendingImport.objects.get()
    assert pending.state == PendingImport.State.PREVIEWED, (pending.state, pending.message)
    page = admin_en.get(response.url).content.decode()
    assert "Preview in progress" not in page
    assert "<strong>200</strong> new" in page
    assert not Incident.objects.exists()  # a preview writes nothing
