"""The read-only open-data API under ``/api/v1/`` (django-ninja; schema at
``/api/v1/openapi.json``).

Incidents have the shape of an Atlassian Statuspage ``incidents.json``, so that anyone's
Statuspage tooling reads them, and ``import_outages --format statuspage`` reads them back
into the same incidents. No personal data: the calendar only (services, incidents,
figures); no doctor, no claim, no count below the corroboration minimum.

Every answer carries an ETag and Last-Modified computed from the calendar's version in one
query, so a client polling an unchanged calendar gets 304 without the figures being
computed. Requests are rate-limited per client address (``API_RATE_LIMIT``).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import condition
from ninja import NinjaAPI, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.throttling import AnonRateThrottle

from evidence.sla.figures import csv_rows
from evidence.sla.selectors import sla_report
from outages.intervals import month_window, period_window
from outages.models import Impact, Incident, IncidentStatus, Service
from outages.selectors import (
    incidents_meeting,
    service_month_figures,
)

MAX_PER_PAGE = 100
# Our impacts as Statuspage's (the importer maps them back).
STATUSPAGE_IMPACT = {
    Impact.MAJOR_OUTAGE: "major",
    Impact.PARTIAL_OUTAGE: "minor",
    Impact.DEGRADED_PERFORMANCE: "none",
    Impact.MAINTENANCE: "maintenance",
}

api = NinjaAPI(
    title="eHealth outage calendar (open data)",
    version="1",
    urls_namespace="api-v1",
    docs_url=None,  # the docs page loads scripts from a CDN; the schema is enough
    throttle=[AnonRateThrottle(settings.API_RATE_LIMIT)],
)


def _calendar_version(request, *args, **kwargs) -> tuple:
    summary = Incident.objects.aggregate(
        count=Count("id"),
        last=Max("updated_at"),
        ongoing=Count("id", filter=Q(end__isnull=True)),
    )
    # An ongoing incident changes the figures every minute.
    minute = timezone.now().strftime("%Y%m%d%H%M") if summary["ongoing"] else ""
    return summary, minute


def _etag(request, *args, **kwargs) -> str:
    summary, minute = _calendar_version(request)
    key = repr((request.get_full_path(), summary["count"], summary["last"], minute))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _last_modified(request, *args, **kwargs) -> datetime | None:
    summary, _minute = _calendar_version(request)
    return summary["last"]


conditional = decorate_view(condition(etag_func=_etag, last_modified_func=_last_modified))


class ServiceOut(Schema):
    slug: str
    name_fr: str
    name_nl: str
    name_en: str
    sla_target: Decimal | None
    sla_source: str


class ComponentOut(Schema):
    id: str
    name: str


class IncidentOut(Schema):
    id: str
    name: str
    status: str
    impact: str
    created_at: datetime
    started_at: datetime
    resolved_at: datetime | None
    updated_at: datetime
    shortlink: str | None
    calendar_status: str
    calendar_impact: str
    components: list[ComponentOut]


class PageOut(Schema):
    id: str
    name: str
    url: str


class PaginationOut(Schema):
    page: int
    per_page: int
    total: int
    pages: int


class IncidentsOut(Schema):
    page: PageOut
    incidents: list[IncidentOut]
    pagination: PaginationOut


class AvailabilityOut(Schema):
    service: str
    month: str
    downtime_minutes: int
    availability: str
    business_hours_downtime_minutes: int
    business_hours_availability: str | None
    incidents: list[str]


class SlaMonthOut(Schema):
    service: str
    month: str
    downtime_minutes: int
    availability: str
    business_hours_downtime_minutes: int
    business_hours_availability: str
    sla_target: str
    breached: str
    breach_minutes: int


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def _incident_out(incident: Incident) -> dict:
    return {
        "id": incident.reference,
        "name": incident.title or incident.reference,
        "status": "resolved" if incident.end else "investigating",
        "impact": STATUSPAGE_IMPACT[incident.impact],
        "created_at": _utc(incident.start),
        "started_at": _utc(incident.start),
        "resolved_at": _utc(incident.end),
        "updated_at": _utc(incident.updated_at),
        "shortlink": incident.source_url or None,
        "calendar_status": incident.status,
        "calendar_impact": incident.impact,
        "components": [
            {"id": service.slug, "name": service.slug} for service in incident.services.all()
        ],
    }


def _service(slug: str | None) -> Service | None:
    if not slug:
        return None
    service = Service.objects.filter(slug=slug).first()
    if service is None:
        raise HttpError(404, "Unknown service.")
    return service


@api.get("/services", response=list[ServiceOut], summary="The service catalogue")
@conditional
def services(request):
    return list(Service.objects.all())


@api.get("/incidents", response=IncidentsOut, summary="Incidents, Statuspage-compatible")
@conditional
def incidents(
    request,
    service: str | None = None,
    start: date | None = None,
    end: date | None = None,
    status: str | None = None,
    page: int = 1,
    per_page: int = 50,
):
    """Incidents meeting the days ``start`` to ``end`` (Brussels, inclusive), oldest
    first (by start, then reference: a stable order for paging)."""
    if not 1 <= per_page <= MAX_PER_PAGE or page < 1:
        raise HttpError(400, f"page >= 1 and 1 <= per_page <= {MAX_PER_PAGE}.")
    if status is not None and status not in IncidentStatus.values:
        raise HttpError(400, f"status is one of {', '.join(IncidentStatus.values)}.")
    first = start or date(1970, 1, 1)
    last = end or date(2100, 12, 31)
    if last < first:
        raise HttpError(400, "end is before start.")
    selected = incidents_meeting(period_window(first, last), service=_service(service))
    if status is not None:
        selected = selected.filter(status=status)
    total = selected.count()
    offset = (page - 1) * per_page
    rows = list(selected[offset : offset + per_page])
    return {
        "page": {
            "id": "ehealth-outage-calendar",
            "name": "eHealth outage calendar",
            "url": request.build_absolute_uri(reverse("outages:calendar")),
        },
        "incidents": [_incident_out(incident) for incident in rows],
        "pagination": {
            "page": page,
            "per_page": per_page,
            "total": total,
            "pages": max(1, -(-total // per_page)),
        },
    }


@api.get("/availability", response=AvailabilityOut, summary="A service's monthly figures")
@conditional
def availability(request, service: str, month: str):
    """The object ``manage.py outage_stats --service SLUG --month YYYY-MM`` prints."""
    try:
        year, month_number = (int(part) for part in month.split("-"))
        month_window(year, month_number)
    except (ValueError, TypeError):
        raise HttpError(400, "month is YYYY-MM.") from None
    selected = _service(service)
    return service_month_figures(service=selected, year=year, month=month_number).stats_json()


@api.get("/sla", response=list[SlaMonthOut], summary="SLA figures of a year")
@conditional
def sla(request, year: int):
    """One entry per service and month, as the CSV of ``/outages/sla/``."""
    if not 1970 <= year <= 2100:
        raise HttpError(400, "year between 1970 and 2100.")
    keys = SlaMonthOut.model_fields.keys()
    return [
        dict(zip(keys, (str(v) if isinstance(v, Decimal) else v for v in row), strict=True))
        for row in csv_rows(sla_report(year=year).services)
    ]
