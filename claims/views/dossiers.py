"""Downloading a claim's dossier (PDF/A-3b).

Who may: the claim's doctor, always (a draft's dossier is rendered on demand); reviewers
of the legal team, once the claim is submitted. Everyone else gets 404, as for any other
object of someone else (interfaces.md).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.permissions import is_reviewer
from claims.models import Claim, ClaimStatus
from claims.services.dossier_jobs import dossier_job_active, dossier_status
from claims.services.dossiers import dossier_for_download


def _claim_for_dossier(user, claim_id: int) -> Claim:
    claim = get_object_or_404(
        Claim.objects.select_related("doctor__user", "methodology"), pk=claim_id
    )
    if claim.doctor.user_id == user.pk:
        return claim
    if claim.status != ClaimStatus.DRAFT and is_reviewer(user):
        return claim
    raise Http404


@require_GET
@login_required
def claim_dossier_download(request, claim_id: int):
    claim = _claim_for_dossier(request.user, claim_id)
    if claim.is_frozen and not claim.dossier and dossier_job_active(claim=claim):
        # Being made in the background (issue 13): a page that asks again in a moment,
        # rather than a second rendering of the same dossier in this request.
        return _pending(request, claim, status=202)
    try:
        download = dossier_for_download(claim=claim)
    except ValidationError:
        # Not sealable just now (the timestamp authority is down): the background job
        # keeps trying; the claim stays submitted.
        return _pending(request, claim, status=503)
    response = HttpResponse(download.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{download.file_name}"'
    response["Content-Length"] = str(len(download.content))
    # A dossier holds a doctor's figures: never kept by a shared cache or proxy.
    response["Cache-Control"] = "private, no-store"
    return response


def _pending(request, claim: Claim, *, status: int):
    response = render(
        request,
        "claims/dossier_pending.html",
        {"claim": claim, "retry": status == 202},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    if status == 503:
        response["Retry-After"] = "60"
    return response


@login_required
def claim_dossier_status(request, claim_id: int):
    """What the doctor's claim page polls while the dossier of a submitted claim is being
    made. The doctor's only, like the claim page (reviewers get 404, whatever the method)."""
    claim = get_object_or_404(Claim, pk=claim_id, doctor__user=request.user)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    status = dossier_status(claim=claim)
    if status["ready"]:
        status["download_url"] = reverse("claims:claim_dossier", args=[claim.pk])
    response = JsonResponse(status)
    response["Cache-Control"] = "no-store"
    return response
