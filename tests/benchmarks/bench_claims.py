"""The doctor's pages with a heavy month (prints figures; not a test).

    .venv/bin/python tests/benchmarks/bench_claims.py [--consultations 500] [--runs 20]

A doctor with ``--consultations`` consultations (default 500) and 40 slots in January
2024, against a month of 200 incidents. Through ``django.test.Client`` it reports, per
page, the server time (median and best of ``--runs``) and the number of queries: the
claim page of a draft (computed live), the same claim once submitted (read from its
snapshot), the dashboard, the week view and the consultation list; then the CSV import
of the same consultations (preview, then confirm). The pure calculation for 40,000
doctors is measured by bench_calculation.py.

It sets Django up itself and works in a database of its own, never in the project's
``db.sqlite3``: a throw-away SQLite file in a temporary folder, or, when ``DATABASE_URL``
points at PostgreSQL, a ``bench_claims_<pid>`` database on that server, dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SERVICES = ["recip-e", "mycarenet", "dmg", "tiers-payant", "eattest", "ehealth-auth"]
IMPACTS = ["major_outage"] * 4 + ["partial_outage"] * 3 + ["degraded_performance", "maintenance"]
OUTCOMES = ["completed"] * 7 + ["postponed", "cancelled", "unpaid"]


def setup_django(workdir: Path):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    import django

    django.setup()
    from django.db import connection

    # No setup_test_environment(): its template instrumentation would add to every
    # {% include %} a cost production never pays.
    # A database of our own: never the project's db.sqlite3 (nor pytest's test database).
    if connection.vendor == "sqlite":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(workdir / "bench.sqlite3")
    else:
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_claims_{os.getpid()}"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return connection, name


def consultations_csv(count: int, rng: random.Random) -> bytes:
    """An agenda export of ``count`` consultations on January 2024's working days."""
    from outages.intervals import BRUSSELS

    lines = ["start;duration_minutes;code;fee;services;outcome"]
    seen = set()
    while len(lines) <= count:
        day = rng.randint(1, 31)
        moment = datetime(2024, 1, day, 8, 0, tzinfo=BRUSSELS) + timedelta(
            minutes=5 * rng.randint(0, 120)
        )
        code = rng.choice(["101076", "101496", "103132"])
        if (moment, code) in seen:
            continue
        seen.add((moment, code))
        services = ";".join(sorted(rng.sample(SERVICES, rng.randint(1, 2))))
        fee = rng.choice(["", "31,81"]) if code == "101076" else ""
        lines.append(
            f"{moment.strftime('%Y-%m-%dT%H:%M')};{rng.choice([15, 20, 30])};{code};{fee};"
            f'"{services}";{rng.choice(OUTCOMES)}'
        )
    return ("\n".join(lines) + "\n").encode()


def fill(doctor, consultations: int, rng: random.Random) -> bytes:
    from claims.importers.consultations import consultations_preview
    from claims.models import AffectedSlot
    from outages.intervals import BRUSSELS
    from outages.models import Incident, Service

    services = {service.slug: service for service in Service.objects.all()}
    for i in range(200):
        start = datetime(2024, 1, 1, tzinfo=BRUSSELS) + timedelta(minutes=rng.randint(0, 44000))
        incident = Incident.objects.create(
            reference=f"BENCH-{i}",
            start=start,
            end=start + timedelta(minutes=rng.randint(5, 240)),
            impact=rng.choice(IMPACTS),
            status="confirmed",
            source_url=f"https://status.example.org/{i}",
        )
        incident.services.set([services[s] for s in rng.sample(SERVICES, rng.randint(1, 3))])
    for day in range(1, 32):
        for hour in (8, 14):
            if len(AffectedSlot.objects.filter(doctor=doctor)) >= 40:
                break
            slot = AffectedSlot.objects.create(
                doctor=doctor,
                start=datetime(2024, 1, day, hour, tzinfo=BRUSSELS),
                end=datetime(2024, 1, day, hour + 3, tzinfo=BRUSSELS),
            )
            slot.services.set([services[s] for s in rng.sample(SERVICES, 2)])
    data = consultations_csv(consultations, rng)
    consultations_preview(doctor=doctor, data=data).apply()
    return data


def measure(client, url: str, runs: int) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches (templates, translations)
    times = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return statistics.median(times) * 1000, min(times) * 1000, queries, len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consultations", type=int, default=500)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench_claims_") as workdir:
        connection, name = setup_django(Path(workdir))
        try:
            run(args)
        finally:
            connection.creation.destroy_test_db(name, verbosity=0)


def run(args) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from accounts.services import doctor_register
    from claims.importers.consultations import consultations_preview
    from claims.models import Consultation
    from claims.services.claims import claim_get_or_create_draft, claim_submit

    settings.ALLOWED_HOSTS = ["testserver"]
    rng = random.Random(2024)
    doctor = doctor_register(
        email="bench@example.org",
        password=None,
        first_name="Bench",
        last_name="Mark",
        riziv="12345678004",
        language="en",
    )
    data = fill(doctor, args.consultations, rng)
    count = Consultation.objects.filter(doctor=doctor).count()
    print(
        f"{connection.vendor}: 1 doctor, {count} consultations, 40 slots, 200 incidents "
        f"(January 2024); {args.runs} runs per page"
    )
    client = Client()
    client.force_login(doctor.user)
    client.cookies["django_language"] = "en"
    january = "from=2024-01-01&to=2024-01-31"
    pages = [
        ("claim page (draft, computed live)", f"/claims/claim/?{january}"),
        ("dashboard", "/"),
        ("week view", "/claims/week/?week=2024-W03"),
        ("consultation list", f"/claims/consultations/?{january}"),
    ]
    print(f"{'page':<38} {'median ms':>10} {'best ms':>9} {'queries':>8} {'KiB':>7}")
    for label, url in pages:
        median, best, queries, size = measure(client, url, args.runs)
        print(f"{label:<38} {median:>10.1f} {best:>9.1f} {queries:>8} {size / 1024:>7.0f}")
    claim = claim_get_or_create_draft(
        doctor=doctor, first_day=date(2024, 1, 1), last_day=date(2024, 1, 31)
    )
    started = time.perf_counter()
    claim = claim_submit(claim=claim, user=doctor.user, declaration_accepted=True)
    submit_ms = (time.perf_counter() - started) * 1000
    median, best, queries, size = measure(client, f"/claims/{claim.pk}/", args.runs)
    print(
        f"{'claim page (submitted, snapshot)':<38} {median:>10.1f} {best:>9.1f} "
        f"{queries:>8} {size / 1024:>7.0f}"
    )
    print(
        f"submission (compute, freeze the snapshot, store the PDF dossier): {submit_ms:.0f} ms, "
        f"total {claim.total} EUR"
    )

    # The same agenda again: everything unchanged (in another month, to stay unlocked).
    Consultation.objects.filter(doctor=doctor).delete()
    started = time.perf_counter()
    preview = consultations_preview(doctor=doctor, data=data)
    preview_ms = (time.perf_counter() - started) * 1000
    print(
        f"import preview of {args.consultations} rows: {preview_ms:.0f} ms "
        f"({len(preview.errors)} errors: rows inside the submitted claim are refused)"
    )
    claim.delete()
    started = time.perf_counter()
    preview = consultations_preview(doctor=doctor, data=data)
    preview.apply()
    apply_ms = (time.perf_counter() - started) * 1000
    print(
        f"import preview + apply of {args.consultations} new rows: {apply_ms:.0f} ms "
        f"({preview.summary()})"
    )


if __name__ == "__main__":
    main()
