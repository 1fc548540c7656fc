"""Reads of the claims app: what the pages, commands and the dossier need, in a constant
number of queries whatever the number of slots, consultations or incidents.

The claim calculation itself (``claims.calculation``) is pure; this module only loads its
inputs from the database and turns them into its dataclasses, then hands back its result
(``claim_report``; ``claims.calculation.compute_claim`` is the pure calculation).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

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
    Outcome,
)
from claims.snapshot import (
    ClaimPage,
    Recomputation,
    SnapshotLabels,
    claim_snapshot_build,
    live_consultation_rows,
    snapshot_page,
    snapshot_recomputation,
    snapshot_window,
)
from claims.week_grid import WeekView, week_days
from outages.intervals import BRUSSELS, Interval, period_window
from outages.models import Impact, Incident, IncidentStatus, Service

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
# The page is read from a snapshot document by ``claims.snapshot.snapshot_page`` (pure);
# here only what it needs from the database and the active language.


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def snapshot_labels(*, names: dict[str, str] | None = None) -> SnapshotLabels:
    """Service names (one query unless ``names`` is given) and the labels of impacts,
    statuses and outcomes, in the active language."""
    return SnapshotLabels(
        names=service_names() if names is None else names,
        impacts=_labels(Impact.choices),
        statuses=_labels(IncidentStatus.choices),
        outcomes=_labels(Outcome.choices),
    )


def claim_page(
    snapshot: dict,
    *,
    names: dict[str, str] | None = None,
    catalogue_order: bool = False,
    consultations: Callable | None = None,
) -> ClaimPage:
    """The claim page's content from a snapshot document (no query when ``names`` given);
    see ``claims.snapshot.snapshot_page``. ``consultations`` (a draft's page,
    ``claim_live_page``) makes the consultation rows from the computed claim instead of
    the snapshot's."""
    return snapshot_page(
        snapshot,
        labels=snapshot_labels(names=names),
        catalogue_order=catalogue_order,
        consultations=consultations,
    )


def claim_live_page(report: ClaimReport) -> ClaimPage:
    """A draft's page: what ``claim_page`` makes of its snapshot, without writing the
    consultations into JSON and reading them back (issue 13: at 3,000 consultations that
    round trip cost more than the page's visible rows); only the rows shown are built."""
    snapshot = claim_snapshot_build(
        report=report,
        claim_id=report.claim.pk if report.claim is not None else None,
        consultations=False,
    )
    return claim_page(snapshot, consultations=live_consultation_rows(report.inputs, report.result))


def claim_recomputation(*, snapshot: dict, now: datetime | None = None) -> Recomputation:
    """The frozen declarations and parameters against today's calendar (one query)."""
    return snapshot_recomputation(
        snapshot,
        incidents=incident_inputs(window=snapshot_window(snapshot)),
        now=now or timezone.now(),
    )


# --- the week view -----------------------------------------------------------------------------


def default_week(*, doctor: Doctor, today: date | None = None) -> date:
    """Monday of the week of the doctor's latest declaration, else of this week."""
    latest = latest_declaration_start(doctor=doctor)
    day = latest.astimezone(BRUSSELS).date() if latest else (today or timezone.localdate())
    return day - timedelta(days=day.weekday())


def week_view(*, doctor: Doctor, monday: date) -> WeekView:
    """The doctor's slots and consultations over the official incidents, day by day (the
    layout is ``claims.week_grid``'s)."""
    report = claim_report(doctor=doctor, first_day=monday, last_day=monday + timedelta(days=6))
    days = week_days(
        monday=monday,
        inputs=report.inputs,
        result=report.result,
        names=service_names(),
        impacts=_labels(Impact.choices),
    )
    return WeekView(monday=monday, days=days, report=report)
