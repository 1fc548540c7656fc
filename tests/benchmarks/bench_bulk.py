"""The bulk path against reading the same rows raw, on PostgreSQL (a benchmark that prints
figures, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python tests/benchmarks/bench_bulk.py [--doctors 40000]

Creates a throwaway database next to the one ``DATABASE_URL`` names (dropped at the end,
whatever happens), migrates it and fills it (COPY) with ``--doctors`` doctors of 10 slots
and 30 consultations each in January 2024, 1 to 3 services each, over 200 incidents. Then,
in one process, interleaved (raw, bulk, raw, bulk) so that a busy machine slows both alike:

* raw: the same two queries the bulk path runs (slots and consultations with their
  services, in doctor order), read through psycopg server-side cursors and thrown away;
* bulk: ``MembershipPass(...).claims()``: every doctor's claim computed from those rows;
* before: the per-doctor path (``claim_report``, as for a page) on
  a sample of doctors, extrapolated to all of them;
* the membership estimate with its per-service figures (the reviewers' page), once.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SEED = 13
SERVICES = ["recip-e", "mycarenet", "dmg", "tiers-payant", "eattest"]
OUTCOMES = ["completed"] * 7 + ["postponed", "cancelled", "unpaid"]
JANUARY = (date(2024, 1, 1), date(2024, 1, 31))
MONTH_START = datetime(2023, 12, 31, 23, tzinfo=UTC)  # 1 January 00:00 in Brussels
SAMPLE = 300


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _copy(cursor, table: str, columns: list[str], rows) -> int:
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join(str(value) for value in row))
        buffer.write("\n")
        count += 1
    buffer.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while data := buffer.read(1 << 20):
            copy.write(data)
    return count


def _moment(rng, first_hour=7, last_hour=19) -> datetime:
    return MONTH_START + timedelta(
        days=rng.randrange(31), minutes=rng.randrange(first_hour * 60, last_hour * 60)
    )


def setup(doctors: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from claims.models import AffectedSlot, Consultation, Doctor, User
    from outages.models import Incident, Service

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    service_ids = dict(Service.objects.filter(slug__in=SERVICES).values_list("slug", "pk"))
    incidents = []
    for index in range(200):
        start = _moment(rng, 0, 24)
        incidents.append(
            Incident(
                reference=f"BENCH-{index:04d}",
                start=start,
                end=start + timedelta(minutes=rng.randint(5, 240)),
                impact=rng.choice(["major_outage"] * 4 + ["partial_outage"] * 3 + ["maintenance"]),
                status=rng.choice(["confirmed"] * 9 + ["provisional"]),
            )
        )
    Incident.objects.bulk_create(incidents)
    through = Incident.services.through
    through.objects.bulk_create(
        [
            through(incident_id=incident.pk, service_id=service_ids[slug])
            for incident in incidents
            for slug in rng.sample(SERVICES, rng.randint(1, 3))
        ]
    )
    users = User.objects.bulk_create(
        [User(email=f"bulk-{n}@example.org", password="!") for n in range(doctors)],
        batch_size=5000,
    )
    made = Doctor.objects.bulk_create(
        [Doctor(user=user, riziv=f"{30_000_000_000 + n:011d}") for n, user in enumerate(users)],
        batch_size=5000,
    )
    slots, slot_services, consultations, consultation_services = [], [], [], []
    slot_id = consultation_id = 0
    stamp = datetime(2024, 2, 1, tzinfo=UTC).isoformat()
    for doctor in made:
        taken = set()  # a doctor never declares the same slot or consultation twice
        for _ in range(10):
            slot_id += 1
            start = _moment(rng)
            end = start + timedelta(minutes=rng.randint(10, 180))
            while (start, end) in taken:
                start += timedelta(minutes=1)
            taken.add((start, end))
            slots.append((slot_id, doctor.pk, start.isoformat(), end.isoformat(), "", stamp, stamp))
            for slug in rng.sample(SERVICES, rng.randint(1, 3)):
                slot_services.append((slot_id, service_ids[slug]))
        for _ in range(30):
            consultation_id += 1
            start = _moment(rng)
            while start in taken:
                start += timedelta(minutes=1)
            taken.add(start)
            consultations.append(
                (
                    consultation_id,
                    doctor.pk,
                    start.isoformat(),
                    rng.choice([15, 20, 20, 30]),
                    "101076",
                    "31.81",
                    rng.choice(OUTCOMES),
                    stamp,
                    stamp,
                )
            )
            for slug in rng.sample(SERVICES, rng.randint(1, 2)):
                consultation_services.append((consultation_id, service_ids[slug]))
    slot_table = AffectedSlot._meta.db_table
    consultation_table = Consultation._meta.db_table
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        _copy(
            raw,
            slot_table,
            ["id", "doctor_id", "start", '"end"', "note", "created_at", "updated_at"],
            slots,
        )
        _copy(
            raw,
            AffectedSlot.services.through._meta.db_table,
            ["affectedslot_id", "service_id"],
            slot_services,
        )
        _copy(
            raw,
            consultation_table,
            [
                "id",
                "doctor_id",
                "start",
                "duration_minutes",
                "code",
                "fee",
                "outcome",
                "created_at",
                "updated_at",
            ],
            consultations,
        )
        _copy(
            raw,
            Consultation.services.through._meta.db_table,
            ["consultation_id", "service_id"],
            consultation_services,
        )
        cursor.execute("ANALYZE")
    rows = len(slot_services) + len(consultation_services)
    print(
        f"  data: {doctors:,} doctors, {len(slots):,} slots, {len(consultations):,} "
        f"consultations ({rows:,} rows with their services), 200 incidents, "
        f"{time.perf_counter() - started:.1f} s"
    )


def read_raw(window) -> int:
    """The bulk path's two queries through psycopg server-side cursors, rows discarded."""
    from django.db import connection

    from claims.bulk import CHUNK_SIZE, consultation_rows, slot_rows

    count = 0
    connection.ensure_connection()
    pg = connection.connection
    for queryset in (slot_rows(window), consultation_rows(window)):
        sql, params = queryset.query.sql_with_params()
        with pg.transaction(), pg.cursor(name=f"raw_{count}") as cursor:
            cursor.itersize = CHUNK_SIZE
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(CHUNK_SIZE):
                count += len(rows)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doctors", type=int, default=40_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keep", help="reuse (and keep) this database instead of a new one")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (postgres://user@host:port/db).")
    import psycopg

    name = args.keep or f"ehealth_bulk_bench_{os.getpid()}"
    fresh = True
    with psycopg.connect(base, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            fresh = False
        else:
            admin.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(
        DATABASE_URL=_with_database(base, name),
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-only-key-0123456789-abcdefghij",
    )
    try:
        import django

        django.setup()
        from django.db import connections

        from claims.bulk import MembershipPass
        from claims.models import Doctor
        from claims.review.services.membership import membership_estimate
        from claims.selectors import claim_report, methodology_current, methodology_params
        from outages.intervals import period_window

        print(f"PostgreSQL, throwaway database {name}; {os.cpu_count()} CPUs")
        if fresh:
            setup(args.doctors)
        methodology = methodology_current()
        params = methodology_params(methodology)
        window = period_window(*JANUARY)
        now = datetime(2024, 2, 1, 12, tzinfo=UTC)
        raw_times, bulk_times = [], []
        for _round in range(args.rounds):
            started = time.perf_counter()
            rows = read_raw(window)
            raw_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            bulk = MembershipPass(windows=[window], params=params, now=now)
            doctors = 0
            total = 0
            for _doctor, claims in bulk.claims():
                doctors += 1
                total += claims[0][2].total
            bulk_times.append(time.perf_counter() - started)
            print(
                f"  round: raw read {raw_times[-1]:.1f} s ({rows:,} rows); "
                f"bulk {bulk_times[-1]:.1f} s ({doctors:,} claims, total {total} EUR)"
            )
        raw, bulk_time = statistics.median(raw_times), statistics.median(bulk_times)
        print(
            f"bulk path: {bulk_time:.1f} s for {doctors:,} doctors "
            f"({bulk_time / doctors * 1e6:.0f} us each) vs raw read {raw:.1f} s: "
            f"ratio {bulk_time / raw:.2f}x (goal <= 2x)"
        )
        sample = list(Doctor.objects.order_by("pk").values_list("pk", flat=True)[:SAMPLE])
        started = time.perf_counter()
        for pk in sample:
            claim_report(
                doctor=Doctor(pk=pk),
                first_day=JANUARY[0],
                last_day=JANUARY[1],
                methodology=methodology,
                now=now,
            ).result
        per_doctor = (time.perf_counter() - started) / len(sample)
        print(
            f"before, per doctor (claim_report, {len(sample)} doctors): "
            f"{per_doctor * 1000:.1f} ms each, {per_doctor * doctors:.0f} s for all = "
            f"{per_doctor * doctors / raw:.1f}x the raw read"
        )
        started = time.perf_counter()
        estimate = membership_estimate(
            first_day=JANUARY[0], last_day=JANUARY[1], methodology=methodology, now=now
        )
        print(
            f"membership estimate with per-service figures (the reviewers' page): "
            f"{time.perf_counter() - started:.1f} s, total {estimate.totals.total} EUR"
        )
        connections.close_all()
    finally:
        if not args.keep:
            with psycopg.connect(base, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
