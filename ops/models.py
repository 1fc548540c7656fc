from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per ``db_worker`` process, touched every ``WORKER_HEARTBEAT_SECONDS`` by a
    thread of its own (so a long task does not stop the beat). A task RUNNING without a
    fresh heartbeat naming it lost its worker (``kill -9``, out of memory, a reboot)."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    hostname = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process id"), default=0)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now, db_index=True)
    # The django-tasks-db result this worker is running now, if any.
    current_task_id = models.UUIDField(_("current task"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
