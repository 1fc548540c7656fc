"""Uploaded files waiting between their preview and the doctor's "Confirm".

The file is kept on disk under MEDIA_ROOT (never served), in a folder of its doctor, and
named by a random token; confirming reads it again and re-checks every row, so what is
written is exactly what the rules allow at that moment. Files older than a day are
removed at the next upload.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from django.conf import settings

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_MAX_AGE_SECONDS = 24 * 3600


def _folder(owner: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "pending" / owner


def pending_save(*, owner: str, kind: str, data: bytes) -> str:
    folder = _folder(owner)
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - _MAX_AGE_SECONDS
    for old in folder.glob("*.csv"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (folder / f"{kind}-{token}.csv").write_bytes(data)
    return token


def _path(owner: str, kind: str, token: str) -> Path | None:
    # The token comes from a form: only our own shape, so it can never name another path.
    if not _TOKEN.match(token or ""):
        return None
    return _folder(owner) / f"{kind}-{token}.csv"


def pending_load(*, owner: str, kind: str, token: str) -> bytes | None:
    path = _path(owner, kind, token)
    if path is None or not path.is_file():
        return None
    return path.read_bytes()


def pending_delete(*, owner: str, kind: str, token: str) -> None:
    path = _path(owner, kind, token)
    if path is not None:
        path.unlink(missing_ok=True)
