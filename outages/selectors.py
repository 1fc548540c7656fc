"""Reads of the official calendar, each in a constant number of queries.

The figures themselves are computed by the pure functions of ``outages.figures`` (and
``outages.intervals``/``outages.availability``); these selectors only load their inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.module_loading import import_string

from outages.availability import belgian_holidays
from outages.calendar_grid import CalendarDay, month_grid
from outages.charts import DowntimeChart, downtime_chart
from outages.figures import (
    DEFAULT_RULE,
    CountingRule,
    IncidentSpan,
    MonthFigures,
    ServiceMonthFigures,
    month_figures,
)
from outages.intervals import BRUSSELS, Interval, month_window
from outages.models import ImportRecord, Incident, IncidentChange, PendingImport, Service


def counting_rule_current() -> CountingRule:
    """Impacts and statuses the calendar counts: those of the current published methodology,
    read by the function ``settings.OUTAGES_COUNTING_RULE`` names (one query), or
    ABSyM-2024.1's (``DEFAULT_RULE``) when the setting is empty.

    Methodology versions are kept by another app; the calendar does not import them
    (README, "Code layout"): the project wires the two together in its settings."""
    source = getattr(settings, "OUTAGES_COUNTING_RULE", "")
    if not source:
        return DEFAULT_RULE
    return import_string(source)()


def service_list() -> list[Service]:
    return list(Service.objects.all())


def incidents_meeting(window: Interval, *, service: Service | None = None) -> QuerySet[Incident]:
    """Incidents that meet ``window`` (half-open), ongoing ones included, with their
    services: two queries whatever their number."""
    incidents = Incident.objects.filter(start__lt=window.end).filter(
        Q(end__isnull=True) | Q(end__gt=window.start)
    )
    if service is not None:
        incidents = incidents.filter(services=service)
    return incidents.prefetch_related(
        Prefetch(
            "services",
            queryset=Service.objects.only(
                "id", "slug", "name_fr", "name_nl", "name_en", "position"
            ),
        )
    ).order_by("start", "reference")


def incident_spans(incidents) -> list[IncidentSpan]:
    """Plain inputs for the figures (uses the prefetched services: no query)."""
    return [
        IncidentSpan(
            reference=incident.reference,
            start=incident.start,
            end=incident.end,
            impact=incident.impact,
            status=incident.status,
            services=frozenset(service.slug for service in incident.services.all()),
        )
        for incident in incidents
    ]


def service_month_figures(
    *, service: Service, year: int, month: int, now: datetime | None = None
) -> ServiceMonthFigures:
    """What ``manage.py outage_stats`` prints: four queries."""
    incidents = incidents_meeting(month_window(year, month), service=service)
    figures = month_figures(
        year=year,
        month=month,
        services=[(service.slug, service.sla_target)],
        incidents=incident_spans(incidents),
        rule=counting_rule_current(),
        now=now or timezone.now(),
    )
    return figures.services[0]


@dataclass(frozen=True)
class CalendarMonth:
    year: int
    month: int
    first_day: date
    services: list[Service]
    selected: Service | None
    incidents: list[Incident]
    rule: CountingRule
    figures: MonthFigures
    rows: list[tuple[Service, ServiceMonthFigures]]
    weeks: list[list[CalendarDay]]
    chart: DowntimeChart
    now: datetime


def calendar_month(
    *,
    year: int,
    month: int,
    selected: Service | None,
    services: list[Service],
    now: datetime | None = None,
) -> CalendarMonth:
    """Everything the calendar page shows for a month: three queries (incidents, their
    services, the methodology) on top of the caller's list of services."""
    now = now or timezone.now()
    window = month_window(year, month)
    incidents = list(incidents_meeting(window, service=selected))
    for incident in incidents:
        # Written once here rather than looped over by the template for every bar.
        incident.service_names = ", ".join(service.name for service in incident.services.all())
    rule = counting_rule_current()
    shown = [selected] if selected is not None else services
    holiday_dates = belgian_holidays([year - 1, year, year + 1])
    figures = month_figures(
        year=year,
        month=month,
        services=[(service.slug, service.sla_target) for service in shown],
        incidents=incident_spans(incidents),
        rule=rule,
        now=now,
        holiday_dates=holiday_dates,
    )
    daily = (
        figures.services[0].daily_downtime_seconds
        if selected is not None
        else figures.any_service_daily_seconds
    )
    return CalendarMonth(
        year=year,
        month=month,
        first_day=date(year, month, 1),
        services=services,
        selected=selected,
        incidents=incidents,
        rule=rule,
        figures=figures,
        rows=list(zip(shown, figures.services, strict=True)),
        weeks=month_grid(year, month, incidents, now=now, rule=rule, holiday_dates=holiday_dates),
        chart=downtime_chart(figures.days, daily),
        now=now,
    )


def incident_with_history(reference: str) -> Incident:
    """An incident with its services and its import history (three queries).
    Raises ``Incident.DoesNotExist``."""
    return Incident.objects.prefetch_related(
        "services",
        Prefetch(
            "changes",
            queryset=IncidentChange.objects.select_related("import_record").order_by(
                "-import_record__created_at", "-id"
            ),
        ),
    ).get(reference=reference)


def feed_version(*, service: Service | None = None) -> tuple:
    """What changes whenever the feed's content does (one query): an edit bumps
    ``updated_at`` (imports and the admin both save the incident), a deletion the count."""
    incidents = Incident.objects.all()
    if service is not None:
        incidents = incidents.filter(services=service)
    summary = incidents.aggregate(count=Count("id"), last=Max("updated_at"), top=Max("id"))
    return (service.slug if service else "", summary["count"], summary["last"], summary["top"])


def feed_entries(*, service: Service | None = None) -> list[dict]:
    """Every incident (of ``service``) as plain values with its service slugs: two queries,
    and no model instances, since a feed may hold thousands of incidents."""
    incidents = Incident.objects.order_by("start", "reference")
    if service is not None:
        incidents = incidents.filter(services=service)
    entries = list(
        incidents.values(
            "id",
            "reference",
            "title",
            "description",
            "start",
            "end",
            "impact",
            "status",
            "source_url",
            "created_at",
            "updated_at",
        )
    )
    slugs: dict[int, list[str]] = {entry["id"]: [] for entry in entries}
    links = Incident.services.through.objects.order_by("service__position", "service__slug")
    if service is not None:
        links = links.filter(incident__services=service)
    for incident_id, slug in links.values_list("incident_id", "service__slug"):
        if incident_id in slugs:
            slugs[incident_id].append(slug)
    for entry in entries:
        entry["services"] = slugs[entry["id"]]
    return entries


def recent_imports(limit: int = 10) -> list[ImportRecord]:
    return list(ImportRecord.objects.select_related("created_by")[:limit])


def pending_import_for(*, token: str, user) -> PendingImport:
    """The pending import behind ``token`` if ``user`` uploaded it; raises
    ``PendingImport.DoesNotExist`` otherwise (the view answers 404)."""
    return PendingImport.objects.select_related("import_record").get(token=token, created_by=user)


def months_with_incidents(*, limit: int = 24) -> list[date]:
    """The first day of each month (Brussels) in which an incident starts, latest first, in
    one query: the calendar opens on the latest of them and offers them all, rather than
    opening on an empty current month for someone filing about an earlier one."""
    months = (
        Incident.objects.annotate(month=TruncMonth("start", tzinfo=BRUSSELS))
        .values_list("month", flat=True)
        .distinct()
        .order_by("-month")[:limit]
    )
    return [month.date() if isinstance(month, datetime) else month for month in months]
