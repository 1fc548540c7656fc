"""The doctor's side of a request for information: correct the declarations, then
resubmit the claim before the cure deadline (``/claims/resubmit/<id>/``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import doctor_required
from claims.cure import correction_open
from claims.forms.claims import DeclarationForm
from claims.models import Claim
from claims.review.services.decisions import claim_resubmit, open_request
from claims.selectors import claim_report


@doctor_required
@require_http_methods(["GET", "POST"])
def claim_resubmit_view(request, pk: int):
    claim = get_object_or_404(
        Claim.objects.select_related("methodology"), pk=pk, doctor=request.user.doctor
    )
    request_for_info = open_request(claim)
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim = claim_resubmit(claim=claim, user=request.user, declaration_accepted=True)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("Your corrected claim #%(id)s is submitted again. Its figures are frozen.")
                % {"id": claim.pk},
            )
            return redirect("claims:claim", pk=claim.pk)
    window_open = correction_open(claim, request_for_info)
    # What the claim would be with the declarations as they are now (not frozen yet).
    report = (
        claim_report(
            doctor=request.user.doctor,
            first_day=claim.period_start,
            last_day=claim.period_end,
        )
        if window_open
        else None
    )
    ctx = {
        "claim": claim,
        "request_for_info": request_for_info,
        "window_open": window_open,
        "report": report,
        "form": form,
        "query": f"from={claim.period_start.isoformat()}&to={claim.period_end.isoformat()}",
    }
    return render(request, "claims/review/resubmit.html", ctx)
