"""How fast and how big a dossier renders (a benchmark, not a test).

    .venv/bin/python tests/benchmarks/bench_dossier.py [--runs 5] [--profile typical]

Two dossiers of January 2024 over 40 seeded random incidents: a *typical* one (10 slots,
30 consultations) and a *heavy* one (50 slots, 500 consultations). Each is timed three
ways, medians of ``--runs`` renders after one warm-up:

* **bare**: plain WeasyPrint on the dossier's finished, self-contained HTML (its
  stylesheet linked, as any WeasyPrint user would render it), with the same fetcher,
  PDF/A-3b variant and attachment;
* **pipeline, submitted**: ``dossier_pdf(dossier_data(claim))`` for a submitted claim, as
  at submission (data from its snapshot, template, WeasyPrint);
* **pipeline, draft**: the same for a draft, which also loads and computes the claim.

The pipeline's ratio to bare (goal: typical ≤ 0.6 s and ≤ 1.0: the pipeline parses the
stylesheet once per process, shares its font configuration, and lets the garbage
collector run less often during layout). Peak memory is the process's peak resident set
while rendering (Linux ``VmHWM``, reset before each mode), next to the resident set before
the first render.

A *huge* dossier (100 slots, 3,000 consultations) is rendered once per mode, bare and
submitted, each in a fresh process of its own, as a worker renders it: its peak is the
whole process's resident set at its highest during that one render (goal: ≤ 300 MB). The
pipeline lays such a dossier out in parts (``claims.dossier.render.PART_ROWS`` annex rows
each); bare WeasyPrint lays it out in one piece.

Each dossier is measured in a child process of its own with a throw-away database
(Django's test database: in memory for SQLite, ``test_<name>`` for PostgreSQL) and a
throw-away MEDIA_ROOT, never the project's ``db.sqlite3`` or ``var/media``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASES = {"typical": (10, 30), "heavy": (50, 500), "huge": (100, 3000)}
SERVICES = ["recip-e", "mycarenet", "dmg", "tiers-payant", "eattest", "ehealth-auth"]
IMPACTS = ["major_outage"] * 4 + ["partial_outage"] * 3 + ["degraded_performance", "maintenance"]
OUTCOMES = ["completed"] * 6 + ["postponed", "cancelled", "unpaid"]
FEES = [("101076", "31.81"), ("101032", "25.68"), ("101496", "36.61"), ("103132", "45.81")]


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-key-not-a-secret")
    import django

    django.setup()


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    # Writing 5 to clear_refs resets VmHWM (Linux ≥ 4.0), so each mode gets its own peak.
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _make_data(rng: random.Random, slots: int, consultations: int):
    """Two doctors with the same declarations: one claim left a draft, one submitted.

    Slots are declared around incidents (that is why a doctor declares them) and most
    consultations fall in a slot, as in the agenda of a doctor who files a claim.
    """
    from accounts.services import doctor_register
    from claims.models import AffectedSlot, Consultation
    from claims.services.claims import claim_get_or_create_draft, claim_submit
    from outages.intervals import BRUSSELS
    from outages.models import Incident, Service

    catalogue = {service.slug: service for service in Service.objects.all()}
    month = datetime(2024, 1, 1, tzinfo=BRUSSELS)
    working_days = [d for d in range(31) if (month + timedelta(days=d)).weekday() < 5]

    def quarter_hour(first_hour=8, last_hour=18, day=None):
        day = rng.choice(working_days) if day is None else day
        minutes = 15 * rng.randrange(first_hour * 4, last_hour * 4)
        return month + timedelta(days=day, minutes=minutes)

    incidents = []
    for index in range(40):
        start = quarter_hour(7, 17)
        services = rng.sample(SERVICES, rng.randint(1, 3))
        incident = Incident.objects.create(
            reference=f"BENCH-{index:03d}",
            title=f"Benchmark incident {index}",
            start=start,
            end=start + timedelta(minutes=rng.randint(15, 240)),
            impact=rng.choice(IMPACTS),
            source_url=f"https://status.example.org/incidents/BENCH-{index:03d}",
        )
        incident.services.set([catalogue[slug] for slug in services])
        incidents.append((start, services))

    slot_specs = []
    for _ in range(slots):
        incident_start, incident_services = rng.choice(incidents)
        start = incident_start - timedelta(minutes=15 * rng.randrange(5))
        end = start + timedelta(minutes=15 * rng.randint(2, 12))
        slot_specs.append((start, end, rng.sample(incident_services, 1) + ["ehealth-auth"]))
    consultation_specs = {}
    while len(consultation_specs) < consultations:
        if rng.random() < 0.6:
            slot_start, slot_end, slot_services = rng.choice(slot_specs)
            span = int((slot_end - slot_start).total_seconds() // 900)
            start = slot_start + timedelta(minutes=15 * rng.randrange(span))
            services = slot_services[:1]
        else:
            start = quarter_hour()
            services = rng.sample(SERVICES, rng.randint(1, 2))
        code, fee = rng.choice(FEES)
        # One consultation per quarter hour and code, as an agenda has.
        consultation_specs[(start, code)] = (
            rng.choice([15, 20, 20, 30]),
            Decimal(fee),
            rng.choice(OUTCOMES),
            services,
        )

    claims = {}
    for role, riziv in (("draft", "10000000197"), ("submitted", "10000000294")):
        doctor = doctor_register(
            email=f"{role}@example.org",
            password=None,
            first_name="Bench",
            last_name=role.title(),
            riziv=riziv,
            language="fr",
        )
        for start, end, services in slot_specs:
            slot, _ = AffectedSlot.objects.get_or_create(doctor=doctor, start=start, end=end)
            slot.services.add(*[catalogue[slug] for slug in services])
        for (start, code), (duration, fee, outcome, services) in consultation_specs.items():
            consultation = Consultation.objects.create(
                doctor=doctor,
                start=start,
                duration_minutes=duration,
                code=code,
                fee=fee,
                outcome=outcome,
            )
            consultation.services.set([catalogue[slug] for slug in services])
        claim = claim_get_or_create_draft(
            doctor=doctor, first_day=date(2024, 1, 1), last_day=date(2024, 1, 31)
        )
        if role == "submitted":
            claim = claim_submit(claim=claim, user=doctor.user, declaration_accepted=True)
        claims[role] = claim
    return claims


def _peak(function) -> int:
    """Peak resident set (KiB) while ``function`` runs once (VmHWM, reset before)."""
    _reset_peak()
    function()
    return _rss_kib("VmHWM")


def _fresh(function) -> tuple[float, int, bytes]:
    """Seconds, peak resident set (KiB) and result of ``function`` run once."""
    _reset_peak()
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, _rss_kib("VmHWM"), result


def _medians(functions: dict, runs: int) -> dict[str, float]:
    """Median seconds of each function over ``runs`` rounds, after a warm-up of each.

    Rounds interleave the functions, so that the load of a shared machine weighs on all of
    them alike and the ratios stay meaningful even when the absolute times wander.
    """
    for function in functions.values():
        function()
    seconds: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(runs):
        for name, function in functions.items():
            started = time.perf_counter()
            function()
            seconds[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in seconds.items()}


def child(case: str, runs: int, seed: int, profile: bool, mode: str | None = None) -> dict:
    _django()
    from django.conf import settings
    from django.db import connection
    from django.test import override_settings
    from weasyprint import HTML, Attachment

    from claims.dossier.data import dossier_data
    from claims.dossier.render import (
        BASE_URL,
        PDF_VARIANT,
        StaticFilesFetcher,
        _associate_files_once,
        dossier_attachment_json,
        dossier_html,
        dossier_pdf,
    )
    from claims.models import Claim

    test_database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    # Submitting stores a dossier: into a throw-away folder, never the project's media.
    media = override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="bench-dossier-"))
    media.enable()
    try:
        slots, consultations = CASES[case]
        # Submitted with the task queue of production: the dossier is not rendered at
        # submission, so the resident set before the first render is the data's alone.
        with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
            claims = _make_data(random.Random(seed), slots, consultations)

        def fresh(role):
            return Claim.objects.select_related("doctor__user", "methodology").get(
                pk=claims[role].pk
            )

        submitted_data = dossier_data(claim=fresh("submitted"))
        html = dossier_html(submitted_data, link_stylesheet=True)

        def bare(data=submitted_data):
            # WeasyPrint as it comes: nothing prepared or cached between renders.
            fetcher = StaticFilesFetcher()
            attachment = Attachment(
                string=dossier_attachment_json(data),
                name=data.attachment_name,
                relationship="Data",
                url_fetcher=fetcher,
            )
            return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(
                pdf_variant=PDF_VARIANT, attachments=[attachment], finisher=_associate_files_once
            )

        if mode:
            # As a worker does: the claim read, its data built, the dossier rendered.
            def pipeline():
                return dossier_pdf(dossier_data(claim=fresh("submitted")))

            return _fresh_child(case, mode, bare, pipeline, html)
        pdf = dossier_pdf(submitted_data)
        baseline = _rss_kib("VmRSS")
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            dossier_pdf(dossier_data(claim=fresh("draft")))
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
        modes = {
            "bare": bare,
            "submitted": lambda: dossier_pdf(dossier_data(claim=fresh("submitted"))),
            "draft": lambda: dossier_pdf(dossier_data(claim=fresh("draft"))),
        }
        # The pipeline's own steps, without WeasyPrint.
        steps = _medians(
            {
                "data_seconds": lambda: dossier_data(claim=fresh("submitted")),
                "draft_data_seconds": lambda: dossier_data(claim=fresh("draft")),
                "template_seconds": lambda: dossier_html(submitted_data),
            },
            runs,
        )
        timings = _medians(modes, runs)
        peaks = {name: _peak(function) for name, function in modes.items()}
        # Only now: pypdf's 25 MiB are the benchmark's, not the dossier's.
        from pypdf import PdfReader

        return {
            "case": case,
            "slots": slots,
            "consultations": consultations,
            "affected": submitted_data.figures.affected_consultations,
            "cited": submitted_data.figures.cited_incidents,
            "pages": len(PdfReader(io.BytesIO(pdf)).pages),
            "bytes": len(pdf),
            "html_bytes": len(html.encode()),
            "baseline_kib": baseline,
            **steps,
            **{name: (timings[name], peaks[name]) for name in modes},
        }
    finally:
        connection.creation.destroy_test_db(test_database, verbosity=0)
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
        media.disable()


def _fresh_child(case: str, mode: str, bare, pipeline, html: str) -> dict:
    """One render of ``mode`` in this process, which has rendered nothing yet."""
    from django.urls import reverse
    from pypdf import PdfReader

    from claims.dossier.render import dossier_stylesheet

    # What any worker has loaded before its first dossier is not the dossier's: the URL
    # configuration (the dossier names the verification page) and the parsed stylesheet.
    reverse("verify")
    dossier_stylesheet()
    baseline = _rss_kib("VmRSS")
    seconds, peak, pdf = _fresh(bare if mode == "bare" else pipeline)
    return {
        "case": case,
        "mode": mode,
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "bytes": len(pdf),
        "html_bytes": len(html.encode()),
        "baseline_kib": baseline,
        mode: (seconds, peak),
    }


def _run_child(arguments, case: str, mode: str | None = None) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        "--case",
        case,
        "--runs",
        str(arguments.runs),
        "--seed",
        str(arguments.seed),
    ]
    if arguments.profile:
        command.append("--profile")
    if mode:
        command += ["--mode", mode]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"{case}: the child process failed")
    if arguments.profile:
        sys.stderr.write(completed.stderr)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _print_huge(arguments) -> None:
    # Minutes per render on a loaded machine: once per mode, each in a fresh process.
    bare = _run_child(arguments, "huge", "bare")
    pipeline = _run_child(arguments, "huge", "submitted")
    bare_seconds, bare_peak = bare["bare"]
    seconds, peak = pipeline["submitted"]
    print(
        f"\nhuge: {CASES['huge'][0]} slots, {CASES['huge'][1]} consultations, each mode "
        f"rendered once in a fresh process -> {pipeline['pages']} pages "
        f"(bare: {bare['pages']}), {pipeline['bytes'] / 1024:.0f} KiB PDF, "
        f"{pipeline['html_bytes'] / 1024:.0f} KiB HTML"
    )
    for label, result, (mode_seconds, mode_peak) in (
        ("bare WeasyPrint (one piece)", bare, (bare_seconds, bare_peak)),
        ("pipeline, submitted (parts)", pipeline, (seconds, peak)),
    ):
        print(
            f"  {label:<30} {mode_seconds * 1000:8.0f} ms  x{mode_seconds / bare_seconds:5.2f}"
            f"  peak RSS {mode_peak / 1024:5.0f} MiB = {mode_peak * 1024 / 1e6:4.0f} MB"
            f"  (before: {result['baseline_kib'] / 1024:.0f} MiB)"
        )
    verdict = "met" if peak * 1024 <= 300e6 else "NOT met"
    print(f"  goal: pipeline peak <= 300 MB: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--case", choices=sorted(CASES), help="only this dossier")
    parser.add_argument("--profile", action="store_true", help="cProfile one draft render")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=["bare", "submitted"], help=argparse.SUPPRESS)
    arguments = parser.parse_args()

    if arguments.child:
        result = child(
            arguments.case, arguments.runs, arguments.seed, arguments.profile, arguments.mode
        )
        print(json.dumps(result))
        return

    cases = [arguments.case] if arguments.case else ["typical", "heavy", "huge"]
    print(
        f"dossier benchmark: median of {arguments.runs} interleaved renders after a warm-up, "
        f"seed {arguments.seed}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    for case in cases:
        if case == "huge":
            _print_huge(arguments)
            continue
        result = _run_child(arguments, case)
        bare_seconds = result["bare"][0]
        print(
            f"\n{case}: {result['slots']} slots, {result['consultations']} consultations "
            f"({result['affected']} affected), {result['cited']} cited incidents -> "
            f"{result['pages']} pages, {result['bytes'] / 1024:.0f} KiB PDF, "
            f"{result['html_bytes'] / 1024:.0f} KiB HTML"
        )
        print(f"  resident before rendering: {result['baseline_kib'] / 1024:.0f} MiB")
        print(
            f"  pipeline steps: data {result['data_seconds'] * 1000:.0f} ms (draft, computed: "
            f"{result['draft_data_seconds'] * 1000:.0f} ms), "
            f"template {result['template_seconds'] * 1000:.0f} ms = "
            f"{(result['data_seconds'] + result['template_seconds']) / bare_seconds:.1%} of bare"
        )
        for mode, label in (
            ("bare", "bare WeasyPrint (same HTML)"),
            ("submitted", "pipeline, submitted claim"),
            ("draft", "pipeline, draft (computed)"),
        ):
            if mode not in result:
                continue
            seconds, peak = result[mode]
            print(
                f"  {label:<30} {seconds * 1000:8.0f} ms  x{seconds / bare_seconds:5.2f}"
                f"  peak RSS {peak / 1024:5.0f} MiB"
            )


if __name__ == "__main__":
    main()
