"""Compute and store the snapshot flags of submitted claims (``ClaimCheck``).

Called after every submission and resubmission, and again for every claim when the
calendar may have changed (the "calendar changed since" flag): from the review list's
"Recompute the checks" button (a background task) or ``manage.py review_checks``.
Claims are streamed in one pass (a server-side cursor), ordered by period, so today's
calendar is loaded once per period and ``U(s)`` is built once per period and methodology:
40,000 claims of one month cost one claims query, one calendar query and the pure
calculation, in flat memory.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from claims.calculation import IncidentInput, Unavailability, unavailability_by_service
from claims.models import Claim, ClaimCheck, ClaimStatus
from claims.review.flags import STORED_FLAGS, snapshot_checks
from claims.selectors import incident_inputs
from claims.snapshot import snapshot_params, snapshot_window
from outages.intervals import Interval
from outages.models import Service

logger = logging.getLogger(__name__)

CHUNK = 500


def _claims_to_check(claim_ids: Iterable[int] | None, only_missing: bool):
    claims = Claim.objects.exclude(status=ClaimStatus.DRAFT).filter(snapshot__isnull=False)
    if claim_ids is not None:
        claims = claims.filter(pk__in=list(claim_ids))
    if only_missing:
        # No check yet, or one computed before the latest (re)submission.
        claims = claims.filter(
            Q(review_check__isnull=True)
            | Q(review_check__claim_submitted_at__lt=F("submitted_at"))
            | Q(review_check__claim_submitted_at__isnull=True)
        )
    return claims


class _Calendar:
    """Today's incidents and ``U(s)`` per claim period, kept for the claims that follow
    (they come ordered by period, so one entry is alive at a time)."""

    def __init__(self, now: datetime):
        self.now = now
        self._window: Interval | None = None
        self._incidents: list[IncidentInput] = []
        self._unavailability: dict[tuple, Unavailability] = {}

    def for_snapshot(self, snapshot: dict) -> tuple[list[IncidentInput], Unavailability]:
        window = snapshot_window(snapshot)
        if window != self._window:
            self._window = window
            self._incidents = incident_inputs(window=window)
            self._unavailability = {}
        params = snapshot_params(snapshot)
        key = (params.counted_impacts, params.counted_statuses)
        unavailability = self._unavailability.get(key)
        if unavailability is None:
            unavailability = unavailability_by_service(self._incidents, window, params, self.now)
            self._unavailability[key] = unavailability
        return self._incidents, unavailability


def claim_checks_refresh(
    *,
    claim_ids: Iterable[int] | None = None,
    only_missing: bool = False,
    now: datetime | None = None,
    progress=None,
) -> int:
    """(Re)compute the checks of the given submitted claims (all by default); returns how
    many were computed. ``progress(done)`` is called after each chunk."""
    now = now or timezone.now()
    service_ids = dict(Service.objects.values_list("slug", "pk"))
    calendar = _Calendar(now)
    # One streaming pass (a server-side cursor on PostgreSQL), in period order so that
    # today's calendar and U(s) are built once per period: memory stays flat whatever
    # the number of claims, and no list of ids is held.
    rows = (
        _claims_to_check(claim_ids, only_missing)
        .order_by("period_start", "period_end", "pk")
        .values_list("pk", "snapshot", "submitted_at")
        .iterator(chunk_size=CHUNK)
    )
    done = 0
    checks, links = [], []
    for pk, snapshot, submitted_at in rows:
        incidents, unavailability = calendar.for_snapshot(snapshot)
        found = snapshot_checks(
            snapshot, incidents=incidents, now=now, unavailability=unavailability
        )
        flags = {column: found.has(code) for code, column in STORED_FLAGS.items()}
        checks.append(
            ClaimCheck(
                claim_id=pk,
                details=found.details,
                claim_submitted_at=submitted_at,
                computed_at=now,
                **flags,
            )
        )
        links.extend(
            (pk, service_ids[slug]) for slug in sorted(found.services) if slug in service_ids
        )
        if len(checks) == CHUNK:
            done = _flush(checks, links, done, progress)
            checks, links = [], []
    if checks:
        done = _flush(checks, links, done, progress)
    return done


def _flush(checks: list[ClaimCheck], links: list[tuple[int, int]], done: int, progress) -> int:
    _store(checks, links)
    done += len(checks)
    if progress is not None:
        progress(done)
    return done


@transaction.atomic
def _store(checks: list[ClaimCheck], links: list[tuple[int, int]]) -> None:
    ClaimCheck.objects.bulk_create(
        checks,
        update_conflicts=True,
        unique_fields=["claim"],
        update_fields=[*STORED_FLAGS.values(), "details", "claim_submitted_at", "computed_at"],
    )
    through = ClaimCheck.services.through
    claim_ids = [check.claim_id for check in checks]
    through.objects.filter(claimcheck_id__in=claim_ids).delete()
    through.objects.bulk_create(
        [through(claimcheck_id=claim_id, service_id=service_id) for claim_id, service_id in links]
    )


def claim_check_compute(*, claim: Claim, now: datetime | None = None) -> ClaimCheck:
    """The check of one claim, right after its (re)submission."""
    claim_checks_refresh(claim_ids=[claim.pk], now=now)
    return ClaimCheck.objects.get(pk=claim.pk)


def claim_check_after_submit(*, claim: Claim, now: datetime | None = None) -> None:
    """The check of a claim just (re)submitted. A failure here must not undo or block the
    submission: it is logged, and the review list offers to compute missing checks."""
    try:
        # A savepoint: a database error here leaves the caller's transaction usable.
        with transaction.atomic():
            claim_checks_refresh(claim_ids=[claim.pk], now=now)
    except Exception:
        logger.exception("Consistency check of claim %s failed; it can be recomputed.", claim.pk)


def claims_unchecked_query():
    """Submitted claims whose flags are not computed yet, or were computed before their
    latest resubmission (counted by the review list in its figures' query)."""
    return _claims_to_check(None, only_missing=True)


def claims_unchecked_count() -> int:
    return claims_unchecked_query().count()
