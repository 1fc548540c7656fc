"""Step one of the dossier: what it says, as plain data (``DossierData``).

Everything comes from one JSON document in the layout of ``claims.snapshot``:
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

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from claims.calculation import COMPLETED, ConsultationReason
from claims.declaration import CURRENT_VERSION as DECLARATION_VERSION
from claims.declaration import declaration_text
from claims.models import Claim, ClaimStatus
from claims.riziv import format_riziv
from claims.selectors import claim_page, claim_report, service_names
from claims.snapshot import PagePiece, claim_snapshot_build
from outages.intervals import BRUSSELS, minutes

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
    # The wording of the declaration on honour the doctor accepted (the current one for a
    # draft): printed word for word as the claim page showed it (claims.declaration).
    declaration_version: str = DECLARATION_VERSION

    @property
    def declaration_text(self) -> str:
        return declaration_text(self.declaration_version, self.language)

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
    and everything needed to redo it (``claims.snapshot.snapshot_recompute``)."""
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


def _build(*, claim: Claim, snapshot: Mapping[str, Any], names: Mapping[str, str]) -> DossierData:
    # The snapshot is read once, by the claim page's reader; the dossier only shapes it.
    page = claim_page(snapshot, names=names, catalogue_order=True)
    summary = page.summary

    # The annex numbers the cited incidents; everything that cites one links to its row.
    incidents = tuple(
        DossierIncident(
            reference=incident.reference,
            anchor=f"incident-{number}",
            title=incident.title,
            services=tuple(incident.services),
            start=incident.start,
            end=incident.end,
            impact=incident.impact,
            impact_label=incident.impact_label,
            status_label=incident.status_label,
            source_url=incident.source_url,
        )
        for number, incident in enumerate(page.cited_incidents, start=1)
    )
    anchors = {incident.reference: incident.anchor for incident in incidents}

    def piece(page_piece: PagePiece) -> DossierPiece:
        refs = tuple(IncidentRef(ref, anchors.get(ref)) for ref in page_piece.incidents)
        return DossierPiece(page_piece.start, page_piece.end, refs)

    # Slots, day by day (Brussels days), in time order.
    slots: list[DossierSlot] = []
    unverified: list[UnverifiedPiece] = []
    for page_slot in page.slots:
        if page_slot.clipped is None:
            continue  # wholly outside the period: nothing of it is declared (rule 2)
        slot = DossierSlot(
            id=page_slot.id,
            start=page_slot.start,
            end=page_slot.end,
            services=tuple(page_slot.services),
            note=page_slot.note,
            clipped=piece(page_slot.clipped),
            verified=tuple(piece(verified) for verified in page_slot.verified),
            unverified=tuple(piece(pair) for pair in page_slot.unverified),
        )
        slots.append(slot)
        unverified.extend(UnverifiedPiece(stretch, slot.services) for stretch in slot.unverified)
    slots.sort(key=lambda slot: (slot.clipped.start, slot.clipped.end))
    unverified.sort(key=lambda item: (item.piece.start, item.piece.end))
    days: dict[date, list[DossierSlot]] = {}
    for slot in slots:
        days.setdefault(slot.clipped.start.astimezone(BRUSSELS).date(), []).append(slot)

    # Consultations: the affected ones in full, the others counted.
    affected: list[DossierConsultation] = []
    not_affected = outside = 0
    for consultation in page.consultations:
        if consultation.reason == ConsultationReason.OUTSIDE_PERIOD:
            outside += 1
            continue
        if not consultation.affected:
            not_affected += 1
            continue
        affected.append(
            DossierConsultation(
                id=consultation.id,
                start=consultation.start,
                end=consultation.end,
                duration_minutes=consultation.duration_minutes,
                code=consultation.code,
                fee=consultation.fee,
                services=tuple(consultation.services),
                outcome=consultation.outcome,
                outcome_label=consultation.outcome_label,
                affecting_services=tuple(consultation.affecting_services),
                reason=consultation.reason,
                rule=_rule_applied(reason=consultation.reason, outcome=consultation.outcome),
                revenue_loss=consultation.revenue_loss,
                catch_up_minutes=consultation.catch_up_minutes,
                incidents=tuple(
                    IncidentRef(ref, anchors.get(ref)) for ref in consultation.incidents
                ),
            )
        )
    affected.sort(key=lambda consultation: (consultation.start, consultation.code))

    published_on = snapshot["methodology"].get("published_on")
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
        first_day=page.first_day,
        last_day=page.last_day,
        issued_at=issued_at or page.computed_at,
        methodology=DossierMethodology(
            version=page.methodology_version,
            published_on=date.fromisoformat(published_on) if published_on else None,
            hourly_rate=page.hourly_rate,
            counted_impacts=tuple(page.counted_impacts),
            counted_statuses=tuple(page.counted_statuses),
            loss_outcomes=tuple(page.loss_outcomes),
            catch_up_minutes=tuple(page.catch_up_minutes),
        ),
        figures=DossierFigures(
            declared_minutes=summary["declared_minutes"],
            verified_minutes=summary["verified_minutes"],
            unverified_minutes=summary["unverified_minutes"],
            slot_lost_minutes=summary["slot_lost_minutes"],
            catch_up_minutes=summary["catch_up_minutes"],
            lost_minutes=summary["lost_minutes"],
            hourly_rate=Decimal(summary["hourly_rate"]),
            time_value=page.time_value,
            revenue_loss=page.revenue_loss,
            total=page.total,
            affected_consultations=summary["affected_consultations"],
            cited_incidents=len(summary["incidents"]),
        ),
        days=tuple(DossierDay(day, tuple(day_slots)) for day, day_slots in days.items()),
        affected_consultations=tuple(affected),
        consultation_count=len(page.consultations),
        not_affected_count=not_affected,
        outside_period_count=outside,
        unverified=tuple(unverified),
        incidents=incidents,
        attachment=dossier_attachment(snapshot=snapshot, claim_id=claim.pk, status=claim.status),
        declaration_version=claim.declaration_version or DECLARATION_VERSION,
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
