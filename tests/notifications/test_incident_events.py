"""Incidents reach the public: e-mails to confirmed subscribers only, signed webhook calls,
retried with backoff, and a hook that keeps failing is disabled and its owner told."""

import hashlib
import hmac
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from mail_servers import SITE, text_of

from notifications.models import Subscriber, Webhook, WebhookDelivery
from notifications.public import subscription_confirm, subscription_request
from notifications.webhooks import SIGNATURE_HEADER, webhooks_retry
from outages.models import Service

pytestmark = pytest.mark.django_db


def _import_new_incident(tmp_path, capture, reference="NEW-1", end=""):
    start = (timezone.now() - timedelta(hours=1)).replace(microsecond=0)
    csv = tmp_path / f"{reference}.csv"
    csv.write_text(
        "reference,services,start,end,impact,title\n"
        f"{reference},recip-e,{start.isoformat()},{end},major_outage,Recip-e down\n"
    )
    with capture(execute=True):
        call_command("import_outages", str(csv))
    return start


def test_a_webhook_receives_a_signed_payload_on_a_new_incident(
    admin_user, receiver, smtp, tmp_path, django_capture_on_commit_callbacks
):
    hook = Webhook.objects.create(owner=admin_user, name="Vendor", url=receiver.url)

    _import_new_incident(tmp_path, django_capture_on_commit_callbacks)

    [call] = receiver.requests
    expected = "sha256=" + hmac.new(hook.secret.encode(), call["body"], hashlib.sha256).hexdigest()
    assert call["headers"][SIGNATURE_HEADER] == expected
    assert call["headers"]["X-EHC-Event"] == "incident.opened"
    assert call["json"]["incident"]["reference"] == "NEW-1"
    assert call["json"]["incident"]["url"] == f"{SITE}/outages/incidents/NEW-1/"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "sent" and delivery.log[0]["status"] == 200


def test_a_failing_receiver_gets_retries_with_backoff_then_the_hook_is_disabled(
    admin_user, receiver, smtp, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_FAILURES = 4
    receiver.status = 500
    hook = Webhook.objects.create(owner=admin_user, name="Vendor", url=receiver.url)

    _import_new_incident(tmp_path, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    gaps = []
    while True:
        delivery.refresh_from_db()
        if delivery.next_attempt_at is None:
            break
        last = delivery.log[-1]["at"]
        # Not before its time...
        assert webhooks_retry(now=delivery.next_attempt_at - timedelta(seconds=1)) == 0
        gaps.append(delivery.next_attempt_at - timezone.datetime.fromisoformat(last))
        with django_capture_on_commit_callbacks(execute=True):
            assert webhooks_retry(now=delivery.next_attempt_at) == 1
    assert len(receiver.requests) == 4
    assert gaps == [timedelta(seconds=60), timedelta(seconds=120), timedelta(seconds=240)]
    hook.refresh_from_db()
    assert not hook.active and hook.disabled_at is not None
    assert delivery.status == "failed" and [e["status"] for e in delivery.log] == [500] * 4
    [notice] = smtp.to(admin_user.email)
    assert "Vendor" in notice["Subject"] and receiver.url in text_of(notice)
    # A disabled hook is called no more.
    _import_new_incident(tmp_path, django_capture_on_commit_callbacks, reference="NEW-2")
    assert len(receiver.requests) == 4


def test_an_unconfirmed_address_gets_nothing_but_the_confirmation(
    smtp, tmp_path, client, django_capture_on_commit_callbacks
):
    recip_e = Service.objects.get(slug="recip-e")
    with django_capture_on_commit_callbacks(execute=True):
        subscription_request(email="Someone@Example.org", services=[recip_e], language="nl")

    _import_new_incident(tmp_path, django_capture_on_commit_callbacks)

    [confirmation] = smtp.to("someone@example.org")
    assert "Bevestig uw abonnement" in confirmation["Subject"]

    subscriber = Subscriber.objects.get()
    subscription_confirm(subscriber=subscriber, services=[recip_e], language="nl")
    end = timezone.now().replace(microsecond=0).isoformat()
    _import_new_incident(tmp_path, django_capture_on_commit_callbacks, end=end)

    [_, ended] = smtp.to("someone@example.org")
    assert "NEW-1" in text_of(ended) or "Recip-e down" in text_of(ended)
    assert "geëindigd" in ended["Subject"]
    link = ended["List-Unsubscribe"].strip().strip("<>")
    assert link.startswith(f"{SITE}/notifications/unsubscribe/")
    assert ended["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    # A mail program's one-click unsubscribe: a POST without session or CSRF token.
    answer = client.post(
        link.removeprefix(SITE),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200
    assert not Subscriber.objects.exists()


def test_a_forged_unsubscribe_token_is_refused(client, db):
    assert client.post("/notifications/unsubscribe/forged:token/").status_code == 404
    assert client.get("/notifications/subscribe/confirm/forged/").status_code == 404
