"""Every time is cut to the whole second when it enters the application (methodology.md,
"Rules"): an outage CSV or a Statuspage export with milliseconds, a doctor's slot CSV or
the slot form with a fraction of a second. What is stored, shown, frozen in a claim and
counted is the cut time, the same wherever it was typed.

The outage of the issue lasts 88.7 s of real time: 10:00:00.300 → 10:01:29.000. Cut at
the entry, it runs 10:00:00 → 10:01:29, so it counts 89 s everywhere: the claim's lost
time is 89 s, worth 89 × 90.00 / 3600 = 2.225 → 2.23 EUR (rule 9, half-up), and the
incident page, the frozen claim and the calendar feed say the same whole-second times.
"""

import json
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from claims.models import AffectedSlot
from claims.selectors import claim_report
from claims.snapshot import claim_snapshot_build
from outages.models import Incident, Service

pytestmark = pytest.mark.django_db

OUTAGE_CSV = (
    "reference,services,start,end,impact,status\n"
    "MS-1,recip-e,2024-01-15T10:00:00.300+01:00,2024-01-15T10:01:29.000+01:00,"
    "major_outage,confirmed\n"
)
# The doctor's slot around it, typed with fractions too (day first, Brussels time).
SLOTS_CSV = "start,end,services\n2024-01-15T09:00:00.250,2024-01-15T11:00:00.999,recip-e\n"
CUT_START = datetime(2024, 1, 15, 9, 0, 0, tzinfo=UTC)  # 10:00:00.300 Brussels, cut
CUT_END = datetime(2024, 1, 15, 9, 1, 29, tzinfo=UTC)  # 10:01:29.000 Brussels


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def time_value(seconds: int, hourly_rate: str) -> str:
    """Rule 9, written out: seconds × hourly rate / 3600, half-up to the cent."""
    value = Decimal(seconds) * Decimal(hourly_rate) / 3600
    return format(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")


def import_files(tmp_path, doctor):
    outages = tmp_path / "outages.csv"
    outages.write_text(OUTAGE_CSV)
    run("import_outages", str(outages))
    slots = tmp_path / "slots.csv"
    slots.write_text(SLOTS_CSV)
    run("import_slots", "--doctor", doctor.riziv, str(slots))


def test_an_outage_csv_with_milliseconds_counts_the_cut_seconds(tmp_path, doctor):
    import_files(tmp_path, doctor)

    incident = Incident.objects.get(reference="MS-1")
    assert (incident.start, incident.end) == (CUT_START, CUT_END)
    slot = AffectedSlot.objects.get(doctor=doctor)
    assert slot.start.microsecond == slot.end.microsecond == 0

    summary = json.loads(
        run(
            "claim_summary",
            "--doctor",
            doctor.riziv,
            "--from",
            "2024-01-15",
            "--to",
            "2024-01-15",
        )
    )
    lost = int((CUT_END - CUT_START).total_seconds())
    assert lost == 89  # 88.7 s of real time, cut at the entry: the whole seconds
    assert summary["total"] == time_value(lost, summary["hourly_rate"]) == "2.23"
    assert summary["incidents"] == ["MS-1"]


def test_the_frozen_claim_and_the_feed_carry_the_cut_times(tmp_path, doctor, client):
    import_files(tmp_path, doctor)

    report = claim_report(doctor=doctor, first_day=CUT_START.date(), last_day=CUT_START.date())
    snapshot = claim_snapshot_build(report=report)
    (cited,) = snapshot["cited_incidents"]
    assert (cited["start"], cited["end"]) == ("2024-01-15T09:00:00Z", "2024-01-15T09:01:29Z")
    assert snapshot["figures"]["seconds"]["lost"] == 89
    (slot,) = snapshot["inputs"]["slots"]
    assert (slot["start"], slot["end"]) == ("2024-01-15T08:00:00Z", "2024-01-15T10:00:00Z")

    feed = client.get(reverse("outages:feed")).content.decode()
    assert "DTSTART:20240115T090000Z" in feed
    assert "DTEND:20240115T090129Z" in feed


def test_a_statuspage_created_at_with_milliseconds_is_cut(tmp_path):
    page = {
        "page": {"id": "p1", "name": "eHealth status"},
        "incidents": [
            {
                "id": "ms2",
                "name": "Prescriptions slow",
                "status": "resolved",
                "impact": "major",
                "created_at": "2024-01-15T10:00:00.300+01:00",
                "resolved_at": "2024-01-15T10:01:29.000+01:00",
                "shortlink": "https://stspg.io/ms2",
                "components": [{"id": "c1", "name": "Recip-e"}],
                "incident_updates": [],
            }
        ],
    }
    path = tmp_path / "incidents.json"
    path.write_text(json.dumps(page))
    run("import_outages", str(path))

    incident = Incident.objects.get(reference="ms2")
    assert (incident.start, incident.end) == (CUT_START, CUT_END)


def test_the_slot_form_cuts_a_fraction_of_a_second(doctor_client, doctor):
    response = doctor_client.post(
        reverse("claims:slot_add"),
        {
            "start": "2024-01-15T09:00:00.250",
            "end": "2024-01-15T11:00:59.999",
            "services": [Service.objects.get(slug="recip-e").pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    slot = AffectedSlot.objects.get(doctor=doctor)
    assert slot.start == datetime(2024, 1, 15, 8, 0, 0, tzinfo=UTC)
    assert slot.end == datetime(2024, 1, 15, 10, 0, 59, tzinfo=UTC)


def test_the_incident_admin_cuts_a_fraction_of_a_second(admin_client):
    response = admin_client.get(reverse("admin:outages_incident_add"))
    form = response.context["adminform"].form

    start = form.fields["start"].clean(["2024-01-15", "10:00:00.300"])

    assert start == datetime(2024, 1, 15, 9, 0, 0, tzinfo=UTC)
