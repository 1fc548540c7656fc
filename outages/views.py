"""Pages of the official incident calendar: public reading, admin imports."""

from __future__ import annotations

import hashlib
import re
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import admin_required, is_admin
from evidence.corroboration.selectors import corroboration_by_incident, corroboration_for_incident
from filestore.downloads import verified_file_response
from ops.selectors import WORK_LOST
from outages.demo import DEMO_REFERENCE_PREFIX
from outages.feed import calendar_feed as build_calendar_feed
from outages.formats import FORMATS
from outages.forms import IncidentImportForm
from outages.models import (
    Impact,
    ImportRecord,
    Incident,
    IncidentStatus,
    PendingImport,
    Service,
)
from outages.open_incidents import open_incidents
from outages.selectors import (
    calendar_month,
    feed_entries,
    feed_version,
    incident_with_history,
    months_with_incidents,
    pending_import_for,
    recent_imports,
    service_list,
)
from outages.services.pending_imports import (
    pending_import_can_retry,
    pending_import_confirm,
    pending_import_create,
    pending_import_is_lost,
    pending_import_retry,
)

# The rendered feed is keyed by the calendar's version, so a day only bounds memory use.
FEED_CACHE_SECONDS = 24 * 3600
# The session keeps the tokens of the uploads this browser may confirm.
SESSION_IMPORTS = "outage_import_tokens"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month_from(request) -> tuple[int, int]:
    value = request.GET.get("month", "").strip()
    if not value:
        today = timezone.localdate()
        return today.year, today.month
    match = _MONTH.match(value)
    if not match or not 1 <= int(match.group(2)) <= 12 or not 1970 <= int(match.group(1)) <= 2100:
        raise Http404("Not a month")
    return int(match.group(1)), int(match.group(2))


def _selected_service(request, services: list[Service]) -> Service | None:
    slug = request.GET.get("service", "").strip()
    if not slug:
        return None
    for service in services:
        if service.slug == slug:
            return service
    raise Http404("Unknown service")


def _calendar_url(year: int, month: int, service: Service | None) -> str:
    query = {"month": f"{year:04d}-{month:02d}"}
    if service is not None:
        query["service"] = service.slug
    return f"{reverse('outages:calendar')}?{urlencode(query)}"


@require_GET
def calendar(request):
    """The month calendar, its figures per service and a chart of downtime per day."""
    incident_months = months_with_incidents()
    if request.GET.get("month", "").strip() or not incident_months:
        year, month = _month_from(request)
    else:
        # No month asked: the latest month with incidents (not in the future), not an
        # empty current month.
        today = timezone.localdate()
        latest = next((m for m in incident_months if m <= today), incident_months[0])
        year, month = latest.year, latest.month
    services = service_list()
    selected = _selected_service(request, services)
    month_data = calendar_month(year=year, month=month, selected=selected, services=services)
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    # The feed is read by calendar programs, which send no language: the link says the
    # page's, so that a subscription from an English page is named in English.
    feed_query = {"lang": get_language()}
    if selected is not None:
        feed_query["service"] = selected.slug
    feed_url = reverse("outages:feed") + "?" + urlencode(feed_query)
    ctx = {
        "incident_months": incident_months,
        "cal": month_data,
        "month_value": f"{year:04d}-{month:02d}",
        "previous_url": _calendar_url(*previous, selected),
        "next_url": _calendar_url(*following, selected),
        "previous_month": date(*previous, 1),
        "next_month": date(*following, 1),
        "feed_url": feed_url,
        "impact_choices": Impact.choices,
        "counted_impacts": [
            label for value, label in Impact.choices if value in month_data.rule.impacts
        ],
        "counted_statuses": [
            label for value, label in IncidentStatus.choices if value in month_data.rule.statuses
        ],
        # Incidents without an end are shown above the month (outages/open_incidents.py).
        "open_incidents": open_incidents(month_data.incidents, month_data.now),
        "has_demo": any(
            incident.reference.startswith(DEMO_REFERENCE_PREFIX)
            for incident in month_data.incidents
        ),
    }
    # Doctors who declared time meeting each incident (counts only, from 5 on): one query.
    doctors = corroboration_by_incident(month_data.incidents)
    for incident in month_data.incidents:
        incident.doctors = doctors.get(incident.pk)
    return render(request, "outages/calendar.html", ctx)


@require_GET
def incident_detail(request, reference: str):
    try:
        incident = incident_with_history(reference)
    except Incident.DoesNotExist:
        raise Http404("No such incident") from None
    now = timezone.now()
    end = incident.end or now
    ctx = {
        "incident": incident,
        "services": list(incident.services.all()),
        "changes": list(incident.changes.all()),
        "duration_seconds": max(0, int((end - incident.start).total_seconds())),
        "is_demo": incident.reference.startswith(DEMO_REFERENCE_PREFIX),
        "doctors": corroboration_for_incident(incident),
        "show_files": is_admin(request.user),
        "calendar_url": _calendar_url(
            timezone.localtime(incident.start).year, timezone.localtime(incident.start).month, None
        ),
    }
    return render(request, "outages/incident_detail.html", ctx)


@require_GET
def calendar_feed(request):
    """``/outages/calendar.ics[?service=slug]``: every incident, for calendar programs.

    Calendar programs poll a subscription every few hours: an unchanged calendar answers
    304 to a conditional request, and its body is kept in the cache until it changes, so
    a large calendar is rendered once per change rather than once per subscriber.
    """
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = get_language()
    with translation.override(language):
        return _calendar_feed(request, language)


def _calendar_feed(request, language: str):
    services = service_list()
    selected = _selected_service(request, services)
    version = (language, feed_version(service=selected))
    digest = hashlib.sha256(repr(version).encode()).hexdigest()[:32]
    etag = quote_etag(digest)
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    key = f"outages:feed:{digest}"
    body = cache.get(key)
    if body is None:
        name = (
            _("Official eHealth incidents")
            if selected is None
            else _("Official eHealth incidents: %(service)s") % {"service": selected.name}
        )
        body = build_calendar_feed(feed_entries(service=selected), name=name, now=timezone.now())
        cache.set(key, body, FEED_CACHE_SECONDS)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=300)
    return response


@admin_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = IncidentImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        pending = pending_import_create(
            data=upload.read(),
            file_name=upload.name,
            format=form.cleaned_data["format"],
            user=request.user,
        )
        tokens = request.session.get(SESSION_IMPORTS, [])
        request.session[SESSION_IMPORTS] = [*tokens[-19:], pending.token]
        return redirect("outages:import_detail", token=pending.token)
    ctx = {
        "form": form,
        "imports": recent_imports(),
        "services": service_list(),
        "formats": FORMATS.values(),
    }
    return render(request, "outages/import_upload.html", ctx)


def _pending_or_404(request, token: str) -> PendingImport:
    if token not in request.session.get(SESSION_IMPORTS, []):
        raise Http404("Not your upload")
    try:
        return pending_import_for(token=token, user=request.user)
    except PendingImport.DoesNotExist:
        raise Http404("Not your upload") from None


@admin_required
@require_GET
def import_detail(request, token: str):
    """The preview before confirmation, then the progress and the outcome."""
    pending = _pending_or_404(request, token)
    preview = pending.preview
    lost = pending_import_is_lost(pending)
    ctx = {
        "pending": pending,
        # Working only while a live worker has it: a dead worker's import shows as failed.
        "working": pending.is_working and not lost,
        "lost": lost,
        "work_lost": WORK_LOST,
        "can_retry": pending_import_can_retry(pending, lost),
        "preview": preview,
        "can_confirm": pending.state == PendingImport.State.PREVIEWED
        and not preview.get("error_count")
        and bool(pending.stored_file),
        "rows_cut": preview.get("row_count", 0) > len(preview.get("rows", [])),
        # A binary or headerless file has errors on no line: no "rows below" to fix.
        "error_lines": any(error.get("line") for error in preview.get("errors", [])),
        "record": pending.import_record,
    }
    return render(request, "outages/import_detail.html", ctx)


@admin_required
@require_POST
def import_confirm(request, token: str):
    pending = _pending_or_404(request, token)
    try:
        pending = pending_import_confirm(pending=pending)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("outages:import_detail", token=pending.token)


@admin_required
@require_POST
def import_retry(request, token: str):
    pending = _pending_or_404(request, token)
    try:
        pending = pending_import_retry(pending=pending)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("outages:import_detail", token=pending.token)


@admin_required
@require_GET
def import_raw_file(request, pk: int):
    """The file an import read, byte for byte, for administrators (MEDIA_ROOT is never
    served directly)."""
    try:
        record = ImportRecord.objects.get(pk=pk)
    except ImportRecord.DoesNotExist:
        raise Http404("No such import") from None
    if not record.raw_file:
        raise Http404("No raw file")
    return verified_file_response(
        name=record.raw_file.name,
        sha256=record.checksum,
        filename=record.file_name,
        content_type="application/octet-stream",
    )
