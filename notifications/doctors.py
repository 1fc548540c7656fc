"""Doctors' notices: decisions, cure-deadline reminders, and the digest that sends them
(one e-mail per batch of events, never one per incident)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from claims.models import ClaimDecision, ClaimStatus, Decision, ReasonCode
from notifications.mail import email_deliver, site_url
from notifications.models import Delivery, Notice, NoticeKind
from notifications.notices import notice_record, preferences_of

# The reminders before a cure deadline, latest first: a scheduler that was down sends
# only the one now due, never an outdated one after a later one.
CURE_STAGES = (("lapsed", timedelta(0)), ("d1", timedelta(days=1)), ("d7", timedelta(days=7)))
# Deadlines that passed longer ago than this are not announced any more (a first run on
# an old database must not send stale notices).
LAPSE_NOTICE_HORIZON = timedelta(days=7)


def decision_notice_record(*, decision: ClaimDecision, now: datetime | None = None) -> int | None:
    """The doctor's notice of a decision (always sent); returns the doctor's user id."""
    claim = decision.claim
    user_id = claim.doctor.user_id
    notice = notice_record(
        user_id=user_id,
        kind=NoticeKind.DECISION,
        event_key=f"decision:{decision.pk}",
        payload={
            "claim_id": claim.pk,
            "from": claim.period_start.isoformat(),
            "to": claim.period_end.isoformat(),
            "decision": decision.decision,
            "reason_code": decision.reason_code,
            "text": decision.text,
            "cure_deadline": decision.cure_deadline.isoformat() if decision.cure_deadline else None,
        },
        now=now,
    )
    return user_id if notice else None


def cure_stage(deadline: datetime, now: datetime) -> str | None:
    for stage, before in CURE_STAGES:
        if now >= deadline - before:
            return stage
    return None


def cure_reminders_record(*, now: datetime) -> list[int]:
    """Record the reminder due now for every open cure window (D-7, D-1, then the lapse
    notice); the notice's unique key makes each one happen once, across restarts."""
    decisions = (
        ClaimDecision.objects.filter(
            decision=Decision.REQUEST_INFO,
            claim__status=ClaimStatus.INFO_REQUESTED,
            cure_deadline__gt=now - LAPSE_NOTICE_HORIZON,
            cure_deadline__lte=now + CURE_STAGES[-1][1],
        )
        .select_related("claim__doctor")
        .order_by("claim_id", "-created_at", "-pk")
    )
    latest: dict[int, ClaimDecision] = {}
    for decision in decisions:
        latest.setdefault(decision.claim_id, decision)
    # A later decision without a deadline closes the window: only the claim's newest
    # decision counts, and the claim's status already says it still waits.
    preferences = preferences_of({d.claim.doctor.user_id for d in latest.values()})
    notified = []
    for decision in latest.values():
        stage = cure_stage(decision.cure_deadline, now)
        if stage is None:
            continue
        claim = decision.claim
        user_id = claim.doctor.user_id
        notice = notice_record(
            user_id=user_id,
            kind=NoticeKind.REMINDER,
            event_key=f"cure:{decision.pk}:{stage}",
            payload={
                "claim_id": claim.pk,
                "from": claim.period_start.isoformat(),
                "to": claim.period_end.isoformat(),
                "stage": stage,
                "cure_deadline": decision.cure_deadline.isoformat(),
            },
            now=now,
            preference=preferences.get(user_id),
        )
        if notice is not None:
            notified.append(user_id)
    return notified


def _item(notice: Notice) -> dict:
    """What the digest template shows of one notice, links absolute."""
    payload = notice.payload
    item = {"kind": notice.kind, **payload}
    claim_id = payload.get("claim_id")
    if claim_id is not None:
        item["claim_url"] = site_url(reverse("claims:claim", args=[claim_id]))
        item["resubmit_url"] = site_url(reverse("claim_resubmit", args=[claim_id]))
    for field in ("before", "after", "delta", "frozen_total"):
        if payload.get(field) is not None:
            item[field] = Decimal(payload[field])
    if payload.get("cure_deadline"):
        item["cure_deadline"] = datetime.fromisoformat(payload["cure_deadline"])
    if payload.get("from"):
        item["period_start"] = date.fromisoformat(payload["from"])
        item["period_end"] = date.fromisoformat(payload["to"])
    if payload.get("reason_code"):
        item["reason"] = ReasonCode(payload["reason_code"]).label
    if payload.get("decision"):
        item["decision_label"] = Decision(payload["decision"]).label
    return item


DOCTOR_KINDS = [NoticeKind.FIGURES, NoticeKind.DECISION, NoticeKind.REMINDER]


def doctor_digests_send(*, user_ids=None, now: datetime | None = None) -> int:
    """One e-mail per person with every notice not sent yet; returns how many e-mails were
    recorded. A second run finds nothing to send (the notices point at their digest)."""
    now = now or timezone.now()
    pending = Notice.objects.filter(digest__isnull=True, kind__in=DOCTOR_KINDS)
    if user_ids is not None:
        pending = pending.filter(user_id__in=list(user_ids))
    by_user: dict[int, list[Notice]] = defaultdict(list)
    for notice in pending.select_related("user").order_by("user_id", "pk"):
        by_user[notice.user_id].append(notice)
    sent = 0
    for notices in by_user.values():
        with transaction.atomic():
            # Another run may hold some of them: those go in its digest, not in this one.
            ids = list(
                Notice.objects.select_for_update(skip_locked=True)
                .filter(pk__in=[n.pk for n in notices], digest__isnull=True)
                .values_list("pk", flat=True)
            )
            notices = [n for n in notices if n.pk in set(ids)]
            if not notices:
                continue
            user = notices[0].user
            key = f"digest:{notices[0].pk}-{notices[-1].pk}"
            delivery = email_deliver(
                recipient=user.email,
                event_key=key,
                template="doctor_digest",
                language=user.language,
                context={
                    "user": user,
                    "items": [_item(n) for n in notices],
                    "notices_url": site_url(reverse("notifications:notices")),
                    "settings_url": site_url(reverse("notifications:settings")),
                },
                now=now,
            )
            if delivery is None:
                delivery = Delivery.objects.get(recipient=user.email.lower(), event_key=key)
            else:
                sent += 1
            Notice.objects.filter(pk__in=ids).update(digest=delivery)
    return sent
