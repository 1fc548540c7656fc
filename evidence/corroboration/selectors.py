"""Doctors as a sensor: how many declared time meeting an incident, and hours where many
declared the same service with no counted incident. Counts only, never who, and only from
``CORROBORATION_MIN_DOCTORS`` / ``CANDIDATE_MIN_DOCTORS`` doctors on (at least 5), so
that no doctor can be told from a count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import F, Func, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce, Now

from claims.models import AffectedSlot
from outages.figures import CountingRule
from outages.intervals import Interval
from outages.models import Incident, Service

QUARTER_SECONDS = 15 * 60


def _shown(count: int | None) -> int | None:
    minimum = max(5, settings.CORROBORATION_MIN_DOCTORS)
    return count if count is not None and count >= minimum else None


def _doctors_meeting(incident_ref):
    """The number of distinct doctors with a slot of one of the incident's services that
    meets its span (an ongoing incident until now), as a subquery."""
    return Subquery(
        AffectedSlot.objects.filter(
            services__incidents=incident_ref,
            start__lt=Coalesce(OuterRef("end"), Now()),
            end__gt=OuterRef("start"),
        )
        .order_by()
        # A plain function, not an aggregate: no GROUP BY, one row for all the slots.
        .annotate(
            doctors=Func(
                F("doctor_id"),
                template="COUNT(DISTINCT %(expressions)s)",
                output_field=IntegerField(),
            )
        )
        .values("doctors")[:1]
    )


def corroboration_for_incident(incident: Incident) -> int | None:
    """One query. ``None`` below the minimum."""
    count = (
        Incident.objects.filter(pk=incident.pk)
        .annotate(doctors=_doctors_meeting(OuterRef("pk")))
        .values_list("doctors", flat=True)
        .first()
    )
    return _shown(count)


def corroboration_by_incident(incidents) -> dict[int, int]:
    """One query for any number of incidents: ``{incident id: doctors}``, only the
    counts at or above the minimum."""
    ids = [incident.pk for incident in incidents]
    if not ids:
        return {}
    rows = (
        Incident.objects.filter(pk__in=ids)
        .annotate(doctors=_doctors_meeting(OuterRef("pk")))
        .values_list("pk", "doctors")
    )
    return {pk: count for pk, count in rows if _shown(count) is not None}


@dataclass(frozen=True, slots=True)
class CandidateQuarter:
    service: Service
    start: datetime
    doctors: int

    @property
    def end(self) -> datetime:
        return self.start + timedelta(seconds=QUARTER_SECONDS)


# Every quarter hour each slot touches, per service and doctor, then the doctors per
# service and quarter, in SQL: a recursive CTE walks each slot's quarters (a slot lasts at
# most 24 hours: at most 96 steps). Both SQLite and PostgreSQL run it; only the epoch
# functions differ.
_EPOCH = {
    "postgresql": "CAST(EXTRACT(EPOCH FROM {}) AS BIGINT)",
    "sqlite": "CAST(strftime('%%s', {}) AS INTEGER)",
}
_CANDIDATES_SQL = """
WITH RECURSIVE quarters(doctor_id, service_id, q, slot_end) AS (
    SELECT s.doctor_id, ss.service_id, ({start} / {quarter}) * {quarter}, {end}
    FROM {slot} s JOIN {through} ss ON ss.affectedslot_id = s.id
    WHERE s.start < %s AND s."end" > %s
  UNION ALL
    SELECT doctor_id, service_id, q + {quarter}, slot_end FROM quarters
    WHERE q + {quarter} < slot_end
)
SELECT service_id, q, COUNT(DISTINCT doctor_id) FROM quarters
WHERE q >= %s AND q < %s
GROUP BY service_id, q
HAVING COUNT(DISTINCT doctor_id) >= %s
ORDER BY service_id, q
"""


def _quarters_with_doctors(window: Interval, minimum: int) -> list[tuple[int, int, int]]:
    epoch = _EPOCH.get(connection.vendor, _EPOCH["sqlite"])
    through = AffectedSlot.services.through._meta.db_table
    sql = _CANDIDATES_SQL.format(
        start=epoch.format('s."start"'),
        end=epoch.format('s."end"'),
        quarter=QUARTER_SECONDS,
        slot=AffectedSlot._meta.db_table,
        through=through,
    )
    start_epoch = int(window.start.timestamp())
    end_epoch = int(window.end.timestamp())
    with connection.cursor() as cursor:
        cursor.execute(sql, [window.end, window.start, start_epoch, end_epoch, minimum])
        return [(int(a), int(b), int(c)) for a, b, c in cursor.fetchall()]


def candidate_quarters(
    *, window: Interval, incidents, rule: CountingRule, services: list[Service]
) -> list[CandidateQuarter]:
    """Quarter hours of ``window`` where at least ``CANDIDATE_MIN_DOCTORS`` doctors
    declared a slot for a service that no counted incident covers. One query on top of the
    caller's incidents (with their services) and services."""
    minimum = max(5, settings.CANDIDATE_MIN_DOCTORS)
    by_id = {service.pk: service for service in services}
    covered: dict[int, list[tuple[float, float]]] = {}
    for incident in incidents:
        if not rule.counts(incident.impact, incident.status):
            continue
        end = (incident.end or datetime.now(UTC)).timestamp()
        for service in incident.services.all():
            covered.setdefault(service.pk, []).append((incident.start.timestamp(), end))
    found = []
    for service_id, quarter, doctors in _quarters_with_doctors(window, minimum):
        spans = covered.get(service_id, ())
        if any(start < quarter + QUARTER_SECONDS and end > quarter for start, end in spans):
            continue
        found.append(
            CandidateQuarter(
                service=by_id[service_id],
                start=datetime.fromtimestamp(quarter, UTC),
                doctors=doctors,
            )
        )
    return found
