"""Versioned rules (issue 10, item 4): the calculation dispatches on the methodology
version, so a later version may change a rule's logic while a claim submitted under
ABSyM-2024.1 recomputes exactly as before (figures, breakdowns, cited incidents)."""

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest
from claims_helpers import EXPECTED_SUMMARY, brussels, in_english

from claims import calculation
from claims.calculation import (
    ABSYM_2024_1,
    ClaimInputs,
    IncidentInput,
    Rules,
    SlotInput,
    claim_summary_dict,
    compute_claim,
)
from claims.models import Claim, Methodology
from claims.selectors import ClaimReport, claim_recomputation, claim_report, methodology_current
from claims.services.claims import claim_get_or_create_draft, claim_submit
from claims.snapshot import claim_snapshot_build, snapshot_inputs, snapshot_recompute
from outages.intervals import period_window

# No test here reads a dossier: submitted claims leave theirs queued (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.dossier_queued]

_english = pytest.fixture(autouse=True)(in_english)

FICTITIOUS = "TEST-2099.1"
JANUARY = (date(2024, 1, 1), date(2024, 1, 31))


class QuarterHourRules(Rules):
    """A fictitious rule 9: the lost time is paid by started quarter of an hour."""

    def time_value(self, lost_seconds, params):
        quarters = -(-lost_seconds // 900)
        return super().time_value(quarters * 900, params)


def submit(doctor):
    claim = claim_get_or_create_draft(doctor=doctor, first_day=JANUARY[0], last_day=JANUARY[1])
    return claim_submit(claim=claim, user=doctor.user, declaration_accepted=True)


def publish_fictitious_version(monkeypatch):
    """TEST-2099.1: ABSyM-2024.1's parameters with another rule 9, published today."""
    monkeypatch.setitem(calculation.RULES, FICTITIOUS, QuarterHourRules())
    base = Methodology.objects.get(version=ABSYM_2024_1.version)
    return Methodology.objects.create(
        version=FICTITIOUS,
        published_on=date.today(),
        counted_impacts=base.counted_impacts,
        counted_statuses=base.counted_statuses,
        hourly_rate=base.hourly_rate,
        loss_outcomes=base.loss_outcomes,
        catch_up_minutes=base.catch_up_minutes,
    )


def ten_minutes_ten_seconds(version):
    """One slot fully covered by a 10 min 10 s outage: 610 s lost, 15.25 EUR at 90 EUR/h."""
    start = brussels(2024, 1, 15, 8, 0)
    end = start + timedelta(minutes=10, seconds=10)
    return ClaimInputs(
        period=period_window(date(2024, 1, 1), date(2024, 1, 31)),
        incidents=[IncidentInput("EH-1", {"recip-e"}, start, end, "major_outage", "confirmed")],
        slots=[SlotInput("S1", start, end, {"recip-e"})],
        consultations=[],
        params=dataclasses.replace(ABSYM_2024_1, version=version),
        now=brussels(2024, 2, 1, 12, 0),
    )


def test_a_new_version_computes_with_its_own_rule(example_claim, monkeypatch):
    publish_fictitious_version(monkeypatch)
    old = compute_claim(ten_minutes_ten_seconds(ABSYM_2024_1.version))
    new = compute_claim(ten_minutes_ten_seconds(FICTITIOUS))
    assert old.lost_seconds == new.lost_seconds == 610
    assert (old.time_value, old.total) == (Decimal("15.25"), Decimal("15.25"))
    assert (new.time_value, new.total) == (Decimal("22.50"), Decimal("22.50"))
    # A draft is computed with the current methodology, so with the new rules: the
    # worked example's 156 lost minutes are 11 started quarters, 247.50 EUR, not 234.00.
    draft = claim_report(doctor=example_claim, first_day=JANUARY[0], last_day=JANUARY[1])
    assert draft.methodology.version == draft.result.methodology == FICTITIOUS
    assert draft.result.lost_seconds == 156 * 60
    assert draft.result.time_value == Decimal("247.50")


def test_old_snapshots_still_recompute_identically_under_a_new_version(example_claim, monkeypatch):
    claim = submit(example_claim)
    snapshot = Claim.objects.get(pk=claim.pk).snapshot
    assert snapshot["figures"]["summary"] == EXPECTED_SUMMARY

    # A later version changes rule 9 and becomes the current methodology.
    publish_fictitious_version(monkeypatch)
    assert methodology_current().version == FICTITIOUS

    # The old snapshot recomputes with ABSyM-2024.1's rules (234.00 EUR, not 247.50):
    # every figure, every breakdown row and every cited incident as frozen.
    result = snapshot_recompute(snapshot)
    assert result.methodology == ABSYM_2024_1.version
    summary = claim_summary_dict(
        result, riziv=example_claim.riziv, first_day=JANUARY[0], last_day=JANUARY[1]
    )
    assert summary == snapshot["figures"]["summary"]
    report = ClaimReport(
        doctor=example_claim,
        first_day=JANUARY[0],
        last_day=JANUARY[1],
        methodology=claim.methodology,
        inputs=snapshot_inputs(snapshot),
        result=result,
        claim=claim,
    )
    rebuilt = claim_snapshot_build(report=report, claim_id=claim.pk)
    assert rebuilt["figures"] == snapshot["figures"]
    assert rebuilt["cited_incidents"] == snapshot["cited_incidents"]
    # And the reviewers' "calendar changed" check sees no change.
    assert not claim_recomputation(snapshot=snapshot).differs
