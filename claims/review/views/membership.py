"""The reviewers' page "What the whole membership lost": every doctor's claims for a
period computed in one pass (``claims.review.services.membership``), as a page, a CSV and a PDF.
Reviewers and administrators only; 404 for anyone else.

The pass takes about a minute at 40,000 doctors: it runs in the background
(``claims.review.services.membership_jobs``). The page starts it for a period never computed,
shows its progress (reloading itself) and then the stored figures, with a button to
compute them again; the CSV and PDF are made from the stored figures."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import reviewer_required
from claims.models import MembershipJob
from claims.review.services.membership import EstimateError, check_period, estimate_csv_rows
from claims.review.services.membership_jobs import (
    ACTIVE,
    estimate_load,
    membership_job_latest,
    membership_job_start,
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


def _period(request):
    form = PeriodForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return form, None
    return form, (form.cleaned_data["first_day"], form.cleaned_data["last_day"])


def _estimate(request):
    """The period's stored estimate for the files (never computed here)."""
    form, period = _period(request)
    if period is None:
        return form, None, None
    job = MembershipJob.objects.filter(
        first_day=period[0], last_day=period[1], state=MembershipJob.State.DONE
    ).order_by("-created_at", "-pk")[:1]
    job = next(iter(job), None)
    if job is None:
        return form, None, _("These figures are not computed yet: open the page first.")
    return form, estimate_load(job.result), None


def _filename(estimate, extension: str) -> str:
    return (
        f"membership-{estimate.first_day.isoformat()}-{estimate.last_day.isoformat()}.{extension}"
    )


@reviewer_required
@require_http_methods(["GET", "POST"])
def membership_page(request):
    """GET: the period's figures, or their progress (started if never computed); POST
    (the "compute again" button): a new computation of the period."""
    form, period = _period(request)
    job = estimate = None
    if period is not None:
        first_day, last_day = period
        if request.method == "POST":
            membership_job_start(first_day=first_day, last_day=last_day, user=request.user)
            return redirect(
                reverse("review:membership")
                + f"?first_day={first_day.isoformat()}&last_day={last_day.isoformat()}"
            )
        job = membership_job_latest(first_day=first_day, last_day=last_day)
        if job is None:
            job = membership_job_start(first_day=first_day, last_day=last_day, user=request.user)
        if job.state == MembershipJob.State.DONE:
            estimate = estimate_load(job.result)
    context = {
        "form": form,
        "estimate": estimate,
        "job": job,
        "busy": job is not None and job.state in ACTIVE,
        "error": None,
    }
    if period is not None:
        context["query"] = f"first_day={period[0].isoformat()}&last_day={period[1].isoformat()}"
    return render(request, "claims/review/membership.html", context)


def _no_estimate(request, form, error):
    """A download asked for a period with no stored figures (404) or an invalid one (400)."""
    return render(
        request,
        "claims/review/membership.html",
        {"form": form, "estimate": None, "error": error},
        status=400 if form.errors else 404,
    )


@reviewer_required
@require_GET
def membership_csv(request):
    form, estimate, error = _estimate(request)
    if estimate is None:
        return _no_estimate(request, form, error)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(estimate_csv_rows(estimate))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(estimate, "csv")}"'
    return response


@reviewer_required
@require_GET
def membership_pdf(request):
    # Imported here: WeasyPrint (Pango, fonts) is heavy; only this download renders a PDF.
    from claims.dossier.render import page_pdf

    form, estimate, error = _estimate(request)
    if estimate is None:
        return _no_estimate(request, form, error)
    html = render_to_string("claims/review/membership_pdf.html", {"estimate": estimate}, request)
    pdf = page_pdf(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(estimate, "pdf")}"'
    return response
