"""``claims.snapshot`` without a database: the worked example frozen, read back as the
claim page, recomputed, and compared with a changed calendar by the one comparison the
claim page's note and the review's "calendar changed" flag share.

No ``django_db`` mark: a query anywhere here would fail the test."""

import json
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from claims.calculation import ABSYM_2024_1, ClaimInputs, compute_claim
from claims.review.flags import recomputed_flag
from claims.snapshot import (
    SnapshotLabels,
    claim_snapshot_build,
    snapshot_page,
    snapshot_recomputation,
    snapshot_recompute,
)
from tests.claims.test_calculation import (
    AFTER_JANUARY,
    JANUARY,
    WORKED_CONSULTATIONS,
    WORKED_INCIDENTS,
    WORKED_SLOTS,
)

LABELS = SnapshotLabels(
    names={"recip-e": "Recip-e", "mycarenet": "MyCareNet"},
    impacts={"major_outage": "Major outage", "partial_outage": "Partial outage"},
    statuses={"confirmed": "Confirmed"},
    outcomes={"cancelled": "Cancelled", "unpaid": "Unpaid", "completed": "Completed"},
)


def frozen_worked_example() -> tuple[dict, object]:
    inputs = ClaimInputs(
        JANUARY, WORKED_INCIDENTS, WORKED_SLOTS, WORKED_CONSULTATIONS, ABSYM_2024_1, AFTER_JANUARY
    )
    result = compute_claim(inputs)
    report = SimpleNamespace(
        inputs=inputs,
        result=result,
        doctor=SimpleNamespace(riziv="12345678004", full_name="Anne Dupont"),
        first_day=date(2024, 1, 1),
        last_day=date(2024, 1, 31),
        methodology=SimpleNamespace(published_on=date(2024, 1, 1)),
    )
    # Through JSON, as the database stores it.
    return json.loads(json.dumps(claim_snapshot_build(report=report, claim_id=7))), result


def test_the_page_reads_the_frozen_figures_in_the_readers_words():
    snapshot, result = frozen_worked_example()

    page = snapshot_page(snapshot, labels=LABELS)

    assert page.total == result.total == Decimal("302.42")
    assert [incident.reference for incident in page.cited_incidents] == ["EX-1", "EX-2"]
    # The snapshot's order (sorted slugs), or the catalogue's as the dossier prints them.
    assert page.cited_incidents[1].services == ["MyCareNet", "Recip-e"]
    in_catalogue_order = snapshot_page(snapshot, labels=LABELS, catalogue_order=True)
    assert in_catalogue_order.cited_incidents[1].services == ["Recip-e", "MyCareNet"]
    assert page.cited_incidents[0].impact_label == "Major outage"
    assert [c.outcome_label for c in page.affected_consultations][:2] == ["Completed", "Cancelled"]
    assert sum(slot.verified_seconds for slot in page.slots) >= result.verified_seconds


def test_the_frozen_inputs_recompute_the_same_figures():
    snapshot, result = frozen_worked_example()

    assert snapshot_recompute(snapshot) == result


def test_the_page_note_and_the_review_flag_are_one_comparison():
    snapshot, result = frozen_worked_example()
    without_ex2 = [incident for incident in WORKED_INCIDENTS if incident.reference != "EX-2"]
    later = AFTER_JANUARY + timedelta(days=30)

    note = snapshot_recomputation(snapshot, incidents=without_ex2, now=later)
    flag = recomputed_flag(snapshot, incidents=without_ex2, now=later)

    assert note.differs and note.removed_incidents == ["EX-2"]
    assert note.total < result.total
    assert flag == {
        "total": format(note.total, "f"),
        "total_delta": format(note.total_delta, "f"),
        "lost_minutes": note.lost_minutes,
        "lost_minutes_delta": note.lost_minutes_delta,
        "added_incidents": [],
        "removed_incidents": ["EX-2"],
    }
    same = snapshot_recomputation(snapshot, incidents=WORKED_INCIDENTS, now=later)
    assert not same.differs
    assert recomputed_flag(snapshot, incidents=WORKED_INCIDENTS, now=later) is None
