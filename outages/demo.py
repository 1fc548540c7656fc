"""The demo calendar of January 2024 for ``manage.py seed_demo`` (never used by migrations).

domain.md: Recip-e was down 847 minutes in January 2024, on Tuesday 9, Monday 15, Monday 22
and Wednesday 24, mostly at peak hours, mainly because of MyCarenet. Only the monthly total
and the days come from the source: the times of day below are illustrative, which every
demo incident says in its description and the calendar page says in a note.

Recip-e's merged total: 9 Jan 175 + 15 Jan 305 (two overlapping incidents, 08:05–13:10)
+ 22 Jan 255 + 24 Jan 112 = 847 minutes, all inside business hours.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from outages.intervals import BRUSSELS
from outages.models import Impact, Incident, IncidentStatus, Service

#: Demo incidents' references start with this; the calendar shows its note for them.
DEMO_REFERENCE_PREFIX = "DEMO-2024-01-"

ILLUSTRATIVE_NOTE = _(
    "Demo data. Only the days and the monthly total of 847 minutes for Recip-e come from "
    "the source (ABSyM, 26 January 2024); the times of day are illustrative."
)

ABSYM_SOURCE = "https://www.absym-bvas.be/"


def _at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2024, 1, day, hour, minute, tzinfo=BRUSSELS)


# reference suffix, services, start, end, impact, title
DEMO_INCIDENTS = [
    (
        "09",
        ("recip-e", "mycarenet"),
        _at(9, 9, 10),
        _at(9, 12, 5),
        Impact.MAJOR_OUTAGE,
        "MyCarenet unavailable, Recip-e prescriptions cannot be sent",
    ),
    (
        "15-A",
        ("recip-e", "mycarenet"),
        _at(15, 8, 5),
        _at(15, 12, 20),
        Impact.MAJOR_OUTAGE,
        "MyCarenet down on Monday morning, Recip-e affected",
    ),
    (
        "15-B",
        ("recip-e",),
        _at(15, 11, 50),
        _at(15, 13, 10),
        Impact.PARTIAL_OUTAGE,
        "Recip-e slow to recover after the MyCarenet incident",
    ),
    (
        "22",
        ("recip-e", "mycarenet"),
        _at(22, 8, 15),
        _at(22, 12, 30),
        Impact.MAJOR_OUTAGE,
        "MyCarenet and Recip-e unavailable on Monday morning",
    ),
    (
        "24-A",
        ("recip-e",),
        _at(24, 14, 0),
        _at(24, 15, 52),
        Impact.PARTIAL_OUTAGE,
        "Recip-e partially unavailable",
    ),
    (
        "24-B",
        ("mycarenet",),
        _at(24, 13, 30),
        _at(24, 16, 0),
        Impact.DEGRADED_PERFORMANCE,
        "MyCarenet slow (degraded performance: not counted as unavailability)",
    ),
]


@transaction.atomic
def seed_calendar() -> tuple[int, int]:
    """Create or reset the demo incidents; returns (created, updated)."""
    services = {service.slug: service for service in Service.objects.all()}
    created = updated = 0
    for suffix, slugs, start, end, impact, title in DEMO_INCIDENTS:
        reference = DEMO_REFERENCE_PREFIX + suffix
        incident = Incident.objects.filter(reference=reference).first() or Incident(
            reference=reference
        )
        is_new = incident.pk is None
        incident.title = title
        incident.description = str(ILLUSTRATIVE_NOTE)
        incident.start, incident.end = start, end
        incident.impact = impact.value
        incident.status = IncidentStatus.CONFIRMED.value
        incident.source_url = ABSYM_SOURCE
        incident.full_clean()
        incident.save()
        incident.services.set([services[slug] for slug in slugs])
        created += is_new
        updated += not is_new
    return created, updated
