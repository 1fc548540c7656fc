"""Writes of claims: open a draft for a period, submit it (freeze it), delete a draft.

Submission computes the claim and freezes the snapshot and the figures in one transaction;
the PDF dossier is rendered, sealed and stored right after it commits, in the background
(``claims.services.dossier_jobs``): a dossier that fails to render or seal is retried and
never undoes a submission.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from claims.declaration import CURRENT_VERSION as DECLARATION_VERSION
from claims.models import Claim, ClaimStatus, Doctor
from claims.review.services.checks import claim_check_after_submit
from claims.selectors import claim_report, methodology_current
from claims.services.dossier_jobs import dossier_job_schedule, dossier_job_start
from claims.snapshot import claim_snapshot_build

MAX_PERIOD_DAYS = 366

DECLARATION_REQUIRED = _(
    "Tick the declaration on honour: the claim cannot be submitted without it."
)
ALREADY_SUBMITTED = _("This claim is already submitted: it can no longer change.")
NO_METHODOLOGY = _("No methodology version is published yet: an administrator must publish one.")


def _overlap_message(other: Claim) -> str:
    return _(
        "This period overlaps your claim #%(id)s (%(from)s – %(to)s), which is already "
        "submitted. Choose a period that does not overlap it."
    ) % {
        "id": other.pk,
        "from": formats.date_format(other.period_start),
        "to": formats.date_format(other.period_end),
    }


def _check_period(first_day: date, last_day: date) -> None:
    if last_day < first_day:
        raise ValidationError({"to": _("The end of the period must not be before its start.")})
    if (last_day - first_day).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationError({"to": _("A claim covers at most one year.")})


def _submitted_overlapping(
    doctor: Doctor, first_day: date, last_day: date, exclude: int | None = None
) -> Claim | None:
    others = Claim.objects.filter(
        doctor=doctor, period_start__lte=last_day, period_end__gte=first_day
    ).exclude(status=ClaimStatus.DRAFT)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    return others.order_by("period_start").first()


@transaction.atomic
def claim_get_or_create_draft(*, doctor: Doctor, first_day: date, last_day: date) -> Claim:
    """The doctor's claim for exactly this period, a new draft when there is none.

    A new period may not overlap a submitted claim: its declarations are already claimed.
    """
    _check_period(first_day, last_day)
    existing = Claim.objects.filter(
        doctor=doctor, period_start=first_day, period_end=last_day
    ).first()
    if existing is not None:
        return existing
    overlapping = _submitted_overlapping(doctor, first_day, last_day)
    if overlapping is not None:
        raise ValidationError(_overlap_message(overlapping))
    methodology = methodology_current()
    if methodology is None:
        raise ValidationError(NO_METHODOLOGY)
    claim = Claim(
        doctor=doctor, period_start=first_day, period_end=last_day, methodology=methodology
    )
    claim.full_clean()
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:
        # The same period sent twice at once (two tabs, a double click): the other request
        # created it first, and waiting on the unique index made this one see it.
        return Claim.objects.get(doctor=doctor, period_start=first_day, period_end=last_day)
    return claim


def claim_submit(*, claim: Claim, user, declaration_accepted: bool) -> Claim:
    """Freeze a draft: snapshot, methodology, figures, timestamp; status "submitted"."""
    with transaction.atomic():
        # Lock the row: two clicks on "Submit" must not freeze two different snapshots.
        claim = Claim.objects.select_for_update().select_related("doctor__user").get(pk=claim.pk)
        if claim.doctor.user_id != user.pk:
            raise ValidationError(_("Only the doctor of a claim can submit it."))
        if claim.is_frozen:
            raise ValidationError(ALREADY_SUBMITTED)
        if not declaration_accepted:
            raise ValidationError({"declaration_accepted": DECLARATION_REQUIRED})
        overlapping = _submitted_overlapping(
            claim.doctor, claim.period_start, claim.period_end, exclude=claim.pk
        )
        if overlapping is not None:
            raise ValidationError(_overlap_message(overlapping))
        methodology = methodology_current()
        if methodology is None:
            raise ValidationError(NO_METHODOLOGY)
        now = timezone.now()
        report = claim_report(claim=claim, methodology=methodology, now=now)
        claim.methodology = methodology
        claim.snapshot = claim_snapshot_build(report=report, claim_id=claim.pk)
        claim.lost_minutes = report.result.lost_minutes
        claim.total = report.result.total
        claim.declaration_accepted = True
        claim.declaration_version = DECLARATION_VERSION
        claim.submitted_at = now
        claim.status = ClaimStatus.SUBMITTED
        claim.full_clean()
        claim.save()
        # The dossier is made in the background once this commits (issue 13): submitting
        # takes the same short time whatever the claim's size or the TSA's state.
        dossier_job_schedule(claim=claim)
    if dossier_job_start(claim=claim):
        claim.refresh_from_db(fields=["dossier", "dossier_sha256", "updated_at"])
    # The legal team's consistency flags (claims.review.flags); never blocks a submission.
    claim_check_after_submit(claim=claim, now=now)
    return claim


@transaction.atomic
def claim_file(
    *, doctor: Doctor, first_day: date, last_day: date, user, declaration_accepted: bool
) -> Claim:
    """Open (or reuse) the claim of a period and submit it, in one step, or do nothing."""
    if not declaration_accepted:
        raise ValidationError({"declaration_accepted": DECLARATION_REQUIRED})
    claim = claim_get_or_create_draft(doctor=doctor, first_day=first_day, last_day=last_day)
    return claim_submit(claim=claim, user=user, declaration_accepted=declaration_accepted)


@transaction.atomic
def claim_delete_draft(*, claim: Claim) -> None:
    if claim.is_frozen:
        raise ValidationError(ALREADY_SUBMITTED)
    claim.delete()
