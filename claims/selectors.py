"""Reads of the claims app: what the pages, commands and the dossier need, in a constant
number of queries whatever the number of slots, consultations or incidents.

The claim calculation itself (``claims.calculation``) is pure; this module only loads its
inputs from the database and turns them into its dataclasses, then hands back its result
(``claim_report``; ``claims.calculation.compute_claim`` is the pure calculation).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from claims.calculation import (
    ClaimInputs,
    ClaimResult,
    ConsultationInput,
    IncidentInput,
    MethodologyParams,
    SlotInput,
    compute_claim,
)
from claims.cure import correction_open_q
from claims.models import (
    AffectedSlot,
    Claim,
    ClaimStatus,
    Consultation,
    Doctor,
    Methodology,
    NomenclatureFee,
)
from outages.intervals import BRUSSELS, Interval, period_window
from outages.models import Incident, Service

# --- methodology --------------------------------------------------------------------------


def methodology_current(*, today: date | None = None) -> Methodology | None:
    """The latest published version: the one a new computation or submission uses."""
    today = today or timezone.localdate()
    return (
        Methodology.objects.filter(published_on__isnull=False, published_on__lte=today)
        .order_by("-published_on", "-id")
        .first()
    )


def methodology_published(*, version: str) -> Methodology:
    """A published version by name (``claim_summary --methodology``); DoesNotExist otherwise."""
    return Methodology.objects.get(version=version, published_on__isnull=False)


def methodology_params(methodology: Methodology) -> MethodologyParams:
    return MethodologyParams(
        version=methodology.version,
        counted_impacts=frozenset(methodology.counted_impacts),
        counted_statuses=frozenset(methodology.counted_statuses),
        hourly_rate=Decimal(methodology.hourly_rate),
        loss_outcomes=frozenset(methodology.loss_outcomes),
        catch_up_minutes={k: int(v) for k, v in methodology.catch_up_minutes.items()},
    )


# --- services and fees ----------------------------------------------------------------------


def service_names() -> dict[str, str]:
    """slug → name in the active language (one query; the catalogue has a dozen rows)."""
    return {service.slug: service.name for service in Service.objects.all()}


class FeeTable:
    """The nomenclature table in memory: ``fee(code, day)`` without a query per row."""

    def __init__(self, rows: list[NomenclatureFee]):
        self._by_code: dict[str, list[NomenclatureFee]] = defaultdict(list)
        for row in rows:
            self._by_code[row.code].append(row)

    def row(self, code: str, day: date) -> NomenclatureFee | None:
        for row in self._by_code.get(code, ()):
            if row.valid_from <= day and (row.valid_until is None or day <= row.valid_until):
                return row
        return None

    def fee(self, code: str, day: date) -> Decimal | None:
        row = self.row(code, day)
        return None if row is None else row.fee

    def as_json(self) -> list[dict]:
        """For the consultation form's script, which fills the fee as the doctor types."""
        return [
            {
                "code": row.code,
                "label": row.label,
                "fee": format(row.fee, "f"),
                "valid_from": row.valid_from.isoformat(),
                "valid_until": row.valid_until.isoformat() if row.valid_until else None,
            }
            for rows in self._by_code.values()
            for row in rows
        ]


def fee_table() -> FeeTable:
    return FeeTable(list(NomenclatureFee.objects.order_by("code", "-valid_from")))


def nomenclature_fee_on(*, code: str, day: date) -> Decimal | None:
    row = (
        NomenclatureFee.objects.filter(code=code, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("-valid_from")
        .first()
    )
    return None if row is None else row.fee


# --- locked periods (submitted claims) ----------------------------------------------------


@dataclass(frozen=True)
class LockedPeriod:
    claim_id: int
    first_day: date
    last_day: date

    def contains(self, moment: datetime) -> bool:
        return self.first_day <= moment.astimezone(BRUSSELS).date() <= self.last_day


def locked_periods(*, doctor: Doctor) -> list[LockedPeriod]:
    """Periods of the doctor's claims that are no longer drafts: their declarations are
    evidence now and must not change (one query). A request for information from the
    legal team reopens its claim's period until the cure deadline (claims.cure)."""
    return [
        LockedPeriod(pk, first, last)
        for pk, first, last in Claim.objects.filter(doctor=doctor)
        .exclude(status=ClaimStatus.DRAFT)
        .exclude(correction_open_q())
        .values_list("pk", "period_start", "period_end")
    ]


def locked_period_for(moment: datetime, periods: list[LockedPeriod]) -> LockedPeriod | None:
    for period in periods:
        if period.contains(moment):
            return period
    return None


# --- the claim's inputs --------------------------------------------------------------------


def incident_inputs(*, window: Interval) -> list[IncidentInput]:
    """Every incident meeting ``window`` with its service slugs, in one query.

    Uncounted impacts and statuses are kept: the calculation ignores them (rule 1) but the
    week view draws them, so the doctor sees why they do not count.
    """
    rows = (
        Incident.objects.filter(start__lt=window.end)
        .filter(Q(end__isnull=True) | Q(end__gt=window.start))
        .order_by("start", "reference")
        # One row per incident and service (LEFT JOIN): no per-incident query.
        .values_list(
            "id",
            "reference",
            "title",
            "start",
            "end",
            "impact",
            "status",
            "source_url",
            "services__slug",
        )
    )
    incidents: dict[int, list] = {}
    for pk, reference, title, start, end, impact, status, source_url, slug in rows:
        entry = incidents.get(pk)
        if entry is None:
            entry = incidents[pk] = [
                reference,
                title,
                start,
                end,
                impact,
                status,
                source_url,
                set(),
            ]
        if slug:
            entry[7].add(slug)
    return [
        IncidentInput(
            reference=reference,
            services=frozenset(services),
            start=start,
            end=end,
            impact=impact,
            status=status,
            title=title,
            source_url=source_url,
        )
        for reference, title, start, end, impact, status, source_url, services in incidents.values()
    ]


def slot_inputs(*, doctor: Doctor, window: Interval) -> list[SlotInput]:
    """The doctor's slots meeting ``window`` (they are clipped by the calculation), one query."""
    rows = (
        AffectedSlot.objects.filter(doctor=doctor, start__lt=window.end, end__gt=window.start)
        .order_by("start", "end", "id")
        .values_list("id", "start", "end", "note", "services__slug")
    )
    slots: dict[int, list] = {}
    for pk, start, end, note, slug in rows:
        entry = slots.get(pk)
        if entry is None:
            entry = slots[pk] = [start, end, note, set()]
        if slug:
            entry[3].add(slug)
    return [
        SlotInput(key=pk, start=start, end=end, services=frozenset(services), note=note)
        for pk, (start, end, note, services) in slots.items()
    ]


def consultation_inputs(*, doctor: Doctor, window: Interval) -> list[ConsultationInput]:
    """The doctor's consultations starting in ``window`` (rule 4), one query."""
    rows = (
        Consultation.objects.filter(doctor=doctor, start__gte=window.start, start__lt=window.end)
        .order_by("start", "code", "id")
        .values_list("id", "start", "duration_minutes", "code", "fee", "outcome", "services__slug")
    )
    consultations: dict[int, list] = {}
    for pk, start, duration, code, fee, outcome, slug in rows:
        entry = consultations.get(pk)
        if entry is None:
            entry = consultations[pk] = [start, duration, code, fee, outcome, set()]
        if slug:
            entry[5].add(slug)
    return [
        ConsultationInput(
            key=pk,
            start=start,
            duration_minutes=duration,
            code=code,
            fee=fee,
            services=frozenset(services),
            outcome=outcome,
        )
        for pk, (start, duration, code, fee, outcome, services) in consultations.items()
    ]


def claim_inputs_load(
    *,
    doctor: Doctor,
    first_day: date,
    last_day: date,
    methodology: Methodology,
    now: datetime | None = None,
) -> ClaimInputs:
    """The calculation's inputs for a doctor and period: three queries, whatever the data."""
    window = period_window(first_day, last_day)
    return ClaimInputs(
        period=window,
        incidents=incident_inputs(window=window),
        slots=slot_inputs(doctor=doctor, window=window),
        consultations=consultation_inputs(doctor=doctor, window=window),
        params=methodology_params(methodology),
        now=now or timezone.now(),
    )


@dataclass(frozen=True)
class ClaimReport:
    """A computed claim with what it was computed from: what pages and snapshots print."""

    doctor: Doctor
    first_day: date
    last_day: date
    methodology: Methodology
    inputs: ClaimInputs
    result: ClaimResult
    claim: Claim | None = None

    @property
    def window(self) -> Interval:
        return self.inputs.period


def claim_report(
    *,
    claim: Claim | None = None,
    doctor: Doctor | None = None,
    first_day: date | None = None,
    last_day: date | None = None,
    methodology: Methodology | None = None,
    now: datetime | None = None,
) -> ClaimReport:
    """Compute a claim live, from a ``Claim`` row or from a doctor and a period.

    A draft is computed with the current methodology (the one its submission would use);
    ``methodology`` overrides it. Raises Methodology.DoesNotExist when none is published.
    """
    if claim is not None:
        doctor = claim.doctor
        first_day, last_day = claim.period_start, claim.period_end
        if methodology is None and claim.is_frozen:
            methodology = claim.methodology
    if doctor is None or first_day is None or last_day is None:
        raise TypeError("claim_report needs a claim, or a doctor and a period")
    if methodology is None:
        methodology = methodology_current()
        if methodology is None:
            raise Methodology.DoesNotExist("No methodology version is published.")
    inputs = claim_inputs_load(
        doctor=doctor, first_day=first_day, last_day=last_day, methodology=methodology, now=now
    )
    return ClaimReport(
        doctor=doctor,
        first_day=first_day,
        last_day=last_day,
        methodology=methodology,
        inputs=inputs,
        result=compute_claim(inputs),
        claim=claim,
    )


# --- periods and lists ---------------------------------------------------------------------


def month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    next_first = (first + timedelta(days=32)).replace(day=1)
    return first, next_first - timedelta(days=1)


def doctor_claims(*, doctor: Doctor) -> QuerySet[Claim]:
    return (
        Claim.objects.filter(doctor=doctor)
        .select_related("methodology")
        .order_by("-period_start", "-period_end")
    )


def claim_for_period(*, doctor: Doctor, first_day: date, last_day: date) -> Claim | None:
    return (
        Claim.objects.filter(doctor=doctor, period_start=first_day, period_end=last_day)
        .select_related("methodology")
        .first()
    )


def latest_declaration_start(*, doctor: Doctor) -> datetime | None:
    """When the doctor's most recent declaration starts (two aggregate queries)."""
    latest_slot = AffectedSlot.objects.filter(doctor=doctor).aggregate(latest=Max("start"))
    latest_consultation = Consultation.objects.filter(doctor=doctor).aggregate(latest=Max("start"))
    candidates = [v for v in (latest_slot["latest"], latest_consultation["latest"]) if v]
    return max(candidates) if candidates else None


def default_period(
    *,
    doctor: Doctor,
    claims: list[Claim] | None = None,
    today: date | None = None,
    prefer_submitted: bool = False,
) -> tuple[date, date]:
    """The period a doctor most likely wants to see: their open draft, else the month of
    their latest declaration (when it is not submitted yet), else this month.

    ``prefer_submitted`` (the dashboard): when that latest declaration is in a submitted
    claim, that claim's period rather than an empty month, so that right after submitting
    the doctor sees the claim, not "0.00 EUR" as if it had vanished."""
    today = today or timezone.localdate()
    claims = list(doctor_claims(doctor=doctor)) if claims is None else claims
    drafts = [claim for claim in claims if claim.status == ClaimStatus.DRAFT]
    if drafts:
        return drafts[0].period_start, drafts[0].period_end
    latest = latest_declaration_start(doctor=doctor)
    if latest is not None:
        first, last = month_bounds(latest.astimezone(BRUSSELS).date())
        submitted = [c for c in claims if c.status != ClaimStatus.DRAFT]
        covering = [c for c in submitted if c.period_start <= last and first <= c.period_end]
        if not covering:
            return first, last
        if prefer_submitted:
            latest_claim = max(covering, key=lambda c: (c.submitted_at or c.created_at, c.pk))
            return latest_claim.period_start, latest_claim.period_end
    return month_bounds(today)


def slot_list(*, doctor: Doctor, first_day: date, last_day: date) -> QuerySet[AffectedSlot]:
    """Slots meeting the period, with their services (two queries)."""
    window = period_window(first_day, last_day)
    return (
        AffectedSlot.objects.filter(doctor=doctor, start__lt=window.end, end__gt=window.start)
        .prefetch_related("services")
        .order_by("start", "end")
    )


def consultation_list(*, doctor: Doctor, first_day: date, last_day: date) -> QuerySet[Consultation]:
    """Consultations starting in the period, with their services (two queries)."""
    window = period_window(first_day, last_day)
    return (
        Consultation.objects.filter(doctor=doctor, start__gte=window.start, start__lt=window.end)
        .prefetch_related("services")
        .order_by("start", "code")
    )


def last_used_services(*, doctor: Doctor, model: type[AffectedSlot] | type[Consultation]):
    """Services of the doctor's most recently entered slot or consultation: the default
    that is right most of the time for the next one (ui.md, "Forms")."""
    latest = model.objects.filter(doctor=doctor).order_by("-created_at", "-id").first()
    if latest is None:
        return Service.objects.none()
    return latest.services.all()


# --- dashboard ----------------------------------------------------------------------------


class NextStep:
    DECLARE = "declare"
    CHECK = "check"
    SUBMIT = "submit"
    DONE = "done"


@dataclass(frozen=True)
class Dashboard:
    claims: list[Claim]
    report: ClaimReport | None
    first_day: date
    last_day: date
    next_step: str
    slot_count: int
    consultation_count: int
    current_claim: Claim | None = None
    submitted_total: Decimal = field(default=Decimal("0.00"))


def doctor_dashboard(*, doctor: Doctor, today: date | None = None) -> Dashboard:
    """What the doctor's first screen answers: what have I lost, what do I do next."""
    claims = list(doctor_claims(doctor=doctor))
    first_day, last_day = default_period(
        doctor=doctor, claims=claims, today=today, prefer_submitted=True
    )
    current = next(
        (c for c in claims if (c.period_start, c.period_end) == (first_day, last_day)), None
    )
    report = None
    if methodology_current(today=today) is not None:
        report = claim_report(doctor=doctor, first_day=first_day, last_day=last_day)
    slot_count = len(report.inputs.slots) if report else 0
    consultation_count = len(report.inputs.consultations) if report else 0
    if current is not None and current.is_frozen:
        step = NextStep.DONE
    elif slot_count + consultation_count == 0:
        step = NextStep.DECLARE
    elif report is None or report.result.total == 0:
        step = NextStep.CHECK
    else:
        step = NextStep.SUBMIT
    submitted_total = sum(
        (c.total for c in claims if c.is_frozen and c.total is not None), Decimal("0.00")
    )
    return Dashboard(
        claims=claims,
        report=report,
        first_day=first_day,
        last_day=last_day,
        next_step=step,
        slot_count=slot_count,
        consultation_count=consultation_count,
        current_claim=current,
        submitted_total=submitted_total,
    )


# --- the claim page ----------------------------------------------------------------------------
#
# Both a live draft and a submitted claim are shown from the same JSON document (the
# snapshot layout of claims.services.snapshots): a submitted claim from its frozen copy,
# a draft from one built on the fly. So the two pages cannot drift apart.


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


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def claim_page(
    snapshot: dict,
    *,
    names: dict[str, str] | None = None,
    catalogue_order: bool = False,
    consultations: Callable | None = None,
) -> ClaimPage:
    """The claim page's content from a snapshot document (no query when ``names`` given).

    The one reading of a snapshot: the dossier (``claims.dossier.data``) builds on it too.
    ``catalogue_order`` lists services in the catalogue's order (``names``'s), as the
    dossier prints them, rather than in the snapshot's. ``consultations`` (a draft's
    page, ``claim_live_page``) makes the consultation rows from the computed claim instead
    of the snapshot's: called with ``named`` and the outcome labels, it returns LazyRows.
    """
    from claims.models import Outcome
    from claims.services.snapshots import parse_iso
    from outages.models import Impact, IncidentStatus

    names = service_names() if names is None else names
    impacts, statuses, outcomes = (
        _labels(Impact.choices),
        _labels(IncidentStatus.choices),
        _labels(Outcome.choices),
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


def claim_live_page(report: ClaimReport) -> ClaimPage:
    """A draft's page: what ``claim_page`` makes of its snapshot, without writing the
    consultations into JSON and reading them back (issue 13: at 3,000 consultations that
    round trip cost more than the page's visible rows); only the rows shown are built."""
    from claims.services.snapshots import claim_snapshot_build

    snapshot = claim_snapshot_build(
        report=report,
        claim_id=report.claim.pk if report.claim is not None else None,
        consultations=False,
    )
    declared = report.inputs.consultations
    breakdown = report.result.consultation_breakdown

    def rows(named, outcomes):
        def consultation(pair):
            stored, row = pair
            return PageConsultation(
                id=stored.key,
                start=stored.start,
                end=stored.start + timedelta(minutes=stored.duration_minutes),
                duration_minutes=stored.duration_minutes,
                code=stored.code,
                fee=stored.fee,
                # As the snapshot stores them: declared services sorted, the rest as computed.
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

        by_key = {row.key: row for row in breakdown}
        return LazyRows(
            [(by_key[c.key].affected, (c, by_key[c.key])) for c in declared], consultation
        )

    return claim_page(snapshot, consultations=rows)


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


def claim_recomputation(*, snapshot: dict, now: datetime | None = None) -> Recomputation:
    """The frozen declarations and parameters against today's calendar (one query)."""
    from claims.services.snapshots import parse_iso, snapshot_recompute

    period = snapshot["period"]
    window = Interval(parse_iso(period["start"]), parse_iso(period["end"]))
    result = snapshot_recompute(
        snapshot, incidents=incident_inputs(window=window), now=now or timezone.now()
    )
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


# --- the week view -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar of the week view, placed in percent of the day's drawn window."""

    left: float
    width: float
    kind: str  # an impact, "verified", "unverified", "affected", "unaffected"
    label: str
    start: datetime
    end: datetime
    detail: str = ""
    counted: bool = True


@dataclass(frozen=True)
class Lane:
    title: str
    bars: list[Bar]
    kind: str  # "service", "slots", "consultations"


@dataclass(frozen=True)
class Day:
    day: date
    lanes: list[Lane]
    ticks: list[tuple[float, str]]

    @property
    def is_empty(self) -> bool:
        return not any(lane.bars for lane in self.lanes)


@dataclass(frozen=True)
class WeekView:
    monday: date
    days: list[Day]
    report: ClaimReport

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def iso_week(self) -> str:
        year, week, _weekday = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    def _shift(self, days: int) -> str:
        year, week, _weekday = (self.monday + timedelta(days=days)).isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def previous_week(self) -> str:
        return self._shift(-7)

    @property
    def next_week(self) -> str:
        return self._shift(7)


# Hours drawn by default: a consulting day; widened when something lies outside.
_DRAWN_FROM_HOUR, _DRAWN_UNTIL_HOUR = 7, 20


def _wall_clock(day: date, hour: int) -> datetime:
    """``hour``:00 on ``day`` in Brussels (24 = the next midnight), as a UTC datetime."""
    if hour == 24:
        day, hour = day + timedelta(days=1), 0
    return datetime.combine(day, time(hour), tzinfo=BRUSSELS).astimezone(UTC)


def default_week(*, doctor: Doctor, today: date | None = None) -> date:
    """Monday of the week of the doctor's latest declaration, else of this week."""
    latest = latest_declaration_start(doctor=doctor)
    day = latest.astimezone(BRUSSELS).date() if latest else (today or timezone.localdate())
    return day - timedelta(days=day.weekday())


def week_view(*, doctor: Doctor, monday: date) -> WeekView:
    """The doctor's slots and consultations over the official incidents, day by day."""
    from outages.intervals import merge, subtract
    from outages.models import Impact

    report = claim_report(doctor=doctor, first_day=monday, last_day=monday + timedelta(days=6))
    inputs, result = report.inputs, report.result
    params = inputs.params
    impacts = _labels(Impact.choices)
    names = service_names()
    now = inputs.now

    # Verified time is V; the rest of the declared slots is unverified (rules 2 and 3).
    declared = merge(row.interval for row in result.slot_breakdown if row.interval is not None)
    verified = list(result.verified_intervals)
    unverified = subtract(declared, verified)
    catalogue_order = {slug: position for position, slug in enumerate(names)}
    services_seen = sorted(
        {s for incident in inputs.incidents for s in incident.services}
        | {s for slot in inputs.slots for s in slot.services}
        | {s for c in inputs.consultations for s in c.services},
        key=lambda slug: (catalogue_order.get(slug, len(catalogue_order)), slug),
    )

    # One drawing window for the whole week, so the days line up.
    starts, ends = [], []
    for interval in [*declared, *(row.interval for row in result.consultation_breakdown)]:
        starts.append(interval.start.astimezone(BRUSSELS))
        ends.append(interval.end.astimezone(BRUSSELS))
    from_hour = min([_DRAWN_FROM_HOUR, *(moment.hour for moment in starts)])
    until_hour = max(
        [_DRAWN_UNTIL_HOUR, *((m.hour + (1 if m.minute or m.second else 0)) for m in ends)]
    )
    until_hour = min(until_hour, 24)

    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        window_start = _wall_clock(day, from_hour)
        window_end = _wall_clock(day, until_hour)
        span = (window_end - window_start).total_seconds()

        def place(start, end, window_start=window_start, window_end=window_end, span=span):
            # All in UTC: two datetimes sharing one ZoneInfo subtract as wall clocks,
            # which would be an hour off on a DST night.
            start, end = max(start, window_start), min(end, window_end)
            if start >= end:
                return None
            left = (start - window_start).total_seconds() / span * 100
            width = (end - start).total_seconds() / span * 100
            return round(left, 3), round(width, 3), start, end

        lanes = []
        for slug in services_seen:
            bars = []
            for incident in inputs.incidents:
                if slug not in incident.services:
                    continue
                placed = place(incident.start, incident.end or now)
                if placed is None:
                    continue
                counted = (
                    incident.impact in params.counted_impacts
                    and incident.status in params.counted_statuses
                )
                bars.append(
                    Bar(
                        *placed[:2],
                        kind=incident.impact,
                        label=incident.reference,
                        start=placed[2],
                        end=placed[3],
                        detail=f"{incident.title} · {impacts.get(incident.impact, '')}",
                        counted=counted,
                    )
                )
            lanes.append(Lane(names.get(slug, slug), bars, "service"))
        slot_bars = []
        for kind, intervals in (("verified", verified), ("unverified", unverified)):
            for interval in intervals:
                placed = place(interval.start, interval.end)
                if placed is not None:
                    slot_bars.append(
                        Bar(*placed[:2], kind=kind, label="", start=placed[2], end=placed[3])
                    )
        lanes.append(Lane("", sorted(slot_bars, key=lambda bar: bar.left), "slots"))
        consultation_bars = []
        for row in result.consultation_breakdown:
            placed = place(row.interval.start, row.interval.end)
            if placed is not None:
                consultation_bars.append(
                    Bar(
                        *placed[:2],
                        kind="affected" if row.affected else "unaffected",
                        label=row.code,
                        start=placed[2],
                        end=placed[3],
                    )
                )
        lanes.append(Lane("", consultation_bars, "consultations"))
        step = 2 if until_hour - from_hour > 12 else 1
        ticks = [
            (
                round((_wall_clock(day, hour) - window_start).total_seconds() / span * 100, 3),
                f"{hour:02d}:00",
            )
            for hour in range(from_hour, until_hour + 1, step)
        ]
        days.append(Day(day, lanes, ticks))
    return WeekView(monday=monday, days=days, report=report)
