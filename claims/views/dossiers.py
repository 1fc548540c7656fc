"""Downloading a claim's dossier (PDF/A-3b).

Who may: the claim's doctor, always (a draft's dossier is rendered on demand); reviewers
of the legal team, once the claim is submitted. Everyone else gets 404, as for any other
object of someone else (interfaces.md).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from claims.models import Claim, ClaimStatus
from claims.permissions import is_reviewer
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
    download = dossier_for_download(claim=claim)
    response = HttpResponse(download.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{download.file_name}"'
    response["Content-Length"] = str(len(download.content))
    # A dossier holds a doctor's figures: never kept by a shared cache or proxy.
    response["Cache-Control"] = "private, no-store"
    return response
