"""A worker killed mid-task (kill -9) no longer leaves the work stuck for ever: the next
worker sees its heartbeat stop, re-queues the task (or fails it with a message when it
already lost a worker before), and the pages let the user start it again."""

import os
import signal
from datetime import timedelta

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from factories_review import recip_e_outage, submitted_claim, use_fast_dossiers
from worker_process import DATABASE_TASKS, conninfo, db_worker, needs_postgresql, wait_for

from claims.models import BatchOutput, Claim
from claims.review.services.batches import batch_create, batch_freeze, batch_output_start
from ops.models import WorkerHeartbeat
from ops.services import tasks_recover_lost
from outages.models import Incident, PendingImport

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LOST = "The background worker doing this stopped before it finished"
CSV = (
    "reference,services,start,end,impact\n"
    "EH-1,recip-e,2024-01-15T08:05,2024-01-15T12:20,major_outage\n"
)


def _frozen_batch(reviewer, monkeypatch, count=3):
    use_fast_dossiers(monkeypatch)
    recip_e_outage()
    claims = [submitted_claim() for _ in range(count)]
    # Each submission queued its dossier's task: these tests are about the batch job alone,
    # which makes any missing dossier itself (so no worker is busy elsewhere).
    DBTaskResult.objects.filter(task_path="claims.tasks_dossier.dossier_prepare").delete()
    # The first claim has no stored dossier yet: the batch job renders it under a row lock,
    # which lets the test hold the job at a known point.
    Claim.objects.filter(pk=claims[0].pk).update(dossier="", dossier_sha256="")
    batch = batch_create(name="Crash test", reviewer=reviewer, claims=[c.pk for c in claims])
    return batch_freeze(batch=batch, reviewer=reviewer), claims[0]


def _waiting_on_a_lock(lock_conn) -> bool:
    row = lock_conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"
    ).fetchone()
    return row[0] > 0


def _produce_again_button(html: str, kind: str) -> str:
    card = html.split(f'id="output-{kind}"', 1)[1].split('class="batch-output-refresh"', 1)[0]
    return card.split("<button", 1)[1].split(">", 1)[0]


@needs_postgresql
def test_a_batch_dossier_killed_mid_way_is_produced_by_the_next_worker(
    reviewer, reviewer_client, monkeypatch, settings, tmp_path
):
    reviewer_client.cookies["django_language"] = "en"
    settings.TASKS = DATABASE_TASKS
    settings.WORKER_LOST_AFTER_SECONDS = 1.5
    batch, first_claim = _frozen_batch(reviewer, monkeypatch)
    log = tmp_path / "worker.log"
    lock = psycopg.connect(conninfo())
    # Closed whatever happens: a lock left open would hang the database flush after a failure.
    with lock:
        lock.execute("SELECT id FROM claims_claim WHERE id = %s FOR UPDATE", [first_claim.pk])

        output = batch_output_start(batch=batch, kind="dossier", user=reviewer, language="en")
        with db_worker(log) as worker:
            wait_for(
                lambda: (
                    BatchOutput.objects.get(pk=output.pk).state == BatchOutput.State.RUNNING
                    and _waiting_on_a_lock(lock)
                ),
                what="the worker to be inside the batch job",
                log=log,
            )
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        lock.rollback()

    # Nobody recovered it yet, but its worker is gone: the page says so and offers to start
    # it again (before, "In progress" for ever with the button disabled).
    wait_for(
        lambda: LOST in reviewer_client.get(reverse("review:batch", args=[batch.pk])).text,
        timeout=10,
        what="the page to show the work as lost",
    )
    html = reviewer_client.get(reverse("review:batch", args=[batch.pk])).text
    assert "disabled" not in _produce_again_button(html, "dossier")
    progress = reviewer_client.get(reverse("review:batch_progress", args=[batch.pk])).json()
    assert progress["outputs"]["dossier"]["busy"] is False
    assert progress["outputs"]["dossier"]["state"] == "failed"

    # The next worker re-queues the dead worker's task and finishes it.
    with db_worker(log):
        wait_for(
            lambda: BatchOutput.objects.get(pk=output.pk).state == BatchOutput.State.DONE,
            timeout=120,
            what="the next worker to produce the file",
            log=log,
        )
    task = DBTaskResult.objects.get(pk=BatchOutput.objects.get(pk=output.pk).task_id)
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert len(task.worker_ids) == 2  # claimed by the dead worker, then by the next one
    download = reviewer_client.get(
        reverse("review:batch_output_download", args=[batch.pk, "dossier"])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def _lost_task(task_id: str, *, workers: list[str]) -> None:
    """What a kill -9 leaves: the task RUNNING under workers whose heartbeat stopped."""
    long_ago = timezone.now() - timedelta(minutes=10)
    for worker_id in workers:
        WorkerHeartbeat.objects.create(worker_id=worker_id, last_seen=long_ago)
    DBTaskResult.objects.filter(pk=task_id).update(
        status=TaskResultStatus.RUNNING, started_at=long_ago, worker_ids=workers
    )


def test_a_task_that_lost_two_workers_fails_with_a_message_and_can_start_again(
    reviewer, reviewer_client, monkeypatch, settings
):
    reviewer_client.cookies["django_language"] = "en"
    settings.TASKS = DATABASE_TASKS
    batch, _first = _frozen_batch(reviewer, monkeypatch, count=1)
    output = batch_output_start(batch=batch, kind="zip", user=reviewer, language="en")
    BatchOutput.objects.filter(pk=output.pk).update(
        state=BatchOutput.State.RUNNING, progress_done=1
    )
    _lost_task(output.task_id, workers=["dead-1", "dead-2"])

    assert tasks_recover_lost() == {"requeued": 0, "failed": 1}

    output.refresh_from_db()
    assert output.state == BatchOutput.State.FAILED
    assert LOST in output.error
    assert DBTaskResult.objects.get(pk=output.task_id).status == TaskResultStatus.FAILED
    html = reviewer_client.get(reverse("review:batch", args=[batch.pk])).text
    assert LOST in html
    assert "disabled" not in _produce_again_button(html, "zip")
    # And it does start again (the immediate backend runs it within the request).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    reviewer_client.post(reverse("review:batch_output_start", args=[batch.pk, "zip"]))
    assert BatchOutput.objects.get(pk=output.pk).state == BatchOutput.State.DONE


def test_a_task_that_lost_one_worker_goes_back_to_the_queue(reviewer, monkeypatch, settings):
    settings.TASKS = DATABASE_TASKS
    batch, _first = _frozen_batch(reviewer, monkeypatch, count=1)
    output = batch_output_start(batch=batch, kind="zip", user=reviewer, language="en")
    BatchOutput.objects.filter(pk=output.pk).update(
        state=BatchOutput.State.RUNNING, progress_done=1
    )
    _lost_task(output.task_id, workers=["dead-1"])
    # A live worker running its own task is left alone.
    WorkerHeartbeat.objects.create(worker_id="alive", last_seen=timezone.now())

    assert tasks_recover_lost() == {"requeued": 1, "failed": 0}

    output.refresh_from_db()
    assert (output.state, output.progress_done) == (BatchOutput.State.QUEUED, 0)
    assert DBTaskResult.objects.get(pk=output.task_id).status == TaskResultStatus.READY


def test_an_outage_import_whose_worker_died_shows_it_and_starts_again(admin_client, settings):
    admin_client.cookies["django_language"] = "en"
    settings.TASKS = DATABASE_TASKS
    upload = admin_client.post(
        reverse("outages:import_upload"),
        {"file": SimpleUploadedFile("incidents.csv", CSV.encode()), "format": ""},
    )
    detail = upload["Location"]
    token = detail.rstrip("/").split("/")[-1]
    admin_client.post(reverse("outages:import_confirm", args=[token]))
    pending = PendingImport.objects.get(token=token)
    assert pending.state == PendingImport.State.QUEUED
    PendingImport.objects.filter(pk=pending.pk).update(state=PendingImport.State.RUNNING)
    _lost_task(pending.task_id, workers=["dead-1"])

    html = admin_client.get(detail).text
    # Before: "Running… you may leave this page" for ever.
    assert "Nothing was imported." in html and LOST in html
    assert 'http-equiv="refresh"' not in html
    assert reverse("outages:import_retry", args=[token]) in html

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    response = admin_client.post(reverse("outages:import_retry", args=[token]), follow=True)
    assert "1 created, 0 updated, 0 unchanged" in response.text
    assert PendingImport.objects.get(pk=pending.pk).state == PendingImport.State.APPLIED
    assert Incident.objects.filter(reference="EH-1").exists()


def test_the_pages_ask_about_their_workers_in_one_query(
    reviewer, reviewer_client, admin_user, monkeypatch, settings, django_assert_num_queries
):
    """The batch page and its progress poll ask about both files' workers at once (one
    query more than before: 12 and 6; the batch page also counts its claims by status: 13);
    the import page about its import (one more: 5)."""
    settings.TASKS = DATABASE_TASKS
    batch, _first = _frozen_batch(reviewer, monkeypatch, count=2)
    for kind in ("zip", "dossier"):
        batch_output_start(batch=batch, kind=kind, user=reviewer, language="en")
    with django_assert_num_queries(13):
        reviewer_client.get(reverse("review:batch", args=[batch.pk]))
    with django_assert_num_queries(6):
        reviewer_client.get(reverse("review:batch_progress", args=[batch.pk]))

    admin_client = Client()
    admin_client.force_login(admin_user)
    admin_client.cookies["django_language"] = "en"
    upload = admin_client.post(
        reverse("outages:import_upload"),
        {"file": SimpleUploadedFile("incidents.csv", CSV.encode()), "format": ""},
    )
    token = upload["Location"].rstrip("/").split("/")[-1]
    admin_client.post(reverse("outages:import_confirm", args=[token]))
    with django_assert_num_queries(5):
        html = admin_client.get(upload["Location"]).text
    assert "You may leave this page" in html  # queued, its task waiting for a worker
