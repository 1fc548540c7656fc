"""The claims app's answers to other apps' signals. Receivers only hand work over."""

from django.dispatch import receiver

from outages.signals import calendar_changed


@receiver(calendar_changed)
def recheck_claims_after_calendar_change(sender, *, first_day, last_day, **kwargs):
    from claims.tasks_review import claim_checks_recompute_period

    claim_checks_recompute_period.enqueue(first_day.isoformat(), last_day.isoformat())
