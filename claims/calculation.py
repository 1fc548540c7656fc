"""The claim calculation of methodology.md, rule by rule, as one pure function.

``compute_claim(ClaimInputs) -> ClaimResult``: plain frozen dataclasses in, a frozen
dataclass out, no Django and no database. The ORM only loads the inputs (claims
services/selectors), the claim page, the dossier and ``claim_summary`` only print the
result. The rule numbers in the comments are those of methodology.md; keep them in step.

Speed matters (a reviewer batch, the membership estimate and the flag refresh recompute
tens of thousands of claims; ``tests/benchmarks/bench_calculation.py``), so:

* every input carries its whole epoch seconds (``start_s``, ``end_s``), converted once when
  it is built (the loader), and the calculation works on ints only;
* ``unavailability_by_service`` builds ``U(s)`` for every service once per calendar and
  period (rule 1), as sorted merged lists searched with ``bisect``, plus the incidents'
  segments, so that a claim finds the incidents it cites (rule 11) in two bisections
  instead of rescanning them: the cost per claim grows with log(incidents) only;
* ``compute_claim`` reuses it for every doctor and records nothing per row: its result is
  a lean tuple of figures, and the per-slot and per-consultation breakdowns with
  datetimes are rebuilt from the inputs only when a page or a dossier reads them.

``tests/claims/reference_calculation.py`` is an independent, deliberately naive
implementation the tests compare this one with on thousands of random claims.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from operator import itemgetter
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
    "RULES",
    "Rules",
    "SlotBreakdown",
    "SlotInput",
    "Unavailability",
    "VerifiedPiece",
    "claim_summary_dict",
    "compute_claim",
    "rules_for",
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


def _epoch(moment: datetime) -> int:
    # to_epoch_seconds without its check: the caller has just checked the datetime.
    return (moment - EPOCH) // ONE_SECOND


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
    # Epoch seconds, converted once here (the loader) rather than in every calculation.
    start_s: int = field(init=False, repr=False, compare=False)
    end_s: int | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _freeze_services(self, self.services)
        _require_aware(self.start, "incident start")
        object.__setattr__(self, "start_s", _epoch(self.start))
        end_s = None
        if self.end is not None:
            _require_aware(self.end, "incident end")
            if self.end < self.start:
                raise ValueError(f"incident {self.reference} ends before it starts")
            end_s = _epoch(self.end)
        object.__setattr__(self, "end_s", end_s)


@dataclass(frozen=True, slots=True)
class SlotInput:
    """A time slot ``[start, end)`` the doctor declares, with the services they needed."""

    key: Hashable
    start: datetime
    end: datetime
    services: frozenset[str]
    note: str = ""
    start_s: int = field(init=False, repr=False, compare=False)
    end_s: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _freeze_services(self, self.services)
        _require_aware(self.start, "slot start")
        _require_aware(self.end, "slot end")
        if self.end < self.start:
            raise ValueError(f"slot {self.key!r} ends before it starts")
        object.__setattr__(self, "start_s", _epoch(self.start))
        object.__setattr__(self, "end_s", _epoch(self.end))


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
    start_s: int = field(init=False, repr=False, compare=False)
    end_s: int = field(init=False, repr=False, compare=False)

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
        start_s = _epoch(self.start)
        object.__setattr__(self, "start_s", start_s)
        object.__setattr__(self, "end_s", start_s + 60 * self.duration_minutes)


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
    period_s: SecondsInterval = field(init=False, repr=False, compare=False)
    now_s: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _require_aware(self.now, "now")
        object.__setattr__(self, "period_s", self.period.to_seconds())
        object.__setattr__(self, "now_s", _epoch(self.now))
        # Tuples, so a frozen ClaimInputs cannot change under a result computed from it.
        for name in ("incidents", "slots", "consultations"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))


# --- rule 1: unavailability of every service ---------------------------------------------


class _ServiceCalendar(NamedTuple):
    """``U(s)`` of one service, and the incidents behind it, as sorted lists for ``bisect``.

    Built once per calendar and period, so that a claim finds its pieces and its citations
    in O(log n + what it cites) whatever the number of incidents:

    * ``starts``/``ends``: the merged pieces of ``U(s)`` (disjoint, not adjacent);
    * ``bounds``/``active``: every clipped incident start and end, sorted, and the
      references of the incidents covering ``[bounds[i], bounds[i + 1])``;
    * ``incident_starts``/``incident_references``: the clipped incidents by start.

    An incident meets ``[a, b)`` when it covers ``a`` (``active`` of the segment holding
    ``a``) or starts inside ``(a, b)``: two bisections, never a scan of the incidents.
    """

    starts: list[int]
    ends: list[int]
    bounds: list[int]
    active: list[frozenset[str]]
    incident_starts: list[int]
    incident_references: list[str]


def _service_calendar(clipped: list[tuple[int, int, str]]) -> _ServiceCalendar:
    clipped.sort()
    starts: list[int] = []
    ends: list[int] = []
    for start, end, _reference in clipped:
        # Rule 1: a union, overlaps merged, never summed. Adjacent incidents merge too
        # (touching is not overlapping, but the union has no gap there).
        if starts and start <= ends[-1]:
            if end > ends[-1]:
                ends[-1] = end
        else:
            starts.append(start)
            ends.append(end)
    bounds = sorted({moment for start, end, _reference in clipped for moment in (start, end)})
    position = {moment: index for index, moment in enumerate(bounds)}
    covering: list[list[str]] = [[] for _ in bounds]
    for start, end, reference in clipped:
        for index in range(position[start], position[end]):
            covering[index].append(reference)
    return _ServiceCalendar(
        starts,
        ends,
        bounds,
        [frozenset(references) for references in covering],
        [start for start, _end, _reference in clipped],
        [reference for _start, _end, reference in clipped],
    )


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
        by_service: dict[str, _ServiceCalendar],
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

    def only(self, service: str) -> Unavailability:
        """The same ``U`` with every other service available: a claim computed with it
        is what the claim would be had ``service`` been the only one down."""
        calendars = self._by_service
        return Unavailability(
            {service: calendars[service]} if service in calendars else {},
            self._period,
            self._now,
            self._counted_impacts,
            self._counted_statuses,
        )

    def references(self, services: Iterable[str], start: int, end: int) -> set[str]:
        """References of the counted incidents of ``services`` meeting ``[start, end)``."""
        references: set[str] = set()
        for service in services:
            calendar = self._by_service.get(service)
            if calendar is not None:
                _cite(references, calendar, start, end)
        return references

    def _check_matches(self, period: SecondsInterval, now: int, params: MethodologyParams):
        # Reusing U(s) built for another period, methodology or "now" would silently
        # produce a wrong claim: refuse instead.
        if period != self._period:
            raise ValueError("unavailability was built for another claim period")
        if now != self._now:
            raise ValueError("unavailability was built with another 'now'")
        if (
            params.counted_impacts is not self._counted_impacts
            or params.counted_statuses is not self._counted_statuses
        ) and (
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
        start = incident.start_s
        # Rule 1: an ongoing incident ends at "now".
        end = now_seconds if incident.end_s is None else incident.end_s
        # Rule 1: clipped to the claim period.
        if start < period_start:
            start = period_start
        if end > period_end:
            end = period_end
        if start >= end:
            continue
        for service in incident.services:
            clipped_by_service.setdefault(service, []).append((start, end, incident.reference))
    by_service = {
        service: _service_calendar(clipped) for service, clipped in clipped_by_service.items()
    }
    return Unavailability(
        by_service, (period_start, period_end), now_seconds, counted_impacts, counted_statuses
    )


def _cite(references: set[str], calendar: _ServiceCalendar, start: int, end: int) -> None:
    """Add the references of ``calendar``'s incidents meeting ``[start, end)`` (rule 11)."""
    bounds = calendar.bounds
    index = bisect_right(bounds, start) - 1
    if index >= 0:
        references |= calendar.active[index]
    incident_starts = calendar.incident_starts
    low = bisect_right(incident_starts, start)
    high = bisect_left(incident_starts, end, low)
    if low < high:
        references.update(calendar.incident_references[low:high])


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


#: The figures that make two results equal (the lazy material below is not compared).
_FIGURES = (
    "methodology",
    "hourly_rate",
    "period",
    "declared_seconds",
    "verified_seconds",
    "unverified_seconds",
    "slot_lost_seconds",
    "catch_up_seconds",
    "lost_seconds",
    "time_value",
    "revenue_loss",
    "total",
    "affected_consultations",
    "cited_incidents",
)
_FIGURE_COUNT = len(_FIGURES)


class ClaimResult(tuple):
    """Every figure of one claim, in seconds and EUR; ``*_minutes`` for people (rule 10).

    Lean on purpose: a tuple of the figures, then the material of the lazy properties
    (the inputs and ``U(s)``). ``unavailability``, ``verified_intervals``,
    ``slot_breakdown`` and ``consultation_breakdown`` hold datetimes and are built from
    that material on first access only: a batch that needs the totals does not pay for
    what only a page or a dossier prints. Read-only; compared and hashed on its figures.
    """

    __slots__ = ()

    methodology = property(itemgetter(0))
    hourly_rate = property(itemgetter(1))
    period = property(itemgetter(2))
    declared_seconds = property(itemgetter(3))
    verified_seconds = property(itemgetter(4))
    unverified_seconds = property(itemgetter(5))
    slot_lost_seconds = property(itemgetter(6))
    catch_up_seconds = property(itemgetter(7))
    lost_seconds = property(itemgetter(8))
    time_value = property(itemgetter(9))
    revenue_loss = property(itemgetter(10))
    total = property(itemgetter(11))
    affected_consultations = property(itemgetter(12))
    cited_incidents = property(itemgetter(13))
    _verified = property(itemgetter(14))
    _inputs = property(itemgetter(15))
    _unavailability = property(itemgetter(16))
    _cache = property(itemgetter(17))

    def __new__(cls, *items: Any) -> ClaimResult:
        # 14 figures, then verified, inputs, unavailability; the cache comes last.
        if len(items) != _FIGURE_COUNT + 3:
            raise TypeError(f"ClaimResult takes {_FIGURE_COUNT + 3} items, got {len(items)}")
        return tuple.__new__(cls, (*items, {}))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ClaimResult):
            return NotImplemented
        return self[:_FIGURE_COUNT] == other[:_FIGURE_COUNT]

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self[:_FIGURE_COUNT])

    def __repr__(self) -> str:
        figures = ", ".join(
            f"{name}={value!r}" for name, value in zip(_FIGURES, self, strict=False)
        )
        return f"ClaimResult({figures})"

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

    def _lazy(self, name: str, build):
        value = self._cache.get(name)
        if value is None:
            value = self._cache[name] = build()
        return value

    @property
    def verified_intervals(self) -> tuple[Interval, ...]:
        """``V`` of rule 2: the union of the verified pieces of all slots."""
        return self._lazy(
            "verified",
            lambda: tuple(Interval.from_seconds(start, end) for start, end in self._verified),
        )

    @property
    def unavailability(self) -> Mapping[str, tuple[Interval, ...]]:
        """``U(s)`` (rule 1) of every service a slot or consultation of the claim names."""
        return self._lazy("unavailability", self._build_unavailability)

    @property
    def slot_breakdown(self) -> tuple[SlotBreakdown, ...]:
        """One row per declared slot, in input order."""
        return self._lazy("slots", self._build_slot_breakdown)

    @property
    def consultation_breakdown(self) -> tuple[ConsultationBreakdown, ...]:
        """One row per declared consultation, in input order."""
        return self._lazy("consultations", self._build_consultation_breakdown)

    def _build_unavailability(self) -> Mapping[str, tuple[Interval, ...]]:
        services: set[str] = set()
        for item in (*self._inputs.slots, *self._inputs.consultations):
            services.update(item.services)
        return MappingProxyType(
            {service: self._unavailability.intervals(service) for service in sorted(services)}
        )

    # The breakdowns apply the rules too: the version's rule set builds them.
    def _build_slot_breakdown(self) -> tuple[SlotBreakdown, ...]:
        return rules_for(self.methodology).slot_breakdown(self)

    def _build_consultation_breakdown(self) -> tuple[ConsultationBreakdown, ...]:
        return rules_for(self.methodology).consultation_breakdown(self)


def _meeting_pieces(calendar: _ServiceCalendar, start: int, end: int) -> list[SecondsInterval]:
    """``[start, end) ∩ U(s)`` (rule 2; rule 12: only a positive length meets)."""
    starts, ends = calendar.starts, calendar.ends
    index = bisect_right(ends, start)
    pieces = []
    while index < len(starts) and starts[index] < end:
        pieces.append((max(starts[index], start), min(ends[index], end)))
        index += 1
    return pieces


# --- the calculation ---------------------------------------------------------------------


def compute_claim(inputs: ClaimInputs, unavailability: Unavailability | None = None) -> ClaimResult:
    """Apply methodology.md rules 1–12 to one claim.

    ``unavailability`` may be passed when many claims share one calendar, period,
    methodology and ``now``: it must be ``unavailability_by_service(inputs.incidents,
    inputs.period, inputs.params, inputs.now)``, and is checked for period, ``now`` and
    counted impacts and statuses.

    The hot path (a reviewer batch, the membership estimate) works on the epoch seconds
    the inputs carry and records nothing per row; the breakdowns are rebuilt on demand.

    Rules 2–12 are those of the claim's methodology version (``rules_for``): a claim made
    under ABSyM-2024.1 recomputes with ABSyM-2024.1's logic whatever later versions change.
    """
    params = inputs.params
    if unavailability is None:
        unavailability = unavailability_by_service(
            inputs.incidents, inputs.period, params, inputs.now
        )
    else:
        unavailability._check_matches(inputs.period_s, inputs.now_s, params)
    return rules_for(params.version).compute(inputs, unavailability)


# --- the rules of each methodology version ---------------------------------------------


class Rules:
    """The rule logic of methodology ABSyM-2024.1 (methodology.md, "The rules").

    A methodology version is parameters (``MethodologyParams``) and rule logic (this
    class). A version whose logic differs subclasses it, overrides what changes (a hook
    like ``time_value``, or ``compute`` itself for a rule applied per row: copy it, then
    change the copy, so the old one stays exactly as it was) and is registered in
    ``RULES`` under its version name. Every version not registered there (a version that
    only changes parameters) computes with these rules; never change that fallback, or
    every such version's submitted claims would recompute differently.
    """

    def compute(self, inputs: ClaimInputs, unavailability: Unavailability) -> ClaimResult:
        """Rules 2–12 of one claim, ``U(s)`` (rule 1) given (``compute_claim``)."""
        params = inputs.params
        period_start, period_end = inputs.period_s
        by_service = unavailability._by_service
        cited: set[str] = set()
        bisect = bisect_right  # a local name: looked up hundreds of times per claim
        cite = _cite  # rule 11, in one place for slots, consultations and breakdowns

        # Rules 2 and 3: slots.
        clipped_slots: list[SecondsInterval] = []
        verified_pieces: list[SecondsInterval] = []
        for slot in inputs.slots:
            start = slot.start_s
            end = slot.end_s
            # Rule 2: slots are clipped to the claim period first.
            if start < period_start:
                start = period_start
            if end > period_end:
                end = period_end
            if start >= end:
                continue
            clipped_slots.append((start, end))
            for service in slot.services:
                calendar = by_service.get(service)
                if calendar is None:
                    continue
                starts, ends = calendar[0], calendar[1]
                # Rule 12: only a piece ending strictly after the slot start can meet it.
                index = bisect(ends, start)
                count = len(starts)
                if index == count or starts[index] >= end:
                    continue
                while index < count and starts[index] < end:
                    piece_start = starts[index]
                    piece_end = ends[index]
                    # Rule 2: the slot's intersection with U(s); the union comes below.
                    verified_pieces.append(
                        (
                            piece_start if piece_start > start else start,
                            piece_end if piece_end < end else end,
                        )
                    )
                    index += 1
                # Rule 11: the incidents meeting the slot for a service both list.
                cite(cited, calendar, start, end)

        # Rule 3: declared time is the union of the clipped slots, never a sum.
        declared_seconds = sum(end - start for start, end in merge_seconds(clipped_slots))
        # Rule 2: V is the union of the pieces; overlapping slots are not counted twice.
        verified = merge_seconds(verified_pieces)
        verified_seconds = sum(end - start for start, end in verified)

        # Rules 4, 5 and 7: consultations.
        loss_outcomes = params.loss_outcomes
        catch_up_per_service = params.catch_up_minutes
        loss_intervals: list[SecondsInterval] = []
        revenue_loss = _ZERO_EUR
        catch_up_minutes_total = 0
        affected_count = 0
        for consultation in inputs.consultations:
            start = consultation.start_s
            end = consultation.end_s
            # Rule 4: only consultations whose start lies in the claim period count; a
            # zero-length one meets nothing (rule 12).
            if start < period_start or start >= period_end or start >= end:
                continue
            catch_up = 0
            affected = False
            for service in consultation.services:
                calendar = by_service.get(service)
                if calendar is None:
                    continue
                ends = calendar[1]
                index = bisect(ends, start)
                # Rule 4 (with rule 12): [start, end) meets U(s) over a positive length.
                if index == len(ends) or calendar[0][index] >= end:
                    continue
                affected = True
                catch_up += catch_up_per_service.get(service, 0)
                # Rule 11: the incidents meeting an affected consultation for a service both
                # the consultation needed and the incident lists.
                cite(cited, calendar, start, end)
            if not affected:
                continue
            affected_count += 1
            outcome = consultation.outcome
            # Rule 5: the fee of an affected consultation with a revenue-loss outcome.
            if outcome in loss_outcomes:
                revenue_loss += consultation.fee
                loss_intervals.append((start, end))
            # Rule 7: catch-up minutes of every needed service whose U(s) meets it. Not on top
            # of a fee, should a methodology ever count "completed" as a loss: no double pay.
            elif outcome == COMPLETED:
                catch_up_minutes_total += catch_up

        # Rule 6: the time of revenue-loss consultations is already paid by their fee.
        if loss_intervals:
            paid = merge_seconds(loss_intervals)
            slot_lost_seconds = sum(end - start for start, end in subtract_seconds(verified, paid))
        else:
            slot_lost_seconds = verified_seconds
        catch_up_seconds = 60 * catch_up_minutes_total
        # Rule 8.
        lost_seconds = slot_lost_seconds + catch_up_seconds
        # Rule 9: exact Decimal arithmetic, rounded half-up to the cent once, here.
        time_value = self.time_value(lost_seconds, params)
        # Fees are in cents already; the quantize only fixes the exponent for printing.
        revenue_loss = revenue_loss.quantize(_CENT, rounding=ROUND_HALF_UP)

        return ClaimResult(
            params.version,
            params.hourly_rate,
            inputs.period,
            declared_seconds,
            verified_seconds,
            # Rule 3: unverified time is shown, never paid.
            declared_seconds - verified_seconds,
            slot_lost_seconds,
            catch_up_seconds,
            lost_seconds,
            time_value,
            revenue_loss,
            # Rule 9: total = time value + revenue loss.
            time_value + revenue_loss,
            affected_count,
            # Rule 11: every cited incident, sorted for the dossier and the JSON summary.
            tuple(sorted(cited)),
            verified,
            inputs,
            unavailability,
        )

    def time_value(self, lost_seconds: int, params: MethodologyParams) -> Decimal:
        """Rule 9: exact Decimal arithmetic, rounded half-up to the cent once, here."""
        return (Decimal(lost_seconds) * params.hourly_rate / _SECONDS_PER_HOUR).quantize(
            _CENT, rounding=ROUND_HALF_UP
        )

    def slot_breakdown(self, result: ClaimResult) -> tuple[SlotBreakdown, ...]:
        """One row per declared slot, in input order (``ClaimResult.slot_breakdown``)."""
        unavailability = result._unavailability
        by_service = unavailability._by_service
        period_start, period_end = result._inputs.period_s
        rows = []
        for slot in result._inputs.slots:
            start = max(slot.start_s, period_start)
            end = min(slot.end_s, period_end)
            if start >= end:
                rows.append(SlotBreakdown(slot.key, slot.services, None, (), (), ()))
                continue
            pieces: list[SecondsInterval] = []
            for service in slot.services:
                calendar = by_service.get(service)
                if calendar is not None:
                    pieces.extend(_meeting_pieces(calendar, start, end))
            pieces = merge_seconds(pieces)  # rule 2: the union over the slot's services
            verified = tuple(
                VerifiedPiece(
                    Interval.from_seconds(piece_start, piece_end),
                    tuple(sorted(unavailability.references(slot.services, piece_start, piece_end))),
                )
                for piece_start, piece_end in pieces
            )
            unverified = tuple(
                Interval.from_seconds(piece_start, piece_end)
                for piece_start, piece_end in subtract_seconds([(start, end)], pieces)
            )
            references = unavailability.references(slot.services, start, end) if pieces else set()
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

    def consultation_breakdown(self, result: ClaimResult) -> tuple[ConsultationBreakdown, ...]:
        """One row per declared consultation (``ClaimResult.consultation_breakdown``)."""
        inputs = result._inputs
        params = inputs.params
        by_service = result._unavailability._by_service
        period_start, period_end = inputs.period_s
        rows = []
        for consultation in inputs.consultations:
            start, end = consultation.start_s, consultation.end_s
            affecting: tuple[str, ...] = ()
            references: set[str] = set()
            loss, catch_up = _ZERO_EUR, 0
            if start < period_start or start >= period_end:
                reason = ConsultationReason.OUTSIDE_PERIOD  # rule 4
            else:
                affecting = tuple(
                    sorted(
                        service
                        for service in consultation.services
                        # Rule 12: a zero-length consultation meets nothing.
                        if start < end
                        and service in by_service
                        and _meeting_pieces(by_service[service], start, end)
                    )
                )
                references = result._unavailability.references(affecting, start, end)
                if not affecting:
                    reason = ConsultationReason.NOT_AFFECTED
                elif consultation.outcome in params.loss_outcomes:
                    reason, loss = ConsultationReason.LOSS, consultation.fee  # rule 5
                else:
                    reason = ConsultationReason.AFFECTED_NO_COMPENSATION
                    if consultation.outcome == COMPLETED:  # rule 7
                        catch_up = sum(params.catch_up_minutes.get(s, 0) for s in affecting)
                        if catch_up:
                            reason = ConsultationReason.CATCH_UP
            rows.append(
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
            )
        return tuple(rows)


#: The rule logic of each methodology version that has its own; ``rules_for`` reads it.
RULES: dict[str, Rules] = {ABSYM_2024_1.version: Rules()}
_BASE_RULES = RULES[ABSYM_2024_1.version]


def rules_for(version: str) -> Rules:
    """The rule logic a claim computed under ``version`` uses (see ``Rules``)."""
    return RULES.get(version, _BASE_RULES)


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
