"""Settings come from the environment and refuse bad values at start-up."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x7Gq2m9LpZ4vB8nW1cR6tY3uK0eH5jD-aS_fQ9oI2lP8zX4cV7bN1mE6rT3yU0wQ",
    "ALLOWED_HOSTS": "claims.absym.example",
    "SECURE_SSL_REDIRECT": "true",
    "BEHIND_HTTPS_PROXY": "true",
}


def run_manage(*args, env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "SECURE_SSL_REDIRECT",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "DATABASE_URL",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_refuses_a_debug_value_that_is_not_a_boolean():
    result = run_manage("check", env={"DEBUG": "maybe", "SECRET_KEY": "k"})
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_it_requires_a_secret_key_in_production():
    result = run_manage("check", env={"DEBUG": "false", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is false" in result.stderr


def test_it_refuses_an_unknown_database_url():
    result = run_manage("check", env={"DEBUG": "true", "DATABASE_URL": "mysql://x@y/z"})
    assert result.returncode != 0
    assert "DATABASE_URL must start with" in result.stderr


def test_development_runs_without_a_secret_key():
    result = run_manage("check", env={"DEBUG": "true", "SECRET_KEY": ""})
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_manage_py_runs_in_development_mode_in_a_fresh_clone():
    result = run_manage("check", env={})
    assert result.returncode == 0, result.stderr


def test_the_wsgi_app_keeps_the_safe_default_and_needs_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is false" in result.stderr
