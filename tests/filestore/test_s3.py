"""The same stored files in an S3-compatible bucket (SeaweedFS on loopback, a real server):
objects land in the bucket under their SHA-256, nothing under MEDIA_ROOT, downloads are
checked, and the storage check sees the bucket."""

import hashlib
import io
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from factories_review import recip_e_outage, submitted_claim, use_fast_dossiers

from claims.review.services.batches import batch_create, batch_freeze, batch_output_start

pytestmark = pytest.mark.django_db


def files_under_media_root() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_dossiers_and_batch_files_go_to_the_bucket(s3_storage, monkeypatch, reviewer):
    use_fast_dossiers(monkeypatch)
    recip_e_outage()
    claim = submitted_claim(dossier_pages=None, language="en")

    assert claim.dossier.name in s3_storage.object_names("dossiers/")
    stored = s3_storage.client().get_object(Bucket=s3_storage.bucket, Key=claim.dossier.name)
    assert hashlib.sha256(stored["Body"].read()).hexdigest() == claim.dossier_sha256

    client = Client()
    client.force_login(claim.doctor.user)
    response = client.get(reverse("claims:claim_dossier", args=[claim.pk]))
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == claim.dossier_sha256

    batch = batch_freeze(
        batch=batch_create(name="S3", reviewer=reviewer, claims=[claim.pk]), reviewer=reviewer
    )
    output = batch_output_start(batch=batch, kind="zip", user=reviewer, language="en")
    assert output.file.name in s3_storage.object_names("batches/")
    client.force_login(reviewer)
    download = client.get(reverse("review:batch_output_download", args=[batch.pk, "zip"]))
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == output.sha256

    assert files_under_media_root() == []  # no silent fall-back to the local disk
    out = io.StringIO()
    call_command("storage_check", stdout=out)
    assert "0 missing, 0 mismatched" in out.getvalue()


def test_an_object_altered_in_the_bucket_is_refused(s3_storage, monkeypatch, settings, caplog):
    settings.ADMINS = [("Ops", "ops@example.org")]
    use_fast_dossiers(monkeypatch)
    recip_e_outage()
    claim = submitted_claim(dossier_pages=None, language="en")
    s3_storage.client().put_object(
        Bucket=s3_storage.bucket, Key=claim.dossier.name, Body=b"%PDF forged in the bucket"
    )
    client = Client()
    client.raise_request_exception = False
    client.force_login(claim.doctor.user)
    with caplog.at_level(logging.ERROR):
        response = client.get(reverse("claims:claim_dossier", args=[claim.pk]))
    assert response.status_code == 500
    assert "This file cannot be delivered" in response.content.decode()
    assert any(claim.dossier.name in record.getMessage() for record in caplog.records)
