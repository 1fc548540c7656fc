"""An uploaded file kept between its preview and the confirmation: the one mechanism of
every import page (README, "Imports").

The bytes wait in the default storage (local disk or S3, never served) under a folder and
a random token that only the uploader's page or session knows, so the confirmation may
reach another app server than the preview. Confirming reads them back through
``pending_read``, which checks the SHA-256 taken at upload when one is given: what is
applied is what was previewed. Previews nobody confirmed are removed after
``PENDING_RETENTION`` by ``pending_purge``, which every new upload runs.

Outage imports keep the token, checksum and progress in a ``PendingImport`` row (the
import then runs in the background); the doctors' imports keep the token in the page.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

#: How long an unconfirmed preview's file is kept, for every import.
PENDING_RETENTION = timedelta(days=2)

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class PendingChanged(Exception):
    """The stored bytes no longer match the checksum taken when they were previewed."""


def pending_token() -> str:
    return secrets.token_urlsafe(32)


def pending_cutoff() -> datetime:
    """Previews older than this are stale."""
    return timezone.now() - PENDING_RETENTION


def pending_name(folder: str, token: str, *, prefix: str = "", suffix: str = "") -> str | None:
    """The stored name of ``token``'s file; ``None`` for a token not of our own shape,
    which comes from a form and so could otherwise name another file."""
    if not _TOKEN.match(token or ""):
        return None
    return f"{folder}/{prefix}{token}{suffix}"


def pending_store(name: str, data: bytes) -> str:
    """Keep ``data`` under ``name``; the name actually stored."""
    return default_storage.save(name, ContentFile(data))


def pending_read(name: str | None, checksum: str = "") -> bytes | None:
    """The stored bytes, ``None`` when they are gone; PendingChanged when ``checksum`` is
    given and they no longer match it."""
    if not name or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as stored:
        data = stored.read()
    if checksum and hashlib.sha256(data).hexdigest() != checksum:
        raise PendingChanged(name)
    return data


def pending_remove(name: str | None) -> None:
    if name:
        default_storage.delete(name)


def pending_purge(folder: str) -> None:
    """Remove the files of ``folder`` older than PENDING_RETENTION."""
    try:
        _folders, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    cutoff = pending_cutoff()
    for name in names:
        path = f"{folder}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
