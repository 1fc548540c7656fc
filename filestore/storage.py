"""Every stored file (dossiers and their versions, batch files, raw import copies) goes
through Django's storage API (``default_storage``): local disk by default, an S3-compatible
bucket when the environment names one (README, "Stored files, backups and scaling out").

Files are **content-addressed**: a file's name is its SHA-256 (``dossiers/ab/ab12….pdf``),
so a name is written once and never overwritten, and a name always means the same bytes.
A process killed half-way can leave at most an unreferenced file (an orphan that
``manage.py storage_check`` lists and removes), never a file under a name that a row
expects with other bytes: the "fake dossier" of a rename-on-collision scheme cannot exist.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage

logger = logging.getLogger(__name__)

READ_BLOCK = 1024 * 1024
#: Files read back for checking stay in memory up to this size, then spill to a temp file.
SPOOL_BYTES = 8 * 1024 * 1024
#: Local partial writes are named so; ``storage_check`` reports leftovers as orphans.
PARTIAL_PREFIX = ".partial-"


class StoredFileIntegrityError(Exception):
    """A stored file is missing or its bytes no longer match the SHA-256 kept with its row."""

    def __init__(self, message: str, *, name: str, expected: str, actual: str | None):
        super().__init__(message)
        self.name = name
        self.expected = expected
        self.actual = actual


@dataclass(frozen=True)
class StoredFile:
    name: str
    sha256: str
    size: int


class AtomicFileSystemStorage(FileSystemStorage):
    """Local disk, but a file appears under its name complete or not at all: written to a
    partial name beside it, then hard-linked into place (which refuses to replace an
    existing file: written once, never overwritten)."""

    def _save(self, name: str, content) -> str:
        final = Path(self.path(name))
        final.parent.mkdir(parents=True, exist_ok=True)
        descriptor, partial = tempfile.mkstemp(dir=final.parent, prefix=PARTIAL_PREFIX)
        try:
            with os.fdopen(descriptor, "wb") as out:
                if hasattr(content, "seek"):
                    content.seek(0)
                for chunk in content.chunks():
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if self.file_permissions_mode is not None:
                os.chmod(partial, self.file_permissions_mode)
            os.link(partial, final)
        finally:
            os.unlink(partial)
        return str(name).replace("\\", "/")


def content_name(folder: str, sha256: str, suffix: str) -> str:
    return f"{folder}/{sha256[:2]}/{sha256}{suffix}"


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _sha256_of_file(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while block := handle.read(READ_BLOCK):
        digest.update(block)
    return digest.hexdigest()


def _put(name: str, content: File, storage: Storage) -> None:
    """Write ``content`` under ``name`` unless that name already holds it (same hash, same
    bytes: a retry, or the same file stored twice)."""
    if storage.exists(name):
        return
    try:
        written = storage.save(name, content)
    except FileExistsError:
        return  # another process stored the same bytes at the same moment
    if written != name:
        # A storage that renames on collision would break "a name is its content".
        storage.delete(written)
        raise RuntimeError(f"Storage wrote {written!r} instead of {name!r}.")


def store_bytes(
    *, folder: str, content: bytes, suffix: str, storage: Storage | None = None
) -> StoredFile:
    """Store ``content`` under its content address and return where it went."""
    storage = storage or default_storage
    digest = sha256_hex(content)
    name = content_name(folder, digest, suffix)
    _put(name, ContentFile(content), storage)
    return StoredFile(name, digest, len(content))


def store_local_file(
    *, folder: str, path: str | Path, suffix: str, storage: Storage | None = None
) -> StoredFile:
    """Store a finished local file (a batch dossier built in a temp file), streamed."""
    storage = storage or default_storage
    with open(path, "rb") as source:
        digest = _sha256_of_file(source)
        size = source.tell()
        source.seek(0)
        name = content_name(folder, digest, suffix)
        _put(name, File(source, name=os.path.basename(name)), storage)
    return StoredFile(name, digest, size)


def open_verified(
    name: str, expected_sha256: str, *, storage: Storage | None = None
) -> tempfile.SpooledTemporaryFile:
    """The stored file's bytes in a spooled temp file (rewound), read once from storage and
    checked against ``expected_sha256`` before anyone gets them.

    Raises ``StoredFileIntegrityError`` when the file is missing or altered.
    """
    storage = storage or default_storage
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned)
    digest = hashlib.sha256()
    try:
        with storage.open(name, "rb") as stored:
            while block := stored.read(READ_BLOCK):
                digest.update(block)
                copy.write(block)
    except (FileNotFoundError, OSError) as error:
        copy.close()
        raise StoredFileIntegrityError(
            f"Stored file {name!r} cannot be read: {error}",
            name=name,
            expected=expected_sha256,
            actual=None,
        ) from error
    except Exception as error:
        # S3 backends raise their client's errors (botocore ClientError "NoSuchKey").
        copy.close()
        if "NoSuchKey" in str(error) or "404" in str(error):
            raise StoredFileIntegrityError(
                f"Stored file {name!r} is missing.",
                name=name,
                expected=expected_sha256,
                actual=None,
            ) from error
        raise
    actual = digest.hexdigest()
    if expected_sha256 and actual != expected_sha256:
        copy.close()
        raise StoredFileIntegrityError(
            f"Stored file {name!r} does not match its SHA-256 ({actual} != {expected_sha256}).",
            name=name,
            expected=expected_sha256,
            actual=actual,
        )
    copy.seek(0)
    return copy


def read_verified(name: str, expected_sha256: str, *, storage: Storage | None = None) -> bytes:
    with open_verified(name, expected_sha256, storage=storage) as copy:
        return copy.read()


def sha256_of_stored(name: str, *, storage: Storage | None = None) -> str:
    storage = storage or default_storage
    with storage.open(name, "rb") as stored:
        return _sha256_of_file(stored)


def walk(storage: Storage | None = None, folder: str = "") -> Iterator[str]:
    """Every file name in the storage, depth first (local folders and S3 prefixes alike)."""
    storage = storage or default_storage
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for file_name in files:
        yield f"{folder}/{file_name}" if folder else file_name
    for sub in folders:
        yield from walk(storage, f"{folder}/{sub}" if folder else sub)
