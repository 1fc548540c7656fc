"""Loading a year's SLA report: a constant number of queries whatever the calendar's size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Max
from django.utils import timezone

from evidence.sla.figures import SlaServiceYear, sla_month
from evidence.watcher import last_observation_at
from outages.availability import belgian_holidays
from outages.figures import CountingRule, month_figures
from outages.intervals import period_window
from outages.models import ImportRecord, Service
from outages.selectors import counting_rule_current, incident_spans, incidents_meeting


@dataclass(frozen=True)
class SlaReport:
    year: int
    services: list[SlaServiceYear]
    rule: CountingRule
    last_import: datetime | None
    last_observation: datetime | None
    generated_at: datetime


def sla_report(*, year: int, now: datetime | None = None) -> SlaReport:
    """Six queries: services, incidents and their services, methodology, last import,
    last observation."""
    now = now or timezone.now()
    services = list(Service.objects.all())
    spans = incident_spans(incidents_meeting(period_window(date(year, 1, 1), date(year, 12, 31))))
    rule = counting_rule_current()
    holidays = belgian_holidays([year - 1, year, year + 1])
    per_month = [
        month_figures(
            year=year,
            month=month,
            services=[(service.slug, service.sla_target) for service in services],
            incidents=spans,
            rule=rule,
            now=now,
            holiday_dates=holidays,
        )
        for month in range(1, 13)
    ]
    rows = [
        SlaServiceYear(
            slug=service.slug,
            name=service.name,
            target=service.sla_target,
            source=service.sla_source,
            months=tuple(sla_month(figures.services[index]) for figures in per_month),
        )
        for index, service in enumerate(services)
    ]
    last_import = ImportRecord.objects.filter(outcome=ImportRecord.Outcome.APPLIED).aggregate(
        last=Max("created_at")
    )["last"]
    return SlaReport(
        year=year,
        services=rows,
        rule=rule,
        last_import=last_import,
        last_observation=last_observation_at(),
        generated_at=now,
    )
