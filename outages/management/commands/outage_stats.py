"""``manage.py outage_stats --service SLUG --month YYYY-MM``: one JSON object
(interfaces.md, "Calendar figures"), the same numbers as the calendar page."""

import json
import re

from django.core.management.base import BaseCommand, CommandError

from outages.models import Service
from outages.selectors import service_month_figures


def parse_month(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"{value!r} is not a month: write YYYY-MM, e.g. 2024-01")
    return int(match.group(1)), int(match.group(2))


class Command(BaseCommand):
    help = "Print the downtime and availability of a service for a month, as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--service", required=True, help="service slug, e.g. recip-e")
        parser.add_argument("--month", required=True, help="YYYY-MM, e.g. 2024-01")

    def handle(self, *args, **options):
        try:
            year, month = parse_month(options["month"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        try:
            service = Service.objects.get(slug=options["service"])
        except Service.DoesNotExist:
            known = ", ".join(Service.objects.values_list("slug", flat=True))
            raise CommandError(
                f"Unknown service {options['service']!r}; known services: {known}"
            ) from None
        figures = service_month_figures(service=service, year=year, month=month)
        self.stdout.write(json.dumps(figures.stats_json()))
