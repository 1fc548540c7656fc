"""Real ``manage.py db_worker`` processes on the test database, for the crash tests.

They need a database server that another process can reach: PostgreSQL (the test database
of SQLite lives in this process's memory)."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
#: Short delays, so that a test sees a worker lost within seconds.
FAST = {
    "WORKER_HEARTBEAT_SECONDS": "0.2",
    "WORKER_LOST_AFTER_SECONDS": "1.5",
    "WORKER_RETRY_MAX_SECONDS": "1",
}

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a worker in another process needs a database server (DATABASE_URL=postgres://…)",
)


def conninfo() -> str:
    """The test database's address (pytest-django renamed the database)."""
    params = connection.get_connection_params()
    keys = ("host", "port", "user", "password", "dbname")
    return " ".join(f"{key}={params[key]}" for key in keys if params.get(key))


def database_url() -> str:
    params = connection.get_connection_params()
    password = f":{params['password']}" if params.get("password") else ""
    return (
        f"postgres://{params.get('user', '')}{password}@{params.get('host', '127.0.0.1')}:"
        f"{params.get('port') or 5432}/{params['dbname']}"
    )


@contextmanager
def db_worker(log_path: Path):
    env = {
        **os.environ,
        **FAST,
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": "database",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test-only-key-not-a-secret-0123456789-abcdef"),
    }
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.1",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)


def wait_for(predicate, *, timeout: float = 60, what: str = "", log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise AssertionError(f"Timed out waiting for {what}.\n{tail}")
