"""Background work of the calendar (the Tasks API; settings.TASKS picks the backend)."""

from django_tasks import task

from outages.services.pending_imports import pending_import_preview_run, pending_import_run


@task()
def pending_import_apply(pending_id: int) -> dict:
    """Apply a confirmed upload. Long files take a while: the result page follows it."""
    return pending_import_run(pending_id=pending_id)


@task()
def pending_import_preview(pending_id: int) -> dict:
    """Preview a big upload (a dry run) outside the request; the page follows it."""
    return pending_import_preview_run(pending_id=pending_id)
