"""Notices: one event for one person, recorded once, then sent in a digest."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.models import Notice, NoticeKind, NotificationPreference

# Which preference turns a kind off; decisions have none: they are always sent.
_PREFERENCE_OF_KIND = {NoticeKind.FIGURES: "figures", NoticeKind.REMINDER: "reminders"}


def preferences_of(user_ids) -> dict[int, NotificationPreference]:
    return {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=user_ids)}


def kind_wanted(kind: str, preference: NotificationPreference | None) -> bool:
    field = _PREFERENCE_OF_KIND.get(kind)
    if field is None or preference is None:
        return True  # decisions, or nobody turned anything off
    return getattr(preference, field)


def notice_record(
    *,
    user_id: int,
    kind: str,
    event_key: str,
    payload: dict,
    now: datetime | None = None,
    preference: NotificationPreference | None = None,
) -> Notice | None:
    """Record the event once for the user (None when it already was, or the user turned
    that kind off)."""
    if not kind_wanted(kind, preference):
        return None
    try:
        with transaction.atomic():
            return Notice.objects.create(
                user_id=user_id,
                kind=kind,
                event_key=event_key,
                payload=payload,
                created_at=now or timezone.now(),
            )
    except IntegrityError:
        return None


def unread_count(user) -> int:
    """The dashboard's badge: one query."""
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def notices_mark_read(*, user, now: datetime | None = None) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
