"""Background work of the legal team's workspace (the Tasks API; settings.TASKS picks the
backend: immediate in development and tests, the database and ``manage.py db_worker`` in
production and under ``make run``)."""

from datetime import date

from django_tasks import task

from claims.models import Claim
from claims.review.services.batches import batch_output_run
from claims.review.services.checks import claim_checks_refresh


@task()
def batch_output_build(output_id: int) -> dict:
    """Produce a frozen batch's dossier PDF or ZIP; the progress page follows its row."""
    return batch_output_run(output_id=output_id)


@task()
def claim_checks_recompute(only_missing: bool = False) -> int:
    """Recompute the consistency flags of submitted claims (all, or those without any)."""
    return claim_checks_refresh(only_missing=only_missing)


@task()
def claim_checks_recompute_period(first_day: str, last_day: str) -> int:
    """After a calendar change: refresh the flags of submitted claims whose period meets
    the changed days (ISO dates), so "calendar changed since" never goes stale."""
    claim_ids = Claim.objects.filter(
        period_start__lte=date.fromisoformat(last_day),
        period_end__gte=date.fromisoformat(first_day),
    ).values_list("pk", flat=True)
    return claim_checks_refresh(claim_ids=claim_ids)
