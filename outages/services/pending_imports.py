"""The browser's import: upload → preview (a dry run) → confirm → a background task.

The uploaded bytes wait by the toolkit's one pending-preview mechanism
(``importkit.pending``: default storage, a random token, PENDING_RETENTION), with a
``PendingImport`` row that the view finds by the token kept in the uploader's session;
confirming checks the file's SHA-256 against the one previewed, so what is applied is
exactly what the admin looked at.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from importkit.pending import (
    PendingChanged,
    pending_cutoff,
    pending_read,
    pending_remove,
    pending_store,
    pending_token,
)
from ops.selectors import task_is_lost
from outages.models import PendingImport
from outages.services.imports import incidents_import

_FOLDER = "pending-imports"


def _purge_stale_previews() -> None:
    """Previews nobody confirmed go after PENDING_RETENTION, with their stored bytes (by
    row, not by folder: a queued or failed import keeps its file for the retry)."""
    stale = PendingImport.objects.filter(
        state=PendingImport.State.PREVIEWED, created_at__lt=pending_cutoff()
    )
    for pending in stale:
        pending_remove(pending.stored_file.name)
        pending.delete()


def _keep(pending: PendingImport, data: bytes) -> None:
    pending.stored_file.name = pending_store(f"{_FOLDER}/{pending.token}.upload", data)


def pending_import_create(*, data: bytes, file_name: str, format: str, user) -> PendingImport:
    """Preview ``data`` (nothing is written to the calendar) and keep it for confirmation.

    A file above IMPORT_BACKGROUND_PREVIEW_BYTES is previewed by a background task, like
    the import itself: the request returns at once and the page follows the preview."""
    _purge_stale_previews()
    if (
        len(data) > settings.IMPORT_BACKGROUND_PREVIEW_BYTES
        and len(data) <= settings.MAX_UPLOAD_BYTES
    ):
        return _preview_later(data=data, file_name=file_name, format=format, user=user)
    report = incidents_import(
        data=data, file_name=file_name, format=format, user=user, dry_run=True
    )
    pending = PendingImport(
        token=pending_token(),
        created_by=user,
        file_name=file_name[:255],
        format=format,
        checksum=report.checksum,
        size=len(data),
        preview=report.preview_dict(),
    )
    if report.ok:
        # Only a file that can be applied is worth keeping until the confirmation.
        _keep(pending, data)
    pending.full_clean()
    pending.save()
    return pending


def _preview_later(*, data: bytes, file_name: str, format: str, user) -> PendingImport:
    from outages.tasks import pending_import_preview  # the task module imports this one

    pending = PendingImport(
        token=pending_token(),
        created_by=user,
        file_name=file_name[:255],
        format=format,
        checksum=hashlib.sha256(data).hexdigest(),
        size=len(data),
        state=PendingImport.State.PREVIEWING,
    )
    _keep(pending, data)
    pending.full_clean()
    pending.save()
    result = pending_import_preview.enqueue(pending.pk)
    PendingImport.objects.filter(pk=pending.pk, task_id="").update(task_id=str(result.id)[:64])
    pending.refresh_from_db()
    return pending


def _import_stored(pending: PendingImport, *, dry_run: bool):
    """The stored file through the import (a dry run for the preview); any failure marks
    the pending import failed with its message, then propagates to the task runner."""
    try:
        return incidents_import(
            data=_stored_bytes(pending),
            file_name=pending.file_name,
            format=pending.format,
            user=pending.created_by,
            dry_run=dry_run,
        )
    except Exception as exc:
        PendingImport.objects.filter(pk=pending.pk).update(
            state=PendingImport.State.FAILED,
            message=str(getattr(exc, "message", exc))[:2000],
            finished_at=timezone.now(),
        )
        raise


def pending_import_preview_run(*, pending_id: int) -> dict:
    """The background preview's body: the same dry run as a small file gets in the request."""
    pending = PendingImport.objects.select_related("created_by").get(pk=pending_id)
    if pending.state != PendingImport.State.PREVIEWING:
        return {"skipped": True}
    report = _import_stored(pending, dry_run=True)
    PendingImport.objects.filter(pk=pending_id, state=PendingImport.State.PREVIEWING).update(
        state=PendingImport.State.PREVIEWED, preview=report.preview_dict()
    )
    if not report.ok:
        pending_remove(pending.stored_file.name)
        PendingImport.objects.filter(pk=pending_id).update(stored_file="")
    return {"rows": len(report.rows), "errors": len(report.errors)}


def _stored_bytes(pending: PendingImport) -> bytes:
    try:
        data = pending_read(pending.stored_file.name, pending.checksum)
    except PendingChanged:
        data = None
    if data is None:
        raise ValidationError(
            _("The stored file no longer matches the one previewed. Upload it again.")
        )
    return data


def pending_import_confirm(*, pending: PendingImport) -> PendingImport:
    """Queue the import of a previewed file; with the immediate task backend (development,
    tests) it runs at once, otherwise a ``db_worker`` picks it up."""
    if pending.state != PendingImport.State.PREVIEWED:
        raise ValidationError(_("This import was already confirmed."))
    if pending.preview.get("error_count") or not pending.stored_file:
        raise ValidationError(
            _("A file with errors cannot be imported. Fix it and upload it again.")
        )
    try:
        _stored_bytes(pending)
    except (ValidationError, OSError) as exc:
        PendingImport.objects.filter(pk=pending.pk).update(
            state=PendingImport.State.FAILED,
            message=str(getattr(exc, "message", exc)),
            finished_at=timezone.now(),
        )
        raise ValidationError(
            _("The stored file no longer matches the one previewed. Upload it again.")
        ) from exc
    # A conditional update, so that a double click cannot queue the same file twice.
    queued = PendingImport.objects.filter(
        pk=pending.pk, state=PendingImport.State.PREVIEWED
    ).update(state=PendingImport.State.QUEUED)
    if not queued:
        raise ValidationError(_("This import was already confirmed."))
    return _enqueue(pending)


def _enqueue(pending: PendingImport) -> PendingImport:
    from outages.tasks import pending_import_apply  # the task module imports this one

    result = pending_import_apply.enqueue(pending.pk)
    PendingImport.objects.filter(pk=pending.pk).update(task_id=str(result.id)[:64])
    pending.refresh_from_db()
    return pending


def pending_import_is_lost(pending: PendingImport) -> bool:
    """Queued or running on paper, but its worker died (or gave up on it)."""
    return pending.is_working and task_is_lost(pending.task_id)


def pending_import_can_retry(pending: PendingImport, lost: bool) -> bool:
    return (pending.state == PendingImport.State.FAILED or lost) and bool(pending.stored_file)


def pending_import_retry(*, pending: PendingImport) -> PendingImport:
    """Start a failed or lost import again from its stored file. The import writes all or
    nothing, so a run cut short left nothing behind to undo."""
    lost = pending_import_is_lost(pending)
    if not pending_import_can_retry(pending, lost):
        raise ValidationError(_("This import cannot be started again. Upload the file again."))
    _stored_bytes(pending)
    queued = PendingImport.objects.filter(pk=pending.pk, state=pending.state).update(
        state=PendingImport.State.QUEUED, message="", finished_at=None
    )
    if not queued:
        raise ValidationError(_("This import was already started again."))
    return _enqueue(pending)


def pending_import_requeued(*, task_id: str) -> int:
    """A worker re-queued the task of a dead one: the import will run from the start."""
    return PendingImport.objects.filter(task_id=task_id, state=PendingImport.State.RUNNING).update(
        state=PendingImport.State.QUEUED
    )


def pending_import_abandoned(*, task_id: str, message) -> int:
    """The worker gave up on the import: it failed, said in the uploader's language."""
    imports = PendingImport.objects.filter(
        task_id=task_id, state__in=(PendingImport.State.QUEUED, PendingImport.State.RUNNING)
    ).select_related("created_by")
    for pending in imports:
        with translation.override(pending.created_by.language):
            text = str(message)
        PendingImport.objects.filter(pk=pending.pk).update(
            state=PendingImport.State.FAILED, message=text, finished_at=timezone.now()
        )
    return len(imports)


def pending_import_run(*, pending_id: int) -> dict:
    """The task's body: apply the file (all or nothing) and record how it went."""
    claimed = PendingImport.objects.filter(pk=pending_id, state=PendingImport.State.QUEUED).update(
        state=PendingImport.State.RUNNING
    )
    if not claimed:
        return {"skipped": True}  # delivered twice, or no longer queued
    pending = PendingImport.objects.select_related("created_by").get(pk=pending_id)
    report = _import_stored(pending, dry_run=False)
    with transaction.atomic():
        PendingImport.objects.filter(pk=pending_id).update(
            state=PendingImport.State.APPLIED if report.applied else PendingImport.State.REFUSED,
            import_record=report.import_record,
            message=report.summary_line() if report.ok else "; ".join(map(str, report.errors[:20])),
            finished_at=timezone.now(),
        )
    # The ImportRecord keeps its own copy of the raw file.
    pending_remove(pending.stored_file.name)
    PendingImport.objects.filter(pk=pending_id).update(stored_file="")
    return {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "errors": len(report.errors),
    }
