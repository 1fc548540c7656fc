"""What the whole membership lost over a period: every doctor's claims computed with the
published methodology in one streaming pass (``claims.bulk``), summed per month and per
service. For ``manage.py membership_estimate`` and the reviewers' page of the same name.

Each doctor's claims are monthly claims, as doctors file them: a period of several months
is the sum of its months. Per service, each claim is computed again as if that service had
been the only one down (the same rules, with the other services' ``U(s)`` empty): a slot
or a consultation hit by two services counts under both, so the service rows overlap and
do not add up to the total, which counts everything once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from claims.bulk import MembershipPass
from claims.calculation import ClaimResult, MethodologyParams, compute_claim
from claims.models import Methodology
from claims.review.exports import neutralise
from claims.selectors import methodology_current, methodology_params, service_names
from outages.intervals import Interval, period_window

#: The longest period one estimate covers (hostile input is bounded).
MAX_MONTHS = 24


class EstimateError(ValueError):
    """A period or methodology the estimate refuses, with a message for people."""


@dataclass
class Figures:
    doctors: int = 0
    lost_seconds: int = 0
    time_value: Decimal = Decimal("0.00")
    revenue_loss: Decimal = Decimal("0.00")
    total: Decimal = Decimal("0.00")
    affected_consultations: int = 0

    def add(self, result: ClaimResult) -> None:
        self.lost_seconds += result.lost_seconds
        self.time_value += result.time_value
        self.revenue_loss += result.revenue_loss
        self.total += result.total
        self.affected_consultations += result.affected_consultations

    @property
    def lost_hours(self) -> Decimal:
        return (Decimal(self.lost_seconds) / 3600).quantize(Decimal("0.01"))


@dataclass
class MembershipEstimate:
    first_day: date
    last_day: date
    methodology: str
    hourly_rate: Decimal
    computed_at: datetime
    totals: Figures = field(default_factory=Figures)
    months: list[tuple[date, Figures]] = field(default_factory=list)
    services: list[tuple[str, str, Figures]] = field(default_factory=list)


def month_periods(first_day: date, last_day: date) -> list[tuple[date, date]]:
    """The calendar months of ``[first_day, last_day]``, the first and last ones cut."""
    periods = []
    start = first_day
    while start <= last_day:
        next_month = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
        end = min(last_day, next_month - timedelta(days=1))
        periods.append((start, end))
        start = next_month
    return periods


def check_period(first_day: date, last_day: date) -> list[tuple[date, date]]:
    if last_day < first_day:
        raise EstimateError(_("The end of the period is before its start."))
    periods = month_periods(first_day, last_day)
    if len(periods) > MAX_MONTHS:
        raise EstimateError(
            _("The period covers more than %(count)s months: choose a shorter one.")
            % {"count": MAX_MONTHS}
        )
    return periods


def membership_estimate(
    *,
    first_day: date,
    last_day: date,
    methodology: Methodology | None = None,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 500,
) -> MembershipEstimate:
    """Every doctor's monthly claims over the period, summed. Five queries whatever the
    membership's size (methodology, incidents, services, slots, consultations).
    ``progress`` is called with the number of doctors done, every ``progress_every``."""
    periods = check_period(first_day, last_day)
    methodology = methodology or methodology_current()
    if methodology is None:
        raise EstimateError(_("No methodology version is published yet."))
    params: MethodologyParams = methodology_params(methodology)
    now = now or timezone.now()
    windows: list[Interval] = [period_window(start, end) for start, end in periods]
    bulk = MembershipPass(windows=windows, params=params, now=now)
    estimate = MembershipEstimate(
        first_day=first_day,
        last_day=last_day,
        methodology=params.version,
        hourly_rate=params.hourly_rate,
        computed_at=now,
    )
    months = [Figures() for _period in periods]
    by_service: dict[str, Figures] = {}
    # Per month, U restricted to each service, built lazily (only services with outages).
    only: list[dict] = [{} for _period in periods]
    for _doctor, claims in bulk.claims():
        estimate.totals.doctors += 1
        if progress is not None and estimate.totals.doctors % progress_every == 0:
            progress(estimate.totals.doctors)
        doctor_services: set[str] = set()
        for index, inputs, result in claims:
            months[index].doctors += 1
            months[index].add(result)
            estimate.totals.add(result)
            unavailability = bulk.unavailability[index]
            named = {s for item in (*inputs.slots, *inputs.consultations) for s in item.services}
            for service in named & unavailability.services:
                restricted = only[index].get(service)
                if restricted is None:
                    restricted = only[index][service] = unavailability.only(service)
                figures = by_service.setdefault(service, Figures())
                figures.add(compute_claim(inputs, restricted))
                doctor_services.add(service)
        for service in doctor_services:
            by_service[service].doctors += 1
    estimate.months = [
        (start, figures) for (start, _end), figures in zip(periods, months, strict=True)
    ]
    names = service_names()
    estimate.services = sorted(
        ((slug, names.get(slug, slug), figures) for slug, figures in by_service.items()),
        key=lambda row: (-row[2].total, row[0]),
    )
    return estimate


def _money(amount: Decimal) -> str:
    return format(amount.quantize(Decimal("0.01")), "f")


def _figures_dict(figures: Figures) -> dict:
    return {
        "doctors": figures.doctors,
        "lost_minutes": (figures.lost_seconds + 30) // 60,
        "lost_hours": format(figures.lost_hours, "f"),
        "time_value": _money(figures.time_value),
        "revenue_loss": _money(figures.revenue_loss),
        "total": _money(figures.total),
        "affected_consultations": figures.affected_consultations,
    }


def estimate_dict(estimate: MembershipEstimate) -> dict:
    """The estimate as JSON-ready data (``membership_estimate``): money as strings."""
    return {
        "from": estimate.first_day.isoformat(),
        "to": estimate.last_day.isoformat(),
        "methodology": estimate.methodology,
        "hourly_rate": _money(estimate.hourly_rate),
        "currency": "EUR",
        "computed_at": estimate.computed_at.isoformat(),
        "totals": _figures_dict(estimate.totals),
        "months": [
            {"month": start.strftime("%Y-%m"), **_figures_dict(figures)}
            for start, figures in estimate.months
        ],
        "services": [
            {"service": slug, **_figures_dict(figures)}
            for slug, _name, figures in estimate.services
        ],
    }


#: CSV columns; money with a point, as in every export of the app.
CSV_COLUMNS = [
    "section",
    "key",
    "doctors",
    "lost_hours",
    "time_value",
    "revenue_loss",
    "total",
    "affected_consultations",
]


def estimate_csv_rows(estimate: MembershipEstimate) -> list[list[str]]:
    def row(section: str, key: str, figures: Figures) -> list[str]:
        return [
            section,
            neutralise(key),
            str(figures.doctors),
            format(figures.lost_hours, "f"),
            _money(figures.time_value),
            _money(figures.revenue_loss),
            _money(figures.total),
            str(figures.affected_consultations),
        ]

    rows = [CSV_COLUMNS, row("total", estimate.methodology, estimate.totals)]
    rows += [row("month", start.strftime("%Y-%m"), figures) for start, figures in estimate.months]
    rows += [row("service", slug, figures) for slug, _name, figures in estimate.services]
    return rows
