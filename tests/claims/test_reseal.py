"""``manage.py reseal_dossiers`` (issue 12): a document timestamp on every stored dossier,
idempotent and resumable, with progress; earlier downloads still verify."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from dossier_example import pdf_attachment, worked_example_claim
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from seal_pki import validation_context

from claims.services.claims import claim_submit
from claims.services.dossiers import dossier_for_download
from claims.verification.service import dossier_verify

pytestmark = pytest.mark.django_db


def test_reseal_adds_a_document_timestamp_once(doctor, sealing, seal_pki):
    claim = claim_submit(
        claim=worked_example_claim(doctor), user=doctor.user, declaration_accepted=True
    )
    claim.refresh_from_db()
    before = claim.dossier.read()

    output = io.StringIO()
    call_command("reseal_dossiers", stdout=output)
    assert f"[1/1] claim #{claim.pk}: timestamped" in output.getvalue()

    claim.refresh_from_db()
    after = dossier_for_download(claim=claim).content  # checked against the new SHA-256
    assert after.startswith(before) and len(after) > len(before)
    reader = PdfFileReader(io.BytesIO(after))
    seal, stamp = reader.embedded_signatures
    context = validation_context(seal_pki)
    assert validate_pdf_signature(seal, signer_validation_context=context).intact
    stamp_status = validate_pdf_timestamp(stamp, validation_context=context)
    assert stamp_status.intact and stamp_status.trusted
    assert pdf_attachment(after, f"claim-{claim.pk}.json")["claim_summary"]

    # Idempotent: a second run finds nothing to do and changes no byte.
    output = io.StringIO()
    call_command("reseal_dossiers", stdout=output)
    assert "timestamped 0, up to date 1" in output.getvalue()
    claim.refresh_from_db()
    assert claim.dossier.read() == after

    # Both the new file and the one downloaded before the timestamp are authentic.
    assert dossier_verify(content=after).is_authentic
    earlier = dossier_verify(content=before)
    assert earlier.is_authentic and earlier.earlier_revision


def test_reseal_needs_a_timestamp_authority(settings):
    settings.DOSSIER_TSA_URL = ""
    with pytest.raises(CommandError, match="DOSSIER_TSA_URL"):
        call_command("reseal_dossiers", stdout=io.StringIO())


def test_reseal_never_timestamps_an_altered_or_missing_dossier(doctor, sealing, seal_pki):
    claim = claim_submit(
        claim=worked_example_claim(doctor), user=doctor.user, declaration_accepted=True
    )
    claim.refresh_from_db()
    name, sha256 = claim.dossier.name, claim.dossier_sha256
    storage = claim.dossier.storage
    altered = storage.open(name).read().replace(b"%%EOF", b"%%EOF\n% tampered")
    storage.delete(name)
    storage.save(name, io.BytesIO(altered))

    output = io.StringIO()
    with pytest.raises(CommandError, match="altered or missing"):
        call_command("reseal_dossiers", stdout=output)
    assert f"claim #{claim.pk}: altered" in output.getvalue()
    claim.refresh_from_db()
    assert (claim.dossier.name, claim.dossier_sha256) == (name, sha256)
    assert storage.open(name).read() == altered

    storage.delete(name)
    output = io.StringIO()
    with pytest.raises(CommandError, match="altered or missing"):
        call_command("reseal_dossiers", stdout=output)
    assert f"claim #{claim.pk}: missing" in output.getvalue()
