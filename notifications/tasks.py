"""Background work of notifications (the Tasks API, like ``claims/review/tasks.py``): every
e-mail and webhook call leaves from here, never from a request."""

from datetime import date

from django.utils import timezone
from django_tasks import task

from claims.models import ClaimDecision
from notifications.calendar import calendar_change_process
from notifications.doctors import decision_notice_record, doctor_digests_send
from notifications.mail import delivery_send
from notifications.public import subscribers_notify
from notifications.webhooks import webhook_events_enqueue, webhook_send


@task()
def delivery_send_task(delivery_id: int) -> str:
    return delivery_send(delivery_id=delivery_id)


@task()
def webhook_send_task(delivery_id: int) -> str:
    return webhook_send(delivery_id=delivery_id)


@task()
def calendar_change_task(first_day: str, last_day: str) -> dict:
    """After an import or an admin edit: digests to the doctors whose claims moved, e-mails
    to subscribers and calls to webhooks for incidents that opened, changed or ended."""
    now = timezone.now()
    outcome = calendar_change_process(
        first_day=date.fromisoformat(first_day), last_day=date.fromisoformat(last_day), now=now
    )
    digests = doctor_digests_send(user_ids=outcome.notified_user_ids, now=now)
    emails = subscribers_notify(events=outcome.incident_events, now=now)
    calls = webhook_events_enqueue(events=outcome.incident_events, now=now)
    return {"digests": digests, "subscriber_emails": emails, "webhook_calls": calls}


@task()
def decision_notify_task(decision_id: int) -> int:
    decision = ClaimDecision.objects.select_related("claim__doctor").get(pk=decision_id)
    user_id = decision_notice_record(decision=decision)
    if user_id is None:
        return 0
    return doctor_digests_send(user_ids=[user_id])
