"""Consistency flags of a submitted claim, each with the reason a reviewer reads.

Six flags (issue 6). Four need the claim's frozen snapshot and are computed here, from the
snapshot only (plus today's calendar for the last one), then stored on ``ClaimCheck`` so the
review list filters 40,000 claims by flag in SQL:

* ``unverified``: unverified time is more than half of the declared time (methodology
  rule 3: unverified time is never paid, but so much of it suggests the slots are loose);
* ``outside_slots``: affected consultations lying outside every declared slot;
* ``night_weekend``: declared slots at night or on a weekend. Night is before 07:00 or
  after 21:00, Europe/Brussels wall-clock time, so the limit follows the clocks across DST
  changes; a weekend is a Saturday or a Sunday (public holidays are not flagged);
* ``recomputed``: computed again today, from the frozen declarations and parameters but
  against today's calendar, the claim would give other figures (the calendar changed).

The two others depend on other claims and are computed in SQL by the review list, so they
are never stale (``claims.review.selectors``):

* ``overlap``: another submitted claim of the same doctor meets this claim's period;
* ``outlier``: the total is above the 99th percentile of the claims listed (the batch).

Pure: no ORM. ``claims.review.services.checks`` loads and stores.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from claims.calculation import IncidentInput, Unavailability
from claims.snapshot import iso, parse_iso, snapshot_recomputation
from outages.intervals import BRUSSELS

UNVERIFIED = "unverified"
OVERLAP = "overlap"
OUTSIDE_SLOTS = "outside_slots"
NIGHT_WEEKEND = "night_weekend"
OUTLIER = "outlier"
RECOMPUTED = "recomputed"

#: Flags in the order the list shows them, with a short label.
FLAG_LABELS = {
    UNVERIFIED: _("Mostly unverified"),
    OVERLAP: _("Overlapping claim"),
    OUTSIDE_SLOTS: _("Consultations outside slots"),
    NIGHT_WEEKEND: _("Night or weekend"),
    OUTLIER: _("Unusually high total"),
    RECOMPUTED: _("Calendar changed since"),
}

#: The stored flags: flag code → ``ClaimCheck`` column.
STORED_FLAGS = {
    UNVERIFIED: "unverified_over_half",
    OUTSIDE_SLOTS: "outside_slots",
    NIGHT_WEEKEND: "night_or_weekend",
    RECOMPUTED: "recomputation_differs",
}

# Night in Brussels wall-clock time: a slot starting before this or ending after the other.
DAY_STARTS = time(7, 0)
DAY_ENDS = time(21, 0)
SATURDAY = 5

#: The percentile above which a total is flagged (nearest-rank, see ``percentile_rank``).
OUTLIER_PERCENTILE = 99


@dataclass(frozen=True)
class SnapshotChecks:
    """The four snapshot flags with the numbers their reasons quote."""

    details: dict[str, dict[str, Any]] = field(default_factory=dict)
    services: frozenset[str] = frozenset()

    def has(self, code: str) -> bool:
        return code in self.details


# --- the four snapshot flags ----------------------------------------------------------------


def unverified_flag(snapshot: dict) -> dict | None:
    seconds = snapshot["figures"]["seconds"]
    declared, unverified = seconds["declared"], seconds["unverified"]
    if declared and unverified * 2 > declared:
        summary = snapshot["figures"]["summary"]
        return {
            "unverified_minutes": summary["unverified_minutes"],
            "declared_minutes": summary["declared_minutes"],
        }
    return None


def _meets(start: datetime, end: datetime, spans: Iterable[tuple[datetime, datetime]]) -> bool:
    # Half-open intervals (methodology rule 12): touching is not meeting.
    return any(start < span_end and span_start < end for span_start, span_end in spans)


#: Public name of the half-open "meets" rule, for the review page's evidence rows.
meets_any = _meets


def outside_slots_flag(snapshot: dict) -> dict | None:
    """Affected consultations that meet no declared slot: the doctor says the outage hit
    the consultation but declared no lost time around it."""
    inputs = snapshot["inputs"]
    slots = [(parse_iso(row["start"]), parse_iso(row["end"])) for row in inputs["slots"]]
    starts = {row["id"]: parse_iso(row["start"]) for row in inputs["consultations"]}
    outside = []
    for row in snapshot["figures"]["consultations"]:
        if not row["affected"]:
            continue
        start, end = starts[row["id"]], parse_iso(row["end"])
        if not _meets(start, end, slots):
            outside.append(start)
    if not outside:
        return None
    outside.sort()
    return {"count": len(outside), "first": iso(outside[0])}


def _local_days(start: datetime, end: datetime):
    """The pieces of ``[start, end)`` on each Brussels calendar day, in local time."""
    local_start, local_end = start.astimezone(BRUSSELS), end.astimezone(BRUSSELS)
    day = local_start.date()
    while True:
        next_midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=BRUSSELS)
        piece_start = max(local_start, datetime.combine(day, time(0), tzinfo=BRUSSELS))
        piece_end = min(local_end, next_midnight)
        if piece_start < piece_end:
            yield day, piece_start, piece_end
        if local_end <= next_midnight:
            return
        day += timedelta(days=1)


def slot_at_night_or_weekend(start: datetime, end: datetime) -> bool:
    for day, piece_start, piece_end in _local_days(start, end):
        if day.weekday() >= SATURDAY:
            return True
        if piece_start.time() < DAY_STARTS:
            return True
        # A piece running to midnight ends at 24:00, after 21:00.
        ends_at_midnight = piece_end.date() != day
        if ends_at_midnight or piece_end.time() > DAY_ENDS:
            return True
    return False


def night_weekend_flag(snapshot: dict) -> dict | None:
    hits = sorted(
        parse_iso(row["start"])
        for row in snapshot["inputs"]["slots"]
        if slot_at_night_or_weekend(parse_iso(row["start"]), parse_iso(row["end"]))
    )
    if not hits:
        return None
    return {"count": len(hits), "first": iso(hits[0])}


def recomputed_flag(
    snapshot: dict,
    *,
    incidents: Sequence[IncidentInput],
    now: datetime,
    unavailability: Unavailability | None = None,
) -> dict | None:
    """The frozen declarations and parameters against today's calendar: the comparison of
    the claim page's note (``claims.snapshot.snapshot_recomputation``), without its query
    per claim: the caller loads the calendar once per period and may share ``U(s)``."""
    found = snapshot_recomputation(
        snapshot, incidents=incidents, now=now, unavailability=unavailability
    )
    if not found.differs:
        return None
    return {
        "total": format(found.total, "f"),
        "total_delta": format(found.total_delta, "f"),
        "lost_minutes": found.lost_minutes,
        "lost_minutes_delta": found.lost_minutes_delta,
        "added_incidents": found.added_incidents,
        "removed_incidents": found.removed_incidents,
    }


def cited_services(snapshot: dict) -> frozenset[str]:
    """Services whose cited outages the claim rests on: the services of its cited incidents
    that the doctor also named in a slot or a consultation (rule 11)."""
    inputs = snapshot["inputs"]
    declared: set[str] = set()
    for row in (*inputs["slots"], *inputs["consultations"]):
        declared.update(row["services"])
    cited: set[str] = set()
    for incident in snapshot["cited_incidents"]:
        cited.update(incident["services"])
    return frozenset(cited & declared)


def snapshot_checks(
    snapshot: dict,
    *,
    incidents: Sequence[IncidentInput],
    now: datetime,
    unavailability: Unavailability | None = None,
) -> SnapshotChecks:
    details: dict[str, dict[str, Any]] = {}
    found = {
        UNVERIFIED: unverified_flag(snapshot),
        OUTSIDE_SLOTS: outside_slots_flag(snapshot),
        NIGHT_WEEKEND: night_weekend_flag(snapshot),
        RECOMPUTED: recomputed_flag(
            snapshot, incidents=incidents, now=now, unavailability=unavailability
        ),
    }
    for code, detail in found.items():
        if detail is not None:
            details[code] = detail
    return SnapshotChecks(details=details, services=cited_services(snapshot))


# --- the outlier threshold ------------------------------------------------------------------


def percentile_rank(count: int, percentile: int = OUTLIER_PERCENTILE) -> int:
    """The 1-based rank, in ascending order, of the nearest-rank percentile of ``count``
    values: ceil(p × n / 100). With fewer than 100 claims it is the largest one, so a small
    batch flags nobody."""
    return max(1, -(-percentile * count // 100))


# --- reasons, in the reader's language ---------------------------------------------------------


@dataclass(frozen=True)
class FlagReason:
    code: str
    label: str
    reason: str


def _when(value: str) -> str:
    return formats.date_format(parse_iso(value).astimezone(BRUSSELS), "SHORT_DATETIME_FORMAT")


def _money(value: str | Decimal) -> str:
    return formats.number_format(Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True)


def flag_reason(code: str, detail: dict[str, Any]) -> str:
    if code == UNVERIFIED:
        return _(
            "%(unverified)s of the %(declared)s declared minutes are not covered by a counted "
            "outage (more than half)."
        ) % {"unverified": detail["unverified_minutes"], "declared": detail["declared_minutes"]}
    if code == OUTSIDE_SLOTS:
        return ngettext(
            "%(count)s affected consultation lies outside every declared slot (%(first)s).",
            "%(count)s affected consultations lie outside every declared slot (first: %(first)s).",
            detail["count"],
        ) % {"count": detail["count"], "first": _when(detail["first"])}
    if code == NIGHT_WEEKEND:
        return ngettext(
            "%(count)s slot is at night (before 07:00 or after 21:00) or on a weekend (%(first)s).",
            "%(count)s slots are at night (before 07:00 or after 21:00) or on a weekend "
            "(first: %(first)s).",
            detail["count"],
        ) % {"count": detail["count"], "first": _when(detail["first"])}
    if code == RECOMPUTED:
        changes = []
        if detail.get("added_incidents"):
            changes.append(_("new incidents: %s") % ", ".join(detail["added_incidents"]))
        if detail.get("removed_incidents"):
            changes.append(_("incidents gone: %s") % ", ".join(detail["removed_incidents"]))
        text = _(
            "Computed again with today's calendar the total would be %(total)s EUR "
            "(%(delta)s EUR) and the lost time %(minutes)s min (%(minutes_delta)+d min)."
        ) % {
            "total": _money(detail["total"]),
            "delta": ("+" if Decimal(detail["total_delta"]) >= 0 else "")
            + _money(detail["total_delta"]),
            "minutes": detail["lost_minutes"],
            "minutes_delta": detail["lost_minutes_delta"],
        }
        return f"{text} {'; '.join(str(c) for c in changes)}".strip()
    if code == OVERLAP:
        return _("The same doctor's claim #%(id)s covers part of this period.") % {
            "id": detail["claim_id"]
        }
    if code == OUTLIER:
        return _(
            "The total is above the 99th percentile of the claims listed (%(threshold)s EUR)."
        ) % {"threshold": _money(detail["threshold"])}
    raise ValueError(f"unknown flag {code!r}")


def flag_reasons(details: dict[str, dict[str, Any]]) -> list[FlagReason]:
    """``details`` (flag code → numbers) as readable reasons, in the list's order."""
    return [
        FlagReason(code=code, label=str(FLAG_LABELS[code]), reason=str(flag_reason(code, detail)))
        for code in FLAG_LABELS
        if (detail := details.get(code)) is not None
    ]
