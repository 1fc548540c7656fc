"""The organisation's e-seal on dossiers: a PAdES signature made with pyHanko.

A stored dossier (and a batch dossier) is what ABSyM files in court: sealing it lets anyone
check who issued it and that not a byte changed since. The seal is a PAdES signature:

* B-T when a timestamp authority is configured (``DOSSIER_TSA_URL``, RFC 3161): the
  signature carries a trusted time, so it outlives the certificate's expiry;
* B-B otherwise (the signing time is then only the signer's claim).

The certificate and key come from a PKCS#12 file (``DOSSIER_SEAL_P12`` and
``DOSSIER_SEAL_PASSWORD``). Without one (development, most tests) dossiers are produced
unsigned and say so on the cover and in the document properties: ``make run`` needs nothing.

PDF/A-3b is kept: the signature is an incremental update (the signed bytes are exactly the
rendered file), invisible (a zero-size widget needs no appearance stream in PDF/A), made
with SHA-256 (pyHanko takes SHA-384 for a SHA-3 digest and raises the file to PDF 2.0,
pyHanko #543) and it leaves the XMP metadata as WeasyPrint wrote it: pyHanko would
re-serialise the packet on every incremental write and can break its RDF (pyHanko #755),
and then the document would no longer claim ``pdfaid:part=3``, ``conformance=B``.
"""

from __future__ import annotations

import io
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko.sign.timestamps import TimeStamper

# pyHanko (with cryptography and aiohttp, about 60 MiB resident) is imported when a seal
# is made, not with this module: render.py and every process that merely starts Django
# import it (for ``seal_configured``), and a dossier's layout needs that memory (issue 13).

#: The signature field's name: the one every sealed dossier has.
SEAL_FIELD = "ABSyM-seal"
DIGEST = "sha256"
#: Room for the CMS signature in the file: a certificate chain, the signature and a
#: timestamp token fit in 16 KiB. A fixed size spares pyHanko a dummy signing (and a
#: dummy timestamp request) to estimate it.
SIGNATURE_BYTES = 16 * 1024
TSA_TIMEOUT_SECONDS = 10


class SealError(RuntimeError):
    """The seal could not be applied (certificate unreadable, timestamp authority down)."""


@cache
def _keep_metadata_writer() -> type[IncrementalPdfFileWriter]:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    class _KeepMetadataWriter(IncrementalPdfFileWriter):
        """An incremental writer that leaves the document's Info and XMP untouched (#755)."""

        def _update_meta(self) -> None:
            # The PDF/A XMP packet and the Info dictionary stay as rendered, byte for byte,
            # and so keep agreeing with each other; when the seal was made is in the
            # signature.
            return None

    return _KeepMetadataWriter


def seal_configured() -> bool:
    """Whether stored dossiers are sealed (a certificate is configured)."""
    return bool(settings.DOSSIER_SEAL_P12)


@lru_cache(maxsize=4)
def _load_signer(path: str, password: str, mtime: float) -> SimpleSigner:
    # Cached per file and modification time: reading and decrypting a PKCS#12 file costs
    # more than the signature itself, and a replaced certificate is picked up at once.
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load_pkcs12(
        path, passphrase=password.encode() if password else None
    )
    if signer is None:
        raise SealError(f"Cannot read the seal certificate {path!r} (wrong password?).")
    return signer


def seal_signer() -> SimpleSigner:
    path = settings.DOSSIER_SEAL_P12
    try:
        mtime = Path(path).stat().st_mtime
    except OSError as error:
        raise SealError(f"Cannot read the seal certificate {path!r}: {error}") from error
    return _load_signer(path, settings.DOSSIER_SEAL_PASSWORD, mtime)


def seal_timestamper() -> TimeStamper | None:
    """The RFC 3161 client of ``DOSSIER_TSA_URL``, or None (then the seal is B-B)."""
    if not settings.DOSSIER_TSA_URL:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(settings.DOSSIER_TSA_URL, timeout=TSA_TIMEOUT_SECONDS)


def _writer(source) -> IncrementalPdfFileWriter:
    return _keep_metadata_writer()(source, strict=False)


def dossier_seal(pdf: bytes) -> bytes:
    """``pdf`` sealed (PAdES B-T with a TSA, B-B without); unchanged when no certificate
    is configured. The signature covers the whole file it returns."""
    if not seal_configured():
        return pdf
    output = io.BytesIO()
    _seal_into(io.BytesIO(pdf), output)
    return output.getvalue()


def dossier_seal_file(path: str | Path) -> None:
    """Seal a file on disk (a batch dossier): the sealed copy replaces it atomically.

    pyHanko reads the input lazily and streams the output, so memory stays that of one
    object at a time, whatever the size of the batch."""
    if not seal_configured():
        return
    path = Path(path)
    sealed = path.with_name(path.name + ".sealing")
    try:
        with open(path, "rb") as source, open(sealed, "wb") as output:
            _seal_into(source, output)
        sealed.replace(path)
    finally:
        sealed.unlink(missing_ok=True)


def _seal_into(source, output) -> None:
    from pyhanko.sign import fields, signers

    timestamper = seal_timestamper()
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        md_algorithm=DIGEST,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="ABSyM e-seal",
        use_pades_lta=False,
    )
    try:
        signers.sign_pdf(
            _writer(source),
            metadata,
            signer=seal_signer(),
            timestamper=timestamper,
            bytes_reserved=SIGNATURE_BYTES,
            output=output,
        )
    except SealError:
        raise
    except Exception as error:
        raise SealError(f"The dossier could not be sealed: {error}") from error


def dossier_add_timestamp(pdf: bytes, *, timestamper: TimeStamper | None = None) -> bytes:
    """``pdf`` with a document timestamp appended (PAdES B-LTA's archive timestamp): the
    earlier revisions are untouched, so every earlier signature still validates, and the
    new timestamp vouches for all of them with today's algorithms."""
    from pyhanko.sign import signers

    timestamper = timestamper or seal_timestamper()
    if timestamper is None:
        raise SealError("No timestamp authority is configured (DOSSIER_TSA_URL).")

    output = io.BytesIO()
    try:
        signers.PdfTimeStamper(timestamper).timestamp_pdf(
            _writer(io.BytesIO(pdf)),
            md_algorithm=DIGEST,
            bytes_reserved=SIGNATURE_BYTES,
            output=output,
        )
    except Exception as error:
        raise SealError(f"The dossier could not be timestamped: {error}") from error
    return output.getvalue()
