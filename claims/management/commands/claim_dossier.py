"""``manage.py claim_dossier --doctor RIZIV --from D1 --to D2 --output FILE.pdf``."""

from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from claims.models import Doctor
from claims.riziv import format_riziv, normalize_riziv
from claims.services.claims import claim_get_or_create_draft
from claims.services.dossiers import DossierIntegrityError, dossier_for_download


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date; write it like 2024-01-31.") from None


class Command(BaseCommand):
    help = (
        "Write the PDF/A-3b dossier of a doctor's claim for a period, in the doctor's "
        "language. A draft claim is created when there is none; a submitted claim's stored "
        "dossier is written as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--doctor", required=True, help="RIZIV/INAMI number")
        parser.add_argument("--from", dest="first_day", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="last_day", required=True, help="YYYY-MM-DD")
        parser.add_argument("--output", required=True, help="the PDF file to write")

    def handle(self, *args, **options):
        riziv = normalize_riziv(options["doctor"])
        doctor = Doctor.objects.select_related("user").filter(riziv=riziv).first()
        if doctor is None:
            raise CommandError(f"No doctor with RIZIV/INAMI number {format_riziv(riziv)}.")
        first_day, last_day = _date(options["first_day"]), _date(options["last_day"])
        if last_day < first_day:
            raise CommandError("--to is before --from.")
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"No folder {output.parent} to write {output.name} in.")
        try:
            claim = claim_get_or_create_draft(doctor=doctor, first_day=first_day, last_day=last_day)
            download = dossier_for_download(claim=claim)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except DossierIntegrityError as error:
            raise CommandError(str(error)) from None
        output.write_bytes(download.content)
        self.stdout.write(
            f"Wrote {output} (claim #{claim.pk}, {claim.get_status_display()}, "
            f"{len(download.content)} bytes, SHA-256 {download.sha256})."
        )
