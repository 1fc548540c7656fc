"""The worked example of docs/methodology.md as plain data, computed by the real
calculation: the page shows figures the code produced, not figures typed by hand.

The same example, as import files, is in docs/examples/worked-example/.
"""

from datetime import date, datetime
from decimal import Decimal

from claims.calculation import (
    ClaimInputs,
    ClaimResult,
    ConsultationInput,
    IncidentInput,
    MethodologyParams,
    SlotInput,
    compute_claim,
)
from outages.intervals import BRUSSELS, period_window

FIRST_DAY = date(2024, 1, 1)
LAST_DAY = date(2024, 1, 31)
# After the period: every incident of the example has ended, so "now" changes nothing.
COMPUTED_AT = datetime(2024, 2, 1, 12, tzinfo=BRUSSELS)


def _at(hour: int, minute: int = 0) -> datetime:
    """A moment of the example's day, 15 January 2024, Brussels time."""
    return datetime(2024, 1, 15, hour, minute, tzinfo=BRUSSELS)


def _incident(reference, services, start, end, impact, status="confirmed"):
    return IncidentInput(
        reference=reference,
        services=frozenset(services),
        start=start,
        end=end,
        impact=impact,
        status=status,
        title=f"Worked example {reference}",
        source_url=f"https://status.example.org/{reference}",
    )


INCIDENTS = (
    _incident("EX-1", {"recip-e"}, _at(8), _at(10), "major_outage"),
    _incident("EX-2", {"recip-e", "mycarenet"}, _at(9, 30), _at(11), "partial_outage"),
    _incident("EX-3", {"mycarenet"}, _at(14), _at(15), "degraded_performance"),
    _incident("EX-4", {"recip-e"}, _at(16), _at(17), "major_outage", "provisional"),
)

SLOTS = (
    SlotInput(key="S1", start=_at(7, 30), end=_at(10), services=frozenset({"recip-e"})),
    SlotInput(
        key="S2", start=_at(9, 45), end=_at(12), services=frozenset({"recip-e", "mycarenet"})
    ),
)


def _consultation(key, start, duration, services, outcome, fee="31.81", code="101076"):
    return ConsultationInput(
        key=key,
        start=start,
        duration_minutes=duration,
        code=code,
        fee=Decimal(fee),
        services=frozenset(services),
        outcome=outcome,
    )


CONSULTATIONS = (
    _consultation("C1", _at(8, 15), 20, {"recip-e"}, "completed"),
    _consultation("C2", _at(9, 40), 20, {"recip-e", "mycarenet"}, "cancelled"),
    _consultation("C3", _at(10, 30), 15, {"mycarenet"}, "unpaid", fee="36.61", code="101496"),
    _consultation("C4", _at(11, 30), 20, {"recip-e"}, "completed"),
    _consultation("C5", _at(10, 50), 20, {"recip-e", "mycarenet"}, "completed"),
)


def worked_example(params: MethodologyParams) -> ClaimResult:
    """The example's claim for January 2024 under one methodology version."""
    return compute_claim(
        ClaimInputs(
            period=period_window(FIRST_DAY, LAST_DAY),
            incidents=INCIDENTS,
            slots=SLOTS,
            consultations=CONSULTATIONS,
            params=params,
            now=COMPUTED_AT,
        )
    )
