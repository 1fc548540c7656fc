"""What the three import commands share: read the file, report each bad row with its
line number on stderr and exit non-zero, or write and print
``created N, updated N, unchanged N`` (interfaces.md)."""

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, no_translations

from claims.models import Doctor
from claims.riziv import format_riziv, normalize_riziv


class ImportCommand(BaseCommand):
    needs_doctor = False

    def add_arguments(self, parser):
        if self.needs_doctor:
            parser.add_argument("--doctor", required=True, help="RIZIV/INAMI number")
        parser.add_argument("file", help="CSV file (UTF-8, header row, ',' or ';')")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )

    def preview(self, data: bytes, doctor: Doctor | None):
        raise NotImplementedError

    @no_translations  # stable English output for scripts, whatever LANGUAGE_CODE says
    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        doctor = None
        if self.needs_doctor:
            riziv = normalize_riziv(options["doctor"])
            doctor = Doctor.objects.filter(riziv=riziv).first()
            if doctor is None:
                raise CommandError(f"No doctor with RIZIV/INAMI number {format_riziv(riziv)}.")
        # The upload limit protects the web server; an admin's command reads any size.
        preview = self.preview(path.read_bytes(), doctor)
        if not preview.is_valid:
            for error in preview.errors:
                self.stderr.write(f"{path.name}: {error}")
            raise CommandError(
                f"Nothing was imported: {len(preview.errors)} error(s) in {path.name}."
            )
        if options["dry_run"]:
            self.stdout.write(f"{preview.summary()} (dry run: nothing written)")
            return
        try:
            preview.apply()
        except ValidationError as error:
            raise CommandError(f"Nothing was imported: {'; '.join(error.messages)}") from error
        self.stdout.write(preview.summary())
        self.after_apply(preview, options)

    def after_apply(self, preview, options) -> None:
        """What a command does once the rows are written (nothing by default)."""


MAX_BYTES = sys.maxsize
# An administrator's local file: the web's row bound (IMPORT_MAX_ROWS) protects the
# server from uploads, not from its own operator; columns and line length still apply.
MAX_ROWS = sys.maxsize
