"""The claims app's answers to other apps' signals. Receivers only hand work over."""

from django.dispatch import receiver

from claims.review.services.batches import batch_output_abandoned, batch_output_requeued
from claims.review.tasks import claim_checks_recompute_period
from ops.signals import task_abandoned, task_requeued
from outages.signals import calendar_changed


@receiver(calendar_changed)
def recheck_claims_after_calendar_change(sender, *, first_day, last_day, **kwargs):
    claim_checks_recompute_period.enqueue(first_day.isoformat(), last_day.isoformat())


@receiver(task_requeued)
def batch_output_back_in_queue(sender, *, task_id, **kwargs):
    batch_output_requeued(task_id=task_id)


@receiver(task_abandoned)
def batch_output_given_up(sender, *, task_id, message, **kwargs):
    batch_output_abandoned(task_id=task_id, message=message)
