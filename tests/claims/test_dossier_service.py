"""Storing a submitted claim's dossier: once, with its SHA-256, all or nothing."""

import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from dossier_example import pdf_attachment, worked_example_claim

import claims.dossier.render
from claims.models import Claim, ClaimStatus
from claims.services.claims import claim_submit
from claims.services.dossiers import (
    DossierIntegrityError,
    claim_store_dossier,
    dossier_for_download,
)

pytestmark = pytest.mark.django_db


def submit(claim):
    return claim_submit(claim=claim, user=claim.doctor.user, declaration_accepted=True)


def stored_files(settings) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def test_submitting_stores_the_dossier_and_its_sha256(doctor, settings):
    claim = submit(worked_example_claim(doctor))

    claim.refresh_from_db()
    content = claim.dossier.read()
    assert content.startswith(b"%PDF-")
    content_sha = hashlib.sha256(content).hexdigest()
    assert content_sha == claim.dossier_sha256
    # Content-addressed: the name is the SHA-256, so it can never hold another claim's bytes.
    assert claim.dossier.name == f"dossiers/{content_sha[:2]}/{content_sha}.pdf"
    assert stored_files(settings) == [Path(claim.dossier.path)]
    attachment = pdf_attachment(content, f"claim-{claim.pk}.json")
    assert attachment["status"] == ClaimStatus.SUBMITTED
    assert attachment["claim_summary"] == claim.snapshot["figures"]["summary"]


def test_a_dossier_that_fails_to_render_leaves_the_claim_submitted_and_pending(
    doctor, settings, monkeypatch
):
    # Issue 13: the dossier is made after the submission commits; a failure never undoes
    # the submission, stores nothing, and the first download later makes it.
    claim = worked_example_claim(doctor)
    real = claims.dossier.render.html_to_pdf

    def broken(html, data):
        raise RuntimeError("Pango is missing")

    monkeypatch.setattr(claims.dossier.render, "html_to_pdf", broken)
    submit(claim)

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED and claim.snapshot is not None
    assert claim.dossier.name == "" and claim.dossier_sha256 == ""
    assert claim.dossier_job.state == "failed"
    assert stored_files(settings) == []

    monkeypatch.setattr(claims.dossier.render, "html_to_pdf", real)
    download = dossier_for_download(claim=claim)
    claim.refresh_from_db()
    assert download.sha256 == claim.dossier_sha256
    assert stored_files(settings) == [Path(claim.dossier.path)]


def test_a_dossier_is_rendered_once(doctor, monkeypatch):
    claim = submit(worked_example_claim(doctor))
    stored = (claim.dossier.name, claim.dossier_sha256)

    def must_not_render(html, data):
        raise AssertionError("rendered again")

    monkeypatch.setattr(claims.dossier.render, "html_to_pdf", must_not_render)
    claim = claim_store_dossier(claim=Claim.objects.get(pk=claim.pk))

    assert (claim.dossier.name, claim.dossier_sha256) == stored
    assert dossier_for_download(claim=claim).sha256 == stored[1]


def test_a_draft_has_no_stored_dossier(doctor):
    claim = worked_example_claim(doctor)

    with pytest.raises(ValidationError):
        claim_store_dossier(claim=claim)


def test_a_submitted_claim_without_a_stored_dossier_gets_one_at_first_download(doctor):
    claim = submit(worked_example_claim(doctor))
    claim.dossier.delete(save=False)
    Claim.objects.filter(pk=claim.pk).update(dossier="", dossier_sha256="")

    first = dossier_for_download(claim=Claim.objects.get(pk=claim.pk))
    second = dossier_for_download(claim=Claim.objects.get(pk=claim.pk))

    claim.refresh_from_db()
    assert first.content == second.content
    assert claim.dossier_sha256 == first.sha256 == hashlib.sha256(first.content).hexdigest()


def test_an_altered_stored_dossier_is_not_served(doctor, client):
    claim = submit(worked_example_claim(doctor))
    Path(claim.dossier.path).write_bytes(b"%PDF-1.7 something else")
    client.force_login(doctor.user)
    client.raise_request_exception = False

    with pytest.raises(DossierIntegrityError):
        dossier_for_download(claim=claim)
    response = client.get(reverse("claims:claim_dossier", args=[claim.pk]))
    assert response.status_code == 500
