"""What an admin does with the watcher's incidents, and how official imports absorb them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from evidence.models import WatchedIncident
from evidence.watcher import WATCHER_REFERENCE_PREFIX
from outages.intervals import BRUSSELS
from outages.models import Incident, IncidentStatus
from outages.signals import calendar_change_announce


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=BRUSSELS)


@transaction.atomic
def watched_incidents_link(*, first_day: date, last_day: date) -> int:
    """Link the watcher's incidents of these days to an official (confirmed, imported)
    incident of the same service whose span meets theirs; the provisional calendar entry
    is then removed, since the official incident now stands for the same outage. The
    observed span stays on the ``WatchedIncident`` and in the log. Returns how many."""
    window_start, window_end = _day_start(first_day), _day_start(last_day + timedelta(days=1))
    now = timezone.now()
    candidates = (
        WatchedIncident.objects.select_related("component", "incident")
        .filter(official__isnull=True, component__service__isnull=False)
        .exclude(state=WatchedIncident.State.DISCARDED)
        .filter(start__lt=window_end)
        .filter(Q(end__isnull=True) | Q(end__gt=window_start))
    )
    linked = 0
    for watched in candidates:
        official = (
            Incident.objects.filter(
                services=watched.component.service_id,
                status=IncidentStatus.CONFIRMED,
                start__lt=watched.end or now,
            )
            .filter(Q(end__isnull=True) | Q(end__gt=watched.start))
            .exclude(reference__startswith=WATCHER_REFERENCE_PREFIX)
            .order_by("start", "reference")
            .first()
        )
        if official is None:
            continue
        provisional = watched.incident
        watched.official = official
        watched.incident = None
        watched.state = WatchedIncident.State.LINKED
        watched.save(update_fields=["official", "incident", "state"])
        if provisional is not None and provisional.status == IncidentStatus.PROVISIONAL:
            provisional.delete()
        linked += 1
    return linked


@transaction.atomic
def watched_incident_confirm(*, watched: WatchedIncident) -> None:
    """An admin confirms the outage from a source: the calendar entry now counts."""
    if watched.incident is None:
        return
    watched.incident.status = IncidentStatus.CONFIRMED
    watched.incident.save(update_fields=["status", "updated_at"])
    watched.state = WatchedIncident.State.CONFIRMED
    watched.save(update_fields=["state"])
    calendar_change_announce(moments=[watched.incident.start, watched.incident.end])


@transaction.atomic
def watched_incident_discard(*, watched: WatchedIncident) -> None:
    """An admin discards a false alarm: the calendar entry goes, the observations stay."""
    incident = watched.incident
    watched.incident = None
    watched.state = WatchedIncident.State.DISCARDED
    watched.save(update_fields=["incident", "state"])
    if incident is not None:
        moments = [incident.start, incident.end]
        incident.delete()
        calendar_change_announce(moments=moments)
