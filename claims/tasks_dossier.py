"""The background task that makes a submitted claim's dossier (claims.services.dossier_jobs)."""

from django_tasks import task

from claims.services.dossier_jobs import dossier_job_run


@task()
def dossier_prepare(claim_id: int, attempt: int = 1) -> str:
    """Render, seal and store the dossier of a submitted claim, once; retried on failure."""
    return dossier_job_run(claim_id=claim_id, attempt=attempt)
