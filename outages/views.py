from django.shortcuts import render
from django.utils import timezone

from outages.models import Incident


def calendar(request):
    """Public month calendar of the official incidents (expanded by the calendar feature)."""
    today = timezone.localdate()
    incidents = Incident.objects.prefetch_related("services").filter(
        start__year=today.year, start__month=today.month
    )
    return render(request, "outages/calendar.html", {"incidents": incidents})
