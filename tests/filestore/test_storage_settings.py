"""The storage and the cache come from the environment: S3 and Redis when configured,
local disk and process memory otherwise; an incomplete configuration stops the process."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "from django.conf import settings; from django.core.files.storage import storages;"
    "from django.core.cache import caches;"
    "print(type(storages['default']).__name__, type(caches['default']).__name__,"
    " getattr(settings, 'AXES_HANDLER', 'database'))"
)


def run_shell(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "CACHE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SHOW],
        cwd=ROOT,
        env={**clean, "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_configuration_files_go_to_the_local_disk_and_the_cache_is_local():
    result = run_shell({})
    assert result.returncode == 0, result.stderr
    assert "AtomicFileSystemStorage LocMemCache axes.handlers.database" in result.stdout


def test_s3_and_redis_from_the_environment():
    result = run_shell(
        {
            "S3_ENDPOINT_URL": "http://127.0.0.1:1",
            "S3_BUCKET": "claims",
            "S3_ACCESS_KEY": "key",
            "S3_SECRET_KEY": "secret",
            "S3_REGION": "eu-west-1",
            "CACHE_URL": "redis://127.0.0.1:6379/9",
        }
    )
    assert result.returncode == 0, result.stderr
    assert "S3Storage RedisCache axes.handlers.cache.AxesCacheHandler" in result.stdout


def test_an_incomplete_s3_configuration_is_refused():
    result = run_shell({"S3_BUCKET": "claims", "S3_ACCESS_KEY": "key"})
    assert result.returncode != 0
    assert "S3_BUCKET is set: also set S3_SECRET_KEY, S3_REGION" in result.stderr


def test_a_cache_url_that_is_not_redis_is_refused():
    result = run_shell({"CACHE_URL": "memcached://127.0.0.1:11211"})
    assert result.returncode != 0
    assert "CACHE_URL must start with redis://" in result.stderr
