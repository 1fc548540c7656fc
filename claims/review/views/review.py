"""The legal team's workspace (``/claims/review/``): the review list, a claim's review page,
decisions, batches, their files and exports.

Every view is ``reviewer_required``: doctors and everyone else get 404. Reviewers read
claims and decide on them; nothing here changes a declaration, the calendar or a figure.
"""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import reviewer_required
from claims.models import Batch, BatchOutput, Claim, ClaimStatus, ClaimVersion, Outcome
from claims.review.exports import csv_lines, xlsx_write
from claims.review.forms import (
    BatchFromSelectionForm,
    BatchNameForm,
    BulkDecisionForm,
    DecisionForm,
    ReviewFilterForm,
)
from claims.review.selectors import (
    REVIEWABLE,
    batch_detail,
    batch_file_name,
    batch_list,
    batch_status_counts,
    claim_for_review,
    claim_ids_reviewable,
    claim_neighbours,
    claim_review,
    review_claims,
    review_list,
)
from claims.review.services.batches import (
    batch_create,
    batch_delete,
    batch_export_source,
    batch_freeze,
    batch_output_start,
    output_is_busy,
    output_is_lost,
)
from claims.review.services.decisions import claim_decide, claims_decide_bulk
from claims.review.tasks import claim_checks_recompute
from filestore.downloads import verified_file_response
from ops.selectors import WORK_LOST, lost_task_ids
from outages.models import Service

# Query-string keys of the filters (kept when paging, sorting, exporting or batching).
FILTER_KEYS = (
    "period_from",
    "period_to",
    "service",
    "status",
    "min_total",
    "max_total",
    "language",
    "flag",
    "sort",
)


def _filter_query(data, *, without=("sort",)) -> str:
    pairs = [
        (key, value)
        for key in FILTER_KEYS
        if key not in without
        for value in data.getlist(key)
        if value != ""
    ]
    return urlencode(pairs)


def _flash_errors(request, errors) -> None:
    """A refused action's reasons, shown on the page the reviewer is sent back to."""
    for error in errors:
        messages.error(request, error)


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _filter_form(data):
    services = list(Service.objects.all())
    return ReviewFilterForm(data, services=services), services


# --- the review list -----------------------------------------------------------------------


@reviewer_required
@require_GET
def review_list_view(request):
    form, services = _filter_form(request.GET)
    filters = form.filters()
    listing = review_list(
        filters,
        page_number=request.GET.get("page", 1),
        services=services,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    query = _filter_query(request.GET, without=())
    ctx = {
        "form": form,
        "listing": listing,
        "query": query,
        "query_without_sort": _filter_query(request.GET),
        "decision_form": DecisionForm(),
        "batch_form": BatchNameForm(),
        "filter_items": [
            (key, value)
            for key in FILTER_KEYS
            if key != "sort"
            for value in request.GET.getlist(key)
            if value != ""
        ],
        "sort": filters.sort,
    }
    return render(request, "claims/review/list.html", ctx)


def _csv_response(claims, file_name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(claims), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _xlsx_response(claims, file_name: str, title: str) -> FileResponse:
    # Written to an anonymous temporary file (write-only mode streams rows to it), then
    # sent from there: memory stays flat whatever the number of claims.
    target = tempfile.TemporaryFile()
    xlsx_write(claims, target, title=title)
    target.seek(0)
    response = FileResponse(
        target,
        as_attachment=True,
        filename=file_name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _export_name(suffix: str) -> str:
    return f"claims-{timezone.localdate():%Y-%m-%d}.{suffix}"


@reviewer_required
@require_GET
def review_export_csv(request):
    form, _services = _filter_form(request.GET)
    return _csv_response(review_claims(form.filters()), _export_name("csv"))


@reviewer_required
@require_GET
def review_export_xlsx(request):
    form, _services = _filter_form(request.GET)
    return _xlsx_response(review_claims(form.filters()), _export_name("xlsx"), "claims")


@reviewer_required
@require_POST
def bulk_decide(request):
    form = BulkDecisionForm(request.POST)
    back = _back(request, reverse("review:list"))
    if not form.is_valid():
        _flash_errors(request, [e for errors in form.errors.values() for e in errors])
        return redirect(back)
    claims = claim_ids_reviewable(form.cleaned_data["claim"])
    # Each row of the list carries its claim's version_token ("version-<id>").
    versions = {pk: request.POST.get(f"version-{pk}", "")[:40] for pk in form.cleaned_data["claim"]}
    try:
        outcome = claims_decide_bulk(
            claims=claims,
            reviewer=request.user,
            decision=form.cleaned_data["decision"],
            reason_code=form.cleaned_data["reason_code"],
            text=form.cleaned_data["text"],
            versions=versions if any(f"version-{pk}" in request.POST for pk in versions) else None,
        )
    except ValidationError as error:
        _flash_errors(request, error.messages)
    else:
        if outcome.decided:
            messages.success(
                request,
                _("Decision recorded on %(count)s claims: %(claims)s.")
                % {
                    "count": len(outcome.decided),
                    "claims": _claim_numbers(record.claim for record in outcome.decided),
                },
            )
        if outcome.unchanged:
            messages.info(
                request,
                _("Already “%(status)s”, left as they were: %(claims)s.")
                % {
                    "status": outcome.unchanged[0].get_status_display(),
                    "claims": _claim_numbers(outcome.unchanged),
                },
            )
    return redirect(back)


def _claim_numbers(claims) -> str:
    return ", ".join(f"#{claim.pk}" for claim in claims)


@reviewer_required
@require_POST
def recompute_checks(request):
    claim_checks_recompute.enqueue(only_missing=request.POST.get("scope") == "missing")
    messages.info(
        request,
        _(
            "The consistency checks are being recomputed in the background. Reload the list "
            "in a minute to see the new flags."
        ),
    )
    return redirect(_back(request, reverse("review:list")))


# --- one claim ------------------------------------------------------------------------------


def _claim_or_404(pk: int) -> Claim:
    try:
        return claim_for_review(pk=pk)
    except Claim.DoesNotExist:
        raise Http404("No such submitted claim") from None


def _render_claim(request, claim: Claim, form: DecisionForm, status: int = 200):
    # The list's filters and sort travel in the query string, so that previous/next walk
    # the list the reviewer came from.
    filter_form, _services = _filter_form(request.GET)
    ctx = {
        "review": claim_review(claim=claim),
        "claim": claim,
        "form": form,
        "query": _filter_query(request.GET, without=()),
        "neighbours": claim_neighbours(claim=claim, filters=filter_form.filters()),
        "outcome_labels": dict(Outcome.choices),
    }
    return render(request, "claims/review/claim.html", ctx, status=status)


@reviewer_required
@require_GET
def claim_detail(request, pk: int):
    claim = _claim_or_404(pk)
    return _render_claim(request, claim, DecisionForm(initial={"version": claim.version_token}))


@reviewer_required
@require_POST
def claim_decide_view(request, pk: int):
    claim = _claim_or_404(pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            claim_decide(
                claim=claim,
                reviewer=request.user,
                decision=form.cleaned_data["decision"],
                reason_code=form.cleaned_data["reason_code"],
                text=form.cleaned_data["text"],
                # Empty from a client without the page's token: no check (API scripts).
                expected_version=form.cleaned_data["version"] or None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Decision recorded on claim #%(id)s.") % {"id": claim.pk})
            query = _filter_query(request.GET, without=())
            return redirect(
                reverse("review:claim", args=[claim.pk]) + (f"?{query}" if query else "")
            )
    # A refused decision re-shows the page with the form's messages (not an error page):
    # the reviewer corrects the reason and sends it again.
    return _render_claim(request, _claim_or_404(pk), form)


@reviewer_required
@require_GET
def version_dossier(request, pk: int, number: int):
    version = get_object_or_404(
        ClaimVersion, claim_id=pk, number=number, claim__status__in=REVIEWABLE
    )
    if not version.dossier:
        raise Http404("No stored dossier for this version")
    return verified_file_response(
        name=version.dossier.name,
        sha256=version.dossier_sha256,
        filename=f"dossier-claim-{pk}-v{number}.pdf",
        content_type="application/pdf",
    )


# --- batches --------------------------------------------------------------------------------


@reviewer_required
@require_GET
def batches(request):
    return render(request, "claims/review/batches.html", {"batches": list(batch_list())})


@reviewer_required
@require_POST
def batch_from_filter(request):
    name_form = BatchNameForm(request.POST)
    form, _services = _filter_form(request.POST)
    back = reverse("review:list") + "?" + _filter_query(request.POST, without=())
    if not name_form.is_valid() or not form.is_valid():
        messages.error(request, _("Give the batch a name, and check the filters."))
        return redirect(back)
    filters = form.filters()
    try:
        batch = batch_create(
            name=name_form.cleaned_data["name"],
            reviewer=request.user,
            claims=review_claims(filters),
            filters=filters.as_query(),
        )
    except ValidationError as error:
        _flash_errors(request, error.messages)
        return redirect(back)
    messages.success(request, _("Batch created. Check its claims, then freeze it."))
    return redirect("review:batch", pk=batch.pk)


@reviewer_required
@require_POST
def batch_from_selection(request):
    form = BatchFromSelectionForm(request.POST)
    back = _back(request, reverse("review:list"))
    if not form.is_valid():
        _flash_errors(request, [e for errors in form.errors.values() for e in errors])
        return redirect(back)
    try:
        batch = batch_create(
            name=form.cleaned_data["name"], reviewer=request.user, claims=form.cleaned_data["claim"]
        )
    except ValidationError as error:
        _flash_errors(request, error.messages)
        return redirect(back)
    messages.success(request, _("Batch created. Check its claims, then freeze it."))
    return redirect("review:batch", pk=batch.pk)


def _batch_or_404(pk: int) -> Batch:
    return get_object_or_404(Batch.objects.select_related("created_by"), pk=pk)


@reviewer_required
@require_GET
def batch_view(request, pk: int):
    batch = _batch_or_404(pk)
    detail = batch_detail(batch=batch, page_number=request.GET.get("page", 1))
    now = timezone.now()
    lost = _lost_output_tasks(detail.outputs.values(), now)
    rows = []
    for kind, label in BatchOutput.Kind.choices:
        output = detail.outputs[kind]
        busy = bool(output) and output_is_busy(output, now, lost)
        rows.append((kind, label, output, busy, bool(output) and output_is_lost(output, now, lost)))
    status_counts = batch_status_counts(batch)
    ctx = {
        "detail": detail,
        "batch": batch,
        "busy": any(row[3] for row in rows),
        "output_rows": rows,
        "work_lost": WORK_LOST,
        "list_query": urlencode(batch.filters, doseq=True),
        "status_counts": status_counts,
        "other_statuses": any(value != ClaimStatus.SUBMITTED for value, _l, _n in status_counts),
    }
    return render(request, "claims/review/batch.html", ctx)


def _confirmed(request, message) -> bool:
    """Freezing and deleting cannot be undone: the form's box must be ticked."""
    if request.POST.get("confirm") == "yes":
        return True
    messages.error(request, message)
    return False


@reviewer_required
@require_POST
def batch_freeze_view(request, pk: int):
    batch = _batch_or_404(pk)
    if not _confirmed(request, _("Tick the box to confirm the freezing: it cannot be undone.")):
        return redirect("review:batch", pk=batch.pk)
    try:
        batch_freeze(batch=batch, reviewer=request.user)
    except ValidationError as error:
        _flash_errors(request, error.messages)
    else:
        messages.success(request, _("The batch is frozen: its claims can no longer change."))
    return redirect("review:batch", pk=batch.pk)


@reviewer_required
@require_POST
def batch_delete_view(request, pk: int):
    batch = _batch_or_404(pk)
    if not _confirmed(request, _("Tick the box to confirm the deletion: it cannot be undone.")):
        return redirect("review:batch", pk=batch.pk)
    try:
        batch_delete(batch=batch, reviewer=request.user)
    except ValidationError as error:
        _flash_errors(request, error.messages)
        return redirect("review:batch", pk=batch.pk)
    messages.success(request, _("The draft batch is deleted."))
    return redirect("review:batches")


def _kind_or_404(kind: str) -> str:
    if kind not in BatchOutput.Kind.values:
        raise Http404("No such file")
    return kind


@reviewer_required
@require_POST
def batch_output_start_view(request, pk: int, kind: str):
    batch = _batch_or_404(pk)
    try:
        batch_output_start(
            batch=batch, kind=_kind_or_404(kind), user=request.user, language=get_language()[:2]
        )
    except ValidationError as error:
        _flash_errors(request, error.messages)
    return redirect(reverse("review:batch", args=[batch.pk]) + "#outputs")


def _lost_output_tasks(outputs, now) -> set[str]:
    """The task ids, among these outputs', whose worker died: one query for the page."""
    return lost_task_ids([output.task_id for output in outputs if output], now)


def _output_json(batch: Batch, output: BatchOutput | None, now, lost: set[str]) -> dict:
    if output is None:
        return {"state": "none", "percent": 0, "done": 0, "total": 0}
    if output_is_lost(output, now, lost):
        # Its worker died: say so, and let the reviewer produce it again.
        state, label, error = "failed", BatchOutput.State.FAILED.label, WORK_LOST
    else:
        state, label, error = output.state, output.get_state_display(), output.error
    return {
        "state": state,
        "state_label": str(label),
        "percent": output.percent,
        "done": output.progress_done,
        "total": output.progress_total,
        "busy": output_is_busy(output, now, lost),
        "error": str(error) if state == BatchOutput.State.FAILED else "",
        "download_url": (
            reverse("review:batch_output_download", args=[batch.pk, output.kind])
            # The last good file, even while a new one is made or after it failed.
            if output.file
            else None
        ),
    }


@reviewer_required
@require_GET
def batch_progress(request, pk: int):
    """What the progress bars poll: each output's state and progress, one small query."""
    batch = _batch_or_404(pk)
    outputs = {output.kind: output for output in batch.outputs.all()}
    now = timezone.now()
    lost = _lost_output_tasks(outputs.values(), now)
    response = JsonResponse(
        {
            "outputs": {
                kind: _output_json(batch, outputs.get(kind), now, lost)
                for kind in BatchOutput.Kind.values
            }
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@reviewer_required
@require_GET
def batch_output_download(request, pk: int, kind: str):
    batch = _batch_or_404(pk)
    # The last good file, whatever the state: producing it again, or a failure while doing
    # so, never hides the earlier file (it keeps its row until a new one is stored).
    output = get_object_or_404(
        BatchOutput.objects.exclude(file=""), batch=batch, kind=_kind_or_404(kind)
    )
    suffix = "pdf" if kind == BatchOutput.Kind.DOSSIER else "zip"
    return verified_file_response(
        name=output.file.name,
        sha256=output.sha256,
        filename=batch_file_name(batch, suffix),
        content_type="application/pdf" if suffix == "pdf" else "application/zip",
    )


@reviewer_required
@require_GET
def batch_export_csv(request, pk: int):
    batch = _batch_or_404(pk)
    return _csv_response(batch_export_source(batch), batch_file_name(batch, "csv"))


@reviewer_required
@require_GET
def batch_export_xlsx(request, pk: int):
    batch = _batch_or_404(pk)
    return _xlsx_response(
        batch_export_source(batch), batch_file_name(batch, "xlsx"), f"batch {batch.pk}"
    )
