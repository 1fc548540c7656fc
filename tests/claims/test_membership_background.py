""" "What the whole membership lost" in the background (issue 13): the page starts the
computation, shows its progress, then the stored figures; the CSV comes from the stored
figures; a worker that dies mid-way is replaced and the computation finishes."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from factories_review import at, declare_consultation, declare_slot, incident

from claims.models import MembershipJob, Outcome
from claims.review.services import membership_jobs
from claims.review.services.membership import membership_estimate
from claims.review.services.membership_jobs import estimate_load, estimate_store, membership_job_run
from tests.conftest import make_doctor

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PERIOD = {"first_day": "2024-01-01", "last_day": "2024-01-31"}


@pytest.fixture
def members(example_claim, other_doctor):
    incident("JAN-9", ("recip-e",), at(20, 8), at(20, 12))
    declare_slot(other_doctor, at(20, 8), at(20, 10), ("recip-e",))
    declare_consultation(other_doctor, at(20, 9), outcome=Outcome.CANCELLED)
    third = make_doctor(riziv="11111111186", last_name="Claes")
    declare_consultation(third, at(20, 11), slugs=("recip-e",), outcome=Outcome.COMPLETED)
    return [example_claim, other_doctor, third]


def _run_queued_task() -> str:
    """What a db_worker does with the one ready task."""
    result = DBTaskResult.objects.ready().get()
    value = result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
    DBTaskResult.objects.filter(pk=result.pk).update(status="SUCCESSFUL")
    return value


@pytest.mark.django_db
def test_the_page_starts_the_computation_shows_progress_then_the_figures(
    members, reviewer_client, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    reviewer_client.cookies["django_language"] = "en"
    # Nothing computed yet: the files wait for the page.
    assert reviewer_client.get(reverse("review:membership_csv"), PERIOD).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        page = reviewer_client.get(reverse("review:membership"), PERIOD).content.decode()
    assert 'id="membership-progress"' in page and 'http-equiv="refresh"' in page
    assert 'id="membership-total"' not in page
    job = MembershipJob.objects.get()
    assert job.state == MembershipJob.State.QUEUED
    task = DBTaskResult.objects.get()
    assert task.task_path.endswith("membership_compute") and task.args_kwargs["args"] == [job.pk]

    # Opening the page again does not start a second computation.
    reviewer_client.get(reverse("review:membership"), PERIOD)
    assert MembershipJob.objects.count() == 1 and DBTaskResult.objects.count() == 1

    assert _run_queued_task() == "done"
    job.refresh_from_db()
    assert job.state == MembershipJob.State.DONE and job.percent == 100
    assert job.doctors_done == 3

    page = reviewer_client.get(reverse("review:membership"), PERIOD).content.decode()
    assert 'id="membership-progress"' not in page and 'http-equiv="refresh"' not in page
    estimate = membership_estimate(first_day=date(2024, 1, 1), last_day=date(2024, 1, 31))
    assert f"{estimate.totals.total:,.2f}" in page
    assert 'id="membership-compute-again"' in page

    rows = list(
        csv.reader(io.StringIO(reviewer_client.get(reverse("review:membership_csv"), PERIOD).text))
    )
    assert rows[1][:3] == ["total", "ABSyM-2024.1", "3"]
    assert rows[1][6] == format(estimate.totals.total, "f")

    # "Compute again": a new computation, the page shows its progress meanwhile.
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(reverse("review:membership"), PERIOD)
    assert response.status_code == 302
    assert MembershipJob.objects.count() == 2
    page = reviewer_client.get(reverse("review:membership"), PERIOD).content.decode()
    assert 'id="membership-progress"' in page


@pytest.mark.django_db
def test_the_stored_result_is_the_estimate_exactly(members):
    estimate = membership_estimate(first_day=date(2024, 1, 1), last_day=date(2024, 2, 29))
    assert estimate_load(estimate_store(estimate)) == estimate


@pytest.mark.django_db
def test_progress_is_written_while_computing_and_a_restart_starts_over(members, monkeypatch):
    job = MembershipJob.objects.create(first_day=date(2024, 1, 1), last_day=date(2024, 1, 31))
    seen = []
    original = membership_jobs.membership_estimate

    def watching(**kwargs):
        report = kwargs["progress"]

        def progress(done):
            report(done)
            seen.append(MembershipJob.objects.get(pk=job.pk).doctors_done)

        return original(**{**kwargs, "progress": progress})

    monkeypatch.setattr(membership_jobs, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(membership_jobs, "membership_estimate", watching)
    # As a worker killed mid-way leaves it: computing, part done; the re-queued task runs it
    # again from the start.
    MembershipJob.objects.filter(pk=job.pk).update(
        state=MembershipJob.State.COMPUTING, doctors_done=2, doctors_total=3
    )
    assert membership_job_run(job_id=job.pk) == "done"
    assert seen == [1, 2, 3]
    job.refresh_from_db()
    assert job.state == MembershipJob.State.DONE
    assert job.result == estimate_store(estimate_load(job.result))
    assert membership_job_run(job_id=job.pk) == "kept"


@pytest.mark.django_db
def test_a_failed_computation_says_so_and_can_start_again(members, reviewer_client, monkeypatch):
    reviewer_client.cookies["django_language"] = "en"

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(membership_jobs, "membership_estimate", broken)
    page = reviewer_client.get(reverse("review:membership"), PERIOD).content.decode()
    assert 'id="membership-failed"' in page and 'id="membership-compute-again"' in page
    assert MembershipJob.objects.get().last_error == "RuntimeError: disk full"
    monkeypatch.undo()
    reviewer_client.post(reverse("review:membership"), PERIOD)
    page = reviewer_client.get(reverse("review:membership"), PERIOD).content.decode()
    assert 'id="membership-total"' in page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_lost_mid_way_is_replaced_and_the_figures_arrive(
    members, reviewer_client, settings, tmp_path
):
    from ops.models import WorkerHeartbeat
    from tests.ops.worker_process import db_worker, needs_postgresql, wait_for

    if needs_postgresql.args[0]:
        pytest.skip(needs_postgresql.kwargs["reason"])
    settings.TASKS = DATABASE_TASKS
    reviewer_client.cookies["django_language"] = "en"
    reviewer_client.get(reverse("review:membership"), PERIOD)
    job = MembershipJob.objects.get()
    task = DBTaskResult.objects.get(task_path__endswith="membership_compute")
    # What a kill -9 leaves: the task running under a worker whose heartbeat stopped, the
    # job part-way.
    long_ago = timezone.now() - timedelta(minutes=10)
    WorkerHeartbeat.objects.create(worker_id="dead-1", last_seen=long_ago)
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING, started_at=long_ago, worker_ids=["dead-1"]
    )
    MembershipJob.objects.filter(pk=job.pk).update(
        state=MembershipJob.State.COMPUTING, doctors_done=1, doctors_total=3
    )
    assert (
        'id="membership-progress"'
        in reviewer_client.get(reverse("review:membership"), PERIOD).content.decode()
    )

    log = tmp_path / "worker.log"
    with db_worker(log):
        wait_for(
            lambda: MembershipJob.objects.get(pk=job.pk).state == MembershipJob.State.DONE,
            timeout=120,
            what="the next worker to finish the computation",
            log=log,
        )
    assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.SUCCESSFUL
    page = reviewer_client.get(reverse("review:membership"), PERIOD).content.decode()
    assert 'id="membership-total"' in page
