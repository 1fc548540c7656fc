"""E-mail as deliveries: rendered once in the recipient's language, recorded per recipient
and event (the unique constraint is the idempotency), sent by a task, retried with
exponential backoff when the SMTP server fails."""

from __future__ import annotations

import logging
import smtplib
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.models import Delivery, DeliveryStatus

logger = logging.getLogger(__name__)

# A delivery still untried this long after it was recorded lost its task.
STUCK_AFTER = timedelta(minutes=10)


def site_url(path: str) -> str:
    """An absolute link for an e-mail: SITE_URL, never the request's host."""
    return settings.SITE_URL + path


def _message_id() -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{uuid.uuid4().hex}@{host}>"


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: the base delay after the first failure, doubled after each."""
    return timedelta(seconds=settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** (attempts - 1))


def email_render(*, template: str, language: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) of ``notifications/email/<template>.{subject.txt,txt,html}``."""
    context = {**context, "site_url": settings.SITE_URL, "language": language}
    with translation.override(language):
        subject = render_to_string(f"notifications/email/{template}.subject.txt", context)
        text = render_to_string(f"notifications/email/{template}.txt", context)
        html = render_to_string(f"notifications/email/{template}.html", context)
    return " ".join(subject.split()), text, html


def email_deliver(
    *,
    recipient: str,
    event_key: str,
    template: str,
    language: str,
    context: dict,
    headers: dict | None = None,
    now: datetime | None = None,
) -> Delivery | None:
    """Record the e-mail of ``event_key`` for ``recipient`` and have it sent after commit.
    Returns None when that event already went (or is going) to that address."""
    recipient = recipient.strip().lower()
    if Delivery.objects.filter(recipient=recipient, event_key=event_key).exists():
        return None
    subject, text, html = email_render(template=template, language=language, context=context)
    delivery, created = Delivery.objects.get_or_create(
        recipient=recipient,
        event_key=event_key,
        defaults={
            "language": language,
            "subject": subject[:300],
            "text": text,
            "html": html,
            "headers": headers or {},
            "message_id": _message_id(),
            "created_at": now or timezone.now(),
        },
    )
    if not created:
        return None
    transaction.on_commit(lambda: _enqueue(delivery.pk))
    return delivery


def _enqueue(delivery_id: int) -> None:
    # The cycle: tasks.py imports this module to run the sends.
    from notifications.tasks import delivery_send_task

    delivery_send_task.enqueue(delivery_id)


def delivery_send(*, delivery_id: int, now: datetime | None = None) -> str:
    """Send one pending delivery. The row stays locked while the SMTP server talks, so two
    workers never send it both; a sent or failed one is left alone (idempotent)."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.status != DeliveryStatus.PENDING:
            return delivery.status
        now = now or timezone.now()
        message = EmailMultiAlternatives(
            subject=delivery.subject,
            body=delivery.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[delivery.recipient],
            headers={
                "Message-ID": delivery.message_id,
                "Content-Language": delivery.language,
                **delivery.headers,
            },
        )
        message.attach_alternative(delivery.html, "text/html")
        delivery.attempts += 1
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as error:
            delivery.last_error = f"{type(error).__name__}: {error}"[:500]
            if delivery.attempts >= settings.NOTIFICATIONS_EMAIL_MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
                logger.error("E-mail %s to %s failed for good.", delivery.pk, delivery.recipient)
            else:
                delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        else:
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = now
            delivery.next_attempt_at = None
            delivery.last_error = ""
        delivery.save()
        return delivery.status


def deliveries_retry(*, now: datetime | None = None) -> int:
    """Send again the pending deliveries whose backoff has run out (the scheduler's
    "retry" job); returns how many were tried."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING)
        .filter(
            Q(attempts__gt=0, next_attempt_at__lte=now)
            # Never tried: its task was lost (a worker that died before running it).
            | Q(attempts=0, created_at__lte=now - STUCK_AFTER)
        )
        .values_list("pk", flat=True)
    )
    for delivery_id in due:
        delivery_send(delivery_id=delivery_id, now=now)
    return len(due)
