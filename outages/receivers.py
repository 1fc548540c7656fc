"""The calendar's answers to other apps' signals. Receivers only hand work over."""

from django.dispatch import receiver

from ops.signals import task_abandoned, task_requeued
from outages.services.pending_imports import pending_import_abandoned, pending_import_requeued


@receiver(task_requeued)
def pending_import_back_in_queue(sender, *, task_id, **kwargs):
    pending_import_requeued(task_id=task_id)


@receiver(task_abandoned)
def pending_import_given_up(sender, *, task_id, message, **kwargs):
    pending_import_abandoned(task_id=task_id, message=message)
