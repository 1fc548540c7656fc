"""The independent evidence's benchmark (prints figures; not a test).

    .venv/bin/python tests/benchmarks/bench_evidence.py [--doctors 4000] [--slots 10]

Fills January 2024 with the demo calendar and ``--doctors`` doctors declaring ``--slots``
affected slots each (Recip-e, weekday mornings), then measures server time and queries of
the calendar page (with its doctors' counts), an incident page, the candidates page (the
recursive-CTE query), the SLA page and report, the API's incidents; then 1,000 polls of
the watcher (every tenth a change) and ``verify_status_log`` over the log.

A database of its own, as ``bench_outages.py``: a throw-away SQLite file, or a
``bench_evidence_<pid>`` PostgreSQL database when ``DATABASE_URL`` points at one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def setup_django(workdir: Path):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if connection.vendor == "sqlite":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(workdir / "bench.sqlite3")
    else:
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_evidence_{os.getpid()}"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return connection, name


def fill(doctors: int, slots: int) -> None:
    from claims.models import AffectedSlot, Doctor, User
    from outages.demo import seed_calendar
    from outages.intervals import BRUSSELS
    from outages.models import Service

    seed_calendar()
    rng = random.Random(1)
    users = User.objects.bulk_create(
        User(email=f"bench-{n}@example.org", password="!") for n in range(doctors)
    )
    people = Doctor.objects.bulk_create(
        Doctor(user=user, riziv=f"{10000000000 + n * 1000 + 4:011d}")
        for n, user in enumerate(users)
    )
    from datetime import datetime

    weekdays = [d for d in range(1, 32) if datetime(2024, 1, d).weekday() < 5]
    rows = []
    for person in people:
        for day in rng.sample(weekdays, slots):
            start = datetime(
                2024, 1, day, rng.randrange(8, 16), rng.choice((0, 15, 30)), tzinfo=BRUSSELS
            )
            rows.append(
                AffectedSlot(
                    doctor=person,
                    start=start,
                    end=start + timedelta(minutes=rng.randrange(30, 180)),
                )
            )
    created = AffectedSlot.objects.bulk_create(rows, batch_size=5000)
    recipe = Service.objects.get(slug="recip-e")
    Through = AffectedSlot.services.through
    Through.objects.bulk_create(
        (Through(affectedslot_id=slot.pk, service_id=recipe.pk) for slot in created),
        batch_size=5000,
    )
    print(f"   {doctors:,} doctors, {len(created):,} slots in January 2024")


def timed_get(client, url, label):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best = None
    for _ in range(3):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        count = len(captured)
        best = elapsed if best is None else min(best, elapsed)
    print(f"   {label}: {best * 1000:.0f} ms, {count} queries (status {response.status_code})")
    return response


def bench_pages(client) -> None:
    print("\n== Pages (best of 3)")
    from claims.models import User

    timed_get(client, "/outages/?month=2024-01", "calendar, January 2024")
    from evidence.corroboration.selectors import corroboration_by_incident
    from outages.intervals import month_window
    from outages.selectors import incidents_meeting

    incidents = list(incidents_meeting(month_window(2024, 1)))
    started = time.perf_counter()
    counts = corroboration_by_incident(incidents)
    print(
        f"   of which the doctors' counts (one query): "
        f"{(time.perf_counter() - started) * 1000:.0f} ms, {sorted(counts.values())}"
    )
    timed_get(client, "/outages/incidents/DEMO-2024-01-15-A/", "incident page")
    timed_get(client, "/outages/sla/?year=2024", "SLA page 2024")
    timed_get(client, "/outages/sla.csv?year=2024", "SLA CSV 2024")
    timed_get(client, "/outages/sla.pdf?year=2024", "SLA PDF/A report 2024")
    timed_get(client, "/api/v1/incidents?per_page=100", "API incidents")
    admin = User.objects.create_superuser(email="bench-admin@example.org", password="x")
    client.force_login(admin)
    response = timed_get(client, "/outages/candidates/?month=2024-01", "candidates, January 2024")
    print(f"   candidate quarter hours: {len(response.context['quarters'])}")


def bench_watcher(polls: int) -> None:
    from django.core.management import call_command

    from evidence.watcher import poll_record

    print(f"\n== Watcher: {polls:,} polls (every tenth a change of Recip-e)")

    def body(status):
        return json.dumps(
            [
                {"id": f"c{n}", "name_fr": f"Component {n}", "status_name": "Operational"}
                for n in range(40)
            ]
            + [{"id": "r", "name_fr": "Recip-e", "status_name": status}]
        ).encode()

    statuses = ["Operational", "Major Outage"]
    started = time.perf_counter()
    for number in range(polls):
        status = statuses[(number // 10) % 2]
        poll_record(body=body(status), error=None, url="bench", interval=60)
    elapsed = time.perf_counter() - started
    print(f"   {elapsed / polls * 1000:.1f} ms per poll of 41 components")
    started = time.perf_counter()
    call_command("verify_status_log")
    print(f"   verify_status_log: {(time.perf_counter() - started) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--doctors", type=int, default=4000)
    parser.add_argument("--slots", type=int, default=10)
    parser.add_argument("--polls", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-evidence-") as workdir:
        connection, name = setup_django(Path(workdir))
        print(f"database: {connection.vendor} ({name}), Python {sys.version.split()[0]}")
        try:
            from django.test import Client

            fill(args.doctors, args.slots)
            bench_pages(Client(HTTP_HOST="127.0.0.1"))
            bench_watcher(args.polls)
        finally:
            connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
