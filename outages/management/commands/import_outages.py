"""``manage.py import_outages FILE [--format KEY] [--dry-run]``, KEY one of the registry's
formats (``outages.formats``: csv, ics, statuspage, xlsx)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from outages.formats import FORMATS, format_keys
from outages.services.imports import incidents_import


class Command(BaseCommand):
    help = (
        "Import official incidents from a file of one of the formats below: upsert by "
        "reference, all or nothing. Prints 'created N, updated N, unchanged N'."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the file to import")
        parser.add_argument(
            "--format",
            choices=format_keys(),
            help=", ".join(
                f"{key} ({' '.join(entry.extensions)})" for key, entry in FORMATS.items()
            )
            + " (default: guessed from the extension, then the content)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        # Refuse a huge file before reading it into memory.
        if path.stat().st_size > settings.MAX_UPLOAD_BYTES:
            raise CommandError(
                f"{path} is {path.stat().st_size} bytes; the limit is "
                f"{settings.MAX_UPLOAD_BYTES} bytes (MAX_UPLOAD_BYTES)."
            )
        report = incidents_import(
            data=path.read_bytes(),
            file_name=path.name,
            format=options["format"],
            user=None,
            dry_run=options["dry_run"],
        )
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{path.name} refused: {len(report.errors)} error(s), nothing was written."
            )
        self.stdout.write(report.summary_line())
        if report.skipped:
            self.stderr.write(f"skipped {report.skipped} (see the warnings above)")
        if report.dry_run:
            self.stderr.write("Dry run: nothing was written.")
