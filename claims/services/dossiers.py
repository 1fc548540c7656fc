"""Writes of dossiers: the PDF of a submitted claim is rendered once and kept.

The stored file is the evidence: downloading it later returns exactly those bytes, and
``Claim.dossier_sha256`` lets anyone check that they did not change. Drafts are never
stored: their dossier is rendered on demand (``dossier_for_download``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from claims.dossier.data import dossier_data, dossier_file_name
from claims.dossier.seal import SealError, dossier_seal
from claims.models import Claim
from filestore.storage import StoredFileIntegrityError, read_verified, sha256_hex, store_bytes

logger = logging.getLogger(__name__)

NOT_SUBMITTED = _("Only a submitted claim has a stored dossier; a draft's is rendered on demand.")
SEAL_UNAVAILABLE = _(
    "The dossier could not be sealed just now. The claim is submitted and nothing "
    "is lost: the dossier is being prepared and will be ready in a few minutes."
)


#: A stored dossier that is missing or no longer matches its SHA-256 (see filestore).
DossierIntegrityError = StoredFileIntegrityError


def _render(claim: Claim) -> bytes:
    # Imported here: WeasyPrint (Pango, fonts) is heavy, and every process that imports
    # the claim services (web workers, commands) need not load it until a dossier is made.
    from claims.dossier.render import dossier_pdf

    return dossier_pdf(dossier_data(claim=claim))


def claim_store_dossier(*, claim: Claim) -> Claim:
    """Render the dossier of a submitted claim and keep it with its SHA-256, once.

    Called by ``claim_submit`` inside its transaction: if rendering fails, the submission
    is rolled back with it. A claim that already has its dossier keeps it untouched (so a
    second call, or a retry, never produces other bytes).
    """
    if not claim.is_frozen:
        raise ValidationError(NOT_SUBMITTED)
    if claim.dossier and claim.dossier_sha256:
        return claim
    # Render (and seal) before touching the storage or the row: a failure leaves nothing behind.
    # The stored SHA-256 is that of the sealed file: the one every download returns.
    try:
        content = dossier_seal(_render(claim))
    except SealError:
        # The timestamp authority is down or the certificate unreadable: the submission is
        # refused with a message (and rolled back), never stored unsealed by accident.
        logger.exception("The dossier of claim %s could not be sealed.", claim.pk)
        raise ValidationError(SEAL_UNAVAILABLE) from None
    return claim_keep_dossier(claim=claim, content=content)


def claim_keep_dossier(*, claim: Claim, content: bytes) -> Claim:
    """Store the final bytes of a submitted claim's dossier and record them on the claim.

    The one place where a dossier's bytes become the evidence: anything that must change
    them (a signature) does so before calling this. The file's name is its SHA-256
    (filestore), so it can never be confused with another claim's or version's file; if
    the row cannot be saved, the file is an orphan for ``manage.py storage_check``.
    """
    stored = store_bytes(folder="dossiers", content=content, suffix=".pdf")
    claim.dossier.name = stored.name
    claim.dossier_sha256 = stored.sha256
    try:
        with transaction.atomic():
            claim.full_clean()
            claim.save(update_fields=["dossier", "dossier_sha256", "updated_at"])
    except Exception:
        claim.dossier.name = ""
        claim.dossier_sha256 = ""
        raise
    return claim


@dataclass(frozen=True)
class DossierDownload:
    content: bytes
    file_name: str
    sha256: str


def dossier_for_download(*, claim: Claim) -> DossierDownload:
    """The bytes to send: the stored file of a submitted claim (checked against its
    SHA-256), or a dossier rendered now for a draft."""
    if not claim.is_frozen:
        content = _render(claim)
        return DossierDownload(
            content, dossier_file_name(claim.pk, draft=True), sha256_hex(content)
        )
    if not claim.dossier:
        # Submitted before dossiers were stored (or stored by an import): store it now,
        # from the frozen snapshot, so that every later download gets these same bytes.
        with transaction.atomic():
            locked = (
                Claim.objects.select_for_update().select_related("doctor__user").get(pk=claim.pk)
            )
            claim = claim_store_dossier(claim=locked)
    # Raises DossierIntegrityError (a clear page and an alert: filestore.middleware).
    content = read_verified(claim.dossier.name, claim.dossier_sha256)
    return DossierDownload(content, dossier_file_name(claim.pk), claim.dossier_sha256)
