"""The claim pages: a period's live claim, a claim's page, submission, deleting a draft.

A draft is computed live with today's calendar and the current methodology; a
submitted claim is shown from its frozen snapshot only, with a note when today's
calendar would give other figures.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import doctor_required
from claims.forms.claims import DeclarationForm, PeriodForm
from claims.models import Claim, Methodology
from claims.selectors import (
    claim_for_period,
    claim_live_page,
    claim_page,
    claim_recomputation,
    claim_report,
)
from claims.services.claims import claim_delete_draft, claim_file, claim_submit
from claims.views.periods import PagePeriod, page_period


def _after_submit(request, claim: Claim) -> None:
    """What the doctor is told after a submission (``claim_submit`` has already stored
    the dossier, in the same transaction)."""
    messages.success(
        request,
        _("Your claim #%(id)s is submitted. Its figures are now frozen.") % {"id": claim.pk},
    )


#: Rows of a long table of the claim page shown at once (issue 13: a claim of 3,000
#: consultations stays a fast page; the summary comes first, the tables have page links).
#: Fifty: the page's three tables then render in well under its 300 ms at any size.
PAGE_ROWS = 50


def _rows(request, rows, parameter: str):
    # get_page: a missing, invalid or too large number gives the first or last page.
    page = Paginator(rows, PAGE_ROWS).get_page(request.GET.get(parameter))
    # The first, last and nearby page numbers, "…" between (60 links for 3,000 rows else).
    page.links = list(page.paginator.get_elided_page_range(page.number))
    return page


def _render(request, *, period, claim, declaration_form, period_form=None):
    if claim is not None and claim.is_frozen:
        recomputation = claim_recomputation(snapshot=claim.snapshot)
        page = claim_page(claim.snapshot)
    else:
        try:
            report = claim_report(
                claim=claim,
                doctor=request.user.doctor,
                first_day=period[0],
                last_day=period[1],
            )
        except Methodology.DoesNotExist:
            return render(request, "claims/no_methodology.html", status=503)
        page = claim_live_page(report)
        recomputation = None
    period_form = period_form if period_form is not None else PeriodForm()
    return render(
        request,
        "claims/claim.html",
        {
            "claim": claim,
            "page": page,
            "recomputation": recomputation,
            "declaration_form": declaration_form,
            "period": PagePeriod(page.first_day, page.last_day, period_form),
            "query": f"from={page.first_day.isoformat()}&to={page.last_day.isoformat()}",
            "slot_rows": _rows(request, page.slots, "slots"),
            "affected_rows": _rows(request, page.affected_consultations, "consultations"),
            "unaffected_rows": _rows(request, page.unaffected_consultations, "unaffected"),
        },
    )


@doctor_required
@require_http_methods(["GET", "POST"])
def claim_period(request):
    """The claim of a period (a month by default), before a claim exists or as a draft."""
    doctor = request.user.doctor
    if request.method == "POST":
        period_form = PeriodForm(request.POST)
        declaration_form = DeclarationForm(request.POST)
        if not period_form.is_valid():
            raise Http404
        first_day, last_day = period_form.cleaned_data["from_"], period_form.cleaned_data["to"]
        if declaration_form.is_valid():
            try:
                claim = claim_file(
                    doctor=doctor,
                    first_day=first_day,
                    last_day=last_day,
                    user=request.user,
                    declaration_accepted=True,
                )
            except ValidationError as error:
                declaration_form.add_error(None, error.messages)
            else:
                _after_submit(request, claim)
                return redirect("claims:claim", pk=claim.pk)
        return _render(
            request,
            period=(first_day, last_day),
            claim=None,
            declaration_form=declaration_form,
            period_form=period_form,
        )
    period = page_period(request, doctor)
    claim = claim_for_period(doctor=doctor, first_day=period.first_day, last_day=period.last_day)
    if claim is not None:
        return redirect("claims:claim", pk=claim.pk)
    return _render(
        request,
        period=(period.first_day, period.last_day),
        claim=None,
        declaration_form=DeclarationForm(),
        period_form=period.form,
    )


def _own_claim(request, pk) -> Claim:
    return get_object_or_404(
        Claim.objects.select_related("methodology", "doctor__user"),
        pk=pk,
        doctor=request.user.doctor,
    )


@doctor_required
def claim_detail(request, pk):
    claim = _own_claim(request, pk)
    return _render(
        request,
        period=(claim.period_start, claim.period_end),
        claim=claim,
        declaration_form=DeclarationForm(),
    )


@doctor_required
@require_POST
def claim_submit_view(request, pk):
    claim = _own_claim(request, pk)
    form = DeclarationForm(request.POST)
    if form.is_valid():
        try:
            claim = claim_submit(claim=claim, user=request.user, declaration_accepted=True)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            _after_submit(request, claim)
            return redirect("claims:claim", pk=claim.pk)
    return _render(
        request,
        period=(claim.period_start, claim.period_end),
        claim=claim,
        declaration_form=form,
    )


@doctor_required
@require_http_methods(["GET", "POST"])
def claim_delete(request, pk):
    claim = _own_claim(request, pk)
    error = None
    if request.method == "POST":
        try:
            claim_delete_draft(claim=claim)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("The draft claim is deleted."))
            return redirect("home")
    return render(
        request,
        "claims/confirm_delete.html",
        {
            "object": claim,
            "kind": "claim",
            "error": error,
            "cancel_url": reverse("claims:claim", args=[claim.pk]),
        },
    )
