"""Every stored download is checked against its SHA-256: on a mismatch the user gets a
clear page (not a bare "Server Error"), the administrators an e-mail, and a failed new
batch file never hides the earlier good one."""

import hashlib
import logging
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from factories_review import (
    blank_pdf,
    recip_e_outage,
    submitted_claim,
    use_fast_dossiers,
)
from outage_helpers import CSV_HEADER, run_import

from claims.models import Batch, BatchOutput, Decision, ReasonCode
from claims.review.services.batches import batch_create, batch_freeze, batch_output_start
from claims.review.services.decisions import claim_decide, claim_resubmit

pytestmark = pytest.mark.django_db

PAGE_TEXT = "This file cannot be delivered"


@pytest.fixture(autouse=True)
def _admins(settings):
    settings.ADMINS = [("Ops", "ops@example.org")]
    settings.LANGUAGE_CODE = "en"


def english_client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.raise_request_exception = False
    client.force_login(user)
    user.language = "en"
    user.save(update_fields=["language"])
    return client


def assert_refused_with_page_and_alert(response, caplog, name):
    assert response.status_code == 500
    body = response.content.decode()
    assert PAGE_TEXT in body and "administrators have been alerted" in body
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@example.org"]
    assert name in mail.outbox[0].body
    assert any(name in record.getMessage() for record in caplog.records)


@pytest.fixture
def claim(monkeypatch):
    use_fast_dossiers(monkeypatch)
    recip_e_outage()
    return submitted_claim(dossier_pages=None, language="en")


def test_an_altered_dossier_gives_a_clear_page_and_an_alert(claim, caplog):
    Path(claim.dossier.path).write_bytes(b"%PDF-1.7 forged")
    client = english_client(claim.doctor.user)
    with caplog.at_level(logging.ERROR):
        response = client.get(reverse("claims:claim_dossier", args=[claim.pk]))
    assert_refused_with_page_and_alert(response, caplog, claim.dossier.name)


def test_an_earlier_versions_altered_dossier_is_refused(claim, reviewer, caplog):
    claim_decide(
        claim=claim,
        reviewer=reviewer,
        decision=Decision.REQUEST_INFO,
        reason_code=ReasonCode.MISSING_DETAILS,
        text="Please add the slot of the 16th.",
    )
    claim_resubmit(claim=claim, user=claim.doctor.user, declaration_accepted=True)
    version = claim.versions.get(number=1)
    url = reverse("review:version_dossier", args=[claim.pk, 1])
    client = english_client(reviewer)
    good = client.get(url)
    assert good.status_code == 200
    assert hashlib.sha256(b"".join(good.streaming_content)).hexdigest() == version.dossier_sha256

    Path(version.dossier.path).write_bytes(b"%PDF-1.7 forged")
    with caplog.at_level(logging.ERROR):
        response = client.get(url)
    assert_refused_with_page_and_alert(response, caplog, version.dossier.name)


def test_a_failed_new_batch_file_never_hides_the_earlier_good_one(claim, reviewer, caplog):
    batch = batch_create(name="January", reviewer=reviewer, claims=[claim.pk])
    batch = batch_freeze(batch=batch, reviewer=reviewer)
    first = batch_output_start(batch=batch, kind="zip", user=reviewer, language="en")
    assert first.state == BatchOutput.State.DONE
    url = reverse("review:batch_output_download", args=[batch.pk, "zip"])
    client = english_client(reviewer)
    earlier = b"".join(client.get(url).streaming_content)

    # A claim's stored dossier is altered: producing the ZIP again fails…
    Path(claim.dossier.path).write_bytes(blank_pdf(3))
    again = batch_output_start(batch=batch, kind="zip", user=reviewer, language="en")
    assert again.state == BatchOutput.State.FAILED
    # …and the earlier ZIP is still there, byte for byte.
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == earlier
    assert hashlib.sha256(earlier).hexdigest() == again.sha256
    progress = client.get(reverse("review:batch_progress", args=[batch.pk])).json()
    assert progress["outputs"]["zip"]["download_url"] == url  # the page still offers it

    # A corrupted batch file itself is refused with the page.
    Path(again.file.path).write_bytes(b"PK corrupted")
    with caplog.at_level(logging.ERROR):
        response = client.get(url)
    assert_refused_with_page_and_alert(response, caplog, again.file.name)
    assert Batch.objects.filter(pk=batch.pk).exists()


def test_an_altered_raw_import_copy_is_refused(admin_user, caplog):
    data = (
        CSV_HEADER + "EH-1,recip-e,2024-01-15T08:00,2024-01-15T09:00,major_outage,confirmed,Down,\n"
    ).encode()
    record = run_import(data, name="raw.csv").import_record
    url = reverse("outages:import_raw_file", args=[record.pk])
    client = english_client(admin_user)
    assert b"".join(client.get(url).streaming_content) == data

    Path(record.raw_file.path).write_bytes(b"reference,changed\n")
    with caplog.at_level(logging.ERROR):
        response = client.get(url)
    assert_refused_with_page_and_alert(response, caplog, record.raw_file.name)
