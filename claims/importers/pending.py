"""Uploaded files waiting between their preview and the doctor's "Confirm".

The file is kept in the default storage (local disk or S3, never served), in a folder of
its doctor, and named by a random token, so that the confirmation may reach another app
server than the preview; confirming reads it again and re-checks every row, so what is
written is exactly what the rules allow at that moment. Files older than a day are
removed at the next upload.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_MAX_AGE = timedelta(days=1)


def _folder(owner: str) -> str:
    return f"imports/pending/{owner}"


def pending_save(*, owner: str, kind: str, data: bytes) -> str:
    folder = _folder(owner)
    cutoff = timezone.now() - _MAX_AGE
    try:
        _folders, names = default_storage.listdir(folder)
    except FileNotFoundError:
        names = []
    for old in names:
        if old.endswith(".csv") and default_storage.get_modified_time(f"{folder}/{old}") < cutoff:
            default_storage.delete(f"{folder}/{old}")
    token = secrets.token_urlsafe(24)
    default_storage.save(f"{folder}/{kind}-{token}.csv", ContentFile(data))
    return token


def _name(owner: str, kind: str, token: str) -> str | None:
    # The token comes from a form: only our own shape, so it can never name another file.
    if not _TOKEN.match(token or ""):
        return None
    return f"{_folder(owner)}/{kind}-{token}.csv"


def pending_load(*, owner: str, kind: str, token: str) -> bytes | None:
    name = _name(owner, kind, token)
    if name is None or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as stored:
        return stored.read()


def pending_delete(*, owner: str, kind: str, token: str) -> None:
    name = _name(owner, kind, token)
    if name is not None:
        default_storage.delete(name)
