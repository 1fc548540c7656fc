"""Writes of batches: build one from a filter or a selection, freeze it, produce its files.

A frozen batch never changes: its claims, their order, the SHA-256 of each claim's stored
dossier and the outlier threshold are fixed at freezing. Its files are produced in the
background (``claims.review.tasks``) into a local temp file, then stored (filestore: under
its SHA-256, in the default storage, local disk or S3) once complete:

* the batch dossier: summary tables (WeasyPrint), then every claim's stored dossier, merged
  page by page by ``claims.review.pdf_merge`` (memory does not grow with the batch);
* a ZIP of the individual dossiers, with ``claims.csv`` (the export) and ``SHA256SUMS``.

Progress is written to the ``BatchOutput`` row about every percent, so the progress page
can follow it from another process.
"""

from __future__ import annotations

import io
import logging
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from itertools import chain
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_reviewer
from claims.models import Batch, BatchClaim, BatchOutput, Claim, ClaimVersion
from claims.review.exports import csv_lines, export_rows, row_from_json, row_to_json
from claims.review.selectors import (
    batch_claims,
    batch_summary,
    batch_summary_rows,
    outlier_threshold,
    reviewable_claims,
)
from claims.riziv import format_riziv
from claims.services.dossiers import claim_store_dossier
from filestore.storage import StoredFileIntegrityError, open_verified, store_local_file
from ops import selectors as ops_selectors

logger = logging.getLogger(__name__)

NAME_REQUIRED = _("Give the batch a name, for example “Recip-e, January 2024”.")
EMPTY_BATCH = _("A batch needs at least one submitted claim.")
FROZEN = _("This batch is frozen: it can no longer change.")
NOT_FROZEN = _("Freeze the batch first: its files are made from a batch that can no longer change.")
NOT_A_REVIEWER = _("Only the legal team can build batches.")
DOSSIER_ALTERED = "The stored dossier of claim {claim} no longer matches its SHA-256."

#: A running output that has not moved for this long has lost its worker: it may restart.
STALE_AFTER = timedelta(minutes=15)
CHUNK = 200
#: Claims per part of the summary's table (each part is one WeasyPrint document).
SUMMARY_ROWS = 200
READ_BLOCK = 1024 * 1024


def _check_reviewer(user) -> None:
    if not is_reviewer(user):
        raise ValidationError(NOT_A_REVIEWER)


@transaction.atomic
def batch_create(
    *, name: str, reviewer, claims: QuerySet[Claim] | Iterable[int], filters: dict | None = None
) -> Batch:
    """A draft batch of the given submitted claims (a filter's queryset or chosen ids),
    in claim id order."""
    _check_reviewer(reviewer)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [NAME_REQUIRED]})
    if isinstance(claims, QuerySet):
        ids = claims.filter(pk__in=reviewable_claims().values("pk"))
    else:
        ids = reviewable_claims().filter(pk__in=list(claims))
    ids = list(ids.order_by("pk").values_list("pk", flat=True))
    if not ids:
        raise ValidationError(EMPTY_BATCH)
    batch = Batch(name=name, filters=filters or {}, created_by=reviewer)
    batch.full_clean()
    batch.save()
    BatchClaim.objects.bulk_create(
        [
            BatchClaim(batch=batch, claim_id=pk, position=position)
            for position, pk in enumerate(ids)
        ],
        batch_size=2000,
    )
    return batch


@transaction.atomic
def batch_freeze(*, batch: Batch, reviewer, now: datetime | None = None) -> Batch:
    _check_reviewer(reviewer)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.is_frozen:
        raise ValidationError(FROZEN)
    claims = batch_claims(batch)
    batch.outlier_threshold = outlier_threshold(claims, claims.count())
    # The dossier each claim has now is the one the batch files (checked when merged).
    BatchClaim.objects.filter(batch=batch).update(
        dossier_sha256=Subquery(
            Claim.objects.filter(pk=OuterRef("claim_id")).values("dossier_sha256")[:1]
        )
    )
    _freeze_export_rows(batch, claims)
    batch.frozen_at = now or timezone.now()
    batch.full_clean()
    batch.save(update_fields=["outlier_threshold", "frozen_at"])
    return batch


def _freeze_export_rows(batch: Batch, claims) -> None:
    """Store each claim's export row on its membership (exports of a frozen batch)."""
    members = {m.claim_id: m for m in BatchClaim.objects.filter(batch=batch).only("id", "claim")}
    for row in export_rows(claims):
        members[row[0]].export_row = row_to_json(row)
    BatchClaim.objects.bulk_update(members.values(), ["export_row"], batch_size=1000)


def batch_export_source(batch: Batch):
    """What the batch's exports are made from: the rows stored at freezing (a frozen
    batch, or one frozen before rows were stored: its claims as they are now)."""
    if not batch.is_frozen:
        return batch_claims(batch)
    stored = BatchClaim.objects.filter(batch=batch, export_row__isnull=False)
    if not stored.exists():
        return batch_claims(batch)
    return (
        row_from_json(values)
        for values in stored.order_by("claim_id")
        .values_list("export_row", flat=True)
        .iterator(chunk_size=2000)
    )


@transaction.atomic
def batch_delete(*, batch: Batch, reviewer) -> None:
    _check_reviewer(reviewer)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.is_frozen:
        raise ValidationError(FROZEN)
    batch.delete()


# --- background outputs -------------------------------------------------------------------------


def output_is_busy(
    output: BatchOutput, now: datetime | None = None, lost_task_ids: set[str] | None = None
) -> bool:
    """Queued or running, still moving and its worker alive: starting it again would do
    the work twice. ``lost_task_ids`` (``ops.selectors.lost_task_ids``) lets a page ask for
    all its outputs in one query; without it, this output's task is looked up."""
    if output.state not in (BatchOutput.State.QUEUED, BatchOutput.State.RUNNING):
        return False
    if lost_task_ids is None:
        lost_task_ids = ops_selectors.lost_task_ids([output.task_id], now)
    if output.task_id and output.task_id in lost_task_ids:
        return False
    return (now or timezone.now()) - output.updated_at < STALE_AFTER


def output_is_lost(output: BatchOutput, now=None, lost_task_ids: set[str] | None = None) -> bool:
    """Queued or running on paper, but nobody will finish it: show it as failed."""
    return output.state in (
        BatchOutput.State.QUEUED,
        BatchOutput.State.RUNNING,
    ) and not output_is_busy(output, now, lost_task_ids)


def batch_output_requeued(*, task_id: str) -> int:
    """The worker re-queued the task of a dead worker: the file starts again from zero."""
    return BatchOutput.objects.filter(
        task_id=task_id, state__in=(BatchOutput.State.QUEUED, BatchOutput.State.RUNNING)
    ).update(state=BatchOutput.State.QUEUED, progress_done=0, updated_at=timezone.now())


def batch_output_abandoned(*, task_id: str, message) -> int:
    """The worker gave up on the task: the file failed, said in the requester's language."""
    now = timezone.now()
    outputs = BatchOutput.objects.filter(
        task_id=task_id, state__in=(BatchOutput.State.QUEUED, BatchOutput.State.RUNNING)
    )
    for output in outputs:
        with translation.override(output.language):
            error = str(message)
        BatchOutput.objects.filter(pk=output.pk).update(
            state=BatchOutput.State.FAILED, error=error, updated_at=now, finished_at=now
        )
    return len(outputs)


def batch_output_start(*, batch: Batch, kind: str, user, language: str) -> BatchOutput:
    """Queue the production of a batch file (or return the one already under way)."""
    _check_reviewer(user)
    if kind not in BatchOutput.Kind.values:
        raise ValidationError(_("Unknown kind of file."))
    with transaction.atomic():
        batch = Batch.objects.select_for_update().get(pk=batch.pk)
        if not batch.is_frozen:
            raise ValidationError(NOT_FROZEN)
        output = BatchOutput.objects.filter(batch=batch, kind=kind).first()
        if output is not None and output_is_busy(output):
            return output
        now = timezone.now()
        output = output or BatchOutput(batch=batch, kind=kind)
        output.state = BatchOutput.State.QUEUED
        output.progress_done = 0
        output.progress_total = batch.members.count()
        output.error = ""
        output.requested_by = user
        output.requested_at = now
        output.updated_at = now
        output.started_at = None
        output.finished_at = None
        output.language = language if language in ("fr", "nl", "en") else "fr"
        output.full_clean()
        output.save()
    # Enqueued after the row is committed, so a worker always finds it. The immediate
    # backend (development, tests) runs the whole job right here. Imported here: the task
    # module imports this service (a task ↔ service pair).
    from claims.review.tasks import batch_output_build

    result = batch_output_build.enqueue(output.pk)
    BatchOutput.objects.filter(pk=output.pk).update(task_id=str(result.id))
    output.refresh_from_db()
    return output


def _progress(output_id: int, **fields) -> None:
    BatchOutput.objects.filter(pk=output_id).update(updated_at=timezone.now(), **fields)


def _members(batch: Batch) -> Iterator[tuple[BatchClaim, Claim]]:
    """The batch's claims in order, read in chunks (never the snapshots)."""
    members = (
        BatchClaim.objects.filter(batch=batch)
        .select_related("claim__doctor__user")
        .defer("claim__snapshot")
        .order_by("position")
    )
    last = -1
    while True:
        chunk = list(members.filter(position__gt=last)[:CHUNK])
        if not chunk:
            return
        for member in chunk:
            yield member, member.claim
        last = chunk[-1].position


def _stored_dossier(member: BatchClaim, claim: Claim):
    """The claim's stored dossier (a rewound binary file), checked against the SHA-256
    frozen with the batch (rendered and stored now if the claim has none yet)."""
    if not claim.dossier:
        with transaction.atomic():
            locked = (
                Claim.objects.select_for_update().select_related("doctor__user").get(pk=claim.pk)
            )
            claim = claim_store_dossier(claim=locked)
    stored = claim.dossier
    expected = member.dossier_sha256 or claim.dossier_sha256
    if member.dossier_sha256 and claim.dossier_sha256 != member.dossier_sha256:
        # Resubmitted since the batch was frozen: the batch files the version it froze.
        version = ClaimVersion.objects.filter(
            claim=claim, dossier_sha256=member.dossier_sha256
        ).first()
        if version is None or not version.dossier:
            raise ValueError(DOSSIER_ALTERED.format(claim=claim.pk))
        stored = version.dossier
    try:
        return open_verified(stored.name, expected)
    except StoredFileIntegrityError as error:
        raise ValueError(DOSSIER_ALTERED.format(claim=claim.pk)) from error


def _bookmark(member: BatchClaim, claim: Claim) -> str:
    # A frozen batch names the doctor as they were when it was frozen.
    name, riziv = claim.doctor.user.get_full_name(), claim.doctor.riziv_display
    if member.export_row:
        name, riziv = member.export_row[1], format_riziv(member.export_row[2])
    return (
        f"#{claim.pk} {name} ({riziv}) "
        f"{claim.period_start.isoformat()} – {claim.period_end.isoformat()}"
    )


def batch_summary_pdfs(*, batch: Batch) -> Iterator[bytes]:
    """The summary pages at the front of the batch dossier (the active language), in parts
    of ``SUMMARY_ROWS`` claims: WeasyPrint holds a whole document's layout in memory, so
    one document for a thousand lines would make memory grow with the batch."""
    # Imported here: WeasyPrint takes a second or more to load, and every process loads
    # this module at start (claims.receivers); only a batch dossier needs it.
    from claims.dossier.render import page_pdf

    summary = batch_summary(batch)
    parts = batch_summary_rows(summary, size=SUMMARY_ROWS)
    first = next(parts, [])
    start = 1
    for index, rows in enumerate(chain([first], parts)):
        html = render_to_string(
            "claims/review/batch_summary_pdf.html",
            {
                "s": summary,
                "rows": rows,
                "first_part": index == 0,
                "first_row": start,
                "last_row": start + len(rows) - 1,
            },
        )
        start += len(rows)
        yield page_pdf(html)


def _build_dossier(output: BatchOutput, path: Path) -> None:
    # Imported here, as in claims.services.dossiers: this module is loaded by every process
    # at start (claims.receivers); pyHanko and pypdf (about 60 and 25 MiB resident) are
    # loaded by the worker that builds a batch dossier only (issue 13).
    from claims.dossier.seal import dossier_seal_file
    from claims.review.pdf_merge import StreamingPdfMerger

    batch = output.batch
    step = max(1, output.progress_total // 100)
    with open(path, "wb") as out:
        merger = StreamingPdfMerger(out, title=batch.name)
        for index, part in enumerate(batch_summary_pdfs(batch=batch)):
            merger.append(io.BytesIO(part), title=str(_("Summary")) if index == 0 else "")
        for done, (member, claim) in enumerate(_members(batch), start=1):
            with _stored_dossier(member, claim) as source:
                merger.append(source, title=_bookmark(member, claim))
            if done % step == 0:
                _progress(output.pk, progress_done=done)
        merger.finish()
    # Sealed as a whole, after the merge: the seal covers the summary and every dossier.
    dossier_seal_file(path)


def _build_zip(output: BatchOutput, path: Path) -> None:
    batch = output.batch
    step = max(1, output.progress_total // 100)
    sums = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for done, (member, claim) in enumerate(_members(batch), start=1):
            arcname = f"dossier-claim-{claim.pk}.pdf"
            # Copied in blocks: one dossier at a time in memory, at most.
            with _stored_dossier(member, claim) as source, archive.open(arcname, "w") as copy:
                shutil.copyfileobj(source, copy)
            sums.append(f"{member.dossier_sha256 or claim.dossier_sha256}  {arcname}\n")
            if done % step == 0:
                _progress(output.pk, progress_done=done)
        with archive.open("claims.csv", "w") as manifest:
            for line in csv_lines(batch_export_source(batch)):
                manifest.write(line.encode())
        archive.writestr("SHA256SUMS", "".join(sums))


def batch_output_run(*, output_id: int) -> dict:
    """The job behind ``claims.review.tasks.batch_output_build``."""
    output = BatchOutput.objects.select_related("batch").get(pk=output_id)
    _progress(
        output.pk,
        state=BatchOutput.State.RUNNING,
        started_at=timezone.now(),
        progress_done=0,
        progress_total=output.batch.members.count(),
    )
    output.refresh_from_db()
    kind = output.kind
    suffix = ".pdf" if kind == BatchOutput.Kind.DOSSIER else ".zip"
    # Built in a local temp file, stored only once complete: a killed worker leaves no
    # partial file in the storage, and the earlier good file stays downloadable until
    # the new one is stored (a failure never hides it).
    with tempfile.TemporaryDirectory(prefix="batch-output-") as scratch:
        path = Path(scratch) / f"batch{suffix}"
        try:
            with translation.override(output.language):
                if kind == BatchOutput.Kind.DOSSIER:
                    _build_dossier(output, path)
                else:
                    _build_zip(output, path)
            stored = store_local_file(folder="batches", path=path, suffix=suffix)
        except Exception as error:
            logger.exception("Batch %s: the %s could not be produced.", output.batch_id, kind)
            _progress(
                output.pk,
                state=BatchOutput.State.FAILED,
                error=str(error)[:2000],
                finished_at=timezone.now(),
            )
            raise
    # The earlier file (another name: other bytes) stays in the storage until
    # `storage_check --delete-orphans`: a download that started on it can finish.
    _progress(
        output.pk,
        state=BatchOutput.State.DONE,
        file=stored.name,
        sha256=stored.sha256,
        size=stored.size,
        progress_done=output.progress_total,
        finished_at=timezone.now(),
    )
    return {"output": output.pk, "file": stored.name}
