"""An independent reference implementation of docs/methodology.md, for the tests only.

Written from the methodology's text, not from ``claims.calculation``: no bisection, no
merged lists, no shared helpers. Every boundary of the claim (period, incidents, slots,
consultations) cuts the time line into elementary pieces; no boundary falls inside a
piece, so each rule becomes a plain "is this piece covered by ..." question asked
piece by piece. Slow (quadratic) and obviously right is the point.
"""

from __future__ import annotations

import calendar
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal


def seconds(moment: datetime) -> int:
    """Whole seconds since the epoch, through the UTC calendar (not timedelta arithmetic)."""
    return calendar.timegm(moment.utctimetuple())


def _covers(start: int, end: int, piece: tuple[int, int]) -> bool:
    return start <= piece[0] and piece[1] <= end


def reference_claim(inputs) -> dict:
    """Every figure of the claim, each slot's and each consultation's citations."""
    params = inputs.params
    period = (seconds(inputs.period.start), seconds(inputs.period.end))
    now = seconds(inputs.now)

    # Rule 1: counted incidents, ongoing ones ending at "now", clipped to the period.
    counted = []
    for item in inputs.incidents:
        if item.impact not in params.counted_impacts:
            continue
        if item.status not in params.counted_statuses:
            continue
        start = max(seconds(item.start), period[0])
        end = min(now if item.end is None else seconds(item.end), period[1])
        if start < end:
            counted.append((item.reference, item.services, start, end))

    slots = [
        (item, max(seconds(item.start), period[0]), min(seconds(item.end), period[1]))
        for item in inputs.slots
    ]
    consultations = [
        (item, seconds(item.start), seconds(item.start) + 60 * item.duration_minutes)
        for item in inputs.consultations
    ]
    cuts = {*period}
    for _reference, _services, start, end in counted:
        cuts.update((start, end))
    for _item, start, end in (*slots, *consultations):
        cuts.update((start, end))
    ordered = sorted(cuts)
    pieces = [
        (a, b) for a, b in zip(ordered, ordered[1:], strict=False) if period[0] <= a < period[1]
    ]

    def down(service: str, piece: tuple[int, int]) -> bool:
        return any(service in s and _covers(a, b, piece) for _r, s, a, b in counted)

    def meets(service: str, start: int, end: int) -> bool:
        # Rule 4 with rule 12: a positive length of [start, end) lies in U(service).
        return any(start <= p[0] and p[1] <= end and down(service, p) for p in pieces)

    def citing(services, start: int, end: int) -> set[str]:
        # Rule 11: counted (clipped) incidents of a common service meeting [start, end).
        return {
            reference
            for reference, listed, a, b in counted
            if listed & services and max(a, start) < min(b, end)
        }

    # Rules 2 and 3.
    declared = verified = 0
    verified_pieces = []
    for piece in pieces:
        holding = [item for item, start, end in slots if start < end and _covers(start, end, piece)]
        if holding:
            declared += piece[1] - piece[0]
        if any(down(service, piece) for item in holding for service in item.services):
            verified += piece[1] - piece[0]
            verified_pieces.append(piece)

    # Rules 4, 5 and 7.
    rows = {}
    affected = 0
    revenue_loss = Decimal(0)
    catch_up_minutes = 0
    loss_spans = []
    for item, start, end in consultations:
        in_period = period[0] <= start < period[1]
        meeting = sorted(s for s in item.services if in_period and meets(s, start, end))
        loss = Decimal(0)
        catch_up = 0
        if meeting:
            affected += 1
            if item.outcome in params.loss_outcomes:
                loss = item.fee
                loss_spans.append((start, end))
            elif item.outcome == "completed":
                catch_up = sum(params.catch_up_minutes.get(s, 0) for s in meeting)
        revenue_loss += loss
        catch_up_minutes += catch_up
        rows[item.key] = {
            "affected": bool(meeting),
            "affecting_services": tuple(meeting),
            "revenue_loss": loss,
            "catch_up_minutes": catch_up,
            "references": tuple(sorted(citing(item.services, start, end))) if meeting else (),
        }

    # Rule 6: verified time outside every revenue-loss consultation.
    slot_lost = sum(
        b - a
        for a, b in verified_pieces
        if not any(_covers(start, end, (a, b)) for start, end in loss_spans)
    )
    slot_rows = {
        item.key: tuple(sorted(citing(item.services, start, end))) if start < end else ()
        for item, start, end in slots
    }
    cited = set()
    for references in slot_rows.values():
        cited.update(references)
    for row in rows.values():
        cited.update(row["references"])
    lost = slot_lost + 60 * catch_up_minutes
    time_value = (Decimal(lost) * params.hourly_rate / 3600).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return {
        "declared_seconds": declared,
        "verified_seconds": verified,
        "unverified_seconds": declared - verified,
        "slot_lost_seconds": slot_lost,
        "catch_up_seconds": 60 * catch_up_minutes,
        "lost_seconds": lost,
        "time_value": time_value,
        "revenue_loss": revenue_loss,
        "total": time_value + revenue_loss,
        "affected_consultations": affected,
        "cited_incidents": tuple(sorted(cited)),
        "slots": slot_rows,
        "consultations": rows,
    }
