"""Step one of the dossier: what it says, as plain data (``DossierData``).

Everything comes from one JSON document in the layout of ``claims.services.snapshots``:
a submitted claim's frozen snapshot, or, for a draft, a snapshot built on the spot from
today's calendar and declarations. One code path for both, so the draft a doctor
previews and the dossier ABSyM files cannot drift apart, and a submitted dossier can be
rebuilt without reading any declaration or incident row again.

Labels (service names, impacts, outcomes, the rule applied to each consultation) are
resolved in the doctor's language while building, so the data holds the words the
dossier prints; numbers, dates and times stay values, formatted by the template in that
same language (``render.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from claims.calculation import COMPLETED, ConsultationReason
from claims.models import Claim, ClaimStatus, Outcome
from claims.riziv import format_riziv
from claims.selectors import claim_report, service_names
from claims.services.snapshots import claim_snapshot_build, parse_iso
from outages.intervals import BRUSSELS, minutes
from outages.models import Impact, IncidentStatus

#: The keys of ``claim_summary`` in the order of interfaces.md ("Claim computation").
#: PostgreSQL's jsonb does not keep key order, so the attachment restores it from here.
SUMMARY_KEYS = (
    "doctor",
    "from",
    "to",
    "methodology",
    "declared_minutes",
    "verified_minutes",
    "unverified_minutes",
    "slot_lost_minutes",
    "catch_up_minutes",
    "lost_minutes",
    "hourly_rate",
    "time_value",
    "revenue_loss",
    "total",
    "currency",
    "affected_consultations",
    "incidents",
)

#: Bumped when the layout of the JSON attachment changes.
ATTACHMENT_FORMAT = 1


@dataclass(frozen=True)
class IncidentRef:
    """An incident cited next to a figure, with the anchor of its row in the annex."""

    reference: str
    anchor: str | None


@dataclass(frozen=True)
class DossierPiece:
    """A stretch of time ``[start, end)``, with the incidents behind it when verified."""

    start: datetime
    end: datetime
    incidents: tuple[IncidentRef, ...] = ()

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())

    @property
    def minutes(self) -> int:
        # Rule 10: shown minutes are seconds / 60 rounded half-up.
        return minutes(self.seconds)

    @property
    def ends_another_day(self) -> bool:
        return self.end.astimezone(BRUSSELS).date() != self.start.astimezone(BRUSSELS).date()


@dataclass(frozen=True)
class DossierSlot:
    id: Any
    start: datetime
    end: datetime
    services: tuple[str, ...]
    note: str
    clipped: DossierPiece | None  # the slot inside the claim period (rule 2)
    verified: tuple[DossierPiece, ...]
    unverified: tuple[DossierPiece, ...]

    @property
    def verified_minutes(self) -> int:
        return minutes(sum(piece.seconds for piece in self.verified))

    @property
    def unverified_minutes(self) -> int:
        return minutes(sum(piece.seconds for piece in self.unverified))


@dataclass(frozen=True)
class DossierDay:
    day: date
    slots: tuple[DossierSlot, ...]


@dataclass(frozen=True)
class UnverifiedPiece:
    """Declared time no counted incident covers (rule 3), with the slot it belongs to."""

    piece: DossierPiece
    services: tuple[str, ...]


@dataclass(frozen=True)
class DossierConsultation:
    id: Any
    start: datetime
    end: datetime
    duration_minutes: int
    code: str
    fee: Decimal
    services: tuple[str, ...]
    outcome: str
    outcome_label: str
    affecting_services: tuple[str, ...]
    reason: str
    rule: str  # the rule applied, in plain words
    revenue_loss: Decimal
    catch_up_minutes: int
    incidents: tuple[IncidentRef, ...]


@dataclass(frozen=True)
class DossierIncident:
    reference: str
    anchor: str
    title: str
    services: tuple[str, ...]
    start: datetime
    end: datetime | None
    impact: str
    impact_label: str
    status_label: str
    source_url: str


@dataclass(frozen=True)
class DossierMethodology:
    version: str
    published_on: date | None
    hourly_rate: Decimal
    counted_impacts: tuple[str, ...]
    counted_statuses: tuple[str, ...]
    loss_outcomes: tuple[str, ...]
    catch_up_minutes: tuple[tuple[str, int], ...]  # (service name, minutes)


@dataclass(frozen=True)
class DossierFigures:
    declared_minutes: int
    verified_minutes: int
    unverified_minutes: int
    slot_lost_minutes: int
    catch_up_minutes: int
    lost_minutes: int
    hourly_rate: Decimal
    time_value: Decimal
    revenue_loss: Decimal
    total: Decimal
    affected_consultations: int
    cited_incidents: int


@dataclass(frozen=True)
class DossierData:
    """Everything one dossier prints, in ``language``; no query is needed to render it."""

    claim_id: int
    status: str
    status_label: str
    is_draft: bool
    language: str
    doctor_name: str
    riziv: str
    riziv_display: str
    first_day: date
    last_day: date
    # When the figures were fixed: the submission, or the moment a draft was computed.
    # It dates the PDF's metadata too, so that one claim always gives the same bytes.
    issued_at: datetime
    methodology: DossierMethodology
    figures: DossierFigures
    days: tuple[DossierDay, ...]
    affected_consultations: tuple[DossierConsultation, ...]
    consultation_count: int
    not_affected_count: int
    outside_period_count: int
    unverified: tuple[UnverifiedPiece, ...]
    incidents: tuple[DossierIncident, ...]
    # The JSON document attached to the PDF (claim_summary plus the breakdown).
    attachment: dict[str, Any] = field(repr=False)

    @property
    def file_name(self) -> str:
        return dossier_file_name(self.claim_id, draft=self.is_draft)

    @property
    def attachment_name(self) -> str:
        return f"claim-{self.claim_id}.json"

    @property
    def issued_at_w3c(self) -> str:
        """``issued_at`` as the W3C date-time that WeasyPrint writes into the metadata."""
        return self.issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def slot_count(self) -> int:
        return sum(len(day.slots) for day in self.days)


def dossier_file_name(claim_id: int, *, draft: bool = False) -> str:
    """The name a downloaded dossier carries: the claim id, and "draft" when it is one."""
    return f"dossier-claim-{claim_id}{'-draft' if draft else ''}.pdf"


# --- the snapshot -----------------------------------------------------------------------------


def dossier_snapshot(*, claim: Claim) -> dict[str, Any]:
    """The frozen snapshot of a submitted claim; a fresh one for a draft (4 queries)."""
    if claim.is_frozen and claim.snapshot:
        return claim.snapshot
    report = claim_report(claim=claim)
    return claim_snapshot_build(report=report, claim_id=claim.pk)


def _canonical(value: Any) -> Any:
    """Nested keys sorted, so the attachment's bytes do not depend on the database
    (PostgreSQL's jsonb returns keys in its own order)."""
    if isinstance(value, Mapping):
        return {key: _canonical(value[key]) for key in sorted(value)}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    return value


def dossier_attachment(*, snapshot: Mapping[str, Any], claim_id: int, status: str) -> dict:
    """The JSON attached to the PDF: ``claim_summary`` (interfaces.md) plus the breakdown
    and everything needed to redo it (``claims.services.snapshots.snapshot_recompute``)."""
    figures = snapshot["figures"]
    summary = figures["summary"]
    ordered_summary = {key: summary[key] for key in SUMMARY_KEYS if key in summary}
    ordered_summary.update(
        {key: summary[key] for key in sorted(summary) if key not in SUMMARY_KEYS}
    )
    return {
        "format": ATTACHMENT_FORMAT,
        "claim": claim_id,
        "status": status,
        "computed_at": snapshot["computed_at"],
        "claim_summary": ordered_summary,
        "breakdown": _canonical(
            {
                "seconds": figures["seconds"],
                "verified": figures["verified"],
                "slots": figures["slots"],
                "consultations": figures["consultations"],
            }
        ),
        "doctor": _canonical(snapshot["doctor"]),
        "period": _canonical(snapshot["period"]),
        "methodology": _canonical(snapshot["methodology"]),
        "inputs": _canonical(snapshot["inputs"]),
        "cited_incidents": _canonical(snapshot["cited_incidents"]),
        "snapshot_format": snapshot.get("format"),
    }


# --- building the data ------------------------------------------------------------------------


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _rule_applied(*, reason: str, outcome: str) -> str:
    """Which rule of methodology.md decides what a consultation adds. Short on purpose:
    the dossier explains each rule once above the table, and a long text repeated on
    hundreds of rows would triple the time WeasyPrint takes to lay them out."""
    if reason == ConsultationReason.LOSS:
        return _("Rule 5: the fee is claimed")
    if reason == ConsultationReason.CATCH_UP:
        return _("Rule 7: catch-up time")
    if outcome == COMPLETED:
        return _("Rule 7: no catch-up time for these services")
    return _("Rules 5 and 7: nothing claimed")


def _piece(pair: Iterable[str], incidents: tuple[IncidentRef, ...] = ()) -> DossierPiece:
    start, end = pair
    return DossierPiece(parse_iso(start), parse_iso(end), incidents)


def _build(*, claim: Claim, snapshot: Mapping[str, Any], names: Mapping[str, str]) -> DossierData:
    impacts = _labels(Impact.choices)
    statuses = _labels(IncidentStatus.choices)
    outcomes = _labels(Outcome.choices)
    catalogue_order = {slug: position for position, slug in enumerate(names)}

    def named(slugs: Iterable[str]) -> tuple[str, ...]:
        ordered = sorted(slugs, key=lambda slug: (catalogue_order.get(slug, len(names)), slug))
        return tuple(names.get(slug, slug) for slug in ordered)

    figures, inputs, methodology = snapshot["figures"], snapshot["inputs"], snapshot["methodology"]
    summary = figures["summary"]

    # The annex numbers the cited incidents; everything that cites one links to its row.
    incidents = tuple(
        DossierIncident(
            reference=row["reference"],
            anchor=f"incident-{number}",
            title=row.get("title", ""),
            services=named(row["services"]),
            start=parse_iso(row["start"]),
            end=parse_iso(row["end"]),
            impact=row["impact"],
            impact_label=impacts.get(row["impact"], row["impact"]),
            status_label=statuses.get(row["status"], row["status"]),
            source_url=row.get("source_url", ""),
        )
        for number, row in enumerate(snapshot["cited_incidents"], start=1)
    )
    anchors = {incident.reference: incident.anchor for incident in incidents}

    def refs(references: Iterable[str]) -> tuple[IncidentRef, ...]:
        return tuple(IncidentRef(reference, anchors.get(reference)) for reference in references)

    # Slots, day by day (Brussels days), in time order.
    slot_rows = {row["id"]: row for row in figures["slots"]}
    slots: list[DossierSlot] = []
    unverified: list[UnverifiedPiece] = []
    for stored in inputs["slots"]:
        row = slot_rows.get(stored["id"], {})
        services = named(stored["services"])
        slot = DossierSlot(
            id=stored["id"],
            start=parse_iso(stored["start"]),
            end=parse_iso(stored["end"]),
            services=services,
            note=stored.get("note", ""),
            clipped=_piece(row["clipped"]) if row.get("clipped") else None,
            verified=tuple(
                _piece((piece["start"], piece["end"]), refs(piece["incidents"]))
                for piece in row.get("verified", [])
            ),
            unverified=tuple(_piece(pair) for pair in row.get("unverified", [])),
        )
        if slot.clipped is None:
            continue  # wholly outside the period: nothing of it is declared (rule 2)
        slots.append(slot)
        unverified.extend(UnverifiedPiece(piece, services) for piece in slot.unverified)
    slots.sort(key=lambda slot: (slot.clipped.start, slot.clipped.end))
    unverified.sort(key=lambda item: (item.piece.start, item.piece.end))
    days: dict[date, list[DossierSlot]] = {}
    for slot in slots:
        days.setdefault(slot.clipped.start.astimezone(BRUSSELS).date(), []).append(slot)

    # Consultations: the affected ones in full, the others counted.
    consultation_rows = {row["id"]: row for row in figures["consultations"]}
    affected: list[DossierConsultation] = []
    not_affected = outside = 0
    for stored in inputs["consultations"]:
        row = consultation_rows.get(stored["id"], {})
        reason = row.get("reason", ConsultationReason.NOT_AFFECTED)
        if reason == ConsultationReason.OUTSIDE_PERIOD:
            outside += 1
            continue
        if not row.get("affected"):
            not_affected += 1
            continue
        start = parse_iso(stored["start"])
        outcome_label = outcomes.get(stored["outcome"], stored["outcome"])
        affecting = named(row.get("affecting_services", []))
        catch_up = row.get("catch_up_minutes", 0)
        affected.append(
            DossierConsultation(
                id=stored["id"],
                start=start,
                end=start + timedelta(minutes=stored["duration_minutes"]),
                duration_minutes=stored["duration_minutes"],
                code=stored["code"],
                fee=Decimal(stored["fee"]),
                services=named(stored["services"]),
                outcome=stored["outcome"],
                outcome_label=outcome_label,
                affecting_services=affecting,
                reason=reason,
                rule=_rule_applied(reason=reason, outcome=stored["outcome"]),
                revenue_loss=Decimal(row.get("revenue_loss", "0.00")),
                catch_up_minutes=catch_up,
                incidents=refs(row.get("incidents", [])),
            )
        )
    affected.sort(key=lambda consultation: (consultation.start, consultation.code))

    published_on = methodology.get("published_on")
    issued_at = claim.submitted_at if claim.is_frozen and claim.submitted_at else None
    return DossierData(
        claim_id=claim.pk,
        status=claim.status,
        status_label=str(ClaimStatus(claim.status).label),
        is_draft=not claim.is_frozen,
        language=translation.get_language(),
        doctor_name=snapshot["doctor"]["name"],
        riziv=snapshot["doctor"]["riziv"],
        riziv_display=format_riziv(snapshot["doctor"]["riziv"]),
        first_day=date.fromisoformat(snapshot["period"]["from"]),
        last_day=date.fromisoformat(snapshot["period"]["to"]),
        issued_at=issued_at or parse_iso(snapshot["computed_at"]),
        methodology=DossierMethodology(
            version=methodology["version"],
            published_on=date.fromisoformat(published_on) if published_on else None,
            hourly_rate=Decimal(methodology["hourly_rate"]),
            counted_impacts=tuple(impacts.get(v, v) for v in methodology["counted_impacts"]),
            counted_statuses=tuple(statuses.get(v, v) for v in methodology["counted_statuses"]),
            loss_outcomes=tuple(outcomes.get(v, v) for v in methodology["loss_outcomes"]),
            catch_up_minutes=tuple(
                (names.get(slug, slug), value)
                for slug, value in sorted(
                    methodology["catch_up_minutes"].items(),
                    key=lambda item: (catalogue_order.get(item[0], len(names)), item[0]),
                )
            ),
        ),
        figures=DossierFigures(
            declared_minutes=summary["declared_minutes"],
            verified_minutes=summary["verified_minutes"],
            unverified_minutes=summary["unverified_minutes"],
            slot_lost_minutes=summary["slot_lost_minutes"],
            catch_up_minutes=summary["catch_up_minutes"],
            lost_minutes=summary["lost_minutes"],
            hourly_rate=Decimal(summary["hourly_rate"]),
            time_value=Decimal(summary["time_value"]),
            revenue_loss=Decimal(summary["revenue_loss"]),
            total=Decimal(summary["total"]),
            affected_consultations=summary["affected_consultations"],
            cited_incidents=len(summary["incidents"]),
        ),
        days=tuple(DossierDay(day, tuple(day_slots)) for day, day_slots in days.items()),
        affected_consultations=tuple(affected),
        consultation_count=len(inputs["consultations"]),
        not_affected_count=not_affected,
        outside_period_count=outside,
        unverified=tuple(unverified),
        incidents=incidents,
        attachment=dossier_attachment(snapshot=snapshot, claim_id=claim.pk, status=claim.status),
    )


def dossier_data(*, claim: Claim, snapshot: Mapping[str, Any] | None = None) -> DossierData:
    """The dossier of ``claim`` as plain data, in its doctor's language.

    ``claim`` should come with ``doctor__user`` selected. A submitted claim is read from
    its snapshot (one query: the service names); a draft is computed now (five queries).
    """
    if snapshot is None:
        snapshot = dossier_snapshot(claim=claim)
    with translation.override(claim.doctor.language):
        return _build(claim=claim, snapshot=snapshot, names=service_names())
