"""How long "Submit" takes (a benchmark, not a test): issue 13, item 3.

    .venv/bin/python tests/benchmarks/bench_submit.py [--runs 5]

The two claims of bench_dossier.py (10 slots and 30 consultations; 50 slots and 500
consultations, January 2024, 40 seeded incidents) are submitted ``--runs`` times each,
two ways, in interleaved rounds (the claim is put back to a draft between rounds):

* **now**: the production path, the database task queue: ``claim_submit`` computes,
  freezes and commits the snapshot, and enqueues the dossier for a worker (goal ≤ 300 ms);
* **anchor**: the dossier rendered, sealed and stored inside the same call, as before
  (the immediate backend runs the job in-process right after the commit).

The figure is the whole ``claim_submit`` call (the flags computed after the commit
included). Each case runs in a child process with a throw-away database and MEDIA_ROOT.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_dossier  # noqa: E402  (its data: the same claims as the dossier benchmark)

CASES = bench_dossier.CASES
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def child(case: str, runs: int, seed: int) -> dict:
    bench_dossier._django()
    from django.conf import settings
    from django.db import connection
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    from claims.models import Claim, ClaimStatus, DossierJob
    from claims.services.claims import claim_submit

    test_database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    media = override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="bench-submit-"))
    media.enable()
    try:
        slots, consultations = CASES[case]
        claims = bench_dossier._make_data(random.Random(seed), slots, consultations)
        draft = claims["draft"]

        def back_to_draft():
            Claim.objects.filter(pk=draft.pk).update(
                status=ClaimStatus.DRAFT,
                snapshot=None,
                submitted_at=None,
                total=None,
                lost_minutes=None,
                declaration_accepted=False,
                dossier="",
                dossier_sha256="",
            )
            DossierJob.objects.all().delete()
            DBTaskResult.objects.all().delete()

        def submit(tasks):
            back_to_draft()
            with override_settings(TASKS=tasks):
                claim = Claim.objects.get(pk=draft.pk)
                started = time.perf_counter()
                claim_submit(claim=claim, user=draft.doctor.user, declaration_accepted=True)
                return time.perf_counter() - started

        submit(DATABASE), submit(IMMEDIATE)  # warm-up
        seconds = {"now": [], "anchor": []}
        for _ in range(runs):
            seconds["now"].append(submit(DATABASE))
            queued = DBTaskResult.objects.filter(task_path__endswith="dossier_prepare").count()
            seconds["anchor"].append(submit(IMMEDIATE))
        stored = Claim.objects.get(pk=draft.pk).dossier_sha256
        return {
            "case": case,
            "consultations": consultations,
            "now": statistics.median(seconds["now"]),
            "now_max": max(seconds["now"]),
            "anchor": statistics.median(seconds["anchor"]),
            "queued": queued,
            "anchor_stored": bool(stored),
        }
    finally:
        connection.creation.destroy_test_db(test_database, verbosity=0)
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
        media.disable()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--case", choices=sorted(CASES))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        print(json.dumps(child(arguments.case, arguments.runs, arguments.seed)))
        return
    print(
        f"submit benchmark: median of {arguments.runs} interleaved submissions, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (goal ≤ 300 ms)"
    )
    for case in [arguments.case] if arguments.case else ["typical", "heavy"]:
        command = [sys.executable, __file__, "--child", "--case", case]
        command += ["--runs", str(arguments.runs), "--seed", str(arguments.seed)]
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        if completed.returncode:
            sys.stderr.write(completed.stderr)
            raise SystemExit(f"{case}: the child process failed")
        result = json.loads(completed.stdout.strip().splitlines()[-1])
        print(
            f"  {result['consultations']:>4} consultations: submit commits in "
            f"{result['now'] * 1000:6.0f} ms (max {result['now_max'] * 1000:.0f}, dossier queued: "
            f"{result['queued']})  anchor, dossier inline: {result['anchor'] * 1000:6.0f} ms "
            f"(x{result['anchor'] / result['now']:.1f})"
        )


if __name__ == "__main__":
    main()
