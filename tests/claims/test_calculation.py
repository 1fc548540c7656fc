"""The claim calculation against methodology.md: the worked example, one test per rule,
and properties checked by hypothesis against a minute-by-minute recount."""

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.calculation import (
    ABSYM_2024_1,
    ClaimInputs,
    ConsultationInput,
    ConsultationReason,
    IncidentInput,
    SlotInput,
    claim_summary_dict,
    compute_claim,
    unavailability_by_service,
)
from outages.intervals import BRUSSELS, month_window, period_window

EXPECTED_SUMMARY = (
    Path(__file__).resolve().parents[2]
    / "docs"
    / "examples"
    / "worked-example"
    / "expected-claim-summary.json"
)

MINUTE = 60
HOUR = 3600
JANUARY = period_window(date(2024, 1, 1), date(2024, 1, 31))
AFTER_JANUARY = datetime(2024, 2, 1, 12, tzinfo=BRUSSELS)


def at(hour, minute=0, second=0, *, day=15, month=1, year=2024):
    return datetime(year, month, day, hour, minute, second, tzinfo=BRUSSELS)


def incident(reference, services, start, end, impact="major_outage", status="confirmed"):
    return IncidentInput(
        reference=reference,
        services=frozenset(services),
        start=start,
        end=end,
        impact=impact,
        status=status,
        title=f"Incident {reference}",
        source_url=f"https://status.example.org/{reference}",
    )


def slot(key, start, end, services):
    return SlotInput(key=key, start=start, end=end, services=frozenset(services))


def consultation(key, start, duration, services, outcome="completed", fee="31.81", code="101076"):
    return ConsultationInput(
        key=key,
        start=start,
        duration_minutes=duration,
        code=code,
        fee=Decimal(fee),
        services=frozenset(services),
        outcome=outcome,
    )


def claim(
    incidents=(),
    slots=(),
    consultations=(),
    *,
    period=JANUARY,
    now=AFTER_JANUARY,
    params=ABSYM_2024_1,
):
    return compute_claim(
        ClaimInputs(
            period=period,
            incidents=incidents,
            slots=slots,
            consultations=consultations,
            params=params,
            now=now,
        )
    )


def brussels(interval):
    return interval.start.astimezone(BRUSSELS), interval.end.astimezone(BRUSSELS)


# --- the worked example of methodology.md ------------------------------------------------

WORKED_INCIDENTS = [
    incident("EX-1", {"recip-e"}, at(8), at(10), "major_outage"),
    incident("EX-2", {"recip-e", "mycarenet"}, at(9, 30), at(11), "partial_outage"),
    incident("EX-3", {"mycarenet"}, at(14), at(15), "degraded_performance"),
    incident("EX-4", {"recip-e"}, at(16), at(17), "major_outage", "provisional"),
]
WORKED_SLOTS = [
    slot("S1", at(7, 30), at(10), {"recip-e"}),
    slot("S2", at(9, 45), at(12), {"recip-e", "mycarenet"}),
]
WORKED_CONSULTATIONS = [
    consultation("C1", at(8, 15), 20, {"recip-e"}, "completed"),
    consultation("C2", at(9, 40), 20, {"recip-e", "mycarenet"}, "cancelled"),
    consultation("C3", at(10, 30), 15, {"mycarenet"}, "unpaid", fee="36.61", code="101496"),
    consultation("C4", at(11, 30), 20, {"recip-e"}, "completed"),
    consultation("C5", at(10, 50), 20, {"recip-e", "mycarenet"}, "completed"),
]


@pytest.fixture
def worked_example():
    return claim(WORKED_INCIDENTS, WORKED_SLOTS, WORKED_CONSULTATIONS)


def test_worked_example_gives_every_figure_of_the_methodology(worked_example):
    result = worked_example
    assert result.declared_minutes == 270
    assert result.verified_minutes == 180
    assert result.unverified_minutes == 90
    assert result.slot_lost_minutes == 145
    assert result.catch_up_minutes == 11
    assert result.lost_minutes == 156
    assert result.lost_seconds == 156 * MINUTE
    assert result.time_value == Decimal("234.00")
    assert result.revenue_loss == Decimal("68.42")
    assert result.total == Decimal("302.42")
    assert result.affected_consultations == 4
    assert result.cited_incidents == ("EX-1", "EX-2")
    assert result.methodology == "ABSyM-2024.1"


def test_worked_example_unavailability_and_verified_time(worked_example):
    recip_e = worked_example.unavailability["recip-e"]
    mycarenet = worked_example.unavailability["mycarenet"]
    assert [brussels(piece) for piece in recip_e] == [(at(8), at(11))]
    assert [brussels(piece) for piece in mycarenet] == [(at(9, 30), at(11))]
    assert [brussels(piece) for piece in worked_example.verified_intervals] == [(at(8), at(11))]


def test_worked_example_slot_breakdown(worked_example):
    s1, s2 = worked_example.slot_breakdown
    assert s1.key == "S1"
    assert brussels(s1.interval) == (at(7, 30), at(10))
    assert [brussels(piece.interval) for piece in s1.verified] == [(at(8), at(10))]
    assert [piece.references for piece in s1.verified] == [("EX-1", "EX-2")]
    assert [brussels(piece) for piece in s1.unverified] == [(at(7, 30), at(8))]
    assert s1.references == ("EX-1", "EX-2")
    assert [brussels(piece.interval) for piece in s2.verified] == [(at(9, 45), at(11))]
    assert [brussels(piece) for piece in s2.unverified] == [(at(11), at(12))]
    assert s2.references == ("EX-1", "EX-2")


def test_worked_example_consultation_breakdown(worked_example):
    rows = {row.key: row for row in worked_example.consultation_breakdown}
    assert [row.key for row in worked_example.consultation_breakdown] == [
        "C1",
        "C2",
        "C3",
        "C4",
        "C5",
    ]
    assert rows["C1"].reason == ConsultationReason.CATCH_UP
    assert rows["C1"].catch_up_minutes == 3
    assert rows["C2"].reason == "loss"
    assert rows["C2"].revenue_loss == Decimal("31.81")
    assert rows["C2"].affecting_services == ("mycarenet", "recip-e")
    assert rows["C3"].reason == "loss"
    assert rows["C3"].revenue_loss == Decimal("36.61")
    assert rows["C3"].references == ("EX-2",)
    assert rows["C4"].reason == "not_affected"
    assert rows["C4"].affected is False
    assert rows["C4"].references == ()
    assert rows["C5"].reason == "catch_up"
    assert rows["C5"].catch_up_minutes == 8
    assert rows["C5"].affecting_services == ("mycarenet", "recip-e")
    assert brussels(rows["C5"].interval) == (at(10, 50), at(11, 10))


def test_worked_example_summary_is_the_expected_json(worked_example):
    expected = json.loads(EXPECTED_SUMMARY.read_text(encoding="utf-8"))
    summary = claim_summary_dict(
        worked_example,
        riziv="12345678004",
        first_day=date(2024, 1, 1),
        last_day=date(2024, 1, 31),
    )
    assert summary == expected
    assert list(summary) == list(expected)  # key order is part of the interface
    assert json.loads(json.dumps(summary)) == expected


def test_reused_unavailability_gives_the_same_claim(worked_example):
    inputs = ClaimInputs(
        JANUARY, WORKED_INCIDENTS, WORKED_SLOTS, WORKED_CONSULTATIONS, ABSYM_2024_1, AFTER_JANUARY
    )
    shared = unavailability_by_service(WORKED_INCIDENTS, JANUARY, ABSYM_2024_1, AFTER_JANUARY)
    assert compute_claim(inputs, shared) == worked_example
    assert shared.services == frozenset({"recip-e", "mycarenet"})


def test_unavailability_built_for_another_period_is_refused():
    february = month_window(2024, 2)
    shared = unavailability_by_service(WORKED_INCIDENTS, february, ABSYM_2024_1, AFTER_JANUARY)
    inputs = ClaimInputs(JANUARY, WORKED_INCIDENTS, WORKED_SLOTS, (), ABSYM_2024_1, AFTER_JANUARY)
    with pytest.raises(ValueError, match="period"):
        compute_claim(inputs, shared)


# --- rule 1: unavailability --------------------------------------------------------------


def test_rule_1_overlapping_incidents_are_merged_not_summed():
    result = claim(
        [
            incident("A", {"recip-e"}, at(8), at(10)),
            incident("B", {"recip-e"}, at(9), at(11)),
        ],
        [slot("S", at(7), at(12), {"recip-e"})],
    )
    assert result.verified_seconds == 3 * HOUR
    assert [brussels(piece) for piece in result.unavailability["recip-e"]] == [(at(8), at(11))]


@pytest.mark.parametrize(
    ("impact", "status"),
    [
        ("degraded_performance", "confirmed"),
        ("maintenance", "confirmed"),
        ("major_outage", "provisional"),
        ("partial_outage", "provisional"),
    ],
)
def test_rule_1_ignores_impacts_and_statuses_not_counted(impact, status):
    result = claim(
        [incident("X", {"recip-e"}, at(8), at(10), impact, status)],
        [slot("S", at(8), at(10), {"recip-e"})],
        [consultation("C", at(8), 20, {"recip-e"}, "cancelled")],
    )
    assert result.verified_seconds == 0
    assert result.unverified_seconds == 2 * HOUR
    assert result.revenue_loss == Decimal("0.00")
    assert result.cited_incidents == ()


def test_rule_1_counts_what_the_methodology_version_counts():
    lenient = dataclasses.replace(
        ABSYM_2024_1,
        version="test",
        counted_impacts=frozenset({"degraded_performance"}),
        counted_statuses=frozenset({"confirmed", "provisional"}),
    )
    result = claim(
        [incident("X", {"recip-e"}, at(8), at(9), "degraded_performance", "provisional")],
        [slot("S", at(8), at(10), {"recip-e"})],
        params=lenient,
    )
    assert result.verified_seconds == HOUR
    assert result.methodology == "test"


def test_rule_1_an_ongoing_incident_ends_at_now():
    ongoing = incident("LIVE", {"recip-e"}, at(9), None)
    slots = [slot("S", at(8), at(12), {"recip-e"})]
    assert claim([ongoing], slots, now=at(10, 30)).verified_seconds == 90 * MINUTE
    # Still ongoing at the end of the period: it counts until the period ends.
    assert claim([ongoing], slots, now=AFTER_JANUARY).verified_seconds == 3 * HOUR


def test_rule_1_an_ongoing_incident_that_starts_after_now_counts_nothing():
    result = claim([incident("LIVE", {"recip-e"}, at(11), None)], [], now=at(10))
    assert result.unavailability == {}


def test_rule_1_incidents_are_clipped_to_the_period():
    # New Year's Eve 22:00 to 02:00: only the two hours inside January count.
    overnight = incident("NY", {"recip-e"}, at(22, day=31, month=12, year=2023), at(2, day=1))
    result = claim(
        [overnight], [slot("S", at(22, day=31, month=12, year=2023), at(3, day=1), {"recip-e"})]
    )
    assert result.verified_seconds == 2 * HOUR
    assert [brussels(piece) for piece in result.unavailability["recip-e"]] == [
        (at(0, day=1), at(2, day=1))
    ]


# --- rule 2: verified time ---------------------------------------------------------------


def test_rule_2_overlapping_slots_are_not_counted_twice():
    result = claim(
        [incident("A", {"recip-e"}, at(8), at(11))],
        [
            slot("S1", at(8), at(10), {"recip-e"}),
            slot("S2", at(9), at(11), {"recip-e"}),
            slot("S3", at(9), at(11), {"recip-e"}),  # declared twice, e.g. an import mistake
        ],
    )
    assert result.verified_seconds == 3 * HOUR
    assert result.declared_seconds == 3 * HOUR


def test_rule_2_only_the_slot_services_count():
    result = claim(
        [incident("A", {"recip-e"}, at(8), at(11))],
        [slot("S", at(8), at(10), {"mycarenet"})],
    )
    assert result.verified_seconds == 0
    assert result.unverified_seconds == 2 * HOUR


def test_rule_2_a_slot_takes_the_union_of_its_services():
    result = claim(
        [
            incident("A", {"recip-e"}, at(8), at(10)),
            incident("B", {"mycarenet"}, at(9), at(11)),
        ],
        [slot("S", at(7), at(12), {"recip-e", "mycarenet"})],
    )
    assert result.verified_seconds == 3 * HOUR
    assert [brussels(piece.interval) for piece in result.slot_breakdown[0].verified] == [
        (at(8), at(11))
    ]


def test_rule_2_slots_are_clipped_to_the_period_first():
    last_evening = slot("S", at(23, day=31), at(1, day=1, month=2), {"recip-e"})
    outside = slot("OUT", at(2, day=1, month=2), at(3, day=1, month=2), {"recip-e"})
    result = claim(
        [incident("A", {"recip-e"}, at(22, day=31), at(4, day=1, month=2))],
        [last_evening, outside],
    )
    assert result.declared_seconds == HOUR
    assert result.verified_seconds == HOUR
    rows = result.slot_breakdown
    assert brussels(rows[0].interval) == (at(23, day=31), at(0, day=1, month=2))
    assert rows[1].interval is None
    assert rows[1].verified == ()


# --- rule 3: declared and unverified -----------------------------------------------------


def test_rule_3_declared_is_the_union_of_slots_and_unverified_the_rest():
    result = claim(
        [incident("A", {"recip-e"}, at(9), at(10))],
        [
            slot("S1", at(8), at(10), {"recip-e"}),
            slot("S2", at(9, 30), at(11), {"recip-e"}),
        ],
    )
    assert result.declared_seconds == 3 * HOUR
    assert result.verified_seconds == HOUR
    assert result.unverified_seconds == 2 * HOUR
    # Unverified time is never paid.
    assert result.time_value == Decimal("90.00")


# --- rule 4: affected consultations ------------------------------------------------------


def test_rule_4_a_consultation_meeting_the_unavailability_is_affected():
    result = claim(
        [incident("A", {"recip-e"}, at(8), at(9))],
        [],
        [
            consultation("IN", at(8, 50), 20, {"recip-e"}, "cancelled"),
            consultation("OTHER", at(8, 10), 20, {"mycarenet"}, "cancelled"),
        ],
    )
    assert result.affected_consultations == 1
    assert result.revenue_loss == Decimal("31.81")


def test_rule_4_consultations_starting_outside_the_period_are_ignored():
    # The incident covers both sides of the period start.
    result = claim(
        [incident("A", {"recip-e"}, at(23, day=31, month=12, year=2023), at(1, day=1))],
        [],
        [
            # Starts in December and runs into January, when recip-e is down: ignored.
            consultation(
                "DEC", at(23, 50, day=31, month=12, year=2023), 30, {"recip-e"}, "cancelled"
            ),
            consultation("JAN", at(0, 10, day=1), 20, {"recip-e"}, "cancelled"),
        ],
    )
    assert result.affected_consultations == 1
    assert result.revenue_loss == Decimal("31.81")
    reasons = {row.key: row.reason for row in result.consultation_breakdown}
    assert reasons == {"DEC": "outside_period", "JAN": "loss"}


def test_rule_4_a_consultation_starting_at_the_period_end_is_outside():
    result = claim(
        [incident("A", {"recip-e"}, at(23, day=31), None)],
        [],
        [
            consultation("LAST", at(23, 59, day=31), 20, {"recip-e"}, "cancelled"),
            consultation("NEXT", at(0, day=1, month=2), 20, {"recip-e"}, "cancelled"),
        ],
    )
    assert result.affected_consultations == 1
    assert [row.reason for row in result.consultation_breakdown] == ["loss", "outside_period"]


# --- rule 5: revenue loss ----------------------------------------------------------------


def test_rule_5_revenue_loss_is_the_fees_of_affected_cancelled_and_unpaid():
    down = [incident("A", {"recip-e"}, at(8), at(12))]
    result = claim(
        down,
        [],
        [
            consultation("CANCELLED", at(8), 20, {"recip-e"}, "cancelled", fee="31.81"),
            consultation("UNPAID", at(9), 15, {"recip-e"}, "unpaid", fee="36.61"),
            consultation("POSTPONED", at(10), 20, {"recip-e"}, "postponed", fee="31.81"),
            consultation("COMPLETED", at(11), 20, {"recip-e"}, "completed", fee="31.81"),
            consultation("LATER", at(13), 20, {"recip-e"}, "cancelled", fee="31.81"),
        ],
    )
    assert result.revenue_loss == Decimal("68.42")
    reasons = {row.key: row.reason for row in result.consultation_breakdown}
    assert reasons["POSTPONED"] == ConsultationReason.AFFECTED_NO_COMPENSATION
    assert reasons["LATER"] == ConsultationReason.NOT_AFFECTED
    assert result.affected_consultations == 4


# --- rule 6: slot lost time --------------------------------------------------------------


def test_rule_6_the_time_of_revenue_loss_consultations_is_not_paid_twice():
    result = claim(
        [incident("A", {"recip-e"}, at(8), at(10))],
        [slot("S", at(8), at(10), {"recip-e"})],
        [
            consultation("C1", at(8), 20, {"recip-e"}, "cancelled"),
            # Overlaps C1 by ten minutes: the hole is their union, 30 minutes, not 40.
            consultation("C2", at(8, 10), 20, {"recip-e"}, "unpaid"),
            # Completed and postponed consultations keep their slot time.
            consultation("C3", at(9), 20, {"recip-e"}, "completed"),
            consultation("C4", at(9, 30), 20, {"recip-e"}, "postponed"),
        ],
    )
    assert result.verified_seconds == 120 * MINUTE
    assert result.slot_lost_seconds == 90 * MINUTE


def test_rule_6_a_loss_consultation_outside_verified_time_takes_nothing_off():
    result = claim(
        [incident("A", {"recip-e", "mycarenet"}, at(8), at(10))],
        [slot("S", at(8), at(10), {"recip-e"})],
        [consultation("C", at(10, 30), 20, {"mycarenet"}, "cancelled")],
    )
    assert result.slot_lost_seconds == 120 * MINUTE


# --- rule 7: catch-up --------------------------------------------------------------------


def test_rule_7_catch_up_counts_each_needed_service_whose_unavailability_meets():
    result = claim(
        [
            incident("A", {"recip-e", "hubs"}, at(8), at(9)),
            incident("B", {"mycarenet"}, at(10), at(11)),
        ],
        [],
        [
            # Needs recip-e (down) and mycarenet (up at that time): 3 minutes only.
            consultation("C1", at(8, 30), 20, {"recip-e", "mycarenet"}, "completed"),
            # A service without a catch-up parameter counts 0.
            consultation("C2", at(8, 30), 20, {"hubs"}, "completed"),
            # A cancelled consultation gets its fee, not catch-up.
            consultation("C3", at(10, 30), 20, {"mycarenet"}, "cancelled"),
        ],
    )
    assert result.catch_up_seconds == 3 * MINUTE
    rows = {row.key: row for row in result.consultation_breakdown}
    assert rows["C1"].catch_up_minutes == 3
    assert rows["C1"].affecting_services == ("recip-e",)
    assert rows["C2"].affected is True
    assert rows["C2"].reason == ConsultationReason.AFFECTED_NO_COMPENSATION
    assert rows["C3"].catch_up_minutes == 0


# --- rule 8: lost time -------------------------------------------------------------------


def test_rule_8_lost_time_is_slot_lost_time_plus_catch_up():
    result = claim(
        [incident("A", {"mycarenet"}, at(8), at(9))],
        [slot("S", at(8), at(9), {"mycarenet"})],
        [consultation("C", at(8, 40), 10, {"mycarenet"}, "completed")],
    )
    assert result.slot_lost_seconds == HOUR
    assert result.catch_up_seconds == 5 * MINUTE
    assert result.lost_seconds == 65 * MINUTE
    assert result.lost_minutes == 65


# --- rule 9: money -----------------------------------------------------------------------


def test_rule_9_time_value_is_rounded_half_up_once():
    # One second at 90 EUR/h is 0.025 EUR: half-up gives 0.03 (half-even would give 0.02).
    result = claim(
        [incident("A", {"recip-e"}, at(8), at(8, 0, 1))],
        [slot("S", at(8), at(9), {"recip-e"})],
    )
    assert result.lost_seconds == 1
    assert result.time_value == Decimal("0.03")
    # Three one-second pieces are 0.075 EUR → 0.08; rounding each piece would give 0.09.
    result = claim(
        [
            incident("A", {"recip-e"}, at(8), at(8, 0, 1)),
            incident("B", {"recip-e"}, at(8, 10), at(8, 10, 1)),
            incident("C", {"recip-e"}, at(8, 20), at(8, 20, 1)),
        ],
        [
            slot(key, at(8, minute), at(8, minute + 5), {"recip-e"})
            for key, minute in [("S1", 0), ("S2", 10), ("S3", 20)]
        ],
    )
    assert result.lost_seconds == 3
    assert result.time_value == Decimal("0.08")


def test_rule_9_total_is_time_value_plus_revenue_loss():
    result = claim(
        [incident("A", {"recip-e"}, at(8), at(9))],
        [slot("S", at(8), at(9), {"recip-e"})],
        [consultation("C", at(8, 30), 20, {"recip-e"}, "unpaid", fee="36.61")],
    )
    assert result.time_value == Decimal("60.00")  # 40 minutes at 90 EUR/h
    assert result.total == Decimal("96.61")
    assert str(result.total) == "96.61"


def test_rule_9_uses_the_hourly_rate_of_the_methodology():
    dearer = dataclasses.replace(ABSYM_2024_1, version="test", hourly_rate=Decimal("100.00"))
    result = claim(
        [incident("A", {"recip-e"}, at(8), at(9))],
        [slot("S", at(8), at(8, 7), {"recip-e"})],
        params=dearer,
    )
    assert result.time_value == Decimal("11.67")  # 7 × 100 / 60 = 11.666…
    summary = claim_summary_dict(
        result, riziv="12345678004", first_day=date(2024, 1, 1), last_day=date(2024, 1, 31)
    )
    assert summary["hourly_rate"] == "100.00"


# --- rule 10: minutes --------------------------------------------------------------------


def test_rule_10_each_figure_is_rounded_from_its_own_seconds():
    # declared 89 s, verified 30 s, unverified 59 s: 1 min each, although 1 ≠ 1 + 1.
    result = claim(
        [incident("A", {"recip-e"}, at(8, 0, 59), at(8, 1, 29))],
        [slot("S", at(8), at(8, 1, 29), {"recip-e"})],
    )
    assert (result.declared_seconds, result.verified_seconds, result.unverified_seconds) == (
        89,
        30,
        59,
    )
    assert result.declared_minutes == 1
    assert result.verified_minutes == 1  # 0.5 min rounds up
    assert result.unverified_minutes == 1


# --- rule 11: cited incidents ------------------------------------------------------------


def test_rule_11_an_incident_is_cited_by_a_slot_of_a_common_service():
    result = claim(
        [
            incident("BOTH", {"recip-e", "mycarenet"}, at(8), at(9)),
            incident("OTHER-SERVICE", {"dmg"}, at(8), at(9)),
            incident("NOT-COUNTED", {"recip-e"}, at(8), at(9), "maintenance"),
            incident("ELSEWHEN", {"recip-e"}, at(14), at(15)),
        ],
        [slot("S", at(8), at(10), {"recip-e"})],
    )
    assert result.cited_incidents == ("BOTH",)


def test_rule_11_an_incident_is_cited_by_an_affected_consultation():
    result = claim(
        [
            incident("NEEDED", {"mycarenet"}, at(8), at(9)),
            incident("NOT-NEEDED", {"dmg"}, at(8), at(9)),
        ],
        [],
        [consultation("C", at(8, 30), 20, {"mycarenet"}, "postponed")],
    )
    assert result.cited_incidents == ("NEEDED",)
    assert result.consultation_breakdown[0].references == ("NEEDED",)


def test_rule_11_only_the_part_inside_the_period_can_cite():
    # The incident runs past the end of January; the slot is in February only.
    result = claim(
        [incident("LATE", {"recip-e"}, at(22, day=31), at(4, day=1, month=2))],
        [slot("S", at(1, day=1, month=2), at(2, day=1, month=2), {"recip-e"})],
    )
    assert result.cited_incidents == ()


def test_rule_11_each_verified_piece_names_its_incidents():
    result = claim(
        [
            incident("A", {"recip-e"}, at(8), at(9)),
            incident("B", {"recip-e"}, at(8, 30), at(9, 30)),
            incident("C", {"recip-e"}, at(11), at(12)),
        ],
        [slot("S", at(8), at(12), {"recip-e"})],
    )
    pieces = result.slot_breakdown[0].verified
    assert [(brussels(piece.interval), piece.references) for piece in pieces] == [
        ((at(8), at(9, 30)), ("A", "B")),
        ((at(11), at(12)), ("C",)),
    ]


# --- rule 12: half-open intervals --------------------------------------------------------


def test_rule_12_an_incident_ending_at_1045_does_not_meet_a_consultation_at_1045():
    result = claim(
        [incident("A", {"recip-e"}, at(8), at(10, 45))],
        [slot("S", at(10, 45), at(11), {"recip-e"})],
        [consultation("C", at(10, 45), 20, {"recip-e"}, "cancelled")],
    )
    assert result.affected_consultations == 0
    assert result.revenue_loss == Decimal("0.00")
    assert result.verified_seconds == 0
    assert result.cited_incidents == ()


def test_rule_12_one_minute_earlier_does_meet():
    result = claim(
        [incident("A", {"recip-e"}, at(8), at(10, 45))],
        [],
        [consultation("C", at(10, 44), 20, {"recip-e"}, "cancelled")],
    )
    assert result.affected_consultations == 1


# --- DST ---------------------------------------------------------------------------------


def test_it_handles_a_period_on_the_spring_forward_night():
    day = date(2024, 3, 31)
    period = period_window(day, day)
    result = claim(
        [incident("A", {"recip-e"}, at(0, day=30, month=3), at(0, day=2, month=4))],
        [
            slot("DAY", at(0, day=31, month=3), at(0, day=1, month=4), {"recip-e"}),
            # 01:30 to 03:30 on the wall clock is one hour that night.
            slot("NIGHT", at(1, 30, day=31, month=3), at(3, 30, day=31, month=3), {"recip-e"}),
        ],
        period=period,
        now=at(12, day=1, month=4),
    )
    assert result.declared_seconds == 23 * HOUR
    assert result.verified_seconds == 23 * HOUR
    assert result.slot_breakdown[1].interval.seconds == HOUR


def test_it_handles_a_period_on_the_fall_back_night():
    day = date(2024, 10, 27)
    result = claim(
        [incident("A", {"recip-e"}, at(1, day=27, month=10), at(4, day=27, month=10))],
        [slot("NIGHT", at(0, day=27, month=10), at(12, day=27, month=10), {"recip-e"})],
        period=period_window(day, day),
        now=at(12, day=28, month=10),
    )
    assert result.verified_seconds == 4 * HOUR  # 01:00-04:00 holds 02:00-03:00 twice
    assert result.declared_seconds == 13 * HOUR


def test_a_claim_period_of_march_2024_has_743_hours():
    march = month_window(2024, 3)
    result = claim(
        [incident("A", {"recip-e"}, at(0, day=1, month=2), None)],
        [slot("ALL", at(0, day=1, month=2), at(0, day=1, month=5), {"recip-e"})],
        period=march,
        now=at(0, day=1, month=5),
    )
    assert result.declared_seconds == 743 * HOUR
    assert result.verified_seconds == 743 * HOUR
    assert result.time_value == Decimal("66870.00")  # 743 h × 90 EUR


# --- inputs ------------------------------------------------------------------------------


def test_inputs_reject_naive_datetimes():
    with pytest.raises(ValueError, match="timezone-aware"):
        incident("A", {"recip-e"}, datetime(2024, 1, 15, 8), at(9))
    with pytest.raises(ValueError, match="timezone-aware"):
        slot("S", at(8), datetime(2024, 1, 15, 9), {"recip-e"})
    with pytest.raises(ValueError, match="timezone-aware"):
        ClaimInputs(JANUARY, (), (), (), ABSYM_2024_1, datetime(2024, 2, 1))


def test_inputs_reject_a_float_fee():
    with pytest.raises(TypeError, match="never a float"):
        ConsultationInput("C", at(8), 20, "101076", 31.81, frozenset({"recip-e"}), "cancelled")


def test_inputs_reject_an_incident_ending_before_it_starts():
    with pytest.raises(ValueError, match="ends before"):
        incident("A", {"recip-e"}, at(9), at(8))


def test_the_default_methodology_matches_the_document():
    assert ABSYM_2024_1.version == "ABSyM-2024.1"
    assert ABSYM_2024_1.hourly_rate == Decimal("90.00")
    assert ABSYM_2024_1.counted_impacts == {"major_outage", "partial_outage"}
    assert ABSYM_2024_1.counted_statuses == {"confirmed"}
    assert ABSYM_2024_1.loss_outcomes == {"cancelled", "unpaid"}
    assert dict(ABSYM_2024_1.catch_up_minutes) == {
        "recip-e": 3,
        "mycarenet": 5,
        "dmg": 5,
        "tiers-payant": 5,
        "eattest": 5,
    }
    assert hash(ABSYM_2024_1) == hash(dataclasses.replace(ABSYM_2024_1))


# --- properties --------------------------------------------------------------------------
# Everything happens in whole minutes around the 31 March 2024 DST night, so a
# minute-by-minute recount of the rules (below) is an independent oracle.

BASE = datetime(2024, 3, 30, 20, tzinfo=UTC)
PROPERTY_PERIOD = period_window(date(2024, 3, 31), date(2024, 3, 31))
SPAN_MINUTES = 30 * 60
SERVICES = ["recip-e", "mycarenet", "dmg", "hubs"]
IMPACTS = ["major_outage", "partial_outage", "degraded_performance", "maintenance"]
OUTCOMES = ["completed", "postponed", "cancelled", "unpaid"]


def minute(offset):
    return (BASE + timedelta(minutes=offset)).astimezone(BRUSSELS)


service_sets = st.frozensets(st.sampled_from(SERVICES), min_size=1, max_size=3)


@st.composite
def incidents_(draw, reference):
    start = draw(st.integers(0, SPAN_MINUTES))
    ongoing = draw(st.integers(0, 9)) == 0
    end = None if ongoing else minute(start + draw(st.integers(0, 300)))
    return incident(
        reference,
        draw(service_sets),
        minute(start),
        end,
        draw(st.sampled_from(IMPACTS)),
        draw(st.sampled_from(["confirmed", "confirmed", "provisional"])),
    )


@st.composite
def slots_(draw, key):
    start = draw(st.integers(0, SPAN_MINUTES))
    return slot(key, minute(start), minute(start + draw(st.integers(0, 240))), draw(service_sets))


@st.composite
def consultations_(draw, key):
    return consultation(
        key,
        minute(draw(st.integers(0, SPAN_MINUTES))),
        draw(st.integers(0, 45)),
        draw(service_sets),
        draw(st.sampled_from(OUTCOMES)),
        fee=draw(st.sampled_from(["31.81", "36.61", "0.00", "12.34"])),
    )


@st.composite
def scenarios(draw):
    incident_count = draw(st.integers(0, 8))
    slot_count = draw(st.integers(0, 6))
    consultation_count = draw(st.integers(0, 8))
    return ClaimInputs(
        period=PROPERTY_PERIOD,
        incidents=[draw(incidents_(f"I{index}")) for index in range(incident_count)],
        slots=[draw(slots_(f"S{index}")) for index in range(slot_count)],
        consultations=[draw(consultations_(f"C{index}")) for index in range(consultation_count)],
        params=ABSYM_2024_1,
        now=minute(draw(st.integers(0, SPAN_MINUTES + 300))),
    )


def minutes_of(start, end):
    """The set of whole minutes since the epoch in [start, end)."""
    return set(range(int(start.timestamp()) // 60, int(end.timestamp()) // 60))


def recount(inputs):
    """The rules of methodology.md applied naively to sets of minutes."""
    params = inputs.params
    period = minutes_of(inputs.period.start, inputs.period.end)
    unavailable = {}
    for item in inputs.incidents:
        if item.impact in params.counted_impacts and item.status in params.counted_statuses:
            covered = minutes_of(item.start, item.end or inputs.now) & period
            for service in item.services:
                unavailable.setdefault(service, set()).update(covered)
    declared, verified = set(), set()
    for item in inputs.slots:
        covered = minutes_of(item.start, item.end) & period
        declared |= covered
        for service in item.services:
            verified |= covered & unavailable.get(service, set())
    affected, loss_minutes, revenue_loss, catch_up = 0, set(), Decimal(0), 0
    meetings = []  # (minutes, services) of every slot and affected consultation
    for item in inputs.slots:
        meetings.append((minutes_of(item.start, item.end) & period, item.services))
    for item in inputs.consultations:
        if int(item.start.timestamp()) // 60 not in period:
            continue
        covered = minutes_of(item.start, item.start + timedelta(minutes=item.duration_minutes))
        meeting = [s for s in item.services if covered & unavailable.get(s, set())]
        if not meeting:
            continue
        affected += 1
        meetings.append((covered, item.services))
        if item.outcome in params.loss_outcomes:
            revenue_loss += item.fee
            loss_minutes |= covered
        elif item.outcome == "completed":
            catch_up += sum(params.catch_up_minutes.get(s, 0) for s in meeting)
    lost = len(verified - loss_minutes) + catch_up
    cited = set()
    for item in inputs.incidents:
        if item.impact in params.counted_impacts and item.status in params.counted_statuses:
            covered = minutes_of(item.start, item.end or inputs.now) & period
            if any(covered & met and item.services & needed for met, needed in meetings):
                cited.add(item.reference)
    return {
        "cited": tuple(sorted(cited)),
        "declared": len(declared) * MINUTE,
        "verified": len(verified) * MINUTE,
        "slot_lost": len(verified - loss_minutes) * MINUTE,
        "catch_up": catch_up * MINUTE,
        "affected": affected,
        "revenue_loss": revenue_loss,
        "time_value": (Decimal(lost) * params.hourly_rate / 60).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        ),
    }


@settings(max_examples=300)
@given(scenarios())
def test_it_agrees_with_a_minute_by_minute_recount(inputs):
    result = compute_claim(inputs)
    expected = recount(inputs)
    assert result.declared_seconds == expected["declared"]
    assert result.verified_seconds == expected["verified"]
    assert result.slot_lost_seconds == expected["slot_lost"]
    assert result.catch_up_seconds == expected["catch_up"]
    assert result.affected_consultations == expected["affected"]
    assert result.revenue_loss == expected["revenue_loss"]
    assert result.time_value == expected["time_value"]
    assert result.cited_incidents == expected["cited"]


@given(scenarios())
def test_verified_time_never_exceeds_declared_time(inputs):
    result = compute_claim(inputs)
    assert 0 <= result.verified_seconds <= result.declared_seconds
    assert result.unverified_seconds == result.declared_seconds - result.verified_seconds
    assert 0 <= result.slot_lost_seconds <= result.verified_seconds


@given(scenarios(), st.randoms())
def test_input_order_changes_nothing(inputs, random):
    shuffled = {}
    for name in ("incidents", "slots", "consultations"):
        items = list(getattr(inputs, name))
        random.shuffle(items)
        shuffled[name] = items
    result = compute_claim(inputs)
    other = compute_claim(dataclasses.replace(inputs, **shuffled))
    assert other == result
    assert other.unavailability == result.unavailability
    assert sorted(other.consultation_breakdown, key=lambda row: row.key) == sorted(
        result.consultation_breakdown, key=lambda row: row.key
    )
    assert sorted(other.slot_breakdown, key=lambda row: row.key) == sorted(
        result.slot_breakdown, key=lambda row: row.key
    )


@given(scenarios())
def test_a_non_loss_outcome_never_adds_revenue_loss(inputs):
    result = compute_claim(inputs)
    for row in result.consultation_breakdown:
        if row.outcome not in ABSYM_2024_1.loss_outcomes:
            assert row.revenue_loss == 0
    assert result.revenue_loss == sum(row.revenue_loss for row in result.consultation_breakdown)
    # Turning every consultation into a non-loss outcome leaves no revenue loss at all.
    completed = [dataclasses.replace(item, outcome="completed") for item in inputs.consultations]
    postponed = [dataclasses.replace(item, outcome="postponed") for item in inputs.consultations]
    for consultations in (completed, postponed):
        changed = compute_claim(dataclasses.replace(inputs, consultations=consultations))
        assert changed.revenue_loss == Decimal("0.00")


@given(scenarios(), incidents_("EXTRA"))
def test_adding_an_incident_never_lowers_verified_time(inputs, extra):
    before = compute_claim(inputs)
    after = compute_claim(dataclasses.replace(inputs, incidents=[*inputs.incidents, extra]))
    assert after.verified_seconds >= before.verified_seconds
    assert after.affected_consultations >= before.affected_consultations
    assert set(before.cited_incidents) <= set(after.cited_incidents)


@given(scenarios())
def test_total_is_time_value_plus_revenue_loss(inputs):
    result = compute_claim(inputs)
    assert result.total == result.time_value + result.revenue_loss
    assert result.time_value == (Decimal(result.lost_seconds) * Decimal("90.00") / 3600).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )
    assert result.total.as_tuple().exponent == -2


@given(scenarios())
def test_every_cited_incident_is_counted_and_meets_a_declaration(inputs):
    result = compute_claim(inputs)
    by_reference = {item.reference: item for item in inputs.incidents}
    cited_by_rows = {
        reference
        for row in (*result.slot_breakdown, *result.consultation_breakdown)
        for reference in row.references
    }
    assert set(result.cited_incidents) == cited_by_rows
    for reference in result.cited_incidents:
        item = by_reference[reference]
        assert item.impact in ABSYM_2024_1.counted_impacts
        assert item.status in ABSYM_2024_1.counted_statuses
