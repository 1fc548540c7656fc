"""The cure window: when the doctor may still correct their declarations and resubmit.

The one definition of the rule, in Python (one claim and its request, already loaded)
and in SQL (a filter over many claims), side by side so they cannot drift apart
(``tests/claims/test_cure_window.py`` checks that they agree):

    the claim waits for information (status ``info_requested``), its request for
    information is the decision it waits on, and now is before that request's deadline.

The deadline itself is set when the request is made (``claims.review.services.decisions``,
``settings.CURE_WINDOW_DAYS``). Users: the declaration lock (``claims.selectors``), the
resubmission service and page, and the decision panel of the claim page.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from claims.models import Claim, ClaimDecision, ClaimStatus, Decision

__all__ = ["awaits_correction", "correction_open", "correction_open_q"]


def awaits_correction(claim: Claim, request: ClaimDecision | None) -> bool:
    """The claim waits on ``request`` (its latest decision, or its open request for
    information), whether or not the deadline has passed."""
    return (
        request is not None
        and request.decision == Decision.REQUEST_INFO
        and claim.status == ClaimStatus.INFO_REQUESTED
    )


def correction_open(
    claim: Claim, request: ClaimDecision | None, now: datetime | None = None
) -> bool:
    """The cure rule for one claim: the doctor may still correct and resubmit it."""
    return awaits_correction(claim, request) and (now or timezone.now()) < request.cure_deadline


def correction_open_q(now: datetime | None = None) -> Q:
    """The cure rule as a filter on ``Claim``: claims whose declarations the doctor may
    change again. ``claims.selectors.locked_periods`` excludes them from the lock.

    Any request for information with a deadline still ahead: each deadline is set when its
    request is made, so the latest request has the latest deadline (unless
    ``CURE_WINDOW_DAYS`` was shortened in between) and this is the latest request's rule.
    """
    open_request = ClaimDecision.objects.filter(
        claim=OuterRef("pk"),
        decision=Decision.REQUEST_INFO,
        cure_deadline__gt=now or timezone.now(),
    )
    return Q(status=ClaimStatus.INFO_REQUESTED) & Q(Exists(open_request))
