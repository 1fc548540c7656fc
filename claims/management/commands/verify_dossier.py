"""``manage.py verify_dossier FILE``: the verdict of ``/verify/`` on the command line.

Exits 0 only for an authentic dossier issued here and unchanged; otherwise prints the
verdict and exits 1 (2 when the file cannot be read at all).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from claims.verification.service import dossier_verify


class Command(BaseCommand):
    help = "Tell whether a PDF is a dossier issued by this application, sealed and unchanged."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the PDF to verify")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            size = path.stat().st_size
            if size > settings.VERIFY_MAX_BYTES:
                raise CommandError(
                    f"{path} is larger than VERIFY_MAX_BYTES ({settings.VERIFY_MAX_BYTES} bytes)."
                )
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}", returncode=2) from None
        result = dossier_verify(content=content)
        self.stdout.write(f"{result.verdict.value}: {result.verdict.label}")
        if result.claim is not None:
            claim = result.claim
            version = f", earlier version {result.version}" if result.version else ""
            self.stdout.write(
                f"claim #{claim.pk} ({claim.period_start} to {claim.period_end}){version}"
            )
        if result.earlier_revision:
            self.stdout.write("the dossier as it was before later archive timestamps")
        if result.appended_bytes:
            self.stdout.write(
                f"appended after the seal: {result.appended_bytes} bytes. {result.appended_changes}"
            )
        for seal in result.seals:
            when = timezone.localtime(seal.time).isoformat(timespec="seconds") if seal.time else "-"
            self.stdout.write(
                f"{seal.kind}: {'intact' if seal.intact else 'BROKEN'}, "
                f"by {seal.signer or '?'}, time {when}"
                f"{' (timestamp authority)' if seal.timestamped else ''}"
            )
        if not result.seals:
            self.stdout.write("seal: none")
        recomputation = result.recomputation
        if recomputation is None:
            self.stdout.write("figures: no embedded data")
        elif recomputation.error:
            self.stdout.write(f"figures: {recomputation.error}")
        elif recomputation.identical:
            self.stdout.write(f"figures: identical (methodology {recomputation.methodology})")
        else:
            self.stdout.write(f"figures: differ (methodology {recomputation.methodology})")
            for difference in recomputation.differences:
                self.stdout.write(
                    f"  {difference.key}: stated {difference.stated}, "
                    f"recomputed {difference.recomputed}"
                )
        self.stdout.write(f"sha256: {result.sha256}")
        if not result.is_authentic:
            raise CommandError(f"Not authentic: {result.verdict.value}", returncode=1)
