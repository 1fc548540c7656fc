"""Scale-out, proved on loopback: two gunicorn app servers and two task workers over one
PostgreSQL database, files in an S3-compatible bucket (SeaweedFS), cache and login
throttling in Redis. ``make cluster-test`` (not part of ``make test``).

The four scenarios of issue 17: a dossier submitted on one server is downloaded from the
other; a batch dossier built by whichever worker takes it is downloaded from the other
server; a login lock-out made on one server holds on the other; a calendar import on
server 2 shows on server 1's feed at once. And no file lands on the local disk.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from tests.support.browser import Browser
from tests.support.cluster import start_cluster

pytestmark = pytest.mark.cluster

SETUP = (Path(__file__).parent / "cluster_data.py").read_text()


@pytest.fixture(scope="module")
def cluster():
    cluster = start_cluster(servers=2, workers=2, server_workers=2, setup_script=SETUP)
    try:
        yield cluster
    finally:
        cluster.stop()


def wait_for(predicate, timeout: float = 60, step: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")


def test_a_dossier_submitted_on_server_1_downloads_from_server_2(cluster):
    data = cluster.data
    one, two = cluster.servers
    doctor = Browser()
    assert doctor.login(one, data["doctor"], data["password"]).status == 302
    claim = data["draft"]
    submitted = doctor.post(f"{one}/claims/{claim}/submit/", {"declaration_accepted": "on"})
    assert submitted.status == 302, submitted.text[:2000]

    # A worker makes the dossier after the commit; meanwhile the download answers 202.
    def stored():
        reply = doctor.get(f"{two}/claims/{claim}/dossier.pdf")
        return reply if reply.status == 200 else None

    from_two = wait_for(stored, timeout=90)
    assert from_two.body.startswith(b"%PDF-")
    from_one = doctor.get(f"{one}/claims/{claim}/dossier.pdf")
    assert from_one.body == from_two.body

    [(name, sha256)] = cluster.query(
        "SELECT dossier, dossier_sha256 FROM claims_claim WHERE id = %s", claim
    )
    assert hashlib.sha256(from_two.body).hexdigest() == sha256
    assert name in cluster.s3.object_names("dossiers/")


def test_a_batch_dossier_built_by_a_worker_downloads_from_the_other_server(cluster):
    data = cluster.data
    one, two = cluster.servers
    reviewer = Browser()
    assert reviewer.login(two, data["reviewer"], data["password"]).status == 302
    created = reviewer.post(
        f"{two}/claims/review/batches/from-selection/",
        [("name", "Cluster batch"), *[("claim", str(pk)) for pk in data["submitted"]]],
        csrf_from=f"{two}/claims/review/",
    )
    assert created.status == 302
    batch = int(created.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    freeze = f"{two}/claims/review/batches/{batch}/freeze/"
    # Freezing cannot be undone: the page asks for a ticked box.
    assert (
        reviewer.post(freeze, {"confirm": "yes"}, csrf_from=f"{two}/claims/review/").status == 302
    )
    started = reviewer.post(f"{two}/claims/review/batches/{batch}/files/dossier/")
    assert started.status == 302

    def finished():
        reply = reviewer.get(f"{one}/claims/review/batches/{batch}/progress.json")
        state = reply.json()["outputs"]["dossier"]
        return state if state["state"] in ("done", "failed") else None

    outcome = wait_for(finished, timeout=90)
    assert outcome["state"] == "done", outcome
    download = reviewer.get(f"{one}/claims/review/batches/{batch}/files/dossier/download/")
    assert download.status == 200 and download.body.startswith(b"%PDF-")
    [(name, sha256, worker)] = cluster.query(
        "SELECT o.file, o.sha256, t.worker_ids FROM claims_batchoutput o "
        "JOIN django_tasks_database_dbtaskresult t ON t.id::text = o.task_id "
        "WHERE o.batch_id = %s AND o.kind = 'dossier'",
        batch,
    )
    assert hashlib.sha256(download.body).hexdigest() == sha256
    assert name in cluster.s3.object_names("batches/")
    assert set(worker) <= {"worker-1", "worker-2"} and worker


def test_a_login_lock_out_on_server_1_holds_on_server_2(cluster):
    data = cluster.data
    one, two = cluster.servers
    attacker = Browser()
    for _ in range(5):
        attacker.login(one, data["doctor"], "wrong password")
    # The right password, on the other server, from the same address: still locked.
    refused = Browser().login(two, data["doctor"], data["password"])
    assert refused.status == 429, refused.status
    # Another account from the same address is not locked (the pair is).
    assert Browser().login(two, data["reviewer"], data["password"]).status == 302


def test_a_calendar_import_on_server_2_is_on_server_1s_feed_at_once(cluster):
    data = cluster.data
    one, two = cluster.servers
    before = Browser().get(f"{one}/outages/calendar.ics")  # cached on server 1 (Redis)
    assert before.status == 200 and b"CLUSTER-1" not in before.body

    admin = Browser()
    assert admin.login(two, data["admin"], data["password"]).status == 302
    csv = (
        b"reference,services,start,end,impact,status,title,source_url\n"
        b"CLUSTER-1,recip-e,2024-02-05T08:00,2024-02-05T09:30,major_outage,confirmed,"
        b"Cluster incident,\n"
    )
    preview = admin.upload(f"{two}/outages/import/", {"format": ""}, "file", "cluster.csv", csv)
    assert preview.status == 302, preview.text[:2000]
    detail = preview.headers["Location"]
    confirmed = admin.post(f"{two}{detail}confirm/", {}, csrf_from=f"{two}{detail}")
    assert confirmed.status == 302
    wait_for(
        lambda: cluster.query("SELECT 1 FROM outages_incident WHERE reference = 'CLUSTER-1'"),
        timeout=60,
    )
    after = Browser().get(f"{one}/outages/calendar.ics")
    assert b"CLUSTER-1" in after.body
    [(raw,)] = cluster.query(
        "SELECT raw_file FROM outages_importrecord WHERE checksum = %s",
        hashlib.sha256(csv).hexdigest(),
    )
    assert raw in cluster.s3.object_names("imports/")


def test_nothing_was_stored_on_the_local_disk(cluster):
    # Runs last (file order): every scenario above stored files.
    assert cluster.s3.object_names("dossiers/")
    assert cluster.files_under_media_root() == []
