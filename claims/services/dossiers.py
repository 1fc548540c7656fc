"""Writes of dossiers: the PDF of a submitted claim is rendered once and kept.

The stored file is the evidence: downloading it later returns exactly those bytes, and
``Claim.dossier_sha256`` lets anyone check that they did not change. Drafts are never
stored: their dossier is rendered on demand (``dossier_for_download``).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from claims.dossier.data import dossier_data, dossier_file_name
from claims.dossier.seal import SealError, dossier_seal
from claims.models import Claim

logger = logging.getLogger(__name__)

NOT_SUBMITTED = _("Only a submitted claim has a stored dossier; a draft's is rendered on demand.")
SEAL_UNAVAILABLE = _(
    "The dossier could not be sealed just now, so the claim is not submitted yet. "
    "Nothing is lost: try again in a few minutes."
)


class DossierIntegrityError(Exception):
    """A stored dossier's bytes no longer match the SHA-256 taken when it was stored."""


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


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
    # Render (and seal) before touching the disk or the row: a failure leaves nothing behind.
    # The stored SHA-256 is that of the sealed file: the one every download returns.
    try:
        content = dossier_seal(_render(claim))
    except SealError:
        # The timestamp authority is down or the certificate unreadable: the submission is
        # refused with a message (and rolled back), never stored unsealed by accident.
        logger.exception("The dossier of claim %s could not be sealed.", claim.pk)
        raise ValidationError(SEAL_UNAVAILABLE) from None
    claim.dossier_sha256 = sha256_hex(content)
    claim.dossier.save(dossier_file_name(claim.pk), ContentFile(content), save=False)
    try:
        with transaction.atomic():
            claim.full_clean()
            claim.save(update_fields=["dossier", "dossier_sha256", "updated_at"])
    except Exception:
        # No row points to the file: remove it rather than leave an orphan under MEDIA_ROOT.
        claim.dossier.delete(save=False)
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
    with claim.dossier.open("rb") as stored:
        content = stored.read()
    digest = sha256_hex(content)
    if digest != claim.dossier_sha256:
        logger.error(
            "Stored dossier of claim %s does not match its SHA-256 (%s != %s).",
            claim.pk,
            digest,
            claim.dossier_sha256,
        )
        raise DossierIntegrityError(f"The stored dossier of claim {claim.pk} was altered.")
    return DossierDownload(content, dossier_file_name(claim.pk), digest)
