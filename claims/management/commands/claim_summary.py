import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from claims.calculation import claim_summary_dict
from claims.models import Doctor, Methodology
from claims.riziv import format_riziv, normalize_riziv
from claims.selectors import claim_report, methodology_current, methodology_published


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date; write it like 2024-01-31.") from None


class Command(BaseCommand):
    help = (
        "Print a doctor's claim for a period as one JSON object (interfaces.md, "
        '"Claim computation"), computed live with today\'s calendar.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--doctor", required=True, help="RIZIV/INAMI number")
        parser.add_argument("--from", dest="first_day", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="last_day", required=True, help="YYYY-MM-DD")
        parser.add_argument("--methodology", help="published version; default the current one")

    def handle(self, *args, **options):
        riziv = normalize_riziv(options["doctor"])
        doctor = Doctor.objects.filter(riziv=riziv).first()
        if doctor is None:
            raise CommandError(f"No doctor with RIZIV/INAMI number {format_riziv(riziv)}.")
        first_day, last_day = _date(options["first_day"]), _date(options["last_day"])
        if last_day < first_day:
            raise CommandError("--to is before --from.")
        if options["methodology"]:
            try:
                methodology = methodology_published(version=options["methodology"])
            except Methodology.DoesNotExist:
                raise CommandError(
                    f"No published methodology version {options['methodology']!r}."
                ) from None
        else:
            methodology = methodology_current()
            if methodology is None:
                raise CommandError("No methodology version is published.")
        result = claim_report(
            doctor=doctor, first_day=first_day, last_day=last_day, methodology=methodology
        ).result
        summary = claim_summary_dict(
            result, riziv=doctor.riziv, first_day=first_day, last_day=last_day
        )
        self.stdout.write(json.dumps(summary))
