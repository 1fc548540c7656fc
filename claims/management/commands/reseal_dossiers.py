"""``manage.py reseal_dossiers [--older-than-days N]``: a document timestamp on every stored
dossier that has none (or none for N days). Idempotent and resumable; prints its progress."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.services.reseal import dossiers_reseal


class Command(BaseCommand):
    help = (
        "Append a document timestamp (PAdES B-LTA) to stored dossiers, so the archive "
        "outlives its certificates. Run it again any time: dossiers already done are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=None,
            help="also timestamp again the dossiers whose last timestamp is older than this",
        )

    def handle(self, *args, **options):
        if not settings.DOSSIER_TSA_URL:
            raise CommandError(
                "Set DOSSIER_TSA_URL: a document timestamp needs a timestamp authority."
            )
        days = options["older_than_days"]
        if days is not None and days < 1:
            raise CommandError("--older-than-days must be at least 1.")

        def progress(done, total, outcome):
            self.stdout.write(f"[{done}/{total}] {outcome.label}: {outcome.state}")

        counts = dossiers_reseal(
            older_than=timedelta(days=days) if days else None, progress=progress
        )
        self.stdout.write(
            ", ".join(
                f"{state} {counts.get(state, 0)}"
                for state in ("timestamped", "up to date", "altered", "missing")
            )
        )
        if counts.get("altered") or counts.get("missing"):
            raise CommandError("Some stored dossiers are altered or missing: see above.")
