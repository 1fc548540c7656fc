"""The background task of "what the whole membership lost"
(claims.review.services.membership_jobs)."""

from django_tasks import task

from claims.review.services.membership_jobs import membership_job_run


@task()
def membership_compute(job_id: int) -> str:
    """Compute and store the membership estimate of a ``MembershipJob``'s period."""
    return membership_job_run(job_id=job_id)
