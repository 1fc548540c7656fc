"""Is this PDF a dossier issued here, unchanged? One verdict, and the evidence behind it.

Used by the public page ``/verify/`` and by ``manage.py verify_dossier FILE``. Nothing is
stored: the bytes are read, compared with the stored dossiers (by SHA-256, a fixed number
of queries), and forgotten. The verdicts, in the order they are decided:

* ``authentic``: the file is a stored dossier (current or an earlier version), or the same
  file before the document timestamps ``reseal_dossiers`` appended later;
* ``appended``: a stored dossier with an incremental update appended after its seal (what
  the update does to the attachment is named);
* ``stripped``: it names a claim of ours but its JSON attachment is gone;
* ``changed``: it names a claim of ours but its bytes differ from the stored dossier;
* ``not_issued``: anything else (another PDF, not a PDF at all).

The figures are recomputed from the embedded JSON with the methodology parameters it
states (``snapshot_recompute``, the code path of the claim itself), whatever the verdict.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_reviewer
from claims.calculation import claim_summary_dict
from claims.dossier.seal import SealError, seal_configured, seal_signer
from claims.models import Claim, ClaimVersion
from claims.snapshot import snapshot_recompute
from claims.verification.pdf_reading import PdfFacts, SealInfo, certificate_fingerprint, pdf_facts

if TYPE_CHECKING:
    from asn1crypto import x509

logger = logging.getLogger(__name__)


class Verdict(TextChoices):
    AUTHENTIC = "authentic", _("Authentic: a dossier issued by this application, unchanged.")
    APPENDED = (
        "appended",
        _("Changed after sealing: an incremental update was appended to a dossier issued here."),
    )
    STRIPPED = (
        "stripped",
        _("Changed: the JSON attachment of a dossier issued here has been removed."),
    )
    CHANGED = (
        "changed",
        _("Changed: this file names a dossier issued here, but its bytes differ from it."),
    )
    NOT_ISSUED = "not_issued", _("Not issued here: no dossier of this application has these bytes.")


@dataclass(frozen=True)
class FigureDifference:
    key: str
    stated: Any
    recomputed: Any


@dataclass
class Recomputation:
    methodology: str
    identical: bool
    differences: list[FigureDifference] = field(default_factory=list)
    error: str = ""


@dataclass
class Verification:
    verdict: Verdict
    sha256: str
    size: int
    claim: Claim | None = None
    version: int | None = None  # an earlier submitted version's number; None: the current
    earlier_revision: bool = False  # the file before later document timestamps
    seals: list[SealInfo] = field(default_factory=list)
    seal_is_ours: bool = False
    appended_bytes: int = 0
    appended_changes: str = ""
    recomputation: Recomputation | None = None
    show_details: bool = False  # the visitor is the claim's doctor or a reviewer

    @property
    def is_authentic(self) -> bool:
        return self.verdict == Verdict.AUTHENTIC


def _seal_certificates() -> list[x509.Certificate]:
    """The configured seal's certificate (first) and chain; none if it cannot be read, so
    that a broken configuration still lets visitors verify (no seal is then "ours")."""
    if not seal_configured():
        return []
    try:
        signer = seal_signer()
    except SealError:
        logger.exception("The seal certificate cannot be read; verifying without it.")
        return []
    return [signer.signing_cert, *signer.cert_registry]


def _stored_bytes(file_field) -> bytes | None:
    try:
        with file_field.open("rb") as stored:
            return stored.read()
    except (OSError, ValueError):
        return None


def _find_by_sha256(hashes: list[str]) -> dict[str, tuple[Claim, int | None]]:
    """Stored dossiers whose SHA-256 is one of ``hashes`` (two queries)."""
    found: dict[str, tuple[Claim, int | None]] = {}
    for version in ClaimVersion.objects.filter(dossier_sha256__in=hashes).select_related(
        "claim__doctor__user"
    ):
        found[version.dossier_sha256] = (version.claim, version.number)
    for claim in Claim.objects.filter(dossier_sha256__in=hashes).select_related("doctor__user"):
        found[claim.dossier_sha256] = (claim, None)
    return found


def _appended_changes(facts: PdfFacts, original: bytes) -> str:
    """What the appended update does to the JSON attachment, in words."""
    before = pdf_facts(original, trust_roots=[]).attachment
    if before is not None and facts.attachment is None:
        return str(_("The appended update removes the JSON attachment."))
    if before != facts.attachment:
        return str(_("The appended update replaces the JSON attachment with other figures."))
    return str(_("The appended update changes the pages or the document's properties."))


def recompute_attachment(attachment: dict[str, Any]) -> Recomputation:
    """The figures redone from the attachment's inputs with the parameters it states."""
    methodology = str((attachment.get("methodology") or {}).get("version", ""))
    try:
        stated = attachment["claim_summary"]
        result = snapshot_recompute(attachment)
        recomputed = claim_summary_dict(
            result,
            riziv=stated["doctor"],
            first_day=date.fromisoformat(stated["from"]),
            last_day=date.fromisoformat(stated["to"]),
        )
    except Exception:  # a hand-made attachment: say it cannot be redone, never a 500
        return Recomputation(
            methodology,
            identical=False,
            error=str(_("The figures cannot be recomputed from this attachment.")),
        )
    differences = [
        FigureDifference(key, stated.get(key), value)
        for key, value in recomputed.items()
        if stated.get(key) != value
    ]
    return Recomputation(methodology, identical=not differences, differences=differences)


def dossier_verify(*, content: bytes, user=None) -> Verification:
    trust = _seal_certificates()
    ours = {certificate_fingerprint(certificate) for certificate in trust[:1]}
    facts = pdf_facts(content, trust_roots=trust)
    result = Verification(Verdict.NOT_ISSUED, sha256=facts.sha256, size=facts.size)
    result.seals = facts.seals
    result.seal_is_ours = any(
        seal.kind == "seal" and seal.intact and seal.signer_fingerprint in ours
        for seal in facts.seals
    )
    if facts.attachment is not None:
        result.recomputation = recompute_attachment(facts.attachment)

    # The file itself, or the file cut after one of its seals/timestamps (what was stored
    # before someone appended an update).
    prefixes = {
        hashlib.sha256(content[: seal.signed_end]).hexdigest(): seal.signed_end
        for seal in facts.seals
        if 0 < seal.signed_end < facts.size
    }
    found = _find_by_sha256([facts.sha256, *prefixes])
    if facts.sha256 in found:
        result.verdict = Verdict.AUTHENTIC
        result.claim, result.version = found[facts.sha256]
    elif found:
        digest, end = max(
            ((digest, prefixes[digest]) for digest in found if digest in prefixes),
            key=lambda item: item[1],
        )
        result.verdict = Verdict.APPENDED
        result.claim, result.version = found[digest]
        result.appended_bytes = facts.size - end
        result.appended_changes = _appended_changes(facts, content[:end])
    elif facts.attachment_claim is not None:
        claim = (
            Claim.objects.select_related("doctor__user")
            .filter(pk=facts.attachment_claim)
            .exclude(dossier="")
            .first()
        )
        stored = _stored_bytes(claim.dossier) if claim else None
        if stored is not None:
            result.claim = claim
            if stored.startswith(content) and facts.size in {s.signed_end for s in facts.seals}:
                # The stored dossier has since received document timestamps
                # (reseal_dossiers): this is the same dossier as it was downloaded then.
                result.verdict = Verdict.AUTHENTIC
                result.earlier_revision = True
            elif facts.readable and not facts.attachment_present:
                result.verdict = Verdict.STRIPPED
            else:
                result.verdict = Verdict.CHANGED
    if result.claim is not None and user is not None and user.is_authenticated:
        result.show_details = result.claim.doctor.user_id == user.pk or is_reviewer(user)
    return result
