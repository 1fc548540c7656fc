"""Notifications at scale (prints figures; not a test).

    .venv/bin/python tests/benchmarks/bench_notifications.py [--claims 500] [--drafts 100]

``--claims`` claims of January 2024 (``--drafts`` of them drafts computed live, the others
submitted, each of its own doctor) meet an outage import that adds an hour on 15 January.
It reports the time and queries of the change check (``calendar_change_process``: every
claim computed with the calendar before and after the change), then of the doctors'
digests (``doctor_digests_send``: one e-mail each, rendered, recorded and sent through the
task backend to a real SMTP server on loopback, aiosmtpd), then of a second run (nothing
to send). It works in a throw-away database (SQLite file, or ``bench_notifications_<pid>``
on the PostgreSQL server of ``DATABASE_URL``), dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "claims")]

from tests.support.ports import free_port  # noqa: E402 (after the path)


def setup_django(workdir: Path):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["TASKS_BACKEND"] = "immediate"
    import django

    django.setup()
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(workdir / "bench.sqlite3")
    else:
        connection.settings_dict.setdefault("TEST", {})["NAME"] = (
            f"bench_notifications_{os.getpid()}"
        )
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return connection, name


def measure(connection, label: str, work):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = work()
        elapsed = time.perf_counter() - started
    print(f"{label:<40} {elapsed * 1000:9.0f} ms {len(queries):7d} queries")
    return result


def build(claims: int, drafts: int) -> None:
    from factories_review import (
        JANUARY,
        at,
        clone_claims,
        declare_slot,
        recip_e_outage,
        submitted_claim,
        use_fast_dossiers,
    )

    from claims.models import Claim, ClaimStatus
    from notifications.calendar import incident_states_sync

    class _Patch:
        def setattr(self, target, name, value):
            setattr(target, name, value)

    use_fast_dossiers(_Patch())
    recip_e_outage()
    template = submitted_claim(slots=((15, 7, 30, 15, 12, 0),), cancelled=((15, 11, 20),))
    clones = clone_claims(template, claims - 1, language="nl")
    Claim.objects.filter(pk__in=[c.pk for c in clones[:drafts]]).update(
        status=ClaimStatus.DRAFT, snapshot=None, total=None, lost_minutes=None, submitted_at=None
    )
    for claim in clones[:drafts]:
        declare_slot(claim.doctor, at(15, 7, 30), at(15, 12, 0))
    assert Claim.objects.filter(period_start=JANUARY[0]).count() == claims
    incident_states_sync()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=500)
    parser.add_argument("--drafts", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        connection, name = setup_django(Path(folder))
        try:
            run(connection, args)
        finally:
            connection.creation.destroy_test_db(name, verbosity=0)


def run(connection, args) -> None:
    import logging
    from datetime import date

    from aiosmtpd.controller import Controller
    from django.conf import settings

    from notifications.calendar import calendar_change_process
    from notifications.doctors import doctor_digests_send
    from notifications.models import Delivery
    from outages.services.imports import incidents_import
    from outages.signals import calendar_changed

    class Count:
        received = 0

        async def handle_DATA(self, server, session, envelope):
            Count.received += 1
            return "250 OK"

    port = free_port()
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    smtp = Controller(Count(), hostname="127.0.0.1", port=port)
    smtp.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    try:
        build(args.claims, args.drafts)
        print(
            f"{args.claims} claims of January 2024 ({args.drafts} drafts), "
            f"{connection.vendor}; an import adds one hour on 15 January"
        )
        # The import's own signal would run the check at once (immediate backend): the
        # benchmark runs it itself, measured.
        calendar_changed.receivers.clear()
        incidents_import(
            data=(
                b"reference,services,start,end,impact\n"
                b"LATE,recip-e,2024-01-15T11:00,2024-01-15T12:00,major_outage\n"
            ),
            file_name="late.csv",
            format=None,
            user=None,
            dry_run=False,
        )
        outcome = measure(
            connection,
            f"change check over {args.claims} claims",
            lambda: calendar_change_process(
                first_day=date(2024, 1, 15), last_day=date(2024, 1, 15)
            ),
        )
        users = outcome.notified_user_ids
        measure(
            connection,
            f"{len(users)} digests (render, record, SMTP)",
            lambda: doctor_digests_send(user_ids=users),
        )
        measure(connection, "the same again (nothing to send)", lambda: doctor_digests_send())
        sent = Delivery.objects.filter(status="sent").count()
        print(f"SMTP server received {Count.received} messages; {sent} deliveries sent")
    finally:
        smtp.stop()


if __name__ == "__main__":
    main()
