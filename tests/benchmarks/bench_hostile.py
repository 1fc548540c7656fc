"""The hostile files of issue 11 (points 1 and 5) through the real upload pages (prints
figures; not a test).

    .venv/bin/python tests/benchmarks/bench_hostile.py [--only NAME]

Each file is uploaded by a fresh worker process (a Django test client in its own Python
process, like one gunicorn worker) to the page a user would use: a doctor's slots import
(``/claims/import/slots/``) or the administrator's outage import (``/outages/import/``,
then the preview page it redirects to; with the immediate task backend a background
preview runs inside that process too, so its memory is counted). The table gives, per
file: its size, the worker's wall time, its peak resident memory (``ru_maxrss``) and,
for comparison, that of the same worker after an empty request, the HTTP status and the
size of the page, and the first message the page shows.

It works in a database of its own: a throw-away SQLite file, or, when ``DATABASE_URL``
points at PostgreSQL, a ``bench_hostile_<pid>`` database on that server, dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _slots(count: int) -> bytes:
    lines = ["start,end,services,note"]
    for n in range(count):
        day, minute = 1 + n // 600 % 28, n % 600
        start = f"2023-02-{day:02d}T{8 + minute // 60:02d}:{minute % 60:02d}"
        lines.append(f"{start},{start},recip-e,")
    return ("\n".join(lines) + "\n").encode()


def _wide_csv() -> bytes:
    header = ",".join(f"c{n}" for n in range(100_000))
    return (header + "\n" + "\n".join("x," * 10 for _ in range(300)) + "\n").encode()


def _statuspage(count: int) -> bytes:
    incidents = [
        {
            "id": f"inc-{n:05d}",
            "name": "Recip-e unavailable",
            "created_at": "2023-01-15T08:00:00Z",
            "resolved_at": "2023-01-15T09:00:00Z",
            "impact": "major",
            "shortlink": f"https://stspg.io/{n}",
            "components": [{"name": "Recip-e"}],
        }
        for n in range(count)
    ]
    return json.dumps({"incidents": incidents}, indent=2).encode()


def _ics(count: int) -> bytes:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:EV-{n:05d}\r\nDTSTART:20230115T080000Z\r\n"
        f"DTEND:20230115T090000Z\r\nCATEGORIES:recip-e\r\nSUMMARY:Outage {n}\r\nEND:VEVENT\r\n"
        for n in range(count)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:bench\r\n{events}END:VCALENDAR\r\n".encode()


CASES = {
    # name: (who, url, file name, bytes)
    "csv-100000-columns": ("doctor", "/claims/import/slots/", "wide.csv", _wide_csv),
    "csv-40000-rows": ("doctor", "/claims/import/slots/", "rows.csv", lambda: _slots(40_000)),
    "json-nested-100000": (
        "admin",
        "/outages/import/",
        "nested.json",
        lambda: b"[" * 100_000 + b"]" * 100_000,
    ),
    "csv-header-128KiB": (
        "admin",
        "/outages/import/",
        "header.csv",
        lambda: ("reference,services,start,end,impact," + "x" * 131_072 + "\n").encode(),
    ),
    "statuspage-10000": (
        "admin",
        "/outages/import/",
        "incidents.json",
        lambda: _statuspage(10_000),
    ),
    "ics-20000-events": ("admin", "/outages/import/", "incidents.ics", lambda: _ics(20_000)),
}


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ.setdefault("TASKS_BACKEND", "immediate")
    import django

    django.setup()


def worker(case: str, path: str) -> None:
    """One upload in this process; prints one JSON line of figures."""
    import resource

    _setup_django()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.test.utils import setup_test_environment

    from claims.models import User

    setup_test_environment()
    who, url, name, _make = CASES[case]
    data = Path(path).read_bytes()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    client.force_login(User.objects.get(email=f"{who}@bench.example"))
    client.get("/")  # the worker warmed up: imports, templates, a session
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    form = {"file": SimpleUploadedFile(name, data)}
    if who == "admin":
        form["format"] = ""
    response = client.post(url, form)
    status = response.status_code
    if status == 302:
        response = client.get(response.url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    text = body.decode(errors="replace")
    message = ""
    for pattern in (
        r'id="preview-errors">(.*?)</ul>',
        r'class="alert alert-danger[^"]*"[^>]*>(.*?)</div>',
        r'id="preview-counts">(.*?)</ul>',
        r'class="badge text-bg-success">(.*?)</span>',
    ):
        found = re.search(pattern, text, re.S)
        if found:
            message = " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())[:110]
            break
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mib": peak / 1024,
                "baseline_mib": baseline / 1024,
                "status": f"{status}→{response.status_code}" if status == 302 else str(status),
                "page_kib": len(body) / 1024,
                "message": message,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(CASES), action="append")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return

    workdir = Path(tempfile.mkdtemp(prefix="bench_hostile_"))
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    _setup_django()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if connection.vendor == "sqlite":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(workdir / "bench.sqlite3")
    else:
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_hostile_{os.getpid()}"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from accounts.services import doctor_register
        from claims.models import User

        doctor_register(
            email="doctor@bench.example",
            password="bench-password-0123",
            first_name="Anne",
            last_name="Bench",
            riziv="12345678004",
            language="en",
        )
        User.objects.create_superuser(email="admin@bench.example", password="bench-pass-0123")
        env = dict(os.environ)
        if connection.vendor == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{name}"
        else:
            url = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
            env["DATABASE_URL"] = f"{url}/{name}"
        connection.close()
        print(
            f"{'file':<20} {'size':>9} {'time':>8} {'peak RSS':>9} {'(idle)':>8} "
            f"{'HTTP':>8} {'page':>9}  first message"
        )
        for case in args.only or CASES:
            path = workdir / f"{case}.bin"
            path.write_bytes(CASES[case][3]())
            run = subprocess.run(
                [sys.executable, __file__, "--worker", case, str(path)],
                env=env,
                capture_output=True,
                text=True,
            )
            lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
            if run.returncode or not lines:
                tail = (run.stderr.strip().splitlines() or ["?"])[-1]
                print(f"{case:<20} worker failed: {tail[:100]}")
                continue
            result = json.loads(lines[-1])
            print(
                f"{case:<20} {path.stat().st_size / 1024:>7.0f} K {result['seconds']:>7.2f}s "
                f"{result['peak_mib']:>7.0f} M {result['baseline_mib']:>6.0f} M "
                f"{result['status']:>8} {result['page_kib']:>7.0f} K  {result['message']}",
                flush=True,
            )
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
