"""Helpers of the claims app's tests: the worked example of methodology.md in the
database, declarations in one line."""

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from outages.intervals import BRUSSELS
from outages.models import Incident, Service

WORKED_EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "worked-example"
EXPECTED_SUMMARY = json.loads((WORKED_EXAMPLE / "expected-claim-summary.json").read_text())


def brussels(*args) -> datetime:
    return datetime(*args, tzinfo=BRUSSELS)


def at(hour, minute=0, *, day=15, month=1, year=2024) -> datetime:
    """A moment of the worked example's day (15 January 2024), Brussels time."""
    return brussels(year, month, day, hour, minute)


def make_incident(
    reference, services, start, end, impact="major_outage", status="confirmed", title=""
):
    incident = Incident.objects.create(
        reference=reference,
        start=start,
        end=end,
        impact=impact,
        status=status,
        title=title or f"Incident {reference}",
        source_url=f"https://status.example.org/{reference}",
    )
    incident.services.set(Service.objects.filter(slug__in=services))
    return incident


def make_example_calendar():
    """The calendar of methodology.md's worked example (EX-1 … EX-4)."""
    return [
        make_incident("EX-1", ["recip-e"], at(8), at(10)),
        make_incident("EX-2", ["recip-e", "mycarenet"], at(9, 30), at(11), "partial_outage"),
        make_incident("EX-3", ["mycarenet"], at(14), at(15), "degraded_performance"),
        make_incident("EX-4", ["recip-e"], at(16), at(17), status="provisional"),
    ]


def make_slot(doctor, start, end, services, note=""):
    from claims.models import AffectedSlot

    slot = AffectedSlot.objects.create(doctor=doctor, start=start, end=end, note=note)
    slot.services.set(Service.objects.filter(slug__in=services))
    return slot


def make_consultation(doctor, start, minutes, code, fee, services, outcome):
    from claims.models import Consultation

    consultation = Consultation.objects.create(
        doctor=doctor,
        start=start,
        duration_minutes=minutes,
        code=code,
        fee=Decimal(fee),
        outcome=outcome,
    )
    consultation.services.set(Service.objects.filter(slug__in=services))
    return consultation


def make_example_declarations(doctor):
    """The slots S1, S2 and consultations C1 … C5 of the worked example."""
    make_slot(doctor, at(7, 30), at(10), ["recip-e"])
    make_slot(doctor, at(9, 45), at(12), ["recip-e", "mycarenet"])
    make_consultation(doctor, at(8, 15), 20, "101076", "31.81", ["recip-e"], "completed")
    make_consultation(
        doctor, at(9, 40), 20, "101076", "31.81", ["recip-e", "mycarenet"], "cancelled"
    )
    make_consultation(doctor, at(10, 30), 15, "101496", "36.61", ["mycarenet"], "unpaid")
    make_consultation(doctor, at(11, 30), 20, "101076", "31.81", ["recip-e"], "completed")
    make_consultation(
        doctor, at(10, 50), 20, "101076", "31.81", ["recip-e", "mycarenet"], "completed"
    )


def english(client):
    client.cookies["django_language"] = "en"
    return client


def checked_values(html: str, name: str) -> list[str]:
    """Values of the checked checkboxes or radios called ``name`` in a page."""
    import re

    return [
        re.search(r'value="([^"]*)"', tag).group(1)
        for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
        if re.search(r"\schecked\b", tag)
    ]


def in_english():
    """An autouse fixture body for modules that read messages built outside a request."""
    from django.utils import translation

    with translation.override("en"):
        yield
