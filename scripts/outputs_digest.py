"""One SHA-256 per user-visible output, to show a refactoring changes none of them.

    .venv/bin/python scripts/outputs_digest.py [--show NAME]

Run it before and after a change and compare the two listings: they must be equal. The
outputs are those issue 10 asks to keep byte-identical:

* ``worked_example_summary``: ``claim_summary`` of methodology.md's worked example, after
  importing its CSV files with the commands (the JSON the command prints);
* ``hidden_style_cases``: 400 random claims in the shapes of
  ``tests/claims/test_calculation_reference.py`` (seconds, a DST night, ongoing incidents,
  two methodology versions): every figure and breakdown of ``compute_claim``;
* ``hidden_style_snapshots``: the same claims frozen as snapshots (JSON), read back as a
  claim page, recomputed from the snapshot alone, and checked (the review flags) against a
  changed calendar;
* ``claim_page_draft_html`` / ``claim_page_submitted_html`` / ``week_page_html``: the
  doctor's pages of the worked example (English; CSRF tokens and CSP nonces blanked);
* ``dossier_pdf_bytes``, ``dossier_pdf_text``, ``dossier_pdf_attachment``: the submitted
  claim's dossier (its dates come from the claim, so a fixed submission time gives the
  same bytes), its extracted text and page count, and its JSON attachment.

The clock is fixed (``django.utils.timezone.now``) and the data lives in a throw-away
test database and MEDIA_ROOT, never the project's own.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import io
import json
import os
import random
import re
import shutil
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2024, 3, 4, 9, 30, 0, tzinfo=UTC)
SERVICES = ["recip-e", "mycarenet", "dmg", "hubs", "eattest"]


def _django() -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "claims")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "digest-only-key-not-a-secret-0123456789-abcdefghijklmn")
    import django

    django.setup()


def _default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, frozenset | set):
        return sorted(value)
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    if isinstance(value, Sequence):  # rows built when read (claims.snapshot.LazyRows)
        return list(value)
    return str(value)


def _json(value) -> bytes:
    return json.dumps(value, default=_default, sort_keys=True, ensure_ascii=False).encode()


# --- the hidden-style cases --------------------------------------------------------------------


def _random_claims(count: int):
    from claims.calculation import (
        ABSYM_2024_1,
        ClaimInputs,
        ConsultationInput,
        IncidentInput,
        SlotInput,
    )
    from outages.intervals import BRUSSELS, period_window

    lenient = dataclasses.replace(
        ABSYM_2024_1,
        version="test-lenient",
        counted_impacts=frozenset({"major_outage", "partial_outage", "degraded_performance"}),
        counted_statuses=frozenset({"confirmed", "provisional"}),
        hourly_rate=Decimal("97.35"),
        loss_outcomes=frozenset({"cancelled", "unpaid", "postponed"}),
        catch_up_minutes={"recip-e": 2, "hubs": 7},
    )
    period = period_window(date(2024, 3, 31), date(2024, 3, 31))
    base = datetime(2024, 3, 30, 20, tzinfo=UTC)
    span = 30 * 3600
    rng = random.Random(20240331)

    def moment(offset):
        return (base + timedelta(seconds=offset)).astimezone(BRUSSELS)

    def offset():
        if rng.randrange(4) == 0:
            return rng.choice([0, 3600, 5400, 7200, 26 * 3600])
        return rng.randint(0, span)

    def services():
        return frozenset(rng.sample(SERVICES, rng.randint(1, 3)))

    cases = []
    for _case in range(count):
        incidents = []
        for index in range(rng.randint(0, 10)):
            start = offset()
            ongoing = rng.randint(0, 7) == 0
            incidents.append(
                IncidentInput(
                    reference=f"I{index}",
                    services=services(),
                    start=moment(start),
                    end=None if ongoing else moment(start + rng.randint(0, 4 * 3600)),
                    impact=rng.choice(["major_outage", "partial_outage", "maintenance"]),
                    status=rng.choice(["confirmed", "confirmed", "provisional"]),
                    title=f"Incident {index}",
                    source_url=f"https://status.example.org/I{index}",
                )
            )
        slots = []
        for index in range(rng.randint(0, 6)):
            start = offset()
            slots.append(
                SlotInput(
                    key=index + 1,
                    start=moment(start),
                    end=moment(start + rng.randint(0, 5 * 3600)),
                    services=services(),
                )
            )
        consultations = [
            ConsultationInput(
                key=index + 1,
                start=moment(offset()),
                duration_minutes=rng.randint(0, 60),
                code="101076",
                fee=Decimal(rng.choice(["31.81", "36.61", "0.00", "12.34"])),
                services=services(),
                outcome=rng.choice(["completed", "postponed", "cancelled", "unpaid"]),
            )
            for index in range(rng.randint(0, 8))
        ]
        cases.append(
            ClaimInputs(
                period=period,
                incidents=incidents,
                slots=slots,
                consultations=consultations,
                params=rng.choice([ABSYM_2024_1, lenient]),
                now=moment(rng.randint(0, span + 3600)),
            )
        )
    return cases


def _result_json(result) -> dict:
    return {
        "declared": result.declared_seconds,
        "verified": result.verified_seconds,
        "unverified": result.unverified_seconds,
        "slot_lost": result.slot_lost_seconds,
        "catch_up": result.catch_up_seconds,
        "lost": result.lost_seconds,
        "time_value": result.time_value,
        "revenue_loss": result.revenue_loss,
        "total": result.total,
        "affected": result.affected_consultations,
        "cited": list(result.cited_incidents),
        "verified_intervals": [(i.start, i.end) for i in result.verified_intervals],
        "slots": [
            (
                row.key,
                None if row.interval is None else (row.interval.start, row.interval.end),
                [(p.interval.start, p.interval.end, list(p.references)) for p in row.verified],
                [(i.start, i.end) for i in row.unverified],
                list(row.references),
            )
            for row in result.slot_breakdown
        ],
        "consultations": [
            (
                row.key,
                row.affected,
                list(row.affecting_services),
                row.revenue_loss,
                row.catch_up_minutes,
                str(row.reason),
                list(row.references),
            )
            for row in result.consultation_breakdown
        ],
    }


def hidden_style_outputs() -> dict[str, bytes]:
    from claims.calculation import compute_claim

    try:  # moved into claims/review/ (issue 10)
        from claims.review.flags import snapshot_checks
    except ImportError:
        from claims.flags import snapshot_checks

    # The snapshot functions' home moved (issue 10); the outputs must not.
    try:
        from claims.snapshot import claim_snapshot_build, snapshot_recompute
    except ImportError:
        from claims.services.snapshots import claim_snapshot_build, snapshot_recompute
    from claims.selectors import claim_page

    cases = _random_claims(400)
    results, snapshots = [], []
    names = {slug: slug.upper() for slug in SERVICES}
    for number, inputs in enumerate(cases, start=1):
        result = compute_claim(inputs)
        results.append(_result_json(result))
        report = SimpleNamespace(
            inputs=inputs,
            result=result,
            doctor=SimpleNamespace(riziv="12345678004", full_name="Anne Dupont"),
            first_day=date(2024, 3, 31),
            last_day=date(2024, 3, 31),
            methodology=SimpleNamespace(published_on=date(2024, 1, 1)),
        )
        snapshot = json.loads(json.dumps(claim_snapshot_build(report=report, claim_id=number)))
        # Today's calendar: the first incident gone, the others an hour longer.
        today = [
            dataclasses.replace(i, end=None if i.end is None else i.end + timedelta(hours=1))
            for i in inputs.incidents[1:]
        ]
        checks = snapshot_checks(snapshot, incidents=today, now=inputs.now + timedelta(days=1))
        snapshots.append(
            {
                "snapshot": snapshot,
                "page": claim_page(snapshot, names=names),
                "page_catalogue": claim_page(snapshot, names=names, catalogue_order=True),
                "recomputed": _result_json(snapshot_recompute(snapshot)),
                "checks": {"details": checks.details, "services": checks.services},
            }
        )
    return {"hidden_style_cases": _json(results), "hidden_style_snapshots": _json(snapshots)}


# --- the worked example in the database ------------------------------------------------------


def _call(*args) -> str:
    from django.core.management import call_command

    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _page(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html)
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    return html.encode()


def database_outputs() -> dict[str, bytes]:
    import pypdfium2
    from claims_helpers import WORKED_EXAMPLE, make_example_calendar
    from django.test import Client
    from django.urls import reverse
    from pypdf import PdfReader

    from claims.dossier.data import dossier_data
    from claims.dossier.render import dossier_pdf
    from claims.models import Claim, Doctor
    from claims.services.claims import claim_get_or_create_draft, claim_submit

    outputs: dict[str, bytes] = {}
    _call("import_doctors", str(WORKED_EXAMPLE / "doctors.csv"))
    _call("import_slots", "--doctor", "12345678004", str(WORKED_EXAMPLE / "slots.csv"))
    _call(
        "import_consultations",
        "--doctor",
        "1-23456-78-004",
        str(WORKED_EXAMPLE / "consultations.csv"),
    )
    make_example_calendar()
    outputs["worked_example_summary"] = _call(
        "claim_summary", "--doctor", "12345678004", "--from", "2024-01-01", "--to", "2024-01-31"
    ).encode()

    doctor = Doctor.objects.select_related("user").get(riziv="12345678004")
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(doctor.user)
    claim = claim_get_or_create_draft(
        doctor=doctor, first_day=date(2024, 1, 1), last_day=date(2024, 1, 31)
    )
    claim_url = reverse("claims:claim", args=[claim.pk])
    outputs["claim_page_draft_html"] = _page(client, claim_url)
    outputs["week_page_html"] = _page(client, reverse("claims:week") + "?week=2024-W03")
    claim_submit(claim=claim, user=doctor.user, declaration_accepted=True)
    outputs["claim_page_submitted_html"] = _page(client, claim_url)

    claim = Claim.objects.select_related("doctor__user", "methodology").get(pk=claim.pk)
    pdf = dossier_pdf(dossier_data(claim=claim))
    outputs["dossier_pdf_bytes"] = pdf
    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = [
            document[n].get_textpage().get_text_bounded().replace("\r\n", "\n")
            for n in range(len(document))
        ]
    finally:
        document.close()
    outputs["dossier_pdf_text"] = _json({"pages": len(pages), "text": pages})
    attachments = PdfReader(io.BytesIO(pdf)).attachments
    outputs["dossier_pdf_attachment"] = _json(
        {name: [content.decode() for content in contents] for name, contents in attachments.items()}
    )
    return outputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", help="print this output instead of the digests")
    args = parser.parse_args()
    _django()
    from django.conf import settings
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, the in-memory mail box

    settings.DATABASES["default"].setdefault("TEST", {})
    if connection.vendor == "postgresql":
        settings.DATABASES["default"]["TEST"]["NAME"] = (
            f"test_{settings.DATABASES['default']['NAME']}_digest"
        )
    outputs = hidden_style_outputs()
    test_database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    media = override_settings(
        MEDIA_ROOT=tempfile.mkdtemp(prefix="outputs-digest-"),
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    )
    media.enable()
    try:
        with mock.patch("django.utils.timezone.now", return_value=NOW):
            outputs.update(database_outputs())
    finally:
        connection.creation.destroy_test_db(test_database, verbosity=0)
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
        media.disable()
    if args.show:
        sys.stdout.buffer.write(outputs[args.show])
        return
    for name in sorted(outputs):
        print(f"{hashlib.sha256(outputs[name]).hexdigest()}  {name}")


if __name__ == "__main__":
    main()
