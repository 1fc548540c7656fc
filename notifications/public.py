"""Public subscriptions to incidents, by e-mail, without an account.

Double opt-in: a request only sends a confirmation whose signed token carries the chosen
services; nothing changes and nothing else is sent until the mailbox's owner confirms.
Every incident e-mail carries a signed one-click unsubscribe link (RFC 8058 headers).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.calendar import IncidentEvent
from notifications.mail import email_deliver, site_url
from notifications.models import Subscriber
from outages.models import Impact, Service

CONFIRM_SALT = "notifications.subscription.confirm"
UNSUBSCRIBE_SALT = "notifications.subscription.unsubscribe"
CONFIRM_MAX_AGE = timedelta(days=7)


def confirm_token(subscriber: Subscriber, service_ids: Iterable[int]) -> str:
    return signing.dumps({"s": subscriber.pk, "v": sorted(service_ids)}, salt=CONFIRM_SALT)


def unsubscribe_token(subscriber: Subscriber) -> str:
    return signing.dumps(subscriber.pk, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(subscriber: Subscriber) -> str:
    return site_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(subscriber)]))


def subscription_request(
    *, email: str, services: list[Service], language: str, now: datetime | None = None
) -> None:
    """Send the confirmation of this choice of services. At most one per address and hour
    (the delivery's key), so the form cannot be used to flood a mailbox."""
    now = now or timezone.now()
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.get_or_create(
            email=email.strip().lower(), defaults={"language": language, "created_at": now}
        )
        token = confirm_token(subscriber, [s.pk for s in services])
        email_deliver(
            recipient=subscriber.email,
            event_key=f"confirm:{subscriber.pk}:{now:%Y%m%d%H}",
            template="subscription_confirm",
            language=language,
            context={
                "services": services,
                "confirm_url": site_url(reverse("notifications:confirm", args=[token])),
            },
            now=now,
        )


def subscription_confirm_read(token: str) -> tuple[Subscriber, list[Service]] | None:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    subscriber = Subscriber.objects.filter(pk=data.get("s")).first()
    if subscriber is None:
        return None
    return subscriber, list(Service.objects.filter(pk__in=data.get("v", [])))


@transaction.atomic
def subscription_confirm(
    *, subscriber: Subscriber, services: list[Service], language: str, now: datetime | None = None
) -> Subscriber:
    subscriber.confirmed_at = subscriber.confirmed_at or now or timezone.now()
    subscriber.language = language
    subscriber.save(update_fields=["confirmed_at", "language"])
    subscriber.services.set(services)
    return subscriber


def unsubscribe_token_valid(token: str) -> bool:
    """Signed by us, even if its subscriber is gone (a second click on a used link)."""
    try:
        signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return False
    return True


def subscription_from_unsubscribe_token(token: str) -> Subscriber | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(pk=pk).first()


def subscription_cancel(*, subscriber: Subscriber) -> None:
    """Forget the address altogether: nothing of it is kept once unsubscribed."""
    subscriber.delete()


def event_payload(event: IncidentEvent) -> dict:
    incident = event.incident
    return {
        "event": f"incident.{event.kind}",
        "incident": {
            "reference": incident.reference,
            "title": incident.title,
            "services": sorted(incident.services),
            "start": incident.start.isoformat(),
            "end": incident.end.isoformat() if incident.end else None,
            "impact": incident.impact,
            "status": incident.status,
            "url": site_url(reverse("outages:incident", args=[incident.reference])),
        },
        "previous_impact": event.previous_impact,
    }


def subscribers_notify(*, events: list[IncidentEvent], now: datetime | None = None) -> int:
    """E-mail every confirmed subscriber of the events' services; returns how many."""
    count = 0
    for event in events:
        subscribers = Subscriber.objects.filter(
            confirmed_at__isnull=False, services__slug__in=sorted(event.incident.services)
        ).distinct()
        payload = event_payload(event)
        for subscriber in subscribers:
            link = unsubscribe_url(subscriber)
            delivery = email_deliver(
                recipient=subscriber.email,
                event_key=event.key,
                template="incident",
                language=subscriber.language,
                context={
                    "event": payload,
                    "kind": event.kind,
                    "impact_label": Impact(event.incident.impact).label,
                    "previous_impact_label": Impact(event.previous_impact).label
                    if event.previous_impact
                    else "",
                    "incident": event.incident,
                    "incident_url": payload["incident"]["url"],
                    "unsubscribe_url": link,
                },
                headers={
                    "List-Unsubscribe": f"<{link}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
                now=now,
            )
            count += delivery is not None
    return count
