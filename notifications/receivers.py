"""Notifications listen to the other apps; receivers only hand work over to tasks."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from claims.models import ClaimDecision
from notifications.tasks import calendar_change_task, decision_notify_task
from outages.signals import calendar_changed


@receiver(calendar_changed)
def notify_after_calendar_change(sender, *, first_day, last_day, **kwargs):
    calendar_change_task.enqueue(first_day.isoformat(), last_day.isoformat())


@receiver(post_save, sender=ClaimDecision)
def notify_decision(sender, instance, created, **kwargs):
    if created:
        transaction.on_commit(lambda: decision_notify_task.enqueue(instance.pk))
