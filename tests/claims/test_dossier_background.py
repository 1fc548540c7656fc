"""Instant submission (issue 13, item 3): the snapshot commits at once, the dossier is made
right after by a background task (the database queue of production), retried on failure,
and the claim page and downloads wait for it."""

import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from dossier_example import worked_example_claim

from claims.models import Claim, ClaimStatus, DossierJob
from tests.support.ports import free_port

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_queued_task() -> str:
    """What a db_worker does with the one ready task: run it and record that it ran."""
    result = DBTaskResult.objects.ready().get()
    value = result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
    DBTaskResult.objects.filter(pk=result.pk).update(status="SUCCESSFUL")
    return value


def submit_over_http(client, claim, capture):
    client.cookies["django_language"] = "en"
    with capture(execute=True):
        response = client.post(
            reverse("claims:claim_submit", args=[claim.pk]), {"declaration_accepted": "on"}
        )
    assert response.status_code == 302
    return Claim.objects.get(pk=claim.pk)


def test_submission_commits_at_once_and_the_dossier_follows(
    doctor, doctor_client, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    claim = submit_over_http(
        doctor_client, worked_example_claim(doctor), django_capture_on_commit_callbacks
    )

    # Submitted and frozen, the dossier not made yet: one task waits in the queue.
    assert claim.status == ClaimStatus.SUBMITTED and claim.snapshot is not None
    assert not claim.dossier_sha256
    task = DBTaskResult.objects.get()
    assert task.task_path.endswith("dossier_prepare") and task.args_kwargs["args"] == [claim.pk, 1]

    page = doctor_client.get(reverse("claims:claim", args=[claim.pk])).content.decode()
    assert "Dossier being prepared" in page
    assert "js/dossier-status.js" in page and "<script>" not in page
    status = doctor_client.get(reverse("claims:claim_dossier_status", args=[claim.pk])).json()
    assert status["state"] == "queued" and status["ready"] is False
    waiting = doctor_client.get(reverse("claims:claim_dossier", args=[claim.pk]))
    assert waiting.status_code == 202
    assert 'http-equiv="refresh"' in waiting.content.decode()

    assert run_queued_task() == "stored"

    claim.refresh_from_db()
    status = doctor_client.get(reverse("claims:claim_dossier_status", args=[claim.pk])).json()
    assert status["ready"] is True and status["percent"] == 100
    assert status["download_url"] == reverse("claims:claim_dossier", args=[claim.pk])
    page = doctor_client.get(reverse("claims:claim", args=[claim.pk])).content.decode()
    assert "Dossier being prepared" not in page
    download = doctor_client.get(reverse("claims:claim_dossier", args=[claim.pk]))
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == claim.dossier_sha256


def test_a_claim_that_has_its_dossier_keeps_it(
    doctor, doctor_client, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    claim = submit_over_http(
        doctor_client, worked_example_claim(doctor), django_capture_on_commit_callbacks
    )
    run_queued_task()
    claim.refresh_from_db()
    kept = (claim.dossier.name, claim.dossier_sha256)

    from claims.tasks_dossier import dossier_prepare

    assert dossier_prepare.call(claim.pk, 1) == "kept"
    claim.refresh_from_db()
    assert (claim.dossier.name, claim.dossier_sha256) == kept


def test_a_timestamp_authority_down_is_retried_in_the_background(
    doctor, doctor_client, sealing, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    good_tsa = settings.DOSSIER_TSA_URL
    settings.DOSSIER_TSA_URL = f"http://127.0.0.1:{free_port()}/tsa"
    claim = submit_over_http(
        doctor_client, worked_example_claim(doctor), django_capture_on_commit_callbacks
    )

    assert run_queued_task() == "retrying"

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED and not claim.dossier_sha256
    job = DossierJob.objects.get(claim=claim)
    assert job.state == "retrying" and job.attempts == 1 and job.next_attempt_at > timezone.now()
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["args"] == [claim.pk, 2] and retry.run_after == job.next_attempt_at
    status = doctor_client.get(reverse("claims:claim_dossier_status", args=[claim.pk])).json()
    assert status["state"] == "retrying" and status["label"] == "Will try again shortly"
    page = doctor_client.get(reverse("claims:claim", args=[claim.pk])).content.decode()
    assert "Dossier being prepared" in page

    # The authority is back when the retry is due.
    settings.DOSSIER_TSA_URL = good_tsa
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    assert run_queued_task() == "stored"
    claim.refresh_from_db()
    assert claim.dossier_sha256 and DossierJob.objects.get(claim=claim).state == "done"


def test_the_status_of_someone_elses_dossier_is_404(doctor, other_doctor, client, settings):
    claim = worked_example_claim(doctor)
    client.force_login(other_doctor.user)
    assert client.get(reverse("claims:claim_dossier_status", args=[claim.pk])).status_code == 404
