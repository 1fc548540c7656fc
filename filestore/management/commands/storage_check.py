"""``manage.py storage_check [--delete-orphans]``: compare the stored files with the rows
that point to them (``FILESTORE_REFERENCES``) and report

* **missing**: a row names a file the storage does not have;
* **mismatch**: the file's SHA-256 differs from the one kept with its row;
* **orphans**: a file no row names (a killed process, a deleted row).

Exit status 1 when a file is missing or altered. ``--delete-orphans`` removes orphans
older than ``--min-age`` minutes (default 60), so that a file being written while the
check runs, whose row is not committed yet, is never taken for an orphan.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from filestore.references import TRANSIENT_FOLDERS, referenced_files
from filestore.storage import sha256_of_stored, walk


class Command(BaseCommand):
    help = "List orphans, missing files and SHA-256 mismatches in the file storage."

    def add_arguments(self, parser):
        parser.add_argument("--delete-orphans", action="store_true")
        parser.add_argument("--min-age", type=int, default=60, help="minutes (default 60)")
        parser.add_argument(
            "--no-hash", action="store_true", help="check presence only (faster on big stores)"
        )

    def handle(self, *args, delete_orphans=False, min_age=60, no_hash=False, **options):
        if min_age < 0:
            raise CommandError("--min-age must be 0 or more minutes.")
        expected = referenced_files()
        stored = set(walk(default_storage))
        missing, mismatched = [], []
        for name, (sha256, owners) in sorted(expected.items()):
            if name not in stored:
                missing.append(name)
                self.stdout.write(f"missing  {name}  ({', '.join(owners)})")
            elif not no_hash and sha256 and sha256_of_stored(name) != sha256:
                mismatched.append(name)
                self.stdout.write(f"mismatch {name}  ({', '.join(owners)})")
        orphans = sorted(
            name for name in stored - set(expected) if not name.startswith(TRANSIENT_FOLDERS)
        )
        cutoff = timezone.now() - timedelta(minutes=min_age)
        deleted = 0
        for name in orphans:
            self.stdout.write(f"orphan   {name}")
            if delete_orphans and default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
                deleted += 1
        self.stdout.write(
            f"checked {len(expected)} referenced files: {len(missing)} missing, "
            f"{len(mismatched)} mismatched, {len(orphans)} orphans"
            + (f", {deleted} orphans deleted" if delete_orphans else "")
        )
        if missing or mismatched:
            raise CommandError("Some stored files are missing or altered: restore them.")
