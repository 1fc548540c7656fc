"""The calendar's benchmark (prints figures; not a test).

    .venv/bin/python tests/benchmarks/bench_outages.py [--rows 100000] [--incidents 10000]

1. Fills a calendar of ``--incidents`` incidents (default 10,000) over the 12 months of
   2023 and 10 services, then renders the calendar page of each month (all 10 services,
   figures, grid, chart) and reports server time and query count per page, plus
   ``outage_stats`` for the 120 service-months and the iCalendar feed.
2. Imports a generated CSV of ``--rows`` incidents (default 100,000): wall time and peak
   memory (Python allocations by tracemalloc, in a second run on fresh references because
   tracemalloc slows Python down; and the process's maximum resident size), then the same
   file again (everything unchanged) and a version where every row changed.

It sets Django up itself and works in a database of its own, never in the project's
``db.sqlite3``: a throw-away SQLite file in a temporary folder, or, when ``DATABASE_URL``
points at PostgreSQL, a ``bench_outages_<pid>`` database on that server, dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SERVICES = [
    "ehealth-auth",
    "recip-e",
    "mycarenet",
    "dmg",
    "insurability",
    "tiers-payant",
    "eattest",
    "chapter-iv",
    "hubs",
    "vaccinnet",
]
IMPACTS = ["major_outage"] * 4 + ["partial_outage"] * 3 + ["degraded_performance", "maintenance"]


def setup_django(workdir: Path):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")  # raw import files go here
    os.environ.setdefault("MAX_UPLOAD_BYTES", str(200 * 1024 * 1024))
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    # A database of our own: never the project's db.sqlite3 (nor pytest's test database).
    if connection.vendor == "sqlite":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(workdir / "bench.sqlite3")
    else:
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_outages_{os.getpid()}"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return connection, name


def generated_csv(rows: int, *, prefix: str, seed: int, shift_minutes: int = 0) -> bytes:
    """A realistic export: semicolons, quoted service lists, Brussels times with their
    offsets (summer and winter), a few ongoing incidents."""
    from outages.intervals import BRUSSELS

    rng = random.Random(seed)
    start = datetime(2020, 1, 1, 5, 0, tzinfo=UTC)
    lines = ["reference;services;start;end;impact;status;title;source_url"]
    for number in range(rows):
        begin = start + timedelta(minutes=37 * number + rng.randrange(30))
        length = timedelta(minutes=rng.randrange(5, 300) + shift_minutes)
        local_begin = begin.astimezone(BRUSSELS).isoformat(timespec="minutes")
        local_end = (begin + length).astimezone(BRUSSELS).isoformat(timespec="minutes")
        end = "" if rng.random() < 0.001 else local_end
        services = ";".join(rng.sample(SERVICES, rng.randrange(1, 3)))
        lines.append(
            f'{prefix}-{number:06d};"{services}";{local_begin};{end};'
            f"{rng.choice(IMPACTS)};{'provisional' if rng.random() < 0.1 else 'confirmed'};"
            f"Incident {number} of the benchmark;https://status.example.org/{prefix}/{number}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def timed_import(data: bytes, name: str, *, trace: bool = False):
    from outages.services.imports import incidents_import

    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    report = incidents_import(data=data, file_name=name, format="csv", user=None)
    elapsed = time.perf_counter() - started
    peak = None
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    if not report.ok:
        raise SystemExit(f"import refused: {report.errors[:3]}")
    return report, elapsed, peak


def bench_import(rows: int) -> None:
    print(f"\n== Import of a generated CSV of {rows:,} rows")
    data = generated_csv(rows, prefix="BENCH", seed=1)
    print(f"   file: {len(data) / 1024 / 1024:.1f} MiB")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report, elapsed, _ = timed_import(data, "bench.csv")
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"   first import ({report.summary_line()}): {elapsed:.2f} s, {rows / elapsed:,.0f} rows/s"
    )
    print(
        f"   max resident size of the process: {rss_after / 1024:.0f} MiB "
        f"(+{(rss_after - rss_before) / 1024:.0f} MiB during the import)"
    )

    report, elapsed, _ = timed_import(data, "bench.csv")
    print(f"   same file again ({report.summary_line()}): {elapsed:.2f} s")

    changed = generated_csv(rows, prefix="BENCH", seed=1, shift_minutes=1)
    report, elapsed, _ = timed_import(changed, "bench-changed.csv")
    print(f"   every row changed ({report.summary_line()}): {elapsed:.2f} s")

    fresh = generated_csv(rows, prefix="TRACED", seed=2)
    report, elapsed, peak = timed_import(fresh, "bench-traced.csv", trace=True)
    print(
        f"   peak Python memory of a {rows:,}-row creating import (tracemalloc): "
        f"{peak / 1024 / 1024:.0f} MiB (run took {elapsed:.2f} s under tracemalloc)"
    )


def fill_calendar(count: int) -> None:
    from outages.models import Incident, Service

    rng = random.Random(3)
    services = list(Service.objects.order_by("slug"))
    assert len(services) == 10, "the service catalogue of the migration is expected"
    year_start = datetime(2023, 1, 1, tzinfo=UTC)
    seconds_in_year = 365 * 24 * 3600
    incidents = []
    for number in range(count):
        start = year_start + timedelta(seconds=rng.randrange(seconds_in_year))
        incidents.append(
            Incident(
                reference=f"CAL-{number:05d}",
                title=f"Calendar incident {number}",
                start=start,
                end=start + timedelta(minutes=rng.randrange(5, 600)),
                impact=rng.choice(IMPACTS),
                status="provisional" if rng.random() < 0.1 else "confirmed",
            )
        )
    Incident.objects.bulk_create(incidents, batch_size=2000)
    through = Incident.services.through
    links = [
        through(incident_id=incident.id, service_id=service.id)
        for incident in incidents
        for service in rng.sample(services, rng.randrange(1, 3))
    ]
    through.objects.bulk_create(links, batch_size=5000)


def bench_pages(count: int) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from outages.models import Incident

    print(f"== Calendar pages: {count:,} incidents over 12 months of 2023 x 10 services")
    fill_calendar(count)
    client = Client()
    client.cookies["django_language"] = "en"
    client.get("/outages/", {"month": "2023-01"})  # warm up templates and imports
    times, queries, sizes = [], [], []
    for month in range(1, 13):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/outages/", {"month": f"2023-{month:02d}"})
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        queries.append(len(captured))
        sizes.append(len(response.content))
    shown = Incident.objects.filter(reference__startswith="CAL-").count()
    print(f"   {shown:,} incidents, about {shown / 12:,.0f} a month")
    print(
        f"   calendar page per month: median {statistics.median(times) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms, queries {min(queries)}–{max(queries)}, "
        f"HTML median {statistics.median(sizes) / 1024:.0f} KiB"
    )
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get("/outages/", {"month": "2023-06", "service": "recip-e"})
        elapsed = time.perf_counter() - started
    print(f"   one service (recip-e, June): {elapsed * 1000:.0f} ms, {len(captured)} queries")
    started = time.perf_counter()
    for month in range(1, 13):
        for slug in (
            "ehealth-auth",
            "recip-e",
            "mycarenet",
            "dmg",
            "insurability",
            "tiers-payant",
            "eattest",
            "chapter-iv",
            "hubs",
            "vaccinnet",
        ):
            call_command(
                "outage_stats", "--service", slug, "--month", f"2023-{month:02d}", stdout=StringIO()
            )
    elapsed = time.perf_counter() - started
    print(
        f"   outage_stats for the 120 service-months: {elapsed:.2f} s "
        f"({elapsed / 120 * 1000:.0f} ms each)"
    )
    for attempt in ("first request", "cached"):
        started = time.perf_counter()
        response = client.get("/outages/calendar.ics")
        elapsed = time.perf_counter() - started
        print(
            f"   /outages/calendar.ics, {attempt}: {elapsed * 1000:.0f} ms, "
            f"{len(response.content) / 1024 / 1024:.1f} MiB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--incidents", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-outages-") as workdir:
        connection, name = setup_django(Path(workdir))
        print(f"database: {connection.vendor} ({name}), Python {sys.version.split()[0]}")
        try:
            # Pages first, on a calendar of exactly --incidents incidents; the import's
            # rows (which span 2020–2027) would otherwise crowd the same months.
            bench_pages(args.incidents)
            bench_import(args.rows)
        finally:
            connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
