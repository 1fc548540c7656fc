"""What a reviewer reads under the flags: the frozen slots and consultations of a claim, row
by row, each marked with the flag it is evidence for. Pure (the snapshot in, rows out), so
the review page shows them without a query, and the rows agree with ``claims.review.flags`` because
they call its rules rather than repeat them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from claims.review.flags import meets_any, slot_at_night_or_weekend
from claims.snapshot import parse_iso
from outages.intervals import BRUSSELS


@dataclass(frozen=True)
class SlotEvidence:
    start: datetime
    end: datetime
    services: list[str]
    note: str
    verified_minutes: int
    unverified_minutes: int
    incidents: list[str]
    night_or_weekend: bool


@dataclass(frozen=True)
class ConsultationEvidence:
    start: datetime
    duration_minutes: int
    code: str
    fee: str
    outcome: str
    services: list[str]
    affected: bool
    incidents: list[str]
    outside_slots: bool


def _minutes(spans) -> int:
    seconds = sum((parse_iso(end) - parse_iso(start)).total_seconds() for start, end in spans)
    return round(seconds / 60)


def declaration_evidence(snapshot: dict) -> tuple[list[SlotEvidence], list[ConsultationEvidence]]:
    inputs, figures = snapshot.get("inputs", {}), snapshot.get("figures", {})
    slot_figures = {row["id"]: row for row in figures.get("slots", [])}
    slot_spans = [
        (parse_iso(row["start"]), parse_iso(row["end"])) for row in inputs.get("slots", [])
    ]
    slots = []
    for row in sorted(inputs.get("slots", []), key=lambda row: row["start"]):
        start, end = parse_iso(row["start"]), parse_iso(row["end"])
        computed = slot_figures.get(row["id"], {})
        verified = [(piece["start"], piece["end"]) for piece in computed.get("verified", [])]
        slots.append(
            SlotEvidence(
                start=start.astimezone(BRUSSELS),
                end=end.astimezone(BRUSSELS),
                services=list(row.get("services", [])),
                note=row.get("note", ""),
                verified_minutes=_minutes(verified),
                unverified_minutes=_minutes(computed.get("unverified", [])),
                incidents=list(computed.get("incidents", [])),
                night_or_weekend=slot_at_night_or_weekend(start, end),
            )
        )
    consultation_figures = {row["id"]: row for row in figures.get("consultations", [])}
    consultations = []
    for row in sorted(inputs.get("consultations", []), key=lambda row: row["start"]):
        start = parse_iso(row["start"])
        computed = consultation_figures.get(row["id"], {})
        affected = bool(computed.get("affected"))
        end = parse_iso(computed["end"]) if computed.get("end") else start
        consultations.append(
            ConsultationEvidence(
                start=start.astimezone(BRUSSELS),
                duration_minutes=row.get("duration_minutes", 0),
                code=row.get("code", ""),
                fee=row.get("fee") or "",
                outcome=row.get("outcome", ""),
                services=list(row.get("services", [])),
                affected=affected,
                incidents=list(computed.get("incidents", [])),
                outside_slots=affected and not meets_any(start, end, slot_spans),
            )
        )
    return slots, consultations
