"""Extending the archive: a document timestamp on every stored dossier (PAdES B-LTA).

A seal proves who issued a dossier; its timestamp, when. Both rest on algorithms and
certificates that age: a new document timestamp every few years, from a timestamp
authority, vouches for everything before it with today's algorithms, and a court can still
check a dossier decades on. The timestamp is appended as an incremental update: the earlier
bytes stay as they were, so an earlier download still verifies (``/verify/`` recognises it
as the same dossier before its later timestamps).

Each dossier is done in its own transaction: an interrupted run keeps what it did, and
running it again does only what is left (a dossier timestamped recently enough is skipped).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from claims.dossier.seal import dossier_add_timestamp
from claims.models import BatchClaim, Claim
from claims.verification.pdf_reading import pdf_facts
from filestore.storage import StoredFileIntegrityError, read_verified, store_bytes


@dataclass(frozen=True)
class ResealOutcome:
    label: str  # "claim #12"
    state: str  # "timestamped", "up to date", "altered", "missing"


def needs_timestamp(content: bytes, *, newer_than: datetime | None) -> bool:
    """No document timestamp yet, or (with ``newer_than``) none since that moment."""
    stamps = [
        seal.time
        for seal in pdf_facts(content, trust_roots=[]).seals
        if seal.kind == "timestamp" and seal.time
    ]
    if not stamps:
        return True
    return newer_than is not None and max(stamps) < newer_than


def _reseal_row(pk: int, *, newer_than, label: str) -> ResealOutcome:
    with transaction.atomic():
        row = Claim.objects.select_for_update().get(pk=pk)
        if not row.dossier:
            return ResealOutcome(label, "missing")
        # Never timestamp a file that is not what was stored: that would vouch for it.
        if not row.dossier_sha256:
            return ResealOutcome(label, "altered")
        try:
            content = read_verified(row.dossier.name, row.dossier_sha256)
        except StoredFileIntegrityError as error:
            return ResealOutcome(label, "missing" if error.actual is None else "altered")
        if not needs_timestamp(content, newer_than=newer_than):
            return ResealOutcome(label, "up to date")
        stamped = dossier_add_timestamp(content)
        old_name, old_sha = row.dossier.name, row.dossier_sha256
        # Stored under its own SHA-256 (filestore), like every dossier: a new name, never
        # an overwrite, so a crash before the commit leaves an orphan, not a wrong file.
        stored = store_bytes(folder="dossiers", content=stamped, suffix=".pdf")
        row.dossier.name = stored.name
        row.dossier_sha256 = stored.sha256
        row.save(update_fields=["dossier", "dossier_sha256"])
        # A frozen batch files "this claim's dossier": the same dossier, now timestamped.
        BatchClaim.objects.filter(claim_id=row.pk, dossier_sha256=old_sha).update(
            dossier_sha256=row.dossier_sha256
        )
        storage = row.dossier.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return ResealOutcome(label, "timestamped")


def _work() -> Iterator[tuple[int, str]]:
    # Current dossiers only: an earlier version (ClaimVersion) is append-only, down to the
    # database (its triggers refuse any UPDATE), and keeps the seal and timestamp it had
    # when it was superseded.
    for pk in Claim.objects.exclude(dossier="").order_by("pk").values_list("pk", flat=True):
        yield pk, f"claim #{pk}"


def dossiers_reseal(
    *,
    older_than: timedelta | None = None,
    progress: Callable[[int, int, ResealOutcome], None] | None = None,
) -> dict[str, int]:
    """Timestamp every stored dossier that needs it; returns the count per outcome."""
    newer_than = timezone.now() - older_than if older_than else None
    work = list(_work())
    counts: dict[str, int] = {}
    for done, (pk, label) in enumerate(work, start=1):
        outcome = _reseal_row(pk, newer_than=newer_than, label=label)
        counts[outcome.state] = counts.get(outcome.state, 0) + 1
        if progress:
            progress(done, len(work), outcome)
    return counts
