"""Files are written once under their SHA-256 and never overwritten; a write that fails
half-way leaves no file under the name."""

import hashlib
import io

import pytest
from django.core.files.base import File
from django.core.files.storage import default_storage

from filestore.storage import StoredFileIntegrityError, read_verified, store_bytes


def test_the_same_bytes_are_one_file_and_other_bytes_another():
    first = store_bytes(folder="dossiers", content=b"%PDF one", suffix=".pdf")
    again = store_bytes(folder="dossiers", content=b"%PDF one", suffix=".pdf")
    other = store_bytes(folder="dossiers", content=b"%PDF two", suffix=".pdf")

    digest = hashlib.sha256(b"%PDF one").hexdigest()
    assert first.name == again.name == f"dossiers/{digest[:2]}/{digest}.pdf"
    assert other.name != first.name
    assert read_verified(first.name, first.sha256) == b"%PDF one"
    assert read_verified(other.name, other.sha256) == b"%PDF two"


class _BrokenUpload(File):
    """A file whose reading fails after the first block, like a killed upload."""

    def chunks(self, chunk_size=None):
        yield b"%PDF first block"
        raise OSError("connection lost")


def test_a_write_that_fails_half_way_leaves_nothing_under_the_name():
    name = "dossiers/ab/half-written.pdf"
    with pytest.raises(OSError):
        default_storage.save(name, _BrokenUpload(io.BytesIO(b""), name="half-written.pdf"))
    assert not default_storage.exists(name)
    assert default_storage.listdir("dossiers/ab") == ([], [])


def test_a_missing_or_changed_file_is_refused():
    stored = store_bytes(folder="batches", content=b"PK zip", suffix=".zip")
    with pytest.raises(StoredFileIntegrityError):
        read_verified(stored.name, hashlib.sha256(b"other").hexdigest())
    default_storage.delete(stored.name)
    with pytest.raises(StoredFileIntegrityError):
        read_verified(stored.name, stored.sha256)
