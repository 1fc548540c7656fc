"""Writes of the legal team's review: decisions (single and bulk) and the doctor's
resubmission of a claim after a request for information.

Every change of a claim writes one ``AuditEntry`` (who, when, what, before and after).
Reviewers only ever change a claim's review status: its declarations, the calendar and the
figures are out of their reach (the figures change only when the doctor resubmits).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_reviewer
from claims.cure import correction_open
from claims.models import (
    REASONS_BY_DECISION,
    STATUS_AFTER_DECISION,
    AuditAction,
    AuditEntry,
    Claim,
    ClaimDecision,
    ClaimStatus,
    ClaimVersion,
    Decision,
)
from claims.services.claims import claim_submit

DEFAULT_CURE_WINDOW_DAYS = 30

REASON_REQUIRED = _("Every decision needs a reason: choose a reason code.")
TEXT_REQUIRED = _("Every decision needs a reason: explain it in a sentence or two.")
WRONG_REASON = _("This reason does not fit this decision: choose one of the list.")
NOT_SUBMITTED = _("Only a submitted claim can be decided on.")
NOT_A_REVIEWER = _("Only the legal team can decide on claims.")
NOTHING_SELECTED = _("Select at least one claim.")
CHANGED_MEANWHILE = _(
    "Claim #%(id)s changed since you opened it (another reviewer decided on it, or the doctor "
    "resubmitted it). Nothing was recorded: read it again, then decide."
)
NOT_OPEN_FOR_CORRECTION = _("This claim is not waiting for information: it cannot be resubmitted.")


def cure_window() -> timedelta:
    return timedelta(days=getattr(settings, "CURE_WINDOW_DAYS", DEFAULT_CURE_WINDOW_DAYS))


def _window_closed_message(deadline: datetime) -> str:
    return _(
        "The time to correct this claim ended on %(deadline)s: it can no longer be "
        "resubmitted. Contact the legal team if you think this is a mistake."
    ) % {"deadline": formats.date_format(timezone.localtime(deadline), "DATETIME_FORMAT")}


def _claim_state(claim: Claim) -> dict:
    return {
        "status": claim.status,
        "total": None if claim.total is None else format(claim.total, "f"),
        "lost_minutes": claim.lost_minutes,
        "submitted_at": None if claim.submitted_at is None else claim.submitted_at.isoformat(),
        "dossier_sha256": claim.dossier_sha256,
    }


def _validate_decision(decision: str, reason_code: str, text: str) -> None:
    errors: dict[str, list] = {}
    if decision not in Decision.values:
        errors["decision"] = [_("Choose approve, reject or request information.")]
    if not reason_code:
        errors["reason_code"] = [REASON_REQUIRED]
    elif decision in Decision.values and reason_code not in REASONS_BY_DECISION[decision]:
        errors["reason_code"] = [WRONG_REASON]
    if not (text or "").strip():
        errors["text"] = [TEXT_REQUIRED]
    if errors:
        raise ValidationError(errors)


def claim_decide(
    *,
    claim: Claim,
    reviewer,
    decision: str,
    reason_code: str,
    text: str,
    now: datetime | None = None,
    expected_version: str | None = None,
) -> ClaimDecision:
    """Approve, reject or request information on a submitted claim, with a reason.

    ``expected_version``: the claim's ``version_token`` when the reviewer opened it; if the
    claim changed since (another reviewer decided it at the same time), nothing is recorded.

    A request for information opens the cure window (``settings.CURE_WINDOW_DAYS``, 30 days
    by default): until its deadline the doctor may correct the period's declarations and
    resubmit. A later decision simply follows the earlier ones; all stay on the claim.
    """
    if not is_reviewer(reviewer):
        raise ValidationError(NOT_A_REVIEWER)
    _validate_decision(decision, reason_code, text)
    now = now or timezone.now()
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        if not claim.is_frozen:
            raise ValidationError(NOT_SUBMITTED)
        if expected_version is not None and expected_version != claim.version_token:
            raise ValidationError(CHANGED_MEANWHILE % {"id": claim.pk})
        before = _claim_state(claim)
        record = ClaimDecision(
            claim=claim,
            reviewer=reviewer,
            decision=decision,
            reason_code=reason_code,
            text=text.strip(),
            status_before=claim.status,
            cure_deadline=now + cure_window() if decision == Decision.REQUEST_INFO else None,
            created_at=now,
        )
        record.full_clean()
        record.save()
        claim.status = STATUS_AFTER_DECISION[decision]
        claim.full_clean()
        claim.save(update_fields=["status", "updated_at"])
        after = _claim_state(claim)
        after.update(
            decision=decision,
            reason_code=reason_code,
            text=record.text,
            cure_deadline=None
            if record.cure_deadline is None
            else record.cure_deadline.isoformat(),
        )
        AuditEntry.objects.create(
            claim=claim,
            actor=reviewer,
            action=AuditAction.DECISION,
            before=before,
            after=after,
            created_at=now,
        )
    return record


@dataclass(frozen=True)
class BulkOutcome:
    decided: list[ClaimDecision]
    # Claims already in the status the decision leads to: left as they were, and named to
    # the reviewer, rather than approved twice without a word.
    unchanged: list[Claim] = field(default_factory=list)


def claims_decide_bulk(
    *,
    claims: Iterable[Claim],
    reviewer,
    decision: str,
    reason_code: str,
    text: str,
    now: datetime | None = None,
    versions: dict[int, str] | None = None,
) -> BulkOutcome:
    """The same decision and reason on every selected claim: all or nothing, through
    ``claim_decide`` so each claim gets its own decision and audit entry. Claims already
    in the status the decision leads to are left alone and reported as unchanged.
    ``versions``: each claim's ``version_token`` as the list showed it; one claim changed
    since and nothing is recorded."""
    claims = list(claims)
    if not claims:
        raise ValidationError(NOTHING_SELECTED)
    _validate_decision(decision, reason_code, text)
    now = now or timezone.now()
    target = STATUS_AFTER_DECISION[decision]
    unchanged = [claim for claim in claims if claim.status == target]
    with transaction.atomic():
        decided = [
            claim_decide(
                claim=claim,
                reviewer=reviewer,
                decision=decision,
                reason_code=reason_code,
                text=text,
                now=now,
                expected_version=None if versions is None else versions.get(claim.pk, ""),
            )
            for claim in claims
            if claim.status != target
        ]
    return BulkOutcome(decided=decided, unchanged=unchanged)


# --- the doctor's side: correct and resubmit --------------------------------------------------


def open_request(claim: Claim) -> ClaimDecision | None:
    """The request for information the claim is waiting on, if it is (one query)."""
    if claim.status != ClaimStatus.INFO_REQUESTED:
        return None
    return (
        ClaimDecision.objects.filter(claim=claim, decision=Decision.REQUEST_INFO)
        .order_by("-created_at", "-id")
        .first()
    )


def claim_resubmit(
    *, claim: Claim, user, declaration_accepted: bool, now: datetime | None = None
) -> Claim:
    """Freeze the corrected claim again, keeping the submitted version as ``ClaimVersion``.

    Only the doctor of the claim, only while a request for information is open and before
    its deadline. The new version goes through ``claim_submit`` itself (the claim is
    reopened and submitted again inside one transaction), so it follows exactly the rules
    of a first submission: declaration on honour, no overlap, current methodology, and a
    new dossier rendered and stored (the earlier file stays, with the earlier version).
    """
    now = now or timezone.now()
    with transaction.atomic():
        claim = Claim.objects.select_for_update().select_related("doctor").get(pk=claim.pk)
        if claim.doctor.user_id != user.pk:
            raise ValidationError(_("Only the doctor of a claim can resubmit it."))
        request = open_request(claim)
        if request is None:
            raise ValidationError(NOT_OPEN_FOR_CORRECTION)
        if not correction_open(claim, request, now):
            raise ValidationError(_window_closed_message(request.cure_deadline))
        before = _claim_state(claim)
        number = claim.versions.count() + 1
        version = ClaimVersion(
            claim=claim,
            number=number,
            submitted_at=claim.submitted_at,
            methodology_id=claim.methodology_id,
            snapshot=claim.snapshot,
            lost_minutes=claim.lost_minutes,
            total=claim.total,
            dossier_sha256=claim.dossier_sha256,
            superseded_at=now,
        )
        # The stored file itself moves to the version; the new one gets a new file.
        version.dossier.name = claim.dossier.name
        version.full_clean()
        version.save()
        Claim.objects.filter(pk=claim.pk).update(
            status=ClaimStatus.DRAFT, dossier="", dossier_sha256=""
        )
        claim = claim_submit(claim=claim, user=user, declaration_accepted=declaration_accepted)
        after = _claim_state(claim)
        after["version"] = number + 1
        before["version"] = number
        AuditEntry.objects.create(
            claim=claim,
            actor=user,
            action=AuditAction.RESUBMISSION,
            before=before,
            after=after,
            created_at=now,
        )
    claim.refresh_from_db()
    return claim
