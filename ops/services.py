"""Writes of the worker's housekeeping: its heartbeat, and recovering work of dead workers.

A task whose worker died goes back to the queue once; a task that already lost a worker
before (its ``worker_ids`` name two workers) is failed with a message instead, because a
crash that repeats is more likely caused by the work itself (memory, a poison file) than
by bad luck, and re-queuing it for ever would take every worker down in turn.
"""

import logging
import os
import socket
import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation
from django_tasks import TaskResultStatus

from ops.models import WorkerHeartbeat
from ops.selectors import WORK_LOST, lost_tasks
from ops.signals import task_abandoned, task_requeued

logger = logging.getLogger(__name__)

#: Workers a task may have been claimed by before it is failed rather than re-queued.
MAX_CLAIMS = 2
#: Heartbeats of workers gone this long are deleted.
FORGET_AFTER = timedelta(days=1)


def worker_beat(*, worker_id: str, task_id: uuid.UUID | None) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"last_seen": now, "current_task_id": task_id},
        create_defaults={
            "last_seen": now,
            "started_at": now,
            "current_task_id": task_id,
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )


def worker_forget_old(now=None) -> int:
    deleted, _ = WorkerHeartbeat.objects.filter(
        last_seen__lt=(now or timezone.now()) - FORGET_AFTER
    ).delete()
    return deleted


def _requeue(task) -> None:
    task.status = TaskResultStatus.READY
    task.started_at = None
    task.save(update_fields=["status", "started_at"])
    task_requeued.send(sender=WorkerHeartbeat, task_id=str(task.pk))


def _abandon(task, message) -> None:
    """``message`` stays lazy in the signal: each app words it in its user's language."""
    task.status = TaskResultStatus.FAILED
    task.finished_at = timezone.now()
    task.exception_class_path = "ops.services.WorkerLost"
    with translation.override("en"):
        task.traceback = str(message)
    task.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
    task_abandoned.send(sender=WorkerHeartbeat, task_id=str(task.pk), message=message)


def tasks_recover_lost(*, now=None, queryset=None) -> dict[str, int]:
    """Re-queue (or fail) the tasks whose worker died. Safe with several workers doing it
    at once: each task row is locked, and one already locked is left to the other."""
    requeued = failed = 0
    with transaction.atomic():
        tasks = (lost_tasks(now) if queryset is None else queryset).select_for_update(
            skip_locked=True
        )
        for task in tasks:
            if len(task.worker_ids) >= MAX_CLAIMS:
                _abandon(task, WORK_LOST)
                failed += 1
                logger.error("Task %s (%s) lost its worker again: failed.", task.pk, task.task_path)
            else:
                _requeue(task)
                requeued += 1
                logger.warning("Task %s (%s) lost its worker: re-queued.", task.pk, task.task_path)
    return {"requeued": requeued, "failed": failed}
