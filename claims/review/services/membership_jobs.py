""" "What the whole membership lost" in the background (issue 13): the reviewers' page
asks for a period, a ``MembershipJob`` row is created and the task
``claims.review.tasks_membership.membership_compute`` computes the estimate
(``claims.review.services.membership``), writing its progress on the row every few hundred
doctors, then the result. The page shows the progress, then the figures; the CSV and PDF
are made from the stored result, never computed again.

A worker that dies mid-way leaves its task "running": the ops app's heartbeat re-queues
it (``ops.services.tasks_recover_lost``) and the computation starts over (it writes
nothing but this row, so running it twice is harmless).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from claims.models import Doctor, MembershipJob
from claims.review.services.membership import Figures, MembershipEstimate, membership_estimate
from ops.selectors import tasks_run_in_process

logger = logging.getLogger(__name__)

ACTIVE = (MembershipJob.State.QUEUED, MembershipJob.State.COMPUTING)
#: Progress written every this many doctors (a cheap UPDATE; 80 of them at 40,000).
PROGRESS_EVERY = 500


def membership_job_latest(*, first_day: date, last_day: date) -> MembershipJob | None:
    """The period's latest computation (running, finished or failed), one query."""
    return (
        MembershipJob.objects.filter(first_day=first_day, last_day=last_day)
        .order_by("-created_at", "-pk")
        .first()
    )


def membership_job_start(*, first_day: date, last_day: date, user=None) -> MembershipJob:
    """A new computation of the period, unless one is already running (that one then)."""
    with transaction.atomic():
        running = (
            MembershipJob.objects.select_for_update()
            .filter(first_day=first_day, last_day=last_day, state__in=ACTIVE)
            .order_by("-created_at", "-pk")
            .first()
        )
        if running is not None:
            return running
        job = MembershipJob.objects.create(
            first_day=first_day, last_day=last_day, requested_by=user
        )
        if not tasks_run_in_process():
            job_id = job.pk
            transaction.on_commit(lambda: _enqueue(job_id), robust=True)
    if tasks_run_in_process():
        _enqueue(job.pk)
        job.refresh_from_db()
    return job


def _enqueue(job_id: int) -> None:
    # Imported here: the task module imports this service (a task ↔ service pair).
    from claims.review.tasks_membership import membership_compute

    membership_compute.enqueue(job_id)


def membership_job_run(*, job_id: int) -> str:
    """The work of ``membership_compute``: the estimate of the job's period, stored."""
    job = MembershipJob.objects.filter(pk=job_id).first()
    if job is None:
        return "gone"
    if job.state == MembershipJob.State.DONE:
        return "kept"
    MembershipJob.objects.filter(pk=job_id).update(
        state=MembershipJob.State.COMPUTING,
        doctors_done=0,
        doctors_total=Doctor.objects.count(),
        last_error="",
        updated_at=timezone.now(),
    )

    def progress(done: int) -> None:
        MembershipJob.objects.filter(pk=job_id).update(doctors_done=done, updated_at=timezone.now())

    try:
        estimate = membership_estimate(
            first_day=job.first_day,
            last_day=job.last_day,
            progress=progress,
            progress_every=PROGRESS_EVERY,
        )
    except Exception as error:
        logger.exception("The membership estimate of job %s failed.", job_id)
        MembershipJob.objects.filter(pk=job_id).update(
            state=MembershipJob.State.FAILED,
            last_error=f"{type(error).__name__}: {error}"[:300],
            updated_at=timezone.now(),
        )
        return "failed"
    MembershipJob.objects.filter(pk=job_id).update(
        state=MembershipJob.State.DONE,
        doctors_done=estimate.totals.doctors,
        result=estimate_store(estimate),
        updated_at=timezone.now(),
    )
    return "done"


# --- the stored result: every field of the estimate, exactly (money as strings) ----------

_FIGURES = ("doctors", "lost_seconds", "affected_consultations")
_MONEY = ("time_value", "revenue_loss", "total")


def _figures_store(figures: Figures) -> dict:
    return {
        **{name: getattr(figures, name) for name in _FIGURES},
        **{name: format(getattr(figures, name), "f") for name in _MONEY},
    }


def _figures_load(stored: dict) -> Figures:
    return Figures(
        **{name: int(stored[name]) for name in _FIGURES},
        **{name: Decimal(stored[name]) for name in _MONEY},
    )


def estimate_store(estimate: MembershipEstimate) -> dict:
    return {
        "first_day": estimate.first_day.isoformat(),
        "last_day": estimate.last_day.isoformat(),
        "methodology": estimate.methodology,
        "hourly_rate": format(estimate.hourly_rate, "f"),
        "computed_at": estimate.computed_at.isoformat(),
        "totals": _figures_store(estimate.totals),
        "months": [[start.isoformat(), _figures_store(f)] for start, f in estimate.months],
        "services": [[slug, name, _figures_store(f)] for slug, name, f in estimate.services],
    }


def estimate_load(stored: dict) -> MembershipEstimate:
    return MembershipEstimate(
        first_day=date.fromisoformat(stored["first_day"]),
        last_day=date.fromisoformat(stored["last_day"]),
        methodology=stored["methodology"],
        hourly_rate=Decimal(stored["hourly_rate"]),
        computed_at=datetime.fromisoformat(stored["computed_at"]),
        totals=_figures_load(stored["totals"]),
        months=[(date.fromisoformat(start), _figures_load(f)) for start, f in stored["months"]],
        services=[(slug, name, _figures_load(f)) for slug, name, f in stored["services"]],
    )
