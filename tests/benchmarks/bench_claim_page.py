"""The claim page at 30, 300 and 3,000 consultations (prints figures; not a test).

    .venv/bin/python tests/benchmarks/bench_claim_page.py [--runs 7] [--sizes 30,300,3000]

For each size, one doctor with that many consultations and 40 slots in January 2024
against 200 incidents (bench_claims.py's data). Through ``django.test.Client``, the
server time and CPU time (medians of ``--runs``), queries and size of the claim page, of a draft
(computed live) and once submitted (read from its snapshot; the dossier is left to the
task queue, as in production), each next to its anchor measured in the same run: the
same page with every row of its tables at once, as before pagination (goal: ≤ 300 ms at
3,000 consultations). Its own throw-away database (bench_claims.py's ``setup_django``).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_claims  # noqa: E402  (its database set-up and data)


def measure(client, url: str, runs: int) -> tuple[float, float, int, int]:
    """``bench_claims.measure`` with the process's CPU time instead of the best wall time:
    on a shared machine the wall time carries the other processes' load, the CPU time
    much less."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches (templates, translations)
    times, cpu = [], []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return (
        statistics.median(times) * 1000,
        statistics.median(cpu) * 1000,
        queries,
        len(response.content),
    )


def run(args) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings

    import claims.views.claims as claim_views
    from accounts.services import doctor_register
    from claims.services.claims import claim_get_or_create_draft, claim_submit
    from outages.models import Incident

    settings.ALLOWED_HOSTS = ["testserver"]
    print(
        f"claim page benchmark ({connection.vendor}): median server time of {args.runs} "
        "requests; anchor: the same page with all its rows (before pagination)"
    )
    print(
        f"{'consultations':>13} {'page':<10} {'ms':>7} {'CPU ms':>7} {'queries':>8} {'KiB':>6}"
        "   anchor ms  CPU ms  KiB"
    )
    rows_per_page = claim_views.PAGE_ROWS
    for index, size in enumerate(args.sizes):
        rng = random.Random(2024 + index)
        doctor = doctor_register(
            email=f"bench{size}@example.org",
            password=None,
            first_name="Bench",
            last_name=f"Mark{size}",
            riziv=["12345678004", "10000000197", "10000000294"][index % 3],
            language="en",
        )
        # Each size gets bench_claims.py's calendar of 200 incidents afresh (its references
        # are unique); the sizes measured before are done with theirs.
        Incident.objects.all().delete()
        bench_claims.fill(doctor, size, rng)
        client = Client()
        client.force_login(doctor.user)
        client.cookies["django_language"] = "en"
        claim = claim_get_or_create_draft(
            doctor=doctor, first_day=date(2024, 1, 1), last_day=date(2024, 1, 31)
        )
        urls = {"draft": f"/claims/{claim.pk}/"}
        for label in ("draft", "submitted"):
            if label == "submitted":
                with override_settings(
                    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
                ):
                    claim = claim_submit(claim=claim, user=doctor.user, declaration_accepted=True)
                urls["submitted"] = f"/claims/{claim.pk}/"
            claim_views.PAGE_ROWS = rows_per_page
            now = measure(client, urls[label], args.runs)
            claim_views.PAGE_ROWS = 10**9
            anchor = measure(client, urls[label], args.runs)
            claim_views.PAGE_ROWS = rows_per_page
            if args.profile and size == args.sizes[-1]:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                profiler.runcall(client.get, urls[label])
                pstats.Stats(profiler).sort_stats(args.profile).print_stats(40)
            print(
                f"{size:>13} {label:<10} {now[0]:>7.1f} {now[1]:>7.1f} {now[2]:>8}"
                f" {now[3] / 1024:>6.0f}   {anchor[0]:>9.1f} {anchor[1]:>7.1f}"
                f" {anchor[3] / 1024:>4.0f}  (CPU x{anchor[1] / now[1]:.1f})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="30,300,3000")
    parser.add_argument(
        "--profile", metavar="SORT", help="cProfile the last size's pages (cumulative, tottime)"
    )
    args = parser.parse_args()
    args.sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench_claim_page_") as workdir:
        connection, name = bench_claims.setup_django(Path(workdir))
        try:
            run(args)
        finally:
            connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
