"""``/outages/sla/?year=2024``: availability against each service's target, per month."""

from __future__ import annotations

import hashlib

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from evidence.sla.selectors import sla_report


def _year_from(request) -> int:
    value = request.GET.get("year", "").strip()
    if not value:
        return timezone.localdate().year
    if not value.isdigit() or not 1970 <= int(value) <= 2100:
        raise Http404("Not a year")
    return int(value)


@require_GET
def sla_page(request):
    year = _year_from(request)
    report = sla_report(year=year)
    ctx = {
        "report": report,
        "months": [f"{year:04d}-{month:02d}" for month in range(1, 13)],
        "previous_year": year - 1,
        "next_year": year + 1,
    }
    return render(request, "evidence/sla.html", ctx)


@require_GET
def sla_csv_download(request):
    # Imported here: evidence.sla.render loads WeasyPrint (a second or more), and every
    # process that loads the URLs (manage.py check, the web workers) need not pay for it.
    from evidence.sla.render import sla_csv

    year = _year_from(request)
    response = HttpResponse(sla_csv(sla_report(year=year)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sla-{year}.csv"'
    return response


@require_GET
def sla_pdf_download(request):
    from evidence.sla.render import sla_pdf

    year = _year_from(request)
    page_url = request.build_absolute_uri(reverse("evidence:sla") + f"?year={year}")
    pdf = sla_pdf(sla_report(year=year), page_url=page_url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="sla-report-{year}.pdf"'
    response["X-Content-SHA256"] = hashlib.sha256(pdf).hexdigest()
    return response
