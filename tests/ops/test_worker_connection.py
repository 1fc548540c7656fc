"""A worker survives its database connection being cut (a PostgreSQL restart, a failover,
``pg_terminate_backend``): it reconnects with a back-off and goes on running tasks.
The web side checks a reused connection before each request, and ``scripts/supervise``
(``make run``) restarts a worker that exits all the same."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from worker_process import (
    DATABASE_TASKS,
    ROOT,
    conninfo,
    database_url,
    db_worker,
    needs_postgresql,
    wait_for,
)

from claims.review.tasks import claim_checks_recompute
from ops.models import WorkerHeartbeat
from tests.support.ports import free_port

SUPERVISE = str(ROOT / "scripts" / "supervise")


def _terminate_worker_connections() -> int:
    """What a database restart does to every client: the worker's connections are cut
    (all but this test's own)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        mine = cursor.fetchone()[0]
    with psycopg.connect(conninfo(), autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> %s",
            [mine],
        ).fetchall()
    return len(rows)


@needs_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_survives_its_connection_being_terminated(settings, tmp_path):
    settings.TASKS = DATABASE_TASKS
    log = tmp_path / "worker.log"
    with db_worker(log) as worker:
        wait_for(WorkerHeartbeat.objects.exists, what="the worker's first heartbeat", log=log)
        # Cut its connections again and again while it has work, so that some cuts land
        # between its health check and its query (while it waits to reconnect, it has no
        # connection to cut: a loaded machine gets fewer cuts in the same time).
        deadline = time.monotonic() + 15
        cuts = 0
        while cuts < 6 and time.monotonic() < deadline:
            claim_checks_recompute.enqueue()
            cuts += _terminate_worker_connections()
            time.sleep(0.05)
        assert cuts >= 2
        result = claim_checks_recompute.enqueue()
        wait_for(
            lambda: DBTaskResult.objects.filter(
                pk=result.id, status=TaskResultStatus.SUCCESSFUL
            ).exists(),
            timeout=30,
            what="the worker to run a task after losing its connection",
            log=log,
        )
        assert worker.poll() is None, log.read_text()[-3000:]
        # Nothing is left RUNNING by a cut that landed during a task.
        wait_for(
            lambda: not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists(),
            timeout=30,
            what="every task to finish",
            log=log,
        )


def test_every_request_checks_a_reused_database_connection():
    assert all(db["CONN_HEALTH_CHECKS"] for db in django_settings.DATABASES.values())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_supervise_restarts_a_command_that_exits_then_stops_with_it(tmp_path):
    runs = tmp_path / "runs"
    pid_file = tmp_path / "pid"
    # Exits at once the first two times (a crash), then stays up.
    script = (
        f'echo run >> "{runs}"; '
        f'if [ "$(wc -l < "{runs}")" -lt 3 ]; then exit 1; fi; '
        f'echo $$ > "{pid_file}"; exec sleep 60'
    )
    supervisor = subprocess.Popen(
        [SUPERVISE, "sh", "-c", script],
        env={**os.environ, "SUPERVISE_MAX_DELAY": "1"},
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(pid_file.exists, timeout=20, what="the third run")
        assert runs.read_text().count("run") == 3
        child = int(pid_file.read_text())
        assert _alive(child)
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=10) == 0
        wait_for(lambda: not _alive(child), timeout=10, what="the command to stop")
        assert b"exited with status 1; starting it again" in supervisor.stderr.read()
    finally:
        if supervisor.poll() is None:
            supervisor.kill()


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@needs_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_web_side_answers_after_the_database_cut_its_connection(tmp_path):
    """gunicorn keeps a connection for CONN_MAX_AGE; without a health check, the first
    request after a database restart got a 500 on every gunicorn worker."""
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test-only-key-not-a-secret-0123456789-abcd"),
    }
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/outages/"
    try:

        def answers() -> bool:
            try:
                return _get(url) == 200
            except OSError:
                return False

        wait_for(answers, timeout=30, what="gunicorn to answer", log=log)
        for _round in range(2):
            assert _terminate_worker_connections() >= 1
            time.sleep(0.2)
            assert _get(url) == 200, log.read_text()[-3000:]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"WORKER_HEARTBEAT_SECONDS": "often"}, "WORKER_HEARTBEAT_SECONDS='often' is not a number"),
        ({"WORKER_RETRY_MAX_SECONDS": "0"}, "must be above zero"),
        (
            {"WORKER_HEARTBEAT_SECONDS": "30", "WORKER_LOST_AFTER_SECONDS": "60"},
            "at least three heartbeats",
        ),
    ],
)
def test_bad_worker_settings_stop_the_process_at_start_up(env, message):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert message in result.stderr
