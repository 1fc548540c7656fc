"""Helpers of the calendar's tests: imports from text, incidents in one line."""

from datetime import datetime
from pathlib import Path

from outages.intervals import BRUSSELS
from outages.models import Incident, Service
from outages.services.imports import incidents_import

# The worked example of docs/methodology.md, as the repository carries it.
WORKED_EXAMPLE_OUTAGES = (
    Path(__file__).resolve().parents[2] / "docs" / "examples" / "worked-example" / "outages.csv"
)

CSV_HEADER = "reference,services,start,end,impact,status,title,source_url\n"


def brussels(*args) -> datetime:
    return datetime(*args, tzinfo=BRUSSELS)


def run_import(text, *, name="incidents.csv", format=None, dry_run=False, user=None):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return incidents_import(data=data, file_name=name, format=format, user=user, dry_run=dry_run)


def make_incident(
    reference, services, start, end, impact="major_outage", status="confirmed", title=""
):
    incident = Incident.objects.create(
        reference=reference, start=start, end=end, impact=impact, status=status, title=title
    )
    incident.services.set(Service.objects.filter(slug__in=services))
    return incident


def slugs_of(reference):
    return sorted(Incident.objects.get(reference=reference).services.values_list("slug", flat=True))
