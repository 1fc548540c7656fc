"""Dossiers made in the background, right after submission (issue 13, item 3).

Rendering and sealing a dossier takes from one to several seconds (WeasyPrint, the
timestamp authority): inside the submit request, a doctor waited for it and a slow or
unreachable timestamp authority refused the submission. Now ``claim_submit`` commits the
frozen snapshot and a ``DossierJob`` row in one transaction, and the task
``claims.tasks_dossier.dossier_prepare`` is enqueued once that transaction has committed
(``transaction.on_commit``, so a worker always finds the submitted claim).

The job is idempotent: a claim that has its dossier keeps it (the evidence never changes
bytes). A failure (TSA down, a certificate unreadable) leaves the claim submitted: the job
is retried later with growing delays, the claim page says "dossier being prepared", and a
download in the meantime renders it on demand (``dossier_for_download``).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from claims.dossier.seal import dossier_seal
from claims.models import Claim, DossierJob
from claims.services.dossiers import _render, claim_keep_dossier
from ops.selectors import tasks_run_in_process

logger = logging.getLogger(__name__)

#: Delays before the 2nd, 3rd... attempt: a TSA outage of an hour is covered; after the
#: last one the job stops and the first download renders the dossier.
RETRY_DELAYS = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=1),
)
#: A job in one of these states whose row has not moved for this long lost its worker
#: (the ops app re-queues the task itself; a download stops waiting for it).
STALE_AFTER = timedelta(minutes=10)

_PERCENT = {
    DossierJob.State.QUEUED: 5,
    DossierJob.State.RENDERING: 25,
    DossierJob.State.SEALING: 70,
    DossierJob.State.STORING: 90,
    DossierJob.State.RETRYING: 5,
    DossierJob.State.FAILED: 0,
    DossierJob.State.DONE: 100,
}
ACTIVE_STATES = frozenset(
    {
        DossierJob.State.QUEUED,
        DossierJob.State.RENDERING,
        DossierJob.State.SEALING,
        DossierJob.State.STORING,
    }
)


def dossier_job_schedule(*, claim: Claim) -> None:
    """Called inside the submit transaction: the job row commits with the submission,
    and the task is enqueued after the commit (or at once by the immediate backend, by
    ``dossier_job_start`` after the transaction block)."""
    DossierJob.objects.update_or_create(
        claim=claim,
        defaults={"state": DossierJob.State.QUEUED, "attempts": 0, "last_error": ""},
    )
    if not tasks_run_in_process():
        claim_id = claim.pk
        transaction.on_commit(lambda: _enqueue(claim_id, 1), robust=True)


def dossier_job_start(*, claim: Claim) -> bool:
    """After the submit transaction block: run the job now with the immediate backend
    (then True: the claim's row changed)."""
    if not tasks_run_in_process():
        return False
    _enqueue(claim.pk, 1)
    return True


def _enqueue(claim_id: int, attempt: int, run_after=None) -> None:
    # Imported here: the task module imports this service (a task ↔ service pair).
    from claims.tasks_dossier import dossier_prepare

    task = dossier_prepare if run_after is None else dossier_prepare.using(run_after=run_after)
    task.enqueue(claim_id, attempt)


def _progress(claim_id: int, **fields) -> None:
    DossierJob.objects.filter(claim_id=claim_id).update(updated_at=timezone.now(), **fields)


def dossier_job_run(*, claim_id: int, attempt: int = 1) -> str:
    """The work of ``dossier_prepare``: render, seal and store the claim's dossier once."""
    claim = Claim.objects.select_related("doctor__user", "methodology").filter(pk=claim_id).first()
    if claim is None or not claim.is_frozen:
        return "gone"
    if claim.dossier and claim.dossier_sha256:
        _progress(claim_id, state=DossierJob.State.DONE)
        return "kept"
    _progress(claim_id, state=DossierJob.State.RENDERING, attempts=attempt, next_attempt_at=None)
    try:
        pdf = _render(claim)
        _progress(claim_id, state=DossierJob.State.SEALING)
        content = dossier_seal(pdf)
        _progress(claim_id, state=DossierJob.State.STORING)
        with transaction.atomic():
            locked = Claim.objects.select_for_update().get(pk=claim_id)
            if not (locked.dossier and locked.dossier_sha256):
                # A download may have rendered it meanwhile: the first stored one stays.
                claim_keep_dossier(claim=locked, content=content)
            _progress(claim_id, state=DossierJob.State.DONE, last_error="")
        return "stored"
    except Exception as error:
        logger.exception(
            "The dossier of claim %s could not be made (attempt %s).", claim_id, attempt
        )
        _retry_or_stop(claim_id, attempt, error)
        return "retrying"


def _retry_or_stop(claim_id: int, attempt: int, error: Exception) -> None:
    message = f"{type(error).__name__}: {error}"[:300]
    if attempt <= len(RETRY_DELAYS) and not tasks_run_in_process():
        when = timezone.now() + RETRY_DELAYS[attempt - 1]
        _progress(
            claim_id,
            state=DossierJob.State.RETRYING,
            last_error=message,
            next_attempt_at=when,
        )
        _enqueue(claim_id, attempt + 1, run_after=when)
        return
    # The immediate backend cannot wait; after the last retry, neither do we: the first
    # download renders it (and says so if it still cannot be sealed).
    _progress(claim_id, state=DossierJob.State.FAILED, last_error=message, next_attempt_at=None)


def dossier_status(*, claim: Claim) -> dict:
    """What the claim page shows while a submitted claim's dossier is being prepared."""
    if not claim.is_frozen:
        return {"state": "draft", "ready": False, "percent": 0}
    if claim.dossier and claim.dossier_sha256:
        return {"state": DossierJob.State.DONE, "ready": True, "percent": 100}
    job = DossierJob.objects.filter(claim=claim).first()
    state = job.state if job else DossierJob.State.FAILED
    return {
        "state": state,
        "ready": False,
        "percent": _PERCENT[state],
        "label": str(DossierJob.State(state).label),
        "attempts": job.attempts if job else 0,
    }


def dossier_job_active(*, claim: Claim) -> bool:
    """Whether a worker is (or will shortly be) making this claim's dossier."""
    return DossierJob.objects.filter(
        claim=claim,
        state__in=ACTIVE_STATES,
        updated_at__gte=timezone.now() - STALE_AFTER,
    ).exists()
