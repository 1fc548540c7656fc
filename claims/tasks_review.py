"""Background work of the legal team's workspace (the Tasks API; settings.TASKS picks the
backend: immediate in development and tests, the database and ``manage.py db_worker`` in
production and under ``make run``)."""

from django_tasks import task

from claims.services.batches import batch_output_run
from claims.services.checks import claim_checks_refresh


@task()
def batch_output_build(output_id: int) -> dict:
    """Produce a frozen batch's dossier PDF or ZIP; the progress page follows its row."""
    return batch_output_run(output_id=output_id)


@task()
def claim_checks_recompute(only_missing: bool = False) -> int:
    """Recompute the consistency flags of submitted claims (all, or those without any)."""
    return claim_checks_refresh(only_missing=only_missing)
