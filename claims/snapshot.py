"""The frozen record of a submitted claim (``Claim.snapshot``): built, read, compared
and recomputed here, and nowhere else.

At submission the claim's inputs, the methodology's parameters, every figure with its
breakdown and the cited incidents are written into one JSON document. From then on the
claim page and the dossier print that document only, so a later edit of the calendar or
of a declaration can never change what was submitted; and a machine can re-run
``claims.calculation`` on the stored inputs and find the same figures.

Datetimes are ISO 8601 in UTC (``...Z``), money is a string with two decimals,
durations are whole seconds. ``format`` changes when the layout does.

Pure: no ORM, no query. What comes from the database is passed in as plain values (the
service names, the labels of impacts, statuses and outcomes, today's incidents):
``claims.selectors`` reads them and calls this module. The four parts:

* **build**: ``claim_snapshot_build`` (a computed claim → the document);
* **read**: ``snapshot_page`` (the document → what the claim page and the dossier show),
  ``snapshot_inputs`` and ``snapshot_params`` (→ the calculation's dataclasses);
* **recompute**: ``snapshot_recompute`` (the frozen inputs, or today's incidents, through
  ``claims.calculation``);
* **compare**: ``snapshot_recomputation`` (the frozen figures against a recomputation),
  the one comparison the claim page's note and the review's "calendar changed" flag share.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

from claims.calculation import (
    ClaimInputs,
    ClaimResult,
    ConsultationInput,
    IncidentInput,
    MethodologyParams,
    SlotInput,
    Unavailability,
    claim_summary_dict,
    compute_claim,
)
from outages.intervals import Interval

SNAPSHOT_FORMAT = 1


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_iso(value: str | None) -> datetime | None:
    """A snapshot's datetime (``iso``'s output) back as an aware datetime."""
    return None if value is None else datetime.fromisoformat(value)


def _span(interval: Interval) -> list[str]:
    return [iso(interval.start), iso(interval.end)]


def _incident_json(incident: IncidentInput) -> dict[str, Any]:
    return {
        "reference": incident.reference,
        "title": incident.title,
        "start": iso(incident.start),
        "end": iso(incident.end),
        "impact": incident.impact,
        "status": incident.status,
        "services": sorted(incident.services),
        "source_url": incident.source_url,
    }


# --- build ----------------------------------------------------------------------------------


def claim_snapshot_build(
    *, report, claim_id: int | None = None, consultations: bool = True
) -> dict[str, Any]:
    """The JSON document of a computed ``ClaimReport`` (see the module docstring).
    ``consultations=False`` leaves the consultations' inputs and rows empty: a draft's page
    makes them from the report itself (``live_consultation_rows``).

    ``report`` is read by attribute only: ``inputs``, ``result``, ``doctor.riziv``,
    ``doctor.full_name``, ``first_day``, ``last_day``, ``methodology.published_on``.
    """
    inputs: ClaimInputs = report.inputs
    result: ClaimResult = report.result
    params = inputs.params
    declared_services: set[str] = set()
    for slot in inputs.slots:
        declared_services.update(slot.services)
    for consultation in inputs.consultations:
        declared_services.update(consultation.services)
    # The counted incidents of the services the doctor named are all the calculation can
    # use: keeping exactly those lets anyone recompute the claim from the snapshot alone.
    relevant = [
        incident
        for incident in inputs.incidents
        if incident.impact in params.counted_impacts
        and incident.status in params.counted_statuses
        and incident.services & declared_services
    ]
    cited = set(result.cited_incidents)
    methodology = report.methodology
    return {
        "format": SNAPSHOT_FORMAT,
        "claim": claim_id,
        "computed_at": iso(inputs.now),
        "doctor": {"riziv": report.doctor.riziv, "name": report.doctor.full_name},
        "period": {
            "from": report.first_day.isoformat(),
            "to": report.last_day.isoformat(),
            "start": iso(inputs.period.start),
            "end": iso(inputs.period.end),
            "timezone": "Europe/Brussels",
        },
        "methodology": {
            "version": params.version,
            "published_on": (
                methodology.published_on.isoformat() if methodology.published_on else None
            ),
            "counted_impacts": sorted(params.counted_impacts),
            "counted_statuses": sorted(params.counted_statuses),
            "hourly_rate": format(params.hourly_rate, "f"),
            "loss_outcomes": sorted(params.loss_outcomes),
            "catch_up_minutes": dict(sorted(params.catch_up_minutes.items())),
        },
        "inputs": {
            "slots": [
                {
                    "id": slot.key,
                    "start": iso(slot.start),
                    "end": iso(slot.end),
                    "services": sorted(slot.services),
                    "note": slot.note,
                }
                for slot in inputs.slots
            ],
            "consultations": [
                {
                    "id": consultation.key,
                    "start": iso(consultation.start),
                    "duration_minutes": consultation.duration_minutes,
                    "code": consultation.code,
                    "fee": format(consultation.fee, "f"),
                    "services": sorted(consultation.services),
                    "outcome": consultation.outcome,
                }
                for consultation in (inputs.consultations if consultations else ())
            ],
            "incidents": [_incident_json(incident) for incident in relevant],
        },
        "figures": {
            "summary": claim_summary_dict(
                result,
                riziv=report.doctor.riziv,
                first_day=report.first_day,
                last_day=report.last_day,
            ),
            "seconds": {
                "declared": result.declared_seconds,
                "verified": result.verified_seconds,
                "unverified": result.unverified_seconds,
                "slot_lost": result.slot_lost_seconds,
                "catch_up": result.catch_up_seconds,
                "lost": result.lost_seconds,
            },
            "verified": [_span(interval) for interval in result.verified_intervals],
            "slots": [
                {
                    "id": row.key,
                    "clipped": None if row.interval is None else _span(row.interval),
                    "verified": [
                        {
                            "start": iso(piece.interval.start),
                            "end": iso(piece.interval.end),
                            "incidents": list(piece.references),
                        }
                        for piece in row.verified
                    ],
                    "unverified": [_span(interval) for interval in row.unverified],
                    "incidents": list(row.references),
                }
                for row in result.slot_breakdown
            ],
            "consultations": [
                {
                    "id": row.key,
                    "end": iso(row.interval.end),
                    "affected": row.affected,
                    "affecting_services": list(row.affecting_services),
                    "revenue_loss": format(row.revenue_loss, "f"),
                    "catch_up_minutes": row.catch_up_minutes,
                    "reason": str(row.reason),
                    "incidents": list(row.references),
                }
                for row in (result.consultation_breakdown if consultations else ())
            ],
        },
        "cited_incidents": [
            _incident_json(incident)
            for incident in sorted(inputs.incidents, key=lambda i: i.reference)
            if incident.reference in cited
        ],
    }


# --- read: the calculation's inputs, and recompute ----------------------------------------------


def snapshot_params(snapshot: dict[str, Any]) -> MethodologyParams:
    methodology = snapshot["methodology"]
    return MethodologyParams(
        version=methodology["version"],
        counted_impacts=frozenset(methodology["counted_impacts"]),
        counted_statuses=frozenset(methodology["counted_statuses"]),
        hourly_rate=Decimal(methodology["hourly_rate"]),
        loss_outcomes=frozenset(methodology["loss_outcomes"]),
        catch_up_minutes=methodology["catch_up_minutes"],
    )


def snapshot_inputs(
    snapshot: dict[str, Any],
    *,
    incidents: list[IncidentInput] | None = None,
    now: datetime | None = None,
) -> ClaimInputs:
    """The stored inputs as the calculation's dataclasses.

    With ``incidents`` (today's calendar) and ``now``, it answers "what would this claim be
    if it were computed again today", keeping the frozen declarations and parameters.
    """
    stored = snapshot["inputs"]
    if incidents is None:
        incidents = [
            IncidentInput(
                reference=row["reference"],
                services=frozenset(row["services"]),
                start=parse_iso(row["start"]),
                end=parse_iso(row["end"]),
                impact=row["impact"],
                status=row["status"],
                title=row.get("title", ""),
                source_url=row.get("source_url", ""),
            )
            for row in stored["incidents"]
        ]
    period = snapshot["period"]
    return ClaimInputs(
        period=Interval(parse_iso(period["start"]), parse_iso(period["end"])),
        incidents=incidents,
        slots=[
            SlotInput(
                key=row["id"],
                start=parse_iso(row["start"]),
                end=parse_iso(row["end"]),
                services=frozenset(row["services"]),
                note=row.get("note", ""),
            )
            for row in stored["slots"]
        ],
        consultations=[
            ConsultationInput(
                key=row["id"],
                start=parse_iso(row["start"]),
                duration_minutes=row["duration_minutes"],
                code=row["code"],
                fee=Decimal(row["fee"]),
                services=frozenset(row["services"]),
                outcome=row["outcome"],
            )
            for row in stored["consultations"]
        ],
        params=snapshot_params(snapshot),
        now=now or parse_iso(snapshot["computed_at"]),
    )


def snapshot_window(snapshot: dict[str, Any]) -> Interval:
    """The claim's period as the UTC interval its calendar is read over."""
    period = snapshot["period"]
    return Interval(parse_iso(period["start"]), parse_iso(period["end"]))


def snapshot_recompute(
    snapshot: dict[str, Any],
    *,
    incidents: list[IncidentInput] | None = None,
    now: datetime | None = None,
    unavailability: Unavailability | None = None,
) -> ClaimResult:
    """The claim computed again from its frozen inputs and parameters (with ``incidents``:
    against that calendar instead; ``unavailability``: ``U(s)`` already built for it)."""
    return compute_claim(snapshot_inputs(snapshot, incidents=incidents, now=now), unavailability)


# --- compare ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recomputation:
    """What a submitted claim would be if computed again today (its figures stay)."""

    total: Decimal
    lost_minutes: int
    verified_minutes: int
    incidents: list[str]
    total_delta: Decimal
    lost_minutes_delta: int
    verified_minutes_delta: int
    added_incidents: list[str]
    removed_incidents: list[str]

    @property
    def differs(self) -> bool:
        return bool(
            self.total_delta
            or self.lost_minutes_delta
            or self.verified_minutes_delta
            or self.added_incidents
            or self.removed_incidents
        )


def snapshot_compare(snapshot: Mapping[str, Any], result: ClaimResult) -> Recomputation:
    """The frozen figures against ``result``: total, lost and verified minutes, cited
    incidents (the one comparison of a snapshot with a recomputation)."""
    summary = snapshot["figures"]["summary"]
    frozen_incidents = set(summary["incidents"])
    today_incidents = set(result.cited_incidents)
    return Recomputation(
        total=result.total,
        lost_minutes=result.lost_minutes,
        verified_minutes=result.verified_minutes,
        incidents=sorted(today_incidents),
        total_delta=result.total - Decimal(summary["total"]),
        lost_minutes_delta=result.lost_minutes - summary["lost_minutes"],
        verified_minutes_delta=result.verified_minutes - summary["verified_minutes"],
        added_incidents=sorted(today_incidents - frozen_incidents),
        removed_incidents=sorted(frozen_incidents - today_incidents),
    )


def snapshot_recomputation(
    snapshot: dict[str, Any],
    *,
    incidents: Sequence[IncidentInput],
    now: datetime,
    unavailability: Unavailability | None = None,
) -> Recomputation:
    """The frozen declarations and parameters against ``incidents`` (today's calendar)."""
    result = snapshot_recompute(
        snapshot, incidents=list(incidents), now=now, unavailability=unavailability
    )
    return snapshot_compare(snapshot, result)


# --- read: the claim page ---------------------------------------------------------------------
#
# Both a live draft and a submitted claim are shown from the same JSON document: a
# submitted claim from its frozen copy, a draft from one built on the fly without its
# consultations, whose rows come from the computed claim (``live_consultation_rows``).
# So the two pages cannot drift apart.


@dataclass(frozen=True)
class SnapshotLabels:
    """The words a page prints for the snapshot's codes, in the reader's language:
    slug → service name (in catalogue order), and the labels of impacts, statuses and
    consultation outcomes (code → label)."""

    names: Mapping[str, str]
    impacts: Mapping[str, str]
    statuses: Mapping[str, str]
    outcomes: Mapping[str, str]


@dataclass(frozen=True)
class PageIncident:
    reference: str
    title: str
    start: datetime
    end: datetime | None
    impact: str
    impact_label: str
    status: str
    status_label: str
    services: list[str]
    source_url: str


@dataclass(frozen=True)
class PagePiece:
    start: datetime
    end: datetime
    incidents: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())


@dataclass(frozen=True)
class PageSlot:
    id: int
    start: datetime
    end: datetime
    services: list[str]
    note: str
    clipped: PagePiece | None
    verified: list[PagePiece]
    unverified: list[PagePiece]
    incidents: list[str]

    @property
    def verified_seconds(self) -> int:
        return sum(piece.seconds for piece in self.verified)

    @property
    def unverified_seconds(self) -> int:
        return sum(piece.seconds for piece in self.unverified)


@dataclass(frozen=True)
class PageConsultation:
    id: int
    start: datetime
    end: datetime
    duration_minutes: int
    code: str
    fee: Decimal
    services: list[str]
    outcome: str
    outcome_label: str
    affected: bool
    affecting_services: list[str]
    revenue_loss: Decimal
    catch_up_minutes: int
    reason: str
    incidents: list[str]


class LazyRows(Sequence):
    """A table's rows built only when read (issue 13): a page of 3,000 consultations shows
    one page of rows, so only those are turned into objects; ``len`` and the split into
    affected and unaffected rows read a flag kept beside each raw item."""

    __slots__ = ("_items", "_build")

    def __init__(self, items: list[tuple[bool, object]], build: Callable):
        self._items = items  # (affected, raw item) pairs
        self._build = build

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._build(item) for _, item in self._items[index]]
        return self._build(self._items[index][1])

    def where(self, affected: bool) -> LazyRows:
        return LazyRows([pair for pair in self._items if pair[0] is affected], self._build)


@dataclass(frozen=True)
class ClaimPage:
    first_day: date
    last_day: date
    computed_at: datetime
    methodology_version: str
    hourly_rate: Decimal
    counted_impacts: list[str]
    counted_statuses: list[str]
    loss_outcomes: list[str]
    catch_up_minutes: list[tuple[str, int]]
    summary: dict
    seconds: dict
    time_value: Decimal
    revenue_loss: Decimal
    total: Decimal
    slots: list[PageSlot]
    consultations: LazyRows  # of PageConsultation
    cited_incidents: list[PageIncident]

    @cached_property
    def affected_consultations(self) -> LazyRows:
        return self.consultations.where(True)

    @cached_property
    def unaffected_consultations(self) -> LazyRows:
        return self.consultations.where(False)


def snapshot_page(
    snapshot: Mapping[str, Any],
    *,
    labels: SnapshotLabels,
    catalogue_order: bool = False,
    consultations: Callable | None = None,
) -> ClaimPage:
    """The claim page's content from a snapshot document.

    The one reading of a snapshot: the dossier (``claims.dossier.data``) builds on it too.
    ``catalogue_order`` lists services in the catalogue's order (``labels.names``'s), as
    the dossier prints them, rather than in the snapshot's. ``consultations`` (a draft's
    page, ``live_consultation_rows``) makes the consultation rows from the computed claim
    instead of the snapshot's: called with ``named`` and the outcome labels, it returns
    LazyRows. Rows are built only when read.
    """
    names, impacts, statuses, outcomes = (
        labels.names,
        labels.impacts,
        labels.statuses,
        labels.outcomes,
    )
    position = {slug: index for index, slug in enumerate(names)}

    def in_order(slugs):
        if not catalogue_order:
            return list(slugs)
        return sorted(slugs, key=lambda slug: (position.get(slug, len(names)), slug))

    def named(slugs):
        return [names.get(slug, slug) for slug in in_order(slugs)]

    def piece(pair, incidents=()):
        return PagePiece(parse_iso(pair[0]), parse_iso(pair[1]), list(incidents))

    figures, inputs, methodology = (
        snapshot["figures"],
        snapshot["inputs"],
        snapshot["methodology"],
    )
    slot_rows = {row["id"]: row for row in figures["slots"]}
    slots = []
    for stored in inputs["slots"]:
        row = slot_rows.get(stored["id"], {})
        slots.append(
            PageSlot(
                id=stored["id"],
                start=parse_iso(stored["start"]),
                end=parse_iso(stored["end"]),
                services=named(stored["services"]),
                note=stored.get("note", ""),
                clipped=piece(row["clipped"]) if row.get("clipped") else None,
                verified=[
                    piece((p["start"], p["end"]), p["incidents"]) for p in row.get("verified", [])
                ],
                unverified=[piece(pair) for pair in row.get("unverified", [])],
                incidents=row.get("incidents", []),
            )
        )
    if consultations is None:
        consultation_rows = {row["id"]: row for row in figures["consultations"]}

        def consultation(pair):
            stored, row = pair
            start = parse_iso(stored["start"])
            return PageConsultation(
                id=stored["id"],
                start=start,
                end=start + timedelta(minutes=stored["duration_minutes"]),
                duration_minutes=stored["duration_minutes"],
                code=stored["code"],
                fee=Decimal(stored["fee"]),
                services=named(stored["services"]),
                outcome=stored["outcome"],
                outcome_label=outcomes.get(stored["outcome"], stored["outcome"]),
                affected=row.get("affected", False),
                affecting_services=named(row.get("affecting_services", [])),
                revenue_loss=Decimal(row.get("revenue_loss", "0.00")),
                catch_up_minutes=row.get("catch_up_minutes", 0),
                reason=row.get("reason", ""),
                incidents=row.get("incidents", []),
            )

        pairs = []
        for stored in inputs["consultations"]:
            row = consultation_rows.get(stored["id"], {})
            pairs.append((row.get("affected", False), (stored, row)))
        consultations = LazyRows(pairs, consultation)
    else:
        consultations = consultations(named, outcomes)
    summary = figures["summary"]
    return ClaimPage(
        first_day=date.fromisoformat(snapshot["period"]["from"]),
        last_day=date.fromisoformat(snapshot["period"]["to"]),
        computed_at=parse_iso(snapshot["computed_at"]),
        methodology_version=methodology["version"],
        hourly_rate=Decimal(methodology["hourly_rate"]),
        counted_impacts=[impacts.get(v, v) for v in methodology["counted_impacts"]],
        counted_statuses=[statuses.get(v, v) for v in methodology["counted_statuses"]],
        loss_outcomes=[outcomes.get(v, v) for v in methodology["loss_outcomes"]],
        catch_up_minutes=[
            (names.get(slug, slug), methodology["catch_up_minutes"][slug])
            for slug in in_order(methodology["catch_up_minutes"])
        ],
        summary=summary,
        seconds=figures["seconds"],
        time_value=Decimal(summary["time_value"]),
        revenue_loss=Decimal(summary["revenue_loss"]),
        total=Decimal(summary["total"]),
        slots=slots,
        consultations=consultations,
        cited_incidents=[
            PageIncident(
                reference=row["reference"],
                title=row.get("title", ""),
                start=parse_iso(row["start"]),
                end=parse_iso(row["end"]),
                impact=row["impact"],
                impact_label=impacts.get(row["impact"], row["impact"]),
                status=row["status"],
                status_label=statuses.get(row["status"], row["status"]),
                services=named(row["services"]),
                source_url=row.get("source_url", ""),
            )
            for row in snapshot["cited_incidents"]
        ],
    )


def live_consultation_rows(inputs: ClaimInputs, result: ClaimResult) -> Callable:
    """For ``snapshot_page``'s ``consultations``: a draft's consultation rows made from its
    computed claim, as the snapshot would store them (declared services sorted, the rest
    as computed), only those read being built."""
    by_key = {row.key: row for row in result.consultation_breakdown}

    def rows(named, outcomes) -> LazyRows:
        def consultation(pair):
            stored, row = pair
            return PageConsultation(
                id=stored.key,
                start=stored.start,
                end=stored.start + timedelta(minutes=stored.duration_minutes),
                duration_minutes=stored.duration_minutes,
                code=stored.code,
                fee=stored.fee,
                services=named(sorted(stored.services)),
                outcome=stored.outcome,
                outcome_label=outcomes.get(stored.outcome, stored.outcome),
                affected=row.affected,
                affecting_services=named(row.affecting_services),
                revenue_loss=row.revenue_loss,
                catch_up_minutes=row.catch_up_minutes,
                reason=str(row.reason),
                incidents=list(row.references),
            )

        return LazyRows(
            [(by_key[c.key].affected, (c, by_key[c.key])) for c in inputs.consultations],
            consultation,
        )

    return rows
