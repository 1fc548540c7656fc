"""``/outages/sla/?year=2024`` after ``seed_demo``: MyCarenet's January breach, CSV, PDF/A."""

import csv
import hashlib
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from outages.demo import seed_calendar

# No test here reads a dossier: submitted claims leave theirs queued (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.dossier_queued]
PDFAID = "http://www.aiim.org/pdfa/ns/id/"


def outage_stats(service: str, month: str) -> dict:
    out = StringIO()
    call_command("outage_stats", "--service", service, "--month", month, stdout=out)
    return json.loads(out.getvalue())


def test_seed_demo_shows_mycarenets_january_breach(client):
    call_command("seed_demo", stdout=StringIO())
    client.cookies["django_language"] = "en"
    response = client.get("/outages/sla/?year=2024")
    page = response.content.decode()
    assert response.status_code == 200
    row = page[page.index('data-service="mycarenet" data-month="2024-01"') :]
    row = row[: row.index("</tr>")]
    assert "table-danger" in row and "Breach" in row
    # 685 minutes down against 1 % of January's 44,640 minutes allowed (446.4).
    assert "98.466 %" in row and "3 h 59 min beyond the target" in row
    february = page[page.index('data-month="2024-02"', page.index('data-service="mycarenet"')) :]
    assert "Met" in february[: february.index("</tr>")]
    # Recip-e publishes no target: no breach is claimed.
    recipe = page[page.index('data-service="recip-e" data-month="2024-01"') :]
    assert "not published" in recipe[: recipe.index("</tr>")]


def test_the_csv_figures_equal_outage_stats(client):
    seed_calendar()
    response = client.get("/outages/sla.csv?year=2024")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 12 * 10
    for service in ("recip-e", "mycarenet"):
        for month in ("2024-01", "2024-02"):
            row = next(r for r in rows if r["service"] == service and r["month"] == month)
            stats = outage_stats(service, month)
            assert int(row["downtime_minutes"]) == stats["downtime_minutes"]
            assert row["availability"] == stats["availability"]
            assert (
                int(row["business_hours_downtime_minutes"])
                == stats["business_hours_downtime_minutes"]
            )
            assert row["business_hours_availability"] == stats["business_hours_availability"]
    january = next(r for r in rows if r["service"] == "mycarenet" and r["month"] == "2024-01")
    assert (january["breached"], january["breach_minutes"]) == ("yes", "239")
    assert next(r for r in rows if r["service"] == "recip-e")["downtime_minutes"] == "847"


def test_the_pdf_is_pdf_a_and_states_method_state_and_hash(client):
    seed_calendar()
    client.cookies["django_language"] = "en"
    response = client.get("/outages/sla.pdf?year=2024")
    pdf = response.content
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-SHA256"] == hashlib.sha256(pdf).hexdigest()
    reader = PdfReader(io.BytesIO(pdf))
    rdf = reader.xmp_metadata.rdf_root
    descriptions = rdf.getElementsByTagNameNS("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "*")
    assert {node.getAttributeNS(PDFAID, "part") for node in descriptions} - {""} == {"3"}
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "ABSyM-2024.1" in text
    assert "last import" in text and "last status observation" in text
    csv_bytes = client.get("/outages/sla.csv?year=2024").content
    # The report prints the SHA-256 of its figures: the CSV anyone can download.
    assert hashlib.sha256(csv_bytes).hexdigest() in text.replace("\n", "")
    assert reader.attachments[f"sla-{2024}.csv"][0] == csv_bytes


def test_a_bad_year_is_404(client):
    assert client.get("/outages/sla/?year=abc").status_code == 404
    assert client.get("/outages/sla/?year=99999").status_code == 404


def test_the_page_makes_a_constant_number_of_queries(client, django_assert_max_num_queries):
    seed_calendar()
    with django_assert_max_num_queries(8):
        assert client.get("/outages/sla/?year=2024").status_code == 200
