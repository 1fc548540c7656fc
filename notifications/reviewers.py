"""The legal team's daily digest (opt-in per reviewer): new submissions, resubmissions and
newly flagged claims since the previous digest."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.urls import reverse

from accounts.permissions import REVIEWERS_GROUP
from claims.models import Claim, ClaimCheck
from notifications.mail import email_deliver, site_url

FLAG_FIELDS = ("unverified_over_half", "outside_slots", "night_or_weekend", "recomputation_differs")


def reviewer_digest_content(*, since: datetime, until: datetime) -> dict:
    submitted = (
        Claim.objects.filter(submitted_at__gt=since, submitted_at__lte=until)
        .annotate(version_count=Count("versions"))
        .select_related("doctor__user")
        .order_by("submitted_at", "pk")
    )
    new, resubmitted = [], []
    for claim in submitted:
        (resubmitted if claim.version_count else new).append(claim)
    any_flag = Q()
    for field in FLAG_FIELDS:
        any_flag |= Q(**{field: True})
    flagged = list(
        ClaimCheck.objects.filter(any_flag, computed_at__gt=since, computed_at__lte=until)
        .select_related("claim__doctor__user")
        .order_by("claim_id")
    )
    return {"new": new, "resubmitted": resubmitted, "flagged": flagged}


def reviewer_digests_send(*, since: datetime, until: datetime) -> int:
    """One e-mail per opted-in reviewer for the day ending ``until`` (idempotent per day)."""
    reviewers = (
        get_user_model()
        .objects.filter(
            Q(groups__name=REVIEWERS_GROUP) | Q(is_superuser=True),
            is_active=True,
            notification_preference__reviewer_digest=True,
        )
        .distinct()
    )
    reviewers = list(reviewers)
    if not reviewers:
        return 0
    content = reviewer_digest_content(since=since, until=until)
    if not any(content.values()):
        return 0
    sent = 0
    for reviewer in reviewers:
        delivery = email_deliver(
            recipient=reviewer.email,
            event_key=f"reviewer-digest:{until.isoformat()}",
            template="reviewer_digest",
            language=reviewer.language,
            context={
                **content,
                "since": since,
                "until": until,
                "review_url": site_url(reverse("review:list")),
                "settings_url": site_url(reverse("notifications:settings")),
            },
            now=until,
        )
        sent += delivery is not None
    return sent
