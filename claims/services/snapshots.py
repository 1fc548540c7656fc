"""The frozen record of a submitted claim (``Claim.snapshot``).

At submission the claim's inputs, the methodology's parameters, every figure with its
breakdown and the cited incidents are written into one JSON document. From then on the
claim page and the dossier print that document only, so a later edit of the calendar or
of a declaration can never change what was submitted; and a machine can re-run
``claims.calculation`` on the stored inputs and find the same figures.

Datetimes are ISO 8601 in UTC (``...Z``), money is a string with two decimals,
durations are whole seconds. ``format`` changes when the layout does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from claims.calculation import (
    ClaimInputs,
    ClaimResult,
    ConsultationInput,
    IncidentInput,
    MethodologyParams,
    SlotInput,
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


def claim_snapshot_build(
    *, report, claim_id: int | None = None, consultations: bool = True
) -> dict[str, Any]:
    """The JSON document of a computed ``ClaimReport`` (see the module docstring).

    ``consultations=False`` leaves the consultations' inputs and rows empty: a draft's page
    makes them from the report itself (``claims.selectors.claim_live_page``).
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


def snapshot_recompute(
    snapshot: dict[str, Any],
    *,
    incidents: list[IncidentInput] | None = None,
    now: datetime | None = None,
) -> ClaimResult:
    return compute_claim(snapshot_inputs(snapshot, incidents=incidents, now=now))
