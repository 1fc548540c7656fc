"""What a PDF says about itself: its seal(s), what was appended after them, its attachment.

Pure work on bytes (no database): ``claims.verification.service`` compares the result with
the dossiers stored here. Nothing is written anywhere; a file that does not parse is
simply "not a PDF we can read".
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from asn1crypto import x509
    from pyhanko_certvalidator import ValidationContext

# pyHanko and pypdf (with cryptography and aiohttp, about 35 MiB resident) are imported
# when a PDF is read, not with this module: the verification page's URL is part of the URL
# configuration every process loads (a dossier reverses a URL), and a dossier's layout
# needs that memory (issue 13).

logger = logging.getLogger(__name__)

ATTACHMENT_NAME = re.compile(r"^claim-(\d{1,12})\.json$")
#: The same name in the raw bytes: a file whose structure no longer parses still names it.
ATTACHMENT_NAME_BYTES = re.compile(rb"claim-(\d{1,12})\.json")
#: The claim named in the document properties' keywords: it survives a stripped attachment.
KEYWORD = re.compile(r"\bdossier-claim-(\d{1,12})\b")
#: An attachment larger than this is not ours (ours are a few hundred KiB at most).
MAX_ATTACHMENT_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class SealInfo:
    """One signature or document timestamp of the file, in file order."""

    kind: str  # "seal" or "timestamp"
    intact: bool
    signer: str
    signer_fingerprint: str
    signed_end: int  # the byte offset where the bytes it covers end
    time: datetime | None
    timestamped: bool
    timestamp_intact: bool


@dataclass
class PdfFacts:
    readable: bool
    size: int
    sha256: str
    seals: list[SealInfo] = field(default_factory=list)
    revisions: int = 0
    attachment: dict[str, Any] | None = None
    # An attachment named claim-<id>.json is there, even if it no longer parses.
    attachment_present: bool = False
    attachment_claim: int | None = None  # claim id named by the attachment or the raw bytes

    @property
    def last_signed_end(self) -> int | None:
        return max((seal.signed_end for seal in self.seals), default=None)

    @property
    def appended_after_seal(self) -> bool:
        """Bytes were added after the last seal or timestamp (an incremental update)."""
        end = self.last_signed_end
        return end is not None and self.size > end


def certificate_fingerprint(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.dump()).hexdigest()


def _signer_name(certificate: x509.Certificate) -> str:
    subject = certificate.subject.native
    return subject.get("organization_name") or subject.get("common_name") or "?"


def _signed_end(byte_range) -> int:
    values = [int(value) for value in byte_range]
    return values[2] + values[3] if len(values) == 4 else 0


def _carried_certificates(embedded) -> list[x509.Certificate]:
    """The certificates a signature carries, and those of its timestamp token."""
    found = []
    signed_data = embedded.signed_data
    for choice in signed_data["certificates"] or []:
        if choice.name == "certificate":
            found.append(choice.chosen)
    for signer_info in signed_data["signer_infos"]:
        for attribute in signer_info["unsigned_attrs"] or []:
            if attribute["type"].native != "signature_time_stamp_token":
                continue
            for token in attribute["values"]:
                for choice in token["content"]["certificates"] or []:
                    if choice.name == "certificate":
                        found.append(choice.chosen)
    return found


def _context(embedded, trust_roots: list[x509.Certificate]) -> ValidationContext:
    # Whether the seal is ABSyM's is decided by comparing its certificate with the one
    # configured here (``SealInfo.signer_fingerprint``), not by a trust list: the file's own
    # certificates are anchors too, so that a foreign or damaged seal still reports
    # whether it is intact. Nothing is fetched over the network.
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(
        trust_roots=[*trust_roots, *_carried_certificates(embedded)],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )


def _seals(data: bytes, trust_roots: list[x509.Certificate]) -> tuple[list[SealInfo], int]:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    seals = []
    for embedded in reader.embedded_signatures:
        is_timestamp = embedded.sig_object_type == "/DocTimeStamp"
        try:
            context = _context(embedded, trust_roots)
            if is_timestamp:
                status = validate_pdf_timestamp(embedded, validation_context=context)
                time = status.timestamp
                timestamped, timestamp_intact = True, status.intact
            else:
                status = validate_pdf_signature(
                    embedded,
                    signer_validation_context=context,
                    ts_validation_context=context,
                    skip_diff=True,
                )
                stamp = status.timestamp_validity
                timestamped = stamp is not None
                timestamp_intact = bool(stamp and stamp.intact)
                time = stamp.timestamp if stamp else status.signer_reported_dt
            intact = bool(status.intact)
            certificate = status.signing_cert
        except Exception:  # a damaged signature is a verdict, not an error page
            logger.info("A signature of an uploaded PDF could not be validated.", exc_info=True)
            intact, time, timestamped, timestamp_intact = False, None, False, False
            certificate = None
        seals.append(
            SealInfo(
                kind="timestamp" if is_timestamp else "seal",
                intact=intact,
                signer=_signer_name(certificate) if certificate else "",
                signer_fingerprint=certificate_fingerprint(certificate) if certificate else "",
                signed_end=_signed_end(embedded.byte_range),
                time=time,
                timestamped=timestamped,
                timestamp_intact=timestamp_intact,
            )
        )
    return seals, reader.xrefs.total_revisions


def _attachment(data: bytes) -> tuple[dict[str, Any] | None, int | None, bool]:
    """The ``claim-<id>.json`` attachment of the latest revision, parsed, and the claim id
    it (or else the keywords) names."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    keywords = KEYWORD.search(str((reader.metadata or {}).get("/Keywords") or ""))
    named = int(keywords.group(1)) if keywords else None
    for name, contents in (reader.attachments or {}).items():
        match = ATTACHMENT_NAME.match(name)
        if not match:
            continue
        claim_id = int(match.group(1))
        content = contents[-1] if contents else b""
        if len(content) > MAX_ATTACHMENT_BYTES:
            return None, claim_id, True
        try:
            parsed = json.loads(content)
        except ValueError:
            return None, claim_id, True
        return (parsed if isinstance(parsed, dict) else None), claim_id, True
    return None, named, False


def pdf_facts(data: bytes, *, trust_roots: list[x509.Certificate]) -> PdfFacts:
    facts = PdfFacts(readable=False, size=len(data), sha256=hashlib.sha256(data).hexdigest())
    named = ATTACHMENT_NAME_BYTES.search(data)
    if named:
        facts.attachment_claim = int(named.group(1))
    if not data.startswith(b"%PDF-"):
        return facts
    try:
        facts.seals, facts.revisions = _seals(data, trust_roots)
        facts.attachment, claim_id, facts.attachment_present = _attachment(data)
        facts.readable = True
    except Exception:  # any parse failure of a hostile file: "unreadable", never a 500
        logger.info("An uploaded PDF could not be read.", exc_info=True)
        return facts
    if claim_id is not None:
        facts.attachment_claim = claim_id
    return facts
