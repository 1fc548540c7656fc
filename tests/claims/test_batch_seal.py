"""The batch dossier is sealed as a whole (issue 12), its stored SHA-256 that of the sealed
file."""

import hashlib
import io

import pytest
from factories_review import recip_e_outage, submitted_claim, use_fast_dossiers
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from seal_pki import asn1_certificate, validation_context

from claims.models import BatchOutput
from claims.review.services.batches import batch_create, batch_freeze, batch_output_start

pytestmark = pytest.mark.django_db


def test_the_batch_dossier_is_sealed_and_timestamped(reviewer, monkeypatch, sealing, seal_pki):
    recip_e_outage()
    use_fast_dossiers(monkeypatch)
    claims = [
        submitted_claim(slots=((15, 8, 0, 15, 10, 0),), cancelled=((15, 9, 0),)),
        submitted_claim(slots=((15, 9, 0, 15, 11, 0),), cancelled=()),
    ]
    batch = batch_create(name="Sealed batch", reviewer=reviewer, claims=[c.pk for c in claims])
    batch = batch_freeze(batch=batch, reviewer=reviewer)

    output = batch_output_start(batch=batch, kind="dossier", user=reviewer, language="en")

    assert output.state == BatchOutput.State.DONE
    with output.file.open("rb") as stored:
        data = stored.read()
    assert hashlib.sha256(data).hexdigest() == output.sha256
    (signature,) = PdfFileReader(io.BytesIO(data)).embedded_signatures
    context = validation_context(seal_pki)
    status = validate_pdf_signature(
        signature, signer_validation_context=context, ts_validation_context=context
    )
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.dump() == asn1_certificate(seal_pki.seal).dump()
    assert status.timestamp_validity is not None and status.timestamp_validity.intact
