"""The reviewers' page "What the whole membership lost": every doctor's claims for a
period computed in one pass (``claims.review.services.membership``), as a page, a CSV and a PDF.
Reviewers and administrators only; 404 for anyone else."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.permissions import reviewer_required
from claims.review.services.membership import (
    EstimateError,
    check_period,
    estimate_csv_rows,
    membership_estimate,
)


def _last_month() -> tuple[date, date]:
    first_of_this = timezone.localdate().replace(day=1)
    last = first_of_this - timedelta(days=1)
    return last.replace(day=1), last


class PeriodForm(forms.Form):
    first_day = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data):
        first, last = _last_month()
        bound = {"first_day": first.isoformat(), "last_day": last.isoformat()}
        # The previous month unless a period is asked for.
        bound.update({key: data[key] for key in ("first_day", "last_day") if data.get(key)})
        super().__init__(bound)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                check_period(cleaned["first_day"], cleaned["last_day"])
            except EstimateError as error:
                raise forms.ValidationError(str(error)) from None
        return cleaned


def _estimate(request):
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return form, None, None
    try:
        estimate = membership_estimate(
            first_day=form.cleaned_data["first_day"], last_day=form.cleaned_data["last_day"]
        )
    except EstimateError as error:
        return form, None, str(error)
    return form, estimate, None


def _query(estimate) -> str:
    return f"first_day={estimate.first_day.isoformat()}&last_day={estimate.last_day.isoformat()}"


def _filename(estimate, extension: str) -> str:
    return (
        f"membership-{estimate.first_day.isoformat()}-{estimate.last_day.isoformat()}.{extension}"
    )


@reviewer_required
@require_GET
def membership_page(request):
    form, estimate, error = _estimate(request)
    context = {"form": form, "estimate": estimate, "error": error}
    if estimate is not None:
        context["query"] = _query(estimate)
    return render(request, "claims/review/membership.html", context)


@reviewer_required
@require_GET
def membership_csv(request):
    form, estimate, error = _estimate(request)
    if estimate is None:
        return render(
            request,
            "claims/review/membership.html",
            {"form": form, "estimate": None, "error": error},
            status=400,
        )
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(estimate_csv_rows(estimate))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(estimate, "csv")}"'
    return response


@reviewer_required
@require_GET
def membership_pdf(request):
    # Imported here: WeasyPrint (Pango, fonts) is heavy; only this download renders a PDF.
    from weasyprint import HTML

    from claims.dossier.render import BASE_URL, StaticFilesFetcher

    form, estimate, error = _estimate(request)
    if estimate is None:
        return render(
            request,
            "claims/review/membership.html",
            {"form": form, "estimate": None, "error": error},
            status=400,
        )
    html = render_to_string("claims/review/membership_pdf.html", {"estimate": estimate}, request)
    pdf = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(estimate, "pdf")}"'
    return response
