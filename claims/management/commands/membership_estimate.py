import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from claims.models import Methodology
from claims.review.services.membership import EstimateError, estimate_dict, membership_estimate
from claims.selectors import methodology_published


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date; write it like 2024-01-31.") from None


class Command(BaseCommand):
    help = (
        "Print what the whole membership lost over a period as one JSON object: every "
        "doctor's monthly claims computed with the published methodology and today's "
        "calendar, summed in total, per month and per service."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first_day", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="last_day", required=True, help="YYYY-MM-DD")
        parser.add_argument("--methodology", help="published version; default the current one")

    def handle(self, *args, **options):
        first_day, last_day = _date(options["first_day"]), _date(options["last_day"])
        methodology = None
        if options["methodology"]:
            try:
                methodology = methodology_published(version=options["methodology"])
            except Methodology.DoesNotExist:
                raise CommandError(
                    f"No published methodology version {options['methodology']!r}."
                ) from None
        try:
            estimate = membership_estimate(
                first_day=first_day, last_day=last_day, methodology=methodology
            )
        except EstimateError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(estimate_dict(estimate), indent=2))
