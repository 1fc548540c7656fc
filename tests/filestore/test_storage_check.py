"""manage.py storage_check: orphans, missing files and SHA-256 mismatches, and a safe
clean-up that only removes files no row names."""

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from factories_review import recip_e_outage, submitted_claim, use_fast_dossiers

from filestore.storage import store_bytes

pytestmark = pytest.mark.django_db


def run_check(*args) -> tuple[str, bool]:
    out = io.StringIO()
    try:
        call_command("storage_check", *args, stdout=out)
    except CommandError:
        return out.getvalue(), False
    return out.getvalue(), True


@pytest.fixture
def three_claims(monkeypatch):
    use_fast_dossiers(monkeypatch)
    recip_e_outage()
    return [submitted_claim(dossier_pages=None, language=lang) for lang in ("fr", "nl", "en")]


def test_a_clean_store_passes(three_claims):
    output, ok = run_check()
    assert ok
    assert "checked 3 referenced files: 0 missing, 0 mismatched, 0 orphans" in output


def test_it_lists_missing_altered_and_orphan_files(three_claims):
    intact, altered, missing = three_claims
    Path(altered.dossier.path).write_bytes(b"%PDF-1.7 not the evidence")
    default_storage.delete(missing.dossier.name)
    orphan = default_storage.save("dossiers/00/left-by-a-killed-process.pdf", ContentFile(b"x"))

    output, ok = run_check()

    assert not ok  # a missing or altered file is an error (exit status 1)
    assert f"mismatch {altered.dossier.name}  (claims.Claim #{altered.pk})" in output
    assert f"missing  {missing.dossier.name}  (claims.Claim #{missing.pk})" in output
    assert f"orphan   {orphan}" in output
    assert intact.dossier.name not in output


def test_delete_orphans_removes_only_old_unreferenced_files(three_claims):
    orphan = default_storage.save("batches/00/partial.zip", ContentFile(b"half a zip"))

    output, _ok = run_check("--delete-orphans")  # written just now: maybe a row to come
    assert default_storage.exists(orphan)

    output, ok = run_check("--delete-orphans", "--min-age", "0")
    assert ok and "1 orphans deleted" in output
    assert not default_storage.exists(orphan)
    for claim in three_claims:
        assert default_storage.exists(claim.dossier.name)


def test_a_file_whose_row_was_rolled_back_is_an_orphan_not_a_fake(three_claims):
    # The process stores a file, then its transaction never commits (killed, or failed).
    with pytest.raises(RuntimeError), transaction.atomic():
        stored = store_bytes(folder="dossiers", content=b"%PDF never filed", suffix=".pdf")
        raise RuntimeError("killed")

    output, ok = run_check()
    assert ok  # no row expects it, so nothing is missing or wrong
    assert f"orphan   {stored.name}" in output
    # Its name is its content: no claim can ever be served these bytes by mistake.
    assert all(claim.dossier.name != stored.name for claim in three_claims)
