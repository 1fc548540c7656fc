"""``compute_claim`` against the independent reference implementation, on thousands of
random claims to the second (not only whole minutes), across a DST night, with ongoing
incidents, several methodology versions and every outcome."""

import dataclasses
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.calculation import (
    ABSYM_2024_1,
    ClaimInputs,
    ConsultationInput,
    IncidentInput,
    SlotInput,
    compute_claim,
    unavailability_by_service,
)
from outages.intervals import BRUSSELS, period_window
from tests.claims.reference_calculation import reference_claim

# The last Sunday of March 2024 (23 hours) and a little around it.
PERIOD = period_window(date(2024, 3, 31), date(2024, 3, 31))
BASE = datetime(2024, 3, 30, 20, tzinfo=UTC)
SPAN = 30 * 3600
SERVICES = ["recip-e", "mycarenet", "dmg", "hubs", "eattest"]
LENIENT = dataclasses.replace(
    ABSYM_2024_1,
    version="test-lenient",
    counted_impacts=frozenset({"major_outage", "partial_outage", "degraded_performance"}),
    counted_statuses=frozenset({"confirmed", "provisional"}),
    hourly_rate=Decimal("97.35"),
    loss_outcomes=frozenset({"cancelled", "unpaid", "postponed"}),
    catch_up_minutes={"recip-e": 2, "hubs": 7},
)


def moment(offset):
    return (BASE + timedelta(seconds=offset)).astimezone(BRUSSELS)


services = st.frozensets(st.sampled_from(SERVICES), min_size=1, max_size=3)
# Seconds, but clustered on a few values now and then so boundaries coincide (rule 12).
offsets = st.one_of(st.integers(0, SPAN), st.sampled_from([0, 3600, 5400, 7200, 26 * 3600]))


@st.composite
def claims(draw):
    incidents = []
    for index in range(draw(st.integers(0, 10))):
        start = draw(offsets)
        ongoing = draw(st.integers(0, 7)) == 0
        incidents.append(
            IncidentInput(
                reference=f"I{index}",
                services=draw(services),
                start=moment(start),
                end=None if ongoing else moment(start + draw(st.integers(0, 4 * 3600))),
                impact=draw(st.sampled_from(["major_outage", "partial_outage", "maintenance"])),
                status=draw(st.sampled_from(["confirmed", "confirmed", "provisional"])),
            )
        )
    slots = []
    for index in range(draw(st.integers(0, 6))):
        start = draw(offsets)
        slots.append(
            SlotInput(
                key=f"S{index}",
                start=moment(start),
                end=moment(start + draw(st.integers(0, 5 * 3600))),
                services=draw(services),
            )
        )
    consultations = []
    for index in range(draw(st.integers(0, 8))):
        consultations.append(
            ConsultationInput(
                key=f"C{index}",
                start=moment(draw(offsets)),
                duration_minutes=draw(st.integers(0, 60)),
                code="101076",
                fee=Decimal(draw(st.sampled_from(["31.81", "36.61", "0.00", "12.34"]))),
                services=draw(services),
                outcome=draw(st.sampled_from(["completed", "postponed", "cancelled", "unpaid"])),
            )
        )
    return ClaimInputs(
        period=PERIOD,
        incidents=incidents,
        slots=slots,
        consultations=consultations,
        params=draw(st.sampled_from([ABSYM_2024_1, LENIENT])),
        now=moment(draw(st.integers(0, SPAN + 3600))),
    )


FIGURES = [
    "declared_seconds",
    "verified_seconds",
    "unverified_seconds",
    "slot_lost_seconds",
    "catch_up_seconds",
    "lost_seconds",
    "time_value",
    "revenue_loss",
    "total",
    "affected_consultations",
    "cited_incidents",
]


@settings(max_examples=2000, deadline=None)
@given(claims())
def test_compute_claim_agrees_with_the_reference_implementation(inputs):
    expected = reference_claim(inputs)
    # Computed alone, and with U(s) shared as a batch and the bulk path do.
    shared = unavailability_by_service(inputs.incidents, inputs.period, inputs.params, inputs.now)
    for result in (compute_claim(inputs), compute_claim(inputs, shared)):
        assert {name: getattr(result, name) for name in FIGURES} == {
            name: expected[name] for name in FIGURES
        }
        # The breakdowns a page or a dossier asks for, built lazily, agree as well.
        assert {row.key: row.references for row in result.slot_breakdown} == expected["slots"]
        assert {
            row.key: {
                "affected": row.affected,
                "affecting_services": row.affecting_services,
                "revenue_loss": row.revenue_loss,
                "catch_up_minutes": row.catch_up_minutes,
                "references": row.references,
            }
            for row in result.consultation_breakdown
        } == expected["consultations"]
        assert (
            sum(piece.seconds for piece in result.verified_intervals)
            == (expected["verified_seconds"])
        )


def test_the_reference_gives_the_worked_example():
    # The reference itself is checked against the figures methodology.md prints.
    from tests.claims.test_calculation import (
        AFTER_JANUARY,
        JANUARY,
        WORKED_CONSULTATIONS,
        WORKED_INCIDENTS,
        WORKED_SLOTS,
    )

    inputs = ClaimInputs(
        JANUARY, WORKED_INCIDENTS, WORKED_SLOTS, WORKED_CONSULTATIONS, ABSYM_2024_1, AFTER_JANUARY
    )
    expected = reference_claim(inputs)
    assert expected["declared_seconds"] == 270 * 60
    assert expected["verified_seconds"] == 180 * 60
    assert expected["slot_lost_seconds"] == 145 * 60
    assert expected["catch_up_seconds"] == 11 * 60
    assert expected["total"] == Decimal("302.42")
    assert expected["cited_incidents"] == ("EX-1", "EX-2")


def test_a_result_is_read_only_and_compared_on_its_figures():
    inputs = ClaimInputs(PERIOD, [], [], [], ABSYM_2024_1, moment(0))
    result = compute_claim(inputs)
    assert result == compute_claim(inputs)
    assert hash(result) == hash(compute_claim(inputs))
    with pytest.raises(AttributeError):
        result.total = Decimal("1.00")
    assert result.total == Decimal("0.00")
