"""Reads about background work: which tasks lost their worker."""

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ops.models import WorkerHeartbeat

#: What a page shows for work whose worker died, or that the worker gave up.
WORK_LOST = _(
    "The background worker doing this stopped before it finished (a crash or a restart). "
    "Start it again."
)


def tasks_run_in_process() -> bool:
    """Whether tasks run where they are enqueued (the immediate backend: development,
    tests), on the same database connection: such a task sees uncommitted rows, and a
    test's transaction (never committed) would otherwise never run it."""
    return settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")


def _cutoff(now: datetime | None) -> datetime:
    return (now or timezone.now()) - timedelta(seconds=settings.WORKER_LOST_AFTER_SECONDS)


def _running_without_worker(cutoff: datetime) -> Q:
    """RUNNING for longer than the lost-after delay, and no worker alive says it runs it.
    The started_at bound leaves a fresh claim the time of its first beat."""
    alive = WorkerHeartbeat.objects.filter(current_task_id=OuterRef("id"), last_seen__gte=cutoff)
    return Q(status=TaskResultStatus.RUNNING, started_at__lt=cutoff) & ~Q(Exists(alive))


def lost_tasks(now: datetime | None = None) -> QuerySet[DBTaskResult]:
    return DBTaskResult.objects.filter(_running_without_worker(_cutoff(now)))


def _uuids(task_ids: Iterable[str]) -> list[uuid.UUID]:
    ids = []
    for task_id in task_ids:
        try:
            ids.append(uuid.UUID(str(task_id)))
        except ValueError:
            continue  # not a database task (an immediate backend's id, or none yet)
    return ids


def lost_task_ids(task_ids: Iterable[str], now: datetime | None = None) -> set[str]:
    """Among ``task_ids``, the tasks that will not finish: their worker died, or the task
    failed outside the app's own error handling. One query whatever the number of ids."""
    ids = _uuids(task_ids)
    if not ids:
        return set()
    lost = DBTaskResult.objects.filter(pk__in=ids).filter(
        Q(status=TaskResultStatus.FAILED) | _running_without_worker(_cutoff(now))
    )
    return {str(pk) for pk in lost.values_list("pk", flat=True)}


def task_is_lost(task_id: str, now: datetime | None = None) -> bool:
    return bool(task_id) and str(task_id) in lost_task_ids([task_id], now)
