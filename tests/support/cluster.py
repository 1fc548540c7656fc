"""Several app servers and task workers on loopback, as in production (README, "Stored
files, backups and scaling out"): gunicorn servers and ``manage.py db_worker`` processes
over one fresh PostgreSQL database, SeaweedFS for the files, the machine's Redis for the
cache and throttling. Used by the cluster test and ``tests/benchmarks/capacity.py``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from tests.support.ports import free_port
from tests.support.s3server import S3Server, start_s3_server

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
REDIS_URL = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/3")


def _admin_url(database_url: str) -> tuple[str, str]:
    """(URL of the server's maintenance database, name for a throw-away cluster database)."""
    parsed = urllib.parse.urlsplit(database_url)
    base = parsed.path.lstrip("/") or "ehc"
    admin = urllib.parse.urlunsplit(parsed._replace(path="/postgres"))
    return admin, f"{base}_cluster_{secrets.token_hex(3)}"


@dataclass
class Cluster:
    servers: list[str]
    s3: S3Server
    environment: dict[str, str]
    database_url: str
    media_root: Path
    folder: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    _admin_url: str = ""
    _database: str = ""

    def manage(self, *args: str, check: bool = True, stdin: str | None = None) -> str:
        result = subprocess.run(  # noqa: S603 (our own manage.py)
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.environment,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def query(self, sql: str, *params):
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            return connection.execute(sql, params).fetchall()

    def files_under_media_root(self) -> list[Path]:
        return [path for path in self.media_root.rglob("*") if path.is_file()]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.s3.stop()
        if self._database:
            with psycopg.connect(self._admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self._database}" WITH (FORCE)')
        shutil.rmtree(self.folder, ignore_errors=True)


def _wait_http(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (loopback)
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer:\n{log.read_text(errors='replace')[-3000:]}")


def start_cluster(
    *, servers: int = 2, workers: int = 2, server_workers: int = 2, setup_script: str = ""
) -> Cluster:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise RuntimeError("The cluster runs on PostgreSQL: set DATABASE_URL=postgres://…")
    admin_url, database = _admin_url(database_url)
    cluster_url = urllib.parse.urlunsplit(
        urllib.parse.urlsplit(database_url)._replace(path=f"/{database}")
    )
    folder = Path(tempfile.mkdtemp(prefix="ehc-cluster-"))
    media_root = folder / "media"
    media_root.mkdir()
    s3 = start_s3_server(bucket="cluster")
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("S3_", "CACHE_"))},
        "DEBUG": "false",
        "SECRET_KEY": "cluster-test-only-" + secrets.token_urlsafe(32),
        "DATABASE_URL": cluster_url,
        "TASKS_BACKEND": "database",
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"cluster-{secrets.token_hex(4)}",
        "MEDIA_ROOT": str(media_root),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        **s3.environment,
    }
    cluster = Cluster([], s3, environment, cluster_url, media_root, folder)
    cluster._admin_url = admin_url
    try:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{database}"')
        cluster._database = database
        cluster.manage("migrate", "--noinput")
        if setup_script:
            output = cluster.manage("shell", stdin=setup_script)
            cluster.data = json.loads(output.strip().splitlines()[-1])
        for index in range(servers):
            port = free_port()
            log = folder / f"server-{index + 1}.log"
            process = subprocess.Popen(  # noqa: S603
                [
                    GUNICORN,
                    "config.wsgi",
                    f"--bind=127.0.0.1:{port}",
                    f"--workers={server_workers}",
                    "--timeout=120",
                ],
                cwd=ROOT,
                env=environment,
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
            )
            cluster.processes.append(process)
            cluster.servers.append(f"http://127.0.0.1:{port}")
            _wait_http(f"http://127.0.0.1:{port}/outages/", process, log)
        for index in range(workers):
            log = folder / f"worker-{index + 1}.log"
            cluster.processes.append(
                subprocess.Popen(  # noqa: S603
                    [
                        PYTHON,
                        "manage.py",
                        "db_worker",
                        f"--worker-id=worker-{index + 1}",
                        "--interval=0.2",
                        "--no-startup-delay",
                    ],
                    cwd=ROOT,
                    env=environment,
                    stdout=log.open("wb"),
                    stderr=subprocess.STDOUT,
                )
            )
    except BaseException:
        cluster.stop()
        raise
    return cluster
