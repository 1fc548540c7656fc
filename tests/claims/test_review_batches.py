"""Batches and their files (claims/review/services/batches.py, claims/review/pdf_merge.py,
claims/review/exports.py): exports with the columns of interfaces.md, the batch dossier (summary
then every claim's stored dossier), the ZIP of the dossiers."""

import csv
import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from dossier_example import pages_text
from factories_review import (
    at,
    blank_pdf,
    declare_slot,
    pdf_pages,
    recip_e_outage,
    submitted_claim,
    use_fast_dossiers,
)
from openpyxl import load_workbook
from pypdf import PdfReader

from claims.models import BatchOutput, Claim, Decision, ReasonCode
from claims.review.exports import EXPORT_COLUMNS
from claims.review.pdf_merge import merge_pdfs
from claims.review.services.batches import (
    batch_create,
    batch_freeze,
    batch_output_start,
    batch_summary_pdfs,
)
from claims.review.services.decisions import claim_decide, claim_resubmit

pytestmark = pytest.mark.django_db

INTERFACE_COLUMNS = (
    "claim_id,doctor,riziv,from,to,status,lost_minutes,time_value,revenue_loss,total,methodology"
)


@pytest.fixture
def outage():
    return recip_e_outage()


def frozen_batch(reviewer, claims, name="Recip-e, January 2024"):
    batch = batch_create(name=name, reviewer=reviewer, claims=[c.pk for c in claims])
    return batch_freeze(batch=batch, reviewer=reviewer)


def test_the_export_columns_are_those_of_interfaces_md():
    assert ",".join(EXPORT_COLUMNS) == INTERFACE_COLUMNS


def test_the_csv_export_has_one_row_per_claim_with_the_snapshot_figures(
    outage, reviewer, reviewer_client, monkeypatch, doctor
):
    use_fast_dossiers(monkeypatch)
    claim = submitted_claim(doctor, slots=((15, 7, 30, 15, 12, 0),), cancelled=((15, 9, 40),))
    other = submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=())
    batch = frozen_batch(reviewer, [claim, other])
    response = reviewer_client.get(reverse("review:batch_export_csv", args=[batch.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.splitlines()[0] == INTERFACE_COLUMNS
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [int(row["claim_id"]) for row in rows] == [claim.pk, other.pk]
    summary = claim.snapshot["figures"]["summary"]
    assert rows[0] == {
        "claim_id": str(claim.pk),
        "doctor": "Anne Dupont",
        "riziv": "12345678004",
        "from": "2024-01-01",
        "to": "2024-01-31",
        "status": "submitted",
        "lost_minutes": str(summary["lost_minutes"]),
        "time_value": summary["time_value"],
        "revenue_loss": "31.81",
        "total": summary["total"],
        "methodology": "ABSyM-2024.1",
    }
    assert Decimal(rows[0]["time_value"]) + Decimal("31.81") == Decimal(rows[0]["total"])


def test_the_xlsx_export_has_the_same_columns_and_numbers(
    outage, reviewer, reviewer_client, monkeypatch
):
    use_fast_dossiers(monkeypatch)
    claim = submitted_claim(slots=((15, 8, 0, 15, 10, 0),), cancelled=())
    batch = frozen_batch(reviewer, [claim])
    response = reviewer_client.get(reverse("review:batch_export_xlsx", args=[batch.pk]))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert ",".join(rows[0]) == INTERFACE_COLUMNS
    assert rows[1][0] == claim.pk
    assert rows[1][6] == 120  # lost minutes, a number
    assert Decimal(str(rows[1][9])) == claim.total == Decimal("180.00")
    assert rows[1][10] == "ABSyM-2024.1"


def test_the_review_list_exports_what_it_filters(outage, reviewer_client, monkeypatch):
    use_fast_dossiers(monkeypatch)
    small = submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=())
    big = submitted_claim(slots=((15, 8, 0, 15, 11, 0),), cancelled=())
    response = reviewer_client.get(reverse("review:export_csv"), {"min_total": "200"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == EXPORT_COLUMNS
    assert [int(row[0]) for row in rows[1:]] == [big.pk]
    assert small.pk not in [int(row[0]) for row in rows[1:]]


def test_the_batch_dossier_is_the_summary_then_every_claims_stored_dossier(outage, reviewer):
    """With the real dossiers the claims feature renders and stores at submission."""
    claims = [
        submitted_claim(slots=((15, 8, 0, 15, 10, 0),), cancelled=((15, 9, 0),)),
        submitted_claim(slots=((15, 9, 0, 15, 11, 0),), cancelled=(), language="nl"),
    ]
    batch = frozen_batch(reviewer, claims)
    output = batch_output_start(batch=batch, kind="dossier", user=reviewer, language="en")
    assert output.state == BatchOutput.State.DONE
    assert output.progress_done == output.progress_total == 2
    with translation.override("en"):
        summary_pages = sum(pdf_pages(part) for part in batch_summary_pdfs(batch=batch))
    claim_pages = [pdf_pages(Claim.objects.get(pk=c.pk).dossier.read()) for c in claims]
    with output.file.open("rb") as merged:
        data = merged.read()
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == summary_pages + sum(claim_pages)
    assert hashlib.sha256(data).hexdigest() == output.sha256
    # In order: the summary, then each claim's dossier, each with a bookmark.
    titles = [item["/Title"] for item in reader.outline]
    assert titles[0] == "Summary"
    assert titles[1].startswith(f"#{claims[0].pk} ") and titles[2].startswith(f"#{claims[1].pk} ")
    first_claim_page = reader.get_destination_page_number(reader.outline[1])
    assert first_claim_page == summary_pages
    assert reader.get_destination_page_number(reader.outline[2]) == summary_pages + claim_pages[0]
    texts = pages_text(data)
    assert str(claims[0].pk) in texts[first_claim_page]
    summary_text = texts[0]
    assert "Recip-e, January 2024" in summary_text


def test_the_page_count_adds_up_for_dossiers_of_different_lengths(outage, reviewer, monkeypatch):
    claims = []
    for pages in (1, 4, 2):
        use_fast_dossiers(monkeypatch, pages=pages)
        claims.append(submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=()))
    batch = frozen_batch(reviewer, claims)
    output = batch_output_start(batch=batch, kind="dossier", user=reviewer, language="fr")
    with translation.override("fr"):
        summary_pages = sum(pdf_pages(part) for part in batch_summary_pdfs(batch=batch))
    assert pdf_pages(output.file.read()) == summary_pages + 1 + 4 + 2


def test_the_zip_holds_every_dossier_the_export_and_their_checksums(outage, reviewer, monkeypatch):
    use_fast_dossiers(monkeypatch, pages=1)
    claims = [submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=()) for _ in range(3)]
    batch = frozen_batch(reviewer, claims)
    output = batch_output_start(batch=batch, kind="zip", user=reviewer, language="en")
    assert output.state == BatchOutput.State.DONE
    with zipfile.ZipFile(output.file.path) as archive:
        names = archive.namelist()
        assert names == [f"dossier-claim-{c.pk}.pdf" for c in claims] + [
            "claims.csv",
            "SHA256SUMS",
        ]
        sums = archive.read("SHA256SUMS").decode().splitlines()
        for claim, line in zip(claims, sums, strict=True):
            data = archive.read(f"dossier-claim-{claim.pk}.pdf")
            claim.refresh_from_db()
            assert line == f"{claim.dossier_sha256}  dossier-claim-{claim.pk}.pdf"
            assert hashlib.sha256(data).hexdigest() == claim.dossier_sha256
        header = archive.read("claims.csv").decode().splitlines()[0]
        assert header == INTERFACE_COLUMNS


def test_an_altered_stored_dossier_fails_the_batch_file(outage, reviewer, monkeypatch):
    use_fast_dossiers(monkeypatch)
    claim = submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=())
    batch = frozen_batch(reviewer, [claim])
    with open(claim.dossier.path, "wb") as tampered:
        tampered.write(blank_pdf(3))
    output = batch_output_start(batch=batch, kind="dossier", user=reviewer, language="en")
    assert output.state == BatchOutput.State.FAILED
    assert "no longer matches its SHA-256" in output.error
    assert not output.file


def test_a_frozen_batch_keeps_the_version_it_froze(outage, reviewer, monkeypatch, doctor):
    use_fast_dossiers(monkeypatch, pages=1)
    claim = submitted_claim(doctor, slots=((15, 8, 0, 15, 9, 0),), cancelled=())
    batch = frozen_batch(reviewer, [claim])
    frozen_sha = Claim.objects.get(pk=claim.pk).dossier_sha256
    claim_decide(
        claim=claim,
        reviewer=reviewer,
        decision=Decision.REQUEST_INFO,
        reason_code=ReasonCode.MISSING_DETAILS,
        text="More, please.",
    )
    use_fast_dossiers(monkeypatch, pages=3)
    declare_slot(doctor, at(15, 9), at(15, 10))
    claim_resubmit(claim=claim, user=doctor.user, declaration_accepted=True)
    output = batch_output_start(batch=batch, kind="zip", user=reviewer, language="en")
    with zipfile.ZipFile(output.file.path) as archive:
        data = archive.read(f"dossier-claim-{claim.pk}.pdf")
    assert hashlib.sha256(data).hexdigest() == frozen_sha
    assert pdf_pages(data) == 1


def test_files_need_a_frozen_batch_and_a_frozen_batch_never_changes(outage, reviewer, monkeypatch):
    use_fast_dossiers(monkeypatch)
    claim = submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=())
    batch = batch_create(name="Draft", reviewer=reviewer, claims=[claim.pk])
    with pytest.raises(ValidationError):
        batch_output_start(batch=batch, kind="dossier", user=reviewer, language="en")
    batch_freeze(batch=batch, reviewer=reviewer)
    with pytest.raises(ValidationError):
        batch_freeze(batch=batch, reviewer=reviewer)


def test_a_batch_needs_a_name_and_submitted_claims(outage, reviewer, doctor, monkeypatch):
    use_fast_dossiers(monkeypatch)
    claim = submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=())
    with pytest.raises(ValidationError):
        batch_create(name=" ", reviewer=reviewer, claims=[claim.pk])
    with pytest.raises(ValidationError):
        batch_create(name="Empty", reviewer=reviewer, claims=[])
    with pytest.raises(ValidationError):
        batch_create(name="Not mine", reviewer=doctor.user, claims=[claim.pk])


def test_the_merger_keeps_every_page_of_every_source():
    sources = [blank_pdf(n) for n in (2, 1, 3)]
    out = io.BytesIO()
    pages = merge_pdfs(out, [(io.BytesIO(s), f"part {i}") for i, s in enumerate(sources)])
    reader = PdfReader(io.BytesIO(out.getvalue()), strict=True)
    assert pages == len(reader.pages) == 6
    assert [reader.get_destination_page_number(item) for item in reader.outline] == [0, 2, 3]


def test_a_stored_dossier_can_be_added_by_file_name(tmp_path):
    path = tmp_path / "one.pdf"
    path.write_bytes(blank_pdf(2))
    out = io.BytesIO()
    assert merge_pdfs(out, [(str(path), "one"), (ContentFile(blank_pdf(1)), "two")]) == 3


def test_freezing_fixes_the_outlier_threshold_of_the_batch(outage, reviewer, monkeypatch):
    use_fast_dossiers(monkeypatch)
    claims = [
        submitted_claim(slots=((15, 8, 0, 15, hour, 0),), cancelled=()) for hour in (9, 10, 11)
    ]
    batch = frozen_batch(reviewer, claims)
    # Three claims: the 99th percentile (nearest rank) is the largest total.
    assert batch.outlier_threshold == max(c.total for c in claims) == Decimal("270.00")
