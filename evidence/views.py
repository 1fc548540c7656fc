"""Admin pages of the evidence (watcher status, candidate incidents) and the Atom feed."""

from __future__ import annotations

import re

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.permissions import admin_required
from evidence.corroboration.selectors import candidate_quarters
from evidence.models import (
    StatusComponent,
    StatusObservation,
    WatchedIncident,
    WatcherError,
    WatcherState,
)
from outages.intervals import month_window
from outages.models import Incident, Service
from outages.selectors import counting_rule_current, incidents_meeting, service_list

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
RECENT = 50


@admin_required
@require_GET
def watcher_status(request):
    """What the status watcher did: heartbeat, errors, gaps, unmapped components and the
    incidents it opened (a constant number of queries)."""
    ctx = {
        "state": WatcherState.objects.filter(pk=1).first(),
        "errors": list(WatcherError.objects.all()[:RECENT]),
        "gaps": list(StatusObservation.objects.filter(kind="gap").order_by("-sequence")[:RECENT]),
        "changes": list(
            StatusObservation.objects.filter(kind="change").order_by("-sequence")[:RECENT]
        ),
        "unmapped": list(StatusComponent.objects.filter(service__isnull=True)),
        "watched": list(
            WatchedIncident.objects.select_related("component", "incident", "official")[:RECENT]
        ),
    }
    return render(request, "evidence/watcher_status.html", ctx)


def _month(request) -> tuple[int, int]:
    value = request.GET.get("month", "").strip()
    if not value:
        today = timezone.localdate()
        return today.year, today.month
    match = _MONTH.match(value)
    if not match or not 1 <= int(match.group(2)) <= 12 or not 1970 <= int(match.group(1)) <= 2100:
        raise Http404("Not a month")
    return int(match.group(1)), int(match.group(2))


@admin_required
@require_GET
def candidate_incidents(request):
    """ "Reported by doctors, not in the calendar": quarter hours to investigate."""
    year, month = _month(request)
    window = month_window(year, month)
    services = service_list()
    quarters = candidate_quarters(
        window=window,
        incidents=list(incidents_meeting(window)),
        rule=counting_rule_current(),
        services=services,
    )
    ctx = {"quarters": quarters, "month_value": f"{year:04d}-{month:02d}"}
    return render(request, "evidence/candidates.html", ctx)


class ServiceAtomFeed(Feed):
    """``/outages/services/<slug>/feed.atom``: the service's latest incidents."""

    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return get_object_or_404(Service, slug=slug)

    def title(self, service):
        return _("Official eHealth incidents: %(service)s") % {"service": service.name}

    def link(self, service):
        return reverse("outages:calendar") + f"?service={service.slug}"

    def subtitle(self, service):
        return _("Incidents of the official calendar, newest first.")

    def items(self, service):
        return (
            Incident.objects.filter(services=service)
            .order_by("-start", "-reference")
            .only("reference", "title", "start", "end", "impact", "status", "updated_at")[:50]
        )

    def item_title(self, incident):
        return f"{incident.title or incident.reference} ({incident.get_impact_display()})"

    def item_description(self, incident):
        start = timezone.localtime(incident.start).strftime("%d/%m/%Y %H:%M")
        end = (
            timezone.localtime(incident.end).strftime("%d/%m/%Y %H:%M")
            if incident.end
            else _("ongoing")
        )
        return f"{start} – {end} · {incident.get_status_display()}"

    def item_link(self, incident):
        return reverse("outages:incident", args=[incident.reference])

    def item_guid(self, incident):
        return incident.reference

    item_guid_is_permalink = False

    def item_pubdate(self, incident):
        return incident.start

    def item_updateddate(self, incident):
        return incident.updated_at
