"""The review list's figures (totals, per-service and per-month charts, unchecked count)
come from one query (issue 13); they must be exactly what the separate aggregates, which
batches still use, give for the same filtered claims."""

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.test.utils import CaptureQueriesContext
from factories_review import (
    at,
    clone_claims,
    incident,
    recip_e_outage,
    submitted_claim,
    use_fast_dossiers,
)

from claims.models import ClaimCheck
from claims.review.selectors import (
    ChartBar,
    ReviewFilters,
    _figures,
    _filtered,
    _per_service,
    _scaled,
    _totals,
    review_list,
)
from claims.review.services.checks import claim_checks_refresh, claims_unchecked_count
from outages.models import Service

pytestmark = pytest.mark.django_db


def _per_month(claims) -> list[ChartBar]:
    """The reference: claims and totals per month by a month expression per claim (the
    review list's query groups by first day and folds months in Python)."""
    rows = (
        claims.annotate(month=TruncMonth("period_start"))
        .values("month")
        .annotate(claims=Count("pk"), total=Sum("total"), minutes=Sum("lost_minutes"))
        .order_by("month")
    )
    bars = []
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime):  # SQLite hands back a datetime
            month = month.date()
        bars.append(
            ChartBar(
                key=month.strftime("%Y-%m"),
                label=month.strftime("%Y-%m"),
                claims=row["claims"],
                total=row["total"] or Decimal("0.00"),
                minutes=row["minutes"] or 0,
            )
        )
    return _scaled(bars)


@pytest.fixture(autouse=True)
def _fast(monkeypatch):
    use_fast_dossiers(monkeypatch)


FILTERS = [
    ReviewFilters(),
    ReviewFilters(service="recip-e"),
    ReviewFilters(service="mycarenet"),
    ReviewFilters(first_day=date(2024, 2, 1)),
    ReviewFilters(language="nl", min_total=Decimal("1")),
    ReviewFilters(status="approved"),
    ReviewFilters(flags=("overlap",)),
    ReviewFilters(flags=("outlier",)),
]


def cents(amount: Decimal) -> Decimal:
    """SQLite sums decimals as floats (8704.90999999999); PostgreSQL exactly."""
    return amount.quantize(Decimal("0.01"))


def bars(chart) -> list[tuple]:
    return [
        (b.key, b.label, b.claims, cents(b.total), b.minutes, b.claims_percent, b.total_percent)
        for b in chart
    ]


def test_the_figures_query_gives_what_the_separate_aggregates_give():
    recip_e_outage()
    incident("FIG-FEB", ("mycarenet",), at(5, 8, month=2), at(5, 12, month=2))
    january = submitted_claim(slots=((15, 8, 0, 15, 10, 0),), cancelled=(), language="nl")
    submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=((15, 8, 30),), language="fr")
    february = submitted_claim(
        period=(date(2024, 2, 1), date(2024, 2, 29)), slots=((5, 8, 0, 5, 11, 0),), cancelled=()
    )
    clone_claims(
        january, 130, totals=[Decimal(n) + Decimal("0.37") for n in range(130)], language="nl"
    )
    clones = clone_claims(february, 20)
    claim_checks_refresh()
    # A second service on some checks: those claims count under both services.
    through = ClaimCheck.services.through
    mycarenet = Service.objects.get(slug="mycarenet")
    through.objects.bulk_create(
        [through(claimcheck_id=claim.pk, service_id=mycarenet.pk) for claim in clones[:12]],
        ignore_conflicts=True,
    )
    # One claim whose check is gone: counted as unchecked, and in no service's bar.
    ClaimCheck.objects.filter(pk=february.pk).delete()
    services = list(Service.objects.all())
    seen_services = set()
    for filters in FILTERS:
        listing = review_list(filters, services=services)
        claims = _filtered(filters)
        if "outlier" in filters.flags:
            claims = claims.filter(total__gt=listing.threshold)
        expected = _totals(claims)
        assert listing.totals == replace(expected, total=cents(expected.total)), filters
        assert bars(listing.per_service) == bars(_per_service(claims, services)), filters
        assert bars(listing.per_month) == bars(_per_month(claims)), filters
        assert listing.unchecked == claims_unchecked_count() == 1
        seen_services |= {bar.key for bar in listing.per_service}
    assert seen_services == {"recip-e", "mycarenet"}
    everything = review_list(ReviewFilters(), services=services)
    assert everything.totals.claims == 153
    assert {bar.key for bar in everything.per_month} == {"2024-01", "2024-02"}


def test_the_figures_are_one_query():
    recip_e_outage()
    submitted_claim(slots=((15, 8, 0, 15, 10, 0),), cancelled=())
    services = list(Service.objects.all())
    with CaptureQueriesContext(connection) as queries:
        figures = _figures(_filtered(ReviewFilters(service="recip-e")), services)
    assert len(queries) == 1
    assert figures.totals.claims == 1
    assert [bar.key for bar in figures.per_service] == ["recip-e"]
