"""``manage.py db_worker``: django-tasks-db's worker, made to survive what production does to
it (``ops`` comes before ``django_tasks_db`` in INSTALLED_APPS, so this command wins).

* A heartbeat thread writes ``WorkerHeartbeat`` every ``WORKER_HEARTBEAT_SECONDS``, naming
  the task being run, and re-queues (or fails) the tasks of workers not seen for
  ``WORKER_LOST_AFTER_SECONDS``: a ``kill -9`` no longer leaves a task RUNNING for ever.
* A dropped database connection (a PostgreSQL restart, ``pg_terminate_backend``, a
  failover) no longer kills the process: the connection is closed and the loop starts
  again after an exponential back-off capped by ``WORKER_RETRY_MAX_SECONDS``.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections
from django_tasks_db.management.commands import db_worker as upstream
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from ops.services import tasks_recover_lost, worker_beat, worker_forget_old

logger = logging.getLogger("django_tasks_db")


def backoff(failures: int) -> float:
    """0.5 s, 1 s, 2 s, … up to WORKER_RETRY_MAX_SECONDS."""
    return min(float(settings.WORKER_RETRY_MAX_SECONDS), 0.25 * 2 ** max(1, failures))


class Heartbeat(threading.Thread):
    def __init__(self, worker_id: str):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.current_task_id = None
        self.stopped = threading.Event()

    def run(self) -> None:
        failures = 0
        while not self.stopped.is_set():
            try:
                close_old_connections()
                worker_beat(worker_id=self.worker_id, task_id=self.current_task_id)
                tasks_recover_lost()
                worker_forget_old()
                failures = 0
                wait = float(settings.WORKER_HEARTBEAT_SECONDS)
            except Exception as error:
                # This thread's own connection; the main loop has another.
                failures += 1
                wait = backoff(failures)
                logger.warning("Heartbeat failed (%s); trying again in %.1f s.", error, wait)
                connections.close_all()
            self.stopped.wait(wait)
        connections.close_all()


class ResilientWorker(Worker):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.heartbeat = Heartbeat(self.worker_id)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.heartbeat.current_task_id = db_task_result.pk
        try:
            super().run_task(db_task_result)
        finally:
            self.heartbeat.current_task_id = None

    def _release_own_tasks(self) -> None:
        """After a lost connection, a task this worker had claimed may still say RUNNING
        (its success or failure could not be written): give it back like a dead worker's."""
        own = [
            pk
            for pk, worker_ids in DBTaskResult.objects.running().values_list("pk", "worker_ids")
            if worker_ids and worker_ids[-1] == self.worker_id
        ]
        if own:
            tasks_recover_lost(queryset=DBTaskResult.objects.filter(pk__in=own))

    def run(self) -> None:
        if not self.heartbeat.is_alive():
            self.heartbeat.start()
        failures = 0
        last_failure = 0.0
        while self.running:
            try:
                if failures:
                    self._release_own_tasks()
                super().run()
                return
            except DatabaseError as error:
                # A failure long after the previous one starts the back-off afresh.
                if time.monotonic() - last_failure > 2 * settings.WORKER_RETRY_MAX_SECONDS:
                    failures = 0
                last_failure = time.monotonic()
                failures += 1
                wait = backoff(failures)
                logger.warning(
                    "Database connection lost (%s); retrying in %.1f s.", str(error).strip(), wait
                )
                # Drop the broken connection: the next query opens a new one.
                connections.close_all()
                self.startup_delay = False
                time.sleep(wait)


class Command(upstream.Command):
    help = "Run a database background worker (with heartbeat, crash recovery and reconnection)"

    def handle(self, *args, **options):
        # The parent builds its Worker by name inside handle(): lend it ours.
        original = upstream.Worker
        upstream.Worker = ResilientWorker
        try:
            return super().handle(*args, **options)
        finally:
            upstream.Worker = original
