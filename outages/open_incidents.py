"""Incidents without an end (issue 11, point 13).

An incident with no end counts as an outage until now: one forgotten for years inflates
every later month and flags the claims of every doctor. Imports warn about one that has
been open longer than ``OPEN_INCIDENT_WARNING_DAYS``, and the calendar lists the open
incidents above the month, so that an administrator notices and closes them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from outages.importers.rows import ImportIssue, IncidentRow


def open_too_long(start: datetime, now: datetime | None = None) -> bool:
    limit = timedelta(days=settings.OPEN_INCIDENT_WARNING_DAYS)
    return (now or timezone.now()) - start > limit


def old_open_incident_warnings(
    rows: list[IncidentRow], now: datetime | None = None
) -> list[ImportIssue]:
    now = now or timezone.now()
    return [
        ImportIssue(
            row.line,
            "end",
            _(
                "This incident has no end and started %(days)s days ago: it counts as an "
                "outage until today, in every month since. Give its end if it is over."
            )
            % {"days": (now - row.start).days},
            row.reference,
        )
        for row in rows
        if row.end is None and row.start is not None and open_too_long(row.start, now)
    ]


def open_incidents(incidents, now: datetime | None = None) -> list:
    """The month's incidents that have no end, oldest first, each marked ``open_days`` and
    ``open_too_long`` (already loaded: no query)."""
    now = now or timezone.now()
    found = sorted((i for i in incidents if i.end is None), key=lambda i: i.start)
    for incident in found:
        incident.open_days = (now - incident.start).days
        incident.open_too_long = open_too_long(incident.start, now)
    return found
