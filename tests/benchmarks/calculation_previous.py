"""The claim calculation as it was before issue 13, kept as the benchmark's anchor only.

``bench_calculation.py`` runs it on the same claims in the same process, so the speed-up
of ``claims.calculation`` is read as a ratio that a loaded machine does not blur. Nothing
else imports it; the original docstring follows.

The claim calculation of methodology.md, rule by rule, as one pure function.

``compute_claim(ClaimInputs) -> ClaimResult``: plain frozen dataclasses in, a frozen
dataclass out, no Django and no database. The ORM only loads the inputs (claims
services/selectors), the claim page, the dossier and ``claim_summary`` only print the
result. The rule numbers in the comments are those of methodology.md; keep them in step.

Speed matters (a reviewer batch recomputes thousands of claims), so datetimes are turned
into whole epoch seconds once at the boundary and everything else works on ints:

* ``unavailability_by_service`` builds ``U(s)`` for every service once per calendar and
  period (rule 1), as sorted merged lists that are searched with ``bisect``;
* ``compute_claim`` reuses it for every doctor; the per-slot and per-consultation
  breakdowns with datetimes are only built when someone reads them (the dossier).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType
from typing import Any, NamedTuple

from outages.intervals import (
    EPOCH,
    ONE_SECOND,
    Interval,
    SecondsInterval,
    merge_seconds,
    minutes,
    subtract_seconds,
    to_epoch_seconds,
)

__all__ = [
    "ABSYM_2024_1",
    "COMPLETED",
    "ClaimInputs",
    "ClaimResult",
    "ConsultationBreakdown",
    "ConsultationInput",
    "ConsultationReason",
    "IncidentInput",
    "MethodologyParams",
    "SlotBreakdown",
    "SlotInput",
    "Unavailability",
    "VerifiedPiece",
    "claim_summary_dict",
    "compute_claim",
    "unavailability_by_service",
]

#: The outcome that earns catch-up time (rule 7): the consultation took place anyway.
COMPLETED = "completed"

_CENT = Decimal("0.01")
_ZERO_EUR = Decimal("0.00")
_SECONDS_PER_HOUR = Decimal(3600)
_NO_REFERENCES: frozenset[str] = frozenset()


class ConsultationReason(StrEnum):
    """Why a consultation adds what it adds; the dossier explains each code."""

    OUTSIDE_PERIOD = "outside_period"  # rule 4: starts outside the claim period
    NOT_AFFECTED = "not_affected"  # rule 4: meets no U(s) of a service it needed
    LOSS = "loss"  # rule 5: a revenue-loss outcome, the fee is claimed
    CATCH_UP = "catch_up"  # rule 7: completed anyway, catch-up minutes are claimed
    # Affected but nothing to claim: postponed, or completed on services without catch-up.
    AFFECTED_NO_COMPENSATION = "affected_no_compensation"


# --- inputs ------------------------------------------------------------------------------


def _require_aware(moment: datetime, what: str) -> None:
    if not isinstance(moment, datetime):
        raise TypeError(f"{what} must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {moment.isoformat()}")


def _freeze_services(instance: object, services: Iterable[str]) -> None:
    # Accept any iterable (a list from a form, a set from the ORM): the rules only ever ask
    # "does it list s", and a frozenset keeps the dataclass hashable.
    if not isinstance(services, frozenset):
        if isinstance(services, str):
            raise TypeError("services must be a collection of slugs, not one string")
        object.__setattr__(instance, "services", frozenset(services))


@dataclass(frozen=True, slots=True)
class IncidentInput:
    """One incident of the official calendar. ``end`` is None while it is ongoing."""

    reference: str
    services: frozenset[str]
    start: datetime
    end: datetime | None
    impact: str
    status: str
    title: str = ""
    source_url: str = ""

    def __post_init__(self) -> None:
        _freeze_services(self, self.services)
        _require_aware(self.start, "incident start")
        if self.end is not None:
            _require_aware(self.end, "incident end")
            if self.end < self.start:
                raise ValueError(f"incident {self.reference} ends before it starts")


@dataclass(frozen=True, slots=True)
class SlotInput:
    """A time slot ``[start, end)`` the doctor declares, with the services they needed."""

    key: Hashable
    start: datetime
    end: datetime
    services: frozenset[str]
    note: str = ""

    def __post_init__(self) -> None:
        _freeze_services(self, self.services)
        _require_aware(self.start, "slot start")
        _require_aware(self.end, "slot end")
        if self.end < self.start:
            raise ValueError(f"slot {self.key!r} ends before it starts")


@dataclass(frozen=True, slots=True)
class ConsultationInput:
    """A consultation ``[start, start + duration)``; no patient identity, ever."""

    key: Hashable
    start: datetime
    duration_minutes: int
    code: str
    fee: Decimal
    services: frozenset[str]
    outcome: str

    def __post_init__(self) -> None:
        _freeze_services(self, self.services)
        _require_aware(self.start, "consultation start")
        if not isinstance(self.duration_minutes, int):
            raise TypeError("duration_minutes must be a whole number of minutes")
        if self.duration_minutes < 0:
            raise ValueError(f"consultation {self.key!r} has a negative duration")
        if not isinstance(self.fee, Decimal):
            # Money is never a float: 31.81 as a float is not 31.81.
            if isinstance(self.fee, float):
                raise TypeError("fee must be a Decimal (or str/int), never a float")
            object.__setattr__(self, "fee", Decimal(self.fee))


@dataclass(frozen=True)
class MethodologyParams:
    """The parameters of one published methodology version (methodology.md, "Inputs")."""

    version: str
    counted_impacts: frozenset[str]
    counted_statuses: frozenset[str]
    hourly_rate: Decimal
    loss_outcomes: frozenset[str]
    # Not part of the hash (a mapping is not hashable); services absent from it count 0.
    catch_up_minutes: Mapping[str, int] = field(hash=False)

    def __post_init__(self) -> None:
        for name in ("counted_impacts", "counted_statuses", "loss_outcomes"):
            value = getattr(self, name)
            if not isinstance(value, frozenset):
                object.__setattr__(self, name, frozenset(value))
        if not isinstance(self.hourly_rate, Decimal):
            if isinstance(self.hourly_rate, float):
                raise TypeError("hourly_rate must be a Decimal (or str/int), never a float")
            object.__setattr__(self, "hourly_rate", Decimal(self.hourly_rate))
        # A read-only copy: a caller mutating its dict must not change a computed claim.
        object.__setattr__(self, "catch_up_minutes", MappingProxyType(dict(self.catch_up_minutes)))


#: The defaults of methodology.md, "ABSyM-2024.1" (proposals for ABSyM to confirm).
ABSYM_2024_1 = MethodologyParams(
    version="ABSyM-2024.1",
    counted_impacts=frozenset({"major_outage", "partial_outage"}),
    counted_statuses=frozenset({"confirmed"}),
    hourly_rate=Decimal("90.00"),
    loss_outcomes=frozenset({"cancelled", "unpaid"}),
    catch_up_minutes={"recip-e": 3, "mycarenet": 5, "dmg": 5, "tiers-payant": 5, "eattest": 5},
)


@dataclass(frozen=True)
class ClaimInputs:
    """Everything one claim depends on. ``now`` ends the ongoing incidents (rule 1)."""

    period: Interval
    incidents: Sequence[IncidentInput]
    slots: Sequence[SlotInput]
    consultations: Sequence[ConsultationInput]
    params: MethodologyParams
    now: datetime

    def __post_init__(self) -> None:
        _require_aware(self.now, "now")
        # Tuples, so a frozen ClaimInputs cannot change under a result computed from it.
        for name in ("incidents", "slots", "consultations"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))


# --- rule 1: unavailability of every service ---------------------------------------------


class _ServicePieces(NamedTuple):
    """``U(s)`` of one service as parallel lists, for ``bisect``."""

    starts: list[int]  # merged pieces, sorted, disjoint and not adjacent
    ends: list[int]  # ends[i] > starts[i]; ends is sorted too
    # The counted incidents behind each piece: (clipped start, clipped end, reference).
    members: list[tuple[tuple[int, int, str], ...]]


class Unavailability:
    """``U(s)`` for every service of a calendar over one claim period (rule 1).

    Build it with ``unavailability_by_service`` once and pass it to ``compute_claim`` for
    every claim of the same period, methodology and ``now``.
    """

    __slots__ = (
        "_by_service",
        "_counted_impacts",
        "_counted_statuses",
        "_intervals",
        "_now",
        "_period",
    )

    def __init__(
        self,
        by_service: dict[str, _ServicePieces],
        period: SecondsInterval,
        now: int,
        counted_impacts: frozenset[str],
        counted_statuses: frozenset[str],
    ) -> None:
        self._by_service = by_service
        self._period = period
        self._now = now
        self._counted_impacts = counted_impacts
        self._counted_statuses = counted_statuses
        # Every claim's dossier shows U(s): build each service's Interval objects once.
        self._intervals: dict[str, tuple[Interval, ...]] = {}

    @property
    def period(self) -> Interval:
        return Interval.from_seconds(*self._period)

    @property
    def services(self) -> frozenset[str]:
        """Services with some unavailability in the period."""
        return frozenset(self._by_service)

    def seconds(self, service: str) -> list[SecondsInterval]:
        """``U(service)`` as merged ``(start, end)`` epoch seconds (empty if none)."""
        pieces = self._by_service.get(service)
        return [] if pieces is None else list(zip(pieces.starts, pieces.ends, strict=True))

    def intervals(self, service: str) -> tuple[Interval, ...]:
        """``U(service)`` as merged intervals (empty if none)."""
        intervals = self._intervals.get(service)
        if intervals is None:
            intervals = tuple(
                Interval.from_seconds(start, end) for start, end in self.seconds(service)
            )
            self._intervals[service] = intervals
        return intervals

    def _check_matches(self, period: SecondsInterval, now: int, params: MethodologyParams):
        # Reusing U(s) built for another period, methodology or "now" would silently
        # produce a wrong claim: refuse instead.
        if period != self._period:
            raise ValueError("unavailability was built for another claim period")
        if now != self._now:
            raise ValueError("unavailability was built with another 'now'")
        if (
            params.counted_impacts != self._counted_impacts
            or params.counted_statuses != self._counted_statuses
        ):
            raise ValueError("unavailability was built with other counted impacts or statuses")


def unavailability_by_service(
    incidents: Iterable[IncidentInput],
    period: Interval,
    params: MethodologyParams,
    now: datetime,
) -> Unavailability:
    """``U(s)`` of rule 1 for every service that a counted incident lists."""
    period_start, period_end = period.to_seconds()
    now_seconds = to_epoch_seconds(now)
    counted_impacts, counted_statuses = params.counted_impacts, params.counted_statuses
    clipped_by_service: dict[str, list[tuple[int, int, str]]] = {}
    for incident in incidents:
        # Rule 1: only counted impacts and statuses.
        if incident.impact not in counted_impacts or incident.status not in counted_statuses:
            continue
        start = to_epoch_seconds(incident.start)
        # Rule 1: an ongoing incident ends at "now".
        end = now_seconds if incident.end is None else to_epoch_seconds(incident.end)
        # Rule 1: clipped to the claim period.
        if start < period_start:
            start = period_start
        if end > period_end:
            end = period_end
        if start >= end:
            continue
        for service in incident.services:
            clipped_by_service.setdefault(service, []).append((start, end, incident.reference))

    by_service: dict[str, _ServicePieces] = {}
    for service, clipped in clipped_by_service.items():
        clipped.sort()
        starts: list[int] = []
        ends: list[int] = []
        members: list[tuple[tuple[int, int, str], ...]] = []
        current: list[tuple[int, int, str]] = []
        for start, end, reference in clipped:
            # Rule 1: a union, overlaps merged, never summed. Adjacent incidents merge too
            # (touching is not overlapping, but the union has no gap there).
            if current and start <= ends[-1]:
                if end > ends[-1]:
                    ends[-1] = end
                current.append((start, end, reference))
            else:
                if current:
                    members.append(tuple(current))
                starts.append(start)
                ends.append(end)
                current = [(start, end, reference)]
        members.append(tuple(current))
        by_service[service] = _ServicePieces(starts, ends, members)
    return Unavailability(
        by_service, (period_start, period_end), now_seconds, counted_impacts, counted_statuses
    )


def _references_meeting(
    by_service: dict[str, _ServicePieces], services: Iterable[str], start: int, end: int
) -> set[str]:
    """References of the counted incidents of ``services`` meeting ``[start, end)``."""
    references: set[str] = set()
    for service in services:
        pieces = by_service.get(service)
        if pieces is None:
            continue
        starts, ends, members = pieces
        index = bisect_right(ends, start)
        count = len(starts)
        while index < count and starts[index] < end:
            for member_start, member_end, reference in members[index]:
                if member_start < end and member_end > start:
                    references.add(reference)
            index += 1
    return references


# --- the result --------------------------------------------------------------------------


class VerifiedPiece(NamedTuple):
    interval: Interval
    references: tuple[str, ...]  # the incidents behind this piece, sorted


class SlotBreakdown(NamedTuple):
    key: Hashable
    services: frozenset[str]
    interval: Interval | None  # the slot clipped to the period; None when wholly outside
    verified: tuple[VerifiedPiece, ...]  # rule 2, before the union over slots
    unverified: tuple[Interval, ...]  # rule 3: declared, not in U(s) of its services
    references: tuple[str, ...]  # rule 11: incidents this slot cites, sorted


class ConsultationBreakdown(NamedTuple):
    key: Hashable
    interval: Interval  # [start, start + duration)
    code: str
    outcome: str
    affected: bool  # rule 4
    affecting_services: tuple[str, ...]  # needed services whose U(s) meets it, sorted
    revenue_loss: Decimal  # rule 5: the fee, or 0.00
    catch_up_minutes: int  # rule 7
    reason: ConsultationReason
    references: tuple[str, ...]  # rule 11: incidents this consultation cites, sorted


# Raw rows recorded by the hot path; turned into the breakdowns above only on demand.
_SlotRow = tuple[SlotInput, int, int, list[SecondsInterval], AbstractSet[str]]
_ConsultationRow = tuple[
    ConsultationInput, int, int, ConsultationReason, tuple[str, ...], AbstractSet[str], Decimal, int
]


@dataclass(frozen=True)
class ClaimResult:
    """Every figure of one claim, in seconds and EUR; ``*_minutes`` for people (rule 10).

    ``unavailability``, ``verified_intervals``, ``slot_breakdown`` and
    ``consultation_breakdown`` hold datetimes and are built on first access only: a batch
    that needs the totals does not pay for what only a dossier prints.
    """

    methodology: str
    hourly_rate: Decimal
    period: Interval
    declared_seconds: int
    verified_seconds: int
    unverified_seconds: int
    slot_lost_seconds: int
    catch_up_seconds: int
    lost_seconds: int
    time_value: Decimal
    revenue_loss: Decimal
    total: Decimal
    affected_consultations: int
    cited_incidents: tuple[str, ...]
    # Raw material of the lazy properties below; not part of equality.
    _verified: list[SecondsInterval] = field(repr=False, compare=False)
    _slot_rows: list[_SlotRow] = field(repr=False, compare=False)
    _consultation_rows: list[_ConsultationRow] = field(repr=False, compare=False)
    _unavailability: Unavailability = field(repr=False, compare=False)

    # Rule 10: each figure is rounded from its own seconds, so lost_minutes may differ by
    # one from slot_lost_minutes + catch_up_minutes; the seconds are what is paid.
    @property
    def declared_minutes(self) -> int:
        return minutes(self.declared_seconds)

    @property
    def verified_minutes(self) -> int:
        return minutes(self.verified_seconds)

    @property
    def unverified_minutes(self) -> int:
        return minutes(self.unverified_seconds)

    @property
    def slot_lost_minutes(self) -> int:
        return minutes(self.slot_lost_seconds)

    @property
    def catch_up_minutes(self) -> int:
        return minutes(self.catch_up_seconds)

    @property
    def lost_minutes(self) -> int:
        return minutes(self.lost_seconds)

    @cached_property
    def verified_intervals(self) -> tuple[Interval, ...]:
        """``V`` of rule 2: the union of the verified pieces of all slots."""
        return tuple(Interval.from_seconds(start, end) for start, end in self._verified)

    @cached_property
    def unavailability(self) -> Mapping[str, tuple[Interval, ...]]:
        """``U(s)`` (rule 1) of every service a slot or consultation of the claim names."""
        services: set[str] = set()
        for row in self._slot_rows:
            services.update(row[0].services)
        for row in self._consultation_rows:
            services.update(row[0].services)
        return MappingProxyType(
            {service: self._unavailability.intervals(service) for service in sorted(services)}
        )

    @cached_property
    def slot_breakdown(self) -> tuple[SlotBreakdown, ...]:
        """One row per declared slot, in input order."""
        by_service = self._unavailability._by_service
        rows = []
        for slot, start, end, pieces, references in self._slot_rows:
            if start >= end:
                rows.append(SlotBreakdown(slot.key, slot.services, None, (), (), ()))
                continue
            verified = tuple(
                VerifiedPiece(
                    Interval.from_seconds(piece_start, piece_end),
                    tuple(
                        sorted(
                            _references_meeting(by_service, slot.services, piece_start, piece_end)
                        )
                    ),
                )
                for piece_start, piece_end in pieces
            )
            unverified = tuple(
                Interval.from_seconds(piece_start, piece_end)
                for piece_start, piece_end in subtract_seconds([(start, end)], pieces)
            )
            rows.append(
                SlotBreakdown(
                    slot.key,
                    slot.services,
                    Interval.from_seconds(start, end),
                    verified,
                    unverified,
                    tuple(sorted(references)),
                )
            )
        return tuple(rows)

    @cached_property
    def consultation_breakdown(self) -> tuple[ConsultationBreakdown, ...]:
        """One row per declared consultation, in input order."""
        return tuple(
            ConsultationBreakdown(
                key=consultation.key,
                interval=Interval.from_seconds(start, end),
                code=consultation.code,
                outcome=consultation.outcome,
                affected=bool(affecting),
                affecting_services=affecting,
                revenue_loss=loss,
                catch_up_minutes=catch_up,
                reason=reason,
                references=tuple(sorted(references)),
            )
            for (
                consultation,
                start,
                end,
                reason,
                affecting,
                references,
                loss,
                catch_up,
            ) in self._consultation_rows
        )


def _outside_period_row(consultation: ConsultationInput, start: int, end: int):
    return (
        consultation,
        start,
        end,
        ConsultationReason.OUTSIDE_PERIOD,
        (),
        _NO_REFERENCES,
        _ZERO_EUR,
        0,
    )


def _not_affected_row(consultation: ConsultationInput, start: int, end: int):
    return (
        consultation,
        start,
        end,
        ConsultationReason.NOT_AFFECTED,
        (),
        _NO_REFERENCES,
        _ZERO_EUR,
        0,
    )


# --- the calculation ---------------------------------------------------------------------


def compute_claim(inputs: ClaimInputs, unavailability: Unavailability | None = None) -> ClaimResult:
    """Apply methodology.md rules 1–12 to one claim.

    ``unavailability`` may be passed when many claims share one calendar, period,
    methodology and ``now``: it must be ``unavailability_by_service(inputs.incidents,
    inputs.period, inputs.params, inputs.now)``, and is checked for period, ``now`` and
    counted impacts and statuses.
    """
    params = inputs.params
    period_start, period_end = inputs.period.to_seconds()
    if unavailability is None:
        unavailability = unavailability_by_service(
            inputs.incidents, inputs.period, params, inputs.now
        )
    else:
        unavailability._check_matches(
            (period_start, period_end), to_epoch_seconds(inputs.now), params
        )
    by_service = unavailability._by_service
    # Inputs are validated on construction; this is to_epoch_seconds without the check.
    epoch, second = EPOCH, ONE_SECOND
    cited: set[str] = set()

    # Rules 2 and 3: slots.
    slot_rows: list[_SlotRow] = []
    clipped_slots: list[SecondsInterval] = []
    verified_pieces: list[SecondsInterval] = []
    for slot in inputs.slots:
        start = (slot.start - epoch) // second
        end = (slot.end - epoch) // second
        # Rule 2: slots are clipped to the claim period first.
        if start < period_start:
            start = period_start
        if end > period_end:
            end = period_end
        if start >= end:
            slot_rows.append((slot, start, start, [], _NO_REFERENCES))
            continue
        clipped_slots.append((start, end))
        pieces: list[SecondsInterval] = []
        references: set[str] | frozenset[str] = _NO_REFERENCES
        contributing_services = 0
        for service in slot.services:
            service_pieces = by_service.get(service)
            if service_pieces is None:
                continue
            starts, ends, members = service_pieces
            # Rule 12: only a piece ending strictly after the slot start can meet it.
            index = bisect_right(ends, start)
            count = len(starts)
            if index == count or starts[index] >= end:
                continue
            contributing_services += 1
            if references is _NO_REFERENCES:
                references = set()
            while index < count and starts[index] < end:
                piece_start = starts[index]
                piece_end = ends[index]
                # Rule 2: the slot's intersection with U(s).
                pieces.append(
                    (
                        piece_start if piece_start > start else start,
                        piece_end if piece_end < end else end,
                    )
                )
                # Rule 11: incidents meeting the slot for a service both list.
                for member_start, member_end, reference in members[index]:
                    if member_start < end and member_end > start:
                        references.add(reference)
                index += 1
        if contributing_services > 1:
            # Rule 2: the union over the slot's services (their U(s) may overlap).
            pieces = merge_seconds(pieces)
        if pieces:
            verified_pieces.extend(pieces)
            cited.update(references)
        slot_rows.append((slot, start, end, pieces, references))

    # Rule 3: declared time is the union of the clipped slots, never a sum.
    declared_seconds = sum(end - start for start, end in merge_seconds(clipped_slots))
    # Rule 2: V is the union of the pieces; overlapping slots are not counted twice.
    verified = merge_seconds(verified_pieces)
    verified_seconds = sum(end - start for start, end in verified)

    # Rules 4, 5 and 7: consultations.
    loss_outcomes = params.loss_outcomes
    catch_up_per_service = params.catch_up_minutes
    consultation_rows: list[_ConsultationRow] = []
    loss_intervals: list[SecondsInterval] = []
    revenue_loss = _ZERO_EUR
    catch_up_minutes_total = 0
    affected_count = 0
    for consultation in inputs.consultations:
        start = (consultation.start - epoch) // second
        end = start + 60 * consultation.duration_minutes
        # Rule 4: only consultations whose start lies in the claim period count.
        if start < period_start or start >= period_end:
            consultation_rows.append(_outside_period_row(consultation, start, end))
            continue
        affecting: list[str] | None = None
        references = _NO_REFERENCES
        if start < end:  # a zero-length consultation meets nothing (rule 12)
            for service in consultation.services:
                service_pieces = by_service.get(service)
                if service_pieces is None:
                    continue
                starts, ends, members = service_pieces
                index = bisect_right(ends, start)
                count = len(starts)
                # Rule 4 (with rule 12): [start, end) meets U(s) over a positive length.
                if index == count or starts[index] >= end:
                    continue
                if affecting is None:
                    affecting = [service]
                    references = set()
                else:
                    affecting.append(service)
                # Rule 11: incidents meeting an affected consultation for a service
                # both the consultation needed and the incident lists.
                while index < count and starts[index] < end:
                    for member_start, member_end, reference in members[index]:
                        if member_start < end and member_end > start:
                            references.add(reference)
                    index += 1
        if affecting is None:
            consultation_rows.append(_not_affected_row(consultation, start, end))
            continue
        affected_count += 1
        cited.update(references)
        loss = _ZERO_EUR
        catch_up = 0
        reason = ConsultationReason.AFFECTED_NO_COMPENSATION
        outcome = consultation.outcome
        # Rule 5: the fee of an affected consultation with a revenue-loss outcome.
        if outcome in loss_outcomes:
            loss = consultation.fee
            revenue_loss += loss
            loss_intervals.append((start, end))
            reason = ConsultationReason.LOSS
        # Rule 7: catch-up minutes of every needed service whose U(s) meets it. Not on top
        # of a fee, should a methodology ever count "completed" as a loss: no double pay.
        elif outcome == COMPLETED:
            for service in affecting:
                catch_up += catch_up_per_service.get(service, 0)
            if catch_up:
                catch_up_minutes_total += catch_up
                reason = ConsultationReason.CATCH_UP
        if len(affecting) > 1:
            affecting.sort()
        consultation_rows.append(
            (consultation, start, end, reason, tuple(affecting), references, loss, catch_up)
        )

    # Rule 6: the time of revenue-loss consultations is already paid by their fee.
    if loss_intervals:
        slot_lost_seconds = sum(
            end - start for start, end in subtract_seconds(verified, merge_seconds(loss_intervals))
        )
    else:
        slot_lost_seconds = verified_seconds
    catch_up_seconds = 60 * catch_up_minutes_total
    # Rule 8.
    lost_seconds = slot_lost_seconds + catch_up_seconds
    # Rule 9: exact Decimal arithmetic, rounded half-up to the cent once, here.
    time_value = (Decimal(lost_seconds) * params.hourly_rate / _SECONDS_PER_HOUR).quantize(
        _CENT, rounding=ROUND_HALF_UP
    )
    # Fees are in cents already; the quantize only fixes the exponent for printing.
    revenue_loss = revenue_loss.quantize(_CENT, rounding=ROUND_HALF_UP)

    return ClaimResult(
        methodology=params.version,
        hourly_rate=params.hourly_rate,
        period=inputs.period,
        declared_seconds=declared_seconds,
        verified_seconds=verified_seconds,
        # Rule 3: unverified time is shown, never paid.
        unverified_seconds=declared_seconds - verified_seconds,
        slot_lost_seconds=slot_lost_seconds,
        catch_up_seconds=catch_up_seconds,
        lost_seconds=lost_seconds,
        time_value=time_value,
        revenue_loss=revenue_loss,
        # Rule 9: total = time value + revenue loss.
        total=time_value + revenue_loss,
        affected_consultations=affected_count,
        # Rule 11: every cited incident, sorted for the dossier and the JSON summary.
        cited_incidents=tuple(sorted(cited)),
        _verified=verified,
        _slot_rows=slot_rows,
        _consultation_rows=consultation_rows,
        _unavailability=unavailability,
    )


def _money(amount: Decimal) -> str:
    return format(amount.quantize(_CENT, rounding=ROUND_HALF_UP), "f")


def claim_summary_dict(
    result: ClaimResult, *, riziv: str, first_day: date, last_day: date
) -> dict[str, Any]:
    """The JSON object of interfaces.md, "Claim computation", keys in that order."""
    return {
        "doctor": riziv,
        "from": first_day.isoformat(),
        "to": last_day.isoformat(),
        "methodology": result.methodology,
        "declared_minutes": result.declared_minutes,
        "verified_minutes": result.verified_minutes,
        "unverified_minutes": result.unverified_minutes,
        "slot_lost_minutes": result.slot_lost_minutes,
        "catch_up_minutes": result.catch_up_minutes,
        "lost_minutes": result.lost_minutes,
        "hourly_rate": _money(result.hourly_rate),
        "time_value": _money(result.time_value),
        "revenue_loss": _money(result.revenue_loss),
        "total": _money(result.total),
        "currency": "EUR",
        "affected_consultations": result.affected_consultations,
        "incidents": list(result.cited_incidents),
    }
