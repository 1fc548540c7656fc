"""Organisation webhooks: incident events as JSON, POSTed with an HMAC-SHA256 signature.

The receiver checks ``X-EHC-Signature: sha256=<hex>``, the HMAC-SHA256 of the raw body
with the hook's secret. A failed call (no answer, or a status outside 2xx) is tried again
after the backoff of ``mail.retry_delay``; after ``WEBHOOK_MAX_FAILURES`` failures in a
row the hook is disabled and its owner told by e-mail.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.calendar import IncidentEvent
from notifications.mail import email_deliver, retry_delay, site_url
from notifications.models import DeliveryStatus, Webhook, WebhookDelivery
from notifications.public import event_payload

SIGNATURE_HEADER = "X-EHC-Signature"


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_events_enqueue(*, events: list[IncidentEvent], now: datetime | None = None) -> int:
    """One delivery per active hook and event (the unique key: once each)."""
    now = now or timezone.now()
    hooks = list(Webhook.objects.filter(active=True).prefetch_related("services"))
    created_ids = []
    for event in events:
        for hook in hooks:
            slugs = {s.slug for s in hook.services.all()}
            if slugs and not slugs & event.incident.services:
                continue
            delivery, created = WebhookDelivery.objects.get_or_create(
                webhook=hook,
                event_key=event.key,
                defaults={"payload": event_payload(event), "created_at": now},
            )
            if created:
                created_ids.append(delivery.pk)
    for delivery_id in created_ids:
        transaction.on_commit(lambda pk=delivery_id: _enqueue(pk))
    return len(created_ids)


def _enqueue(delivery_id: int) -> None:
    # The cycle: tasks.py imports this module to run the calls.
    from notifications.tasks import webhook_send_task

    webhook_send_task.enqueue(delivery_id)


def _post(hook: Webhook, delivery: WebhookDelivery) -> tuple[int | None, str]:
    body = json.dumps(
        {**delivery.payload, "delivery": delivery.pk}, sort_keys=True, separators=(",", ":")
    ).encode()
    if not hook.url.startswith(("http://", "https://")):
        return None, "not an http(s) URL"
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        hook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "ehealth-claims-webhooks",
            "X-EHC-Event": delivery.payload.get("event", ""),
            "X-EHC-Delivery": str(delivery.pk),
            SIGNATURE_HEADER: signature(hook.secret, body),
        },
    )
    try:
        with urllib.request.urlopen(  # noqa: S310 (the scheme is checked above)
            request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS
        ) as answer:
            return answer.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return None, f"{type(error).__name__}: {error}"[:300]


def webhook_send(*, delivery_id: int, now: datetime | None = None) -> str:
    """One attempt; the row stays locked during the call so no worker repeats it."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("webhook")
            .get(pk=delivery_id)
        )
        hook = delivery.webhook
        if delivery.status != DeliveryStatus.PENDING or not hook.active:
            return delivery.status
        status_code, error = _post(hook, delivery)
        delivery.attempts += 1
        delivered = status_code is not None and 200 <= status_code < 300
        delivery.log = [
            *delivery.log,
            {"at": now.isoformat(), "status": status_code, "error": error},
        ]
        if delivered:
            delivery.status = DeliveryStatus.SENT
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            hook.consecutive_failures = 0
            hook.save(update_fields=["consecutive_failures"])
        else:
            hook.consecutive_failures += 1
            if hook.consecutive_failures >= settings.WEBHOOK_MAX_FAILURES:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
                _disable(hook, now)
            else:
                delivery.next_attempt_at = now + retry_delay(delivery.attempts)
                hook.save(update_fields=["consecutive_failures"])
        delivery.save()
        return delivery.status


def _disable(hook: Webhook, now: datetime) -> None:
    hook.active = False
    hook.disabled_at = now
    hook.save(update_fields=["active", "disabled_at", "consecutive_failures"])
    # Later events would fail too: they stop waiting.
    hook.deliveries.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None
    )
    owner = hook.owner
    email_deliver(
        recipient=owner.email,
        event_key=f"webhook-disabled:{hook.pk}:{now.isoformat()}",
        template="webhook_disabled",
        language=owner.language,
        context={
            "hook": hook,
            "failures": hook.consecutive_failures,
            "admin_url": site_url(reverse("admin:notifications_webhook_change", args=[hook.pk])),
        },
        now=now,
    )


def webhooks_retry(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING,
            webhook__active=True,
            attempts__gt=0,
            next_attempt_at__lte=now,
        ).values_list("pk", flat=True)
    )
    for delivery_id in due:
        webhook_send(delivery_id=delivery_id, now=now)
    return len(due)
