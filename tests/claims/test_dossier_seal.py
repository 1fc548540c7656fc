"""Sealed dossiers (issue 12): PAdES with the configured certificate, B-T with a timestamp
authority, PDF/A-3b and the JSON attachment kept; "not sealed" without a certificate."""

import hashlib
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from dossier_example import pdf_attachment, pdf_reader, pdf_text, worked_example_claim
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from seal_pki import asn1_certificate, validation_context

from claims.dossier.seal import SEAL_FIELD, dossier_seal
from claims.services.claims import claim_submit
from claims.services.dossiers import dossier_for_download
from tests.support.ports import free_port

pytestmark = pytest.mark.django_db

SEALED = (
    "Sealed: this file carries the electronic seal of ABSyM/BVAS. Any change after sealing "
    "shows in a PDF reader's signature panel and at the address below."
)
NOT_SEALED = "Not sealed: this file carries no electronic seal of ABSyM/BVAS."


def flat(text: str) -> str:
    return " ".join(text.split())


def said(message: str, language: str) -> str:
    """The start of a cover notice as the doctor's dossier prints it."""
    with translation.override(language):
        return gettext(message)[:30]


def submit(claim):
    return claim_submit(claim=claim, user=claim.doctor.user, declaration_accepted=True)


def seal_status(content: bytes, pki):
    reader = PdfFileReader(io.BytesIO(content))
    (signature,) = reader.embedded_signatures
    assert signature.field_name == SEAL_FIELD
    context = validation_context(pki)
    return validate_pdf_signature(
        signature, signer_validation_context=context, ts_validation_context=context
    )


def xmp(content: bytes) -> str:
    return pdf_reader(content).trailer["/Root"]["/Metadata"].get_object().get_data().decode()


def test_a_stored_dossier_is_sealed_and_timestamped(doctor, sealing, seal_pki):
    claim = submit(worked_example_claim(doctor))

    claim.refresh_from_db()
    content = claim.dossier.read()
    status = seal_status(content, seal_pki)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.dump() == asn1_certificate(seal_pki.seal).dump()
    # B-T: a timestamp token from the loopback authority, intact and trusted.
    assert status.timestamp_validity is not None and status.timestamp_validity.intact
    assert status.timestamp_validity.trusted
    assert sealing.requests >= 1
    # The stored SHA-256 is the sealed file's, and downloads return exactly it.
    assert hashlib.sha256(content).hexdigest() == claim.dossier_sha256
    assert dossier_for_download(claim=claim).content == content
    # PDF/A-3b survives: the XMP still says part 3, conformance B; no PDF 2.0 (pyHanko #543).
    metadata = xmp(content)
    assert "<pdfaid:part>3</pdfaid:part>" in metadata or 'pdfaid:part="3"' in metadata
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in metadata or (
        'pdfaid:conformance="B"' in metadata
    )
    assert not content.startswith(b"%PDF-2")
    # The computation is still attached and still equals claim_summary.
    attachment = pdf_attachment(content, f"claim-{claim.pk}.json")
    assert attachment["claim_summary"] == claim.snapshot["figures"]["summary"]
    assert said(SEALED, doctor.language) in flat(pdf_text(content))


def test_without_a_timestamp_authority_the_seal_is_b_b(doctor, sealing, seal_pki, settings):
    settings.DOSSIER_TSA_URL = ""
    claim = submit(worked_example_claim(doctor))

    claim.refresh_from_db()
    status = seal_status(claim.dossier.read(), seal_pki)
    assert status.intact and status.valid
    assert status.timestamp_validity is None


def test_without_a_certificate_dossiers_say_not_sealed(doctor, settings):
    settings.DOSSIER_SEAL_P12 = ""
    claim = submit(worked_example_claim(doctor))

    claim.refresh_from_db()
    content = claim.dossier.read()
    assert PdfFileReader(io.BytesIO(content)).embedded_signatures == []
    assert said(NOT_SEALED, doctor.language) in flat(pdf_text(content))
    with translation.override(doctor.language):
        assert gettext("not sealed") in pdf_reader(content).metadata["/Keywords"]


def test_a_wrong_password_keeps_the_claim_submitted_and_its_dossier_pending(
    doctor, sealing, settings
):
    # Issue 13: the dossier is made after the submission commits; a seal that fails never
    # undoes a submission, and nothing unsealed is stored.
    settings.DOSSIER_SEAL_PASSWORD = "wrong"
    claim = worked_example_claim(doctor)
    submit(claim)
    claim.refresh_from_db()
    assert claim.status == "submitted" and not claim.dossier_sha256
    assert claim.dossier_job.state == "failed"
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*.pdf")]
    with pytest.raises(ValidationError):
        dossier_for_download(claim=claim)


def test_sealing_is_a_no_op_without_a_certificate(settings):
    settings.DOSSIER_SEAL_P12 = ""
    assert dossier_seal(b"%PDF-1.7 anything") == b"%PDF-1.7 anything"


def test_a_timestamp_authority_down_submits_and_says_the_dossier_is_pending(
    doctor, doctor_client, sealing, seal_pki, settings
):
    # A port nobody listens on: the TSA is unreachable.
    port = free_port()
    good_tsa = settings.DOSSIER_TSA_URL
    settings.DOSSIER_TSA_URL = f"http://127.0.0.1:{port}/tsa"
    claim = worked_example_claim(doctor)
    doctor_client.cookies["django_language"] = "en"

    response = doctor_client.post(
        reverse("claims:claim_submit", args=[claim.pk]),
        {"declaration_accepted": "on"},
        follow=True,
    )

    claim.refresh_from_db()
    assert claim.status == "submitted" and not claim.dossier_sha256
    assert "Dossier being prepared" in response.content.decode()
    download = doctor_client.get(reverse("claims:claim_dossier", args=[claim.pk]))
    assert download.status_code == 503
    assert "could not be sealed just now" in download.content.decode()

    # The authority is back: the next download makes, seals and keeps the dossier.
    settings.DOSSIER_TSA_URL = good_tsa
    download = doctor_client.get(reverse("claims:claim_dossier", args=[claim.pk]))
    assert download.status_code == 200
    claim.refresh_from_db()
    assert hashlib.sha256(download.content).hexdigest() == claim.dossier_sha256
    assert seal_status(download.content, seal_pki).bottom_line
