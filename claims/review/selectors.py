"""Reads of the legal team's workspace: the review list with its filters, totals and
charts, a claim's review page, batches; and the rule that reopens a claim's declarations
while a request for information is open.

The review list makes the same number of queries whatever the number of claims: totals,
the outlier threshold and the charts are SQL aggregates, the page is one query with its
doctor, methodology and check joined, and the paginator reuses the totals' count.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.db.models.functions import FirstValue, Lag, Lead, RowNumber
from django.utils import timezone
from django.utils.text import slugify

from claims.models import (
    AuditEntry,
    Batch,
    BatchClaim,
    BatchOutput,
    Claim,
    ClaimCheck,
    ClaimDecision,
    ClaimStatus,
    ClaimVersion,
)
from claims.review.flags import OUTLIER, OVERLAP, STORED_FLAGS, flag_reasons, percentile_rank
from claims.review.services.checks import claims_unchecked_count, claims_unchecked_query
from claims.review.snapshot_evidence import ConsultationEvidence, SlotEvidence, declaration_evidence
from claims.riziv import format_riziv
from outages.models import Service

PAGE_SIZE = 50

#: Sort keys the list accepts → ORDER BY columns (the primary key breaks ties, so pages
#: never repeat or skip a claim).
SORTS = {
    "submitted": ("submitted_at",),
    "total": ("total",),
    "lost": ("lost_minutes",),
    # The doctor's name as copied on the claim by the database (``Claim.doctor_last_name``):
    # the same order as the user's, walked in one index of the claims table.
    "doctor": ("doctor_last_name", "doctor_first_name"),
    "period": ("period_start", "period_end"),
    "id": ("id",),
}
DEFAULT_SORT = "-submitted"

REVIEWABLE = [s for s in ClaimStatus.values if s != ClaimStatus.DRAFT]


# --- the review list ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewFilters:
    """What the review list shows; every field optional (``claims.review.forms``)."""

    first_day: date | None = None
    last_day: date | None = None
    service: str = ""
    status: str = ""
    min_total: Decimal | None = None
    max_total: Decimal | None = None
    language: str = ""
    flags: tuple[str, ...] = ()
    sort: str = DEFAULT_SORT

    def as_query(self) -> dict[str, object]:
        """The filters as the review list's query string values (kept on a batch built
        from them, and used to link back to the list)."""
        query: dict[str, object] = {}
        if self.first_day:
            query["period_from"] = self.first_day.isoformat()
        if self.last_day:
            query["period_to"] = self.last_day.isoformat()
        for name in ("service", "status", "language"):
            if getattr(self, name):
                query[name] = getattr(self, name)
        if self.min_total is not None:
            query["min_total"] = format(self.min_total, "f")
        if self.max_total is not None:
            query["max_total"] = format(self.max_total, "f")
        if self.flags:
            query["flag"] = list(self.flags)
        return query


def reviewable_claims() -> QuerySet[Claim]:
    return Claim.objects.filter(status__in=REVIEWABLE)


def _overlapping(claim_column: str = "pk"):
    """Other submitted claims of the same doctor meeting this claim's period. Served by the
    (doctor, period_start, period_end) unique index."""
    return (
        Claim.objects.filter(
            doctor=OuterRef("doctor"),
            period_start__lte=OuterRef("period_end"),
            period_end__gte=OuterRef("period_start"),
            status__in=REVIEWABLE,
        )
        .exclude(pk=OuterRef(claim_column))
        .order_by("period_start", "pk")
    )


def _overlapping_claim() -> Subquery:
    """The id of the first overlapping claim: for the rows shown, never for a whole list
    (a correlated subquery per row); filters use ``Exists``, which PostgreSQL turns into
    one semi-join."""
    return Subquery(_overlapping().values("pk")[:1])


def _filtered(filters: ReviewFilters, claims: QuerySet[Claim] | None = None) -> QuerySet[Claim]:
    """Every filter but the outlier flag, which is relative to this very set."""
    claims = reviewable_claims() if claims is None else claims
    if filters.first_day:
        claims = claims.filter(period_end__gte=filters.first_day)
    if filters.last_day:
        claims = claims.filter(period_start__lte=filters.last_day)
    if filters.status:
        claims = claims.filter(status=filters.status)
    if filters.min_total is not None:
        claims = claims.filter(total__gte=filters.min_total)
    if filters.max_total is not None:
        claims = claims.filter(total__lte=filters.max_total)
    if filters.language:
        claims = claims.filter(doctor__user__language=filters.language)
    if filters.service:
        through = ClaimCheck.services.through
        claims = claims.filter(
            Exists(
                through.objects.filter(claimcheck_id=OuterRef("pk"), service__slug=filters.service)
            )
        )
    for code in filters.flags:
        column = STORED_FLAGS.get(code)
        if column is not None:
            claims = claims.filter(**{f"review_check__{column}": True})
    if OVERLAP in filters.flags:
        claims = claims.filter(Exists(_overlapping()))
    return claims


def outlier_threshold(claims: QuerySet[Claim], count: int) -> Decimal | None:
    """The 99th percentile (nearest rank) of the totals of ``claims``; one query. Counted
    from the top (the 404th highest of 40,400), so PostgreSQL keeps a small heap instead
    of sorting every total."""
    if not count:
        return None
    from_top = count - percentile_rank(count)
    return (
        claims.filter(total__isnull=False)
        .order_by("-total")
        .values_list("total", flat=True)[from_top : from_top + 1]
        .first()
    )


@dataclass(frozen=True)
class Totals:
    claims: int = 0
    doctors: int = 0
    minutes: int = 0
    total: Decimal = Decimal("0.00")


def _totals(claims: QuerySet[Claim]) -> Totals:
    row = claims.aggregate(
        claims=Count("pk"),
        doctors=Count("doctor", distinct=True),
        minutes=Sum("lost_minutes"),
        total=Sum("total"),
    )
    return Totals(
        claims=row["claims"],
        doctors=row["doctors"],
        minutes=row["minutes"] or 0,
        total=row["total"] or Decimal("0.00"),
    )


@dataclass(frozen=True)
class ChartBar:
    key: str
    label: str
    claims: int
    total: Decimal
    minutes: int
    # Bar lengths in percent of the largest bar of the chart.
    claims_percent: float = 0.0
    total_percent: float = 0.0


def _scaled(bars: list[ChartBar]) -> list[ChartBar]:
    top_claims = max((bar.claims for bar in bars), default=0) or 1
    top_total = max((bar.total for bar in bars), default=Decimal(0)) or Decimal(1)
    return [
        ChartBar(
            key=bar.key,
            label=bar.label,
            claims=bar.claims,
            total=bar.total,
            minutes=bar.minutes,
            claims_percent=round(100 * bar.claims / top_claims, 2),
            total_percent=round(float(100 * bar.total / top_total), 2),
        )
        for bar in bars
    ]


def _per_service(claims: QuerySet[Claim], services: Sequence[Service]) -> list[ChartBar]:
    """Claims and totals per service; a claim citing outages of two services counts under
    both (one GROUP BY over the checks' service links; claims without any fall in the
    ``None`` group, left out)."""
    rows = (
        claims.values("review_check__services")
        .annotate(claims=Count("pk"), total=Sum("total"), minutes=Sum("lost_minutes"))
        .order_by()
    )
    by_service = {row["review_check__services"]: row for row in rows}
    bars = [
        ChartBar(
            key=service.slug,
            label=service.name,
            claims=by_service[service.pk]["claims"],
            total=by_service[service.pk]["total"] or Decimal("0.00"),
            minutes=by_service[service.pk]["minutes"] or 0,
        )
        for service in services
        if service.pk in by_service
    ]
    return _scaled(bars)


@dataclass
class ReviewRow:
    claim: Claim
    flags: list = field(default_factory=list)
    #: A frozen batch's line: the doctor and status as they were when it was frozen
    #: (``BatchClaim.export_row``), so that its dossier says the same thing every day.
    frozen_doctor: str = ""
    frozen_riziv: str = ""
    frozen_status: str = ""

    @property
    def checked(self) -> bool:
        return _check_of(self.claim) is not None


def _check_of(claim: Claim) -> ClaimCheck | None:
    try:
        return claim.review_check
    except ClaimCheck.DoesNotExist:
        return None


def claim_flag_details(
    claim: Claim, *, overlap_id: int | None, threshold: Decimal | None
) -> dict[str, dict]:
    check = _check_of(claim)
    details = dict(check.details) if check is not None else {}
    if overlap_id is not None:
        details[OVERLAP] = {"claim_id": overlap_id}
    if threshold is not None and claim.total is not None and claim.total > threshold:
        details[OUTLIER] = {"threshold": format(threshold, "f")}
    return details


def _page_rows(page: Page, threshold: Decimal | None) -> list[ReviewRow]:
    rows = []
    for claim in page.object_list:
        details = claim_flag_details(claim, overlap_id=claim.overlap_id, threshold=threshold)
        rows.append(ReviewRow(claim=claim, flags=flag_reasons(details)))
    return rows


def _page(ordered: QuerySet[Claim], number, count: int) -> Page:
    """One page of ``ordered`` in two narrow queries: the ids of the page first (sorting
    40,000 ids and sort keys fits in memory, whole rows would spill to disk), then those
    rows with everything a line of the list shows. The count comes from the totals."""
    paginator = Paginator(ordered.values_list("pk", flat=True), PAGE_SIZE)
    paginator.__dict__["count"] = count  # spare the paginator its COUNT query
    page = paginator.get_page(number)
    ids = list(page.object_list)
    page.object_list = _rows_of(ids)
    return page


def _rows_of(ids: list[int]) -> list[Claim]:
    by_id = {claim.pk: claim for claim in list_columns(Claim.objects.filter(pk__in=ids))}
    return [by_id[pk] for pk in ids if pk in by_id]


# --- keyset ("seek") pagination of the review list (issue 13) ------------------------------
#
# A page's "next" link carries the sort key and id of its last row, "previous" those of its
# first: the next page is then "the first PAGE_SIZE rows after that key" (a row comparison
# PostgreSQL answers from an index, whatever the depth), where OFFSET 24,950 sorts and skips
# 24,950 rows. The page number rides along for display; a bare ``?page=N`` (typed, or an
# old link) is served with OFFSET from the nearer end of the list, over the sort's index
# alone (``_numbered_page``), and its links lead on by key.


def _sort_spec(sort: str) -> tuple[list[str], bool]:
    """The ORDER BY columns of ``sort`` (the primary key last) and whether descending."""
    key = sort.lstrip("-")
    if key not in SORTS:
        key, sort = DEFAULT_SORT.lstrip("-"), DEFAULT_SORT
    columns = [*SORTS[key], "pk"] if SORTS[key] != ("id",) else ["pk"]
    return columns, sort.startswith("-")


def _field(path: str):
    model, field = Claim, None
    for name in path.split("__"):
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        model = field.related_model or model
    return field


def _encode_key(values) -> str:
    text = json.dumps(
        [value.isoformat() if hasattr(value, "isoformat") else str(value) for value in values]
    )
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode_key(token: str, columns: list[str]) -> list | None:
    """The sort key of a link, or None when it is not one (then the page number serves)."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(raw, list) or len(raw) != len(columns):
            return None
        return [_field(path).to_python(value) for path, value in zip(columns, raw, strict=True)]
    except (ValueError, TypeError, ValidationError, binascii.Error):
        return None


def _beyond(columns: list[str], values: list, *, greater: bool) -> Q:
    """Rows strictly after (``greater``) or before ``values`` in ascending order of
    ``columns``: one row comparison, plus the rows whose nullable column is NULL when the
    database sorts NULL on that side."""
    lhs = Tuple(*(F(column) for column in columns))
    condition = Q(TupleGreaterThan(lhs, values) if greater else TupleLessThan(lhs, values))
    if greater == connection.features.nulls_order_largest:
        nullable = [column for column in columns if _field(column).null]
        for column in nullable:
            condition |= Q(**{f"{column}__isnull": True})
        if nullable:
            return condition
    # Implied by the row comparison, but on one column: the index of the sort then starts
    # at the key instead of scanning from the top of the list (EXPLAIN ANALYZE,
    # tests/benchmarks/bench_review.py).
    first = f"{columns[0]}__{'gte' if greater else 'lte'}"
    return condition & Q(**{first: values[0]})


@dataclass
class KeysetPaginator:
    count: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // PAGE_SIZE))


@dataclass
class KeysetPage:
    """A page of the review list, as templates use a Django ``Page``, with the keys its
    "previous" and "next" links carry."""

    object_list: list
    number: int
    paginator: KeysetPaginator
    previous_key: str = ""
    next_key: str = ""

    def has_next(self) -> bool:
        return bool(self.next_key)

    def has_previous(self) -> bool:
        return bool(self.previous_key)

    def next_page_number(self) -> int:
        return min(self.number + 1, self.paginator.num_pages)

    def previous_page_number(self) -> int:
        return max(self.number - 1, 1)

    def start_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.object_list else 0

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


def _keyset_page(
    claims: QuerySet[Claim], sort: str, *, number, after: str, before: str, count: int
) -> KeysetPage:
    """One page of the review list: by key when a link gave one, else by page number; two
    queries either way (the page's ids and sort keys, then its rows)."""
    columns, descending = _sort_spec(sort)
    paginator = KeysetPaginator(count)
    try:
        number = min(max(int(number), 1), paginator.num_pages)
    except (TypeError, ValueError):
        number = 1
    forward = [f"-{c}" if descending else c for c in columns]
    backward = [c if descending else f"-{c}" for c in columns]
    token, going_back = (before, True) if before and not after else (after, False)
    key = _decode_key(token, columns) if token else None
    if key is not None and None in key:
        key = None  # a key inside a block of NULLs: the page number serves
    keyed = []
    if key is not None:
        greater = descending == going_back  # ascending and forward, or descending and back
        keyed = list(
            claims.filter(_beyond(columns, key, greater=greater))
            .order_by(*(backward if going_back else forward))
            .values_list("pk", *columns)[: PAGE_SIZE + 1]
        )
        if going_back:
            if len(keyed) <= PAGE_SIZE:
                keyed = []  # back at the start of the list: its first page, by number
                number = 1
            else:
                keyed.reverse()
    if keyed:
        more = len(keyed) > PAGE_SIZE
        if going_back:
            keyed = keyed[1:]
            has_previous, has_next = more, True
        else:
            keyed = keyed[:PAGE_SIZE]
            has_previous, has_next = True, more
        number = max(number, 2) if has_previous else 1
    else:
        offset = (number - 1) * PAGE_SIZE
        keyed = _numbered_page(claims, columns, forward, backward, offset, count)
        has_previous, has_next = number > 1, offset + len(keyed) < count
    return KeysetPage(
        object_list=_rows_of([row[0] for row in keyed]),
        number=number,
        paginator=paginator,
        previous_key=_encode_key(keyed[0][1:]) if keyed and has_previous else "",
        next_key=_encode_key(keyed[-1][1:]) if keyed and has_next else "",
    )


def _numbered_page(
    claims: QuerySet[Claim], columns: list[str], forward, backward, offset: int, count: int
) -> list[tuple]:
    """The ids and sort keys of the page at ``offset`` (a typed page number, or an old
    link): counted from the nearer end of the list, since an OFFSET reads every entry it
    skips. The sort's index carries the list's usual filters, so those entries are read
    in the index alone (an index-only scan), never joined or sorted. The reverse order
    is the exact mirror of the list's (the primary key breaks every tie, and NULLs sort
    last ascending and first descending on PostgreSQL, the other way round on SQLite,
    in both directions alike)."""
    size = min(PAGE_SIZE, count - offset)
    from_end = count - offset - size
    if size > 0 and from_end < offset:
        keyed = list(
            claims.order_by(*backward).values_list("pk", *columns)[from_end : from_end + size]
        )
        keyed.reverse()
        return keyed
    return list(claims.order_by(*forward).values_list("pk", *columns)[offset : offset + PAGE_SIZE])


def _ordered(claims: QuerySet[Claim], sort: str) -> QuerySet[Claim]:
    key = sort.lstrip("-")
    columns = SORTS.get(key, SORTS["submitted"])
    if key not in SORTS:
        sort = DEFAULT_SORT
    prefix = "-" if sort.startswith("-") else ""
    return claims.order_by(*(prefix + column for column in columns), prefix + "pk")


def list_columns(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """What a row of the list needs, in the page's one query: never the snapshot (tens of
    kilobytes a claim)."""
    return (
        claims.select_related("doctor__user", "methodology", "review_check")
        .defer("snapshot")
        .annotate(overlap_id=_overlapping_claim())
    )


@dataclass
class ReviewList:
    filters: ReviewFilters
    totals: Totals
    threshold: Decimal | None
    page: KeysetPage
    rows: list[ReviewRow]
    per_service: list[ChartBar]
    per_month: list[ChartBar]
    unchecked: int
    services: list[Service]


def review_claims(filters: ReviewFilters) -> QuerySet[Claim]:
    """The claims the filters select (the outlier flag included), unordered; for batches
    and exports. Two queries when the outlier flag is asked (its threshold), else none."""
    claims = _filtered(filters)
    if OUTLIER in filters.flags:
        threshold = outlier_threshold(claims, claims.count())
        if threshold is None:
            return claims.none()
        claims = claims.filter(total__gt=threshold)
    return claims


def review_list(
    filters: ReviewFilters,
    *,
    page_number: int | str = 1,
    services: list[Service] | None = None,
    after: str = "",
    before: str = "",
) -> ReviewList:
    """The review list's page: ``after``/``before`` are the keys its "next" and "previous"
    links carry (keyset pagination); without them ``page_number`` is used.

    The figures of the whole filtered set (totals, both charts, the unchecked count) come
    from ONE query (``_figures``) that reads the filtered claims once; the outlier
    threshold is a second one, the outlier filter a third (its set depends on it)."""
    services = list(Service.objects.all()) if services is None else services
    base = _filtered(filters)
    if OUTLIER in filters.flags:
        threshold = outlier_threshold(base, base.count())
        claims = base.filter(total__gt=threshold) if threshold is not None else base.none()
        figures = _figures(claims, services)
    else:
        claims = base
        figures = _figures(claims, services)
        threshold = outlier_threshold(base, figures.totals.claims)
    totals = figures.totals
    page = _keyset_page(
        claims,
        filters.sort,
        number=page_number,
        after=after,
        before=before,
        count=totals.claims,
    )
    return ReviewList(
        filters=filters,
        totals=totals,
        threshold=threshold,
        page=page,
        rows=_page_rows(page, threshold),
        per_service=figures.per_service,
        per_month=figures.per_month,
        unchecked=figures.unchecked,
        services=services,
    )


@dataclass(frozen=True)
class _Figures:
    totals: Totals
    per_service: list[ChartBar]
    per_month: list[ChartBar]
    unchecked: int


def _figures(claims: QuerySet[Claim], services: Sequence[Service]) -> _Figures:
    """Totals, claims per service and per month of ``claims``, and the unchecked count of
    the whole list, in one query: the filtered claims are read once (a common table
    expression) and grouped three ways in a ``UNION ALL`` (kind 0: the totals, 1: per
    first day of the period, folded into months here: grouping by the bare column is
    cheaper than by a month expression computed for every claim, and claims have few
    distinct first days; 2: per service through the checks' service links, 3: the unchecked
    count). Replaces four queries that each filtered the 40,000 claims again (issue 13)."""
    if claims.query.is_empty():
        return _Figures(Totals(), [], [], unchecked_count())
    columns = claims.order_by().values("pk", "doctor_id", "lost_minutes", "total", "period_start")
    filtered_sql, filtered_params = columns.query.sql_with_params()
    unchecked_sql, unchecked_params = (
        claims_unchecked_query().order_by().values("pk").query.sql_with_params()
    )
    through = ClaimCheck.services.through._meta.db_table
    c = connection.ops.quote_name
    # Only compiled ORM SQL and quoted table/column names go in; values are parameters.
    # The CTE's column list names the filtered query's columns; the first branch's casts
    # type the columns the other branches leave NULL.
    sql = f"""
        WITH f (id, doctor_id, lost_minutes, total, period_start) AS ({filtered_sql})
        SELECT 0, CAST(NULL AS DATE), CAST(NULL AS INTEGER), COUNT(*),
               COUNT(DISTINCT f.doctor_id), SUM(f.lost_minutes), SUM(f.total)
          FROM f
        UNION ALL
        SELECT 1, f.period_start, NULL, COUNT(*), 0, SUM(f.lost_minutes), SUM(f.total)
          FROM f GROUP BY f.period_start
        UNION ALL
        SELECT 2, NULL, s.{c("service_id")}, COUNT(*), 0, SUM(f.lost_minutes), SUM(f.total)
          FROM f JOIN {c(through)} s ON s.{c("claimcheck_id")} = f.id
         GROUP BY s.{c("service_id")}
        UNION ALL
        SELECT 3, NULL, NULL, (SELECT COUNT(*) FROM ({unchecked_sql}) u), 0, NULL, NULL
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*filtered_params, *unchecked_params])
        rows = cursor.fetchall()
    money = Claim._meta.get_field("total")

    def amount(value) -> Decimal:
        if value is None:
            return Decimal("0.00")
        return Decimal(value).quantize(Decimal(10) ** -money.decimal_places)

    totals, unchecked = Totals(), 0
    by_month: dict[str, list] = {}
    by_service: dict[int, tuple] = {}
    for kind, first_day, service_id, count, doctors, minutes, total in rows:
        if kind == 0:
            totals = Totals(
                claims=count, doctors=doctors, minutes=int(minutes or 0), total=amount(total)
            )
        elif kind == 1:
            # A date (PostgreSQL) or its ISO text (SQLite): "YYYY-MM" either way.
            month = by_month.setdefault(str(first_day)[:7], [0, Decimal(0), 0])
            month[0] += count
            month[1] += Decimal(total) if total is not None else Decimal(0)
            month[2] += int(minutes or 0)
        elif kind == 2:
            by_service[service_id] = (count, amount(total), int(minutes or 0))
        else:
            unchecked = count
    months = [
        ChartBar(key, key, count, amount(total), minutes)
        for key, (count, total, minutes) in sorted(by_month.items())
    ]
    bars = [
        ChartBar(service.slug, service.name, *by_service[service.pk])
        for service in services
        if service.pk in by_service
    ]
    return _Figures(totals, _scaled(bars), _scaled(months), unchecked)


def unchecked_count() -> int:
    """Submitted claims whose flags are not computed yet, or were computed before their
    latest resubmission."""
    return claims_unchecked_count()


# --- one claim ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditRow:
    """An audit entry with only what changed: (field, before, after) per changed field."""

    entry: AuditEntry
    changes: list[tuple[str, object, object]]


def audit_rows(entries: Sequence[AuditEntry]) -> list[AuditRow]:
    rows = []
    for entry in entries:
        keys = list(entry.before) + [key for key in entry.after if key not in entry.before]
        changes = [
            (key, entry.before.get(key), entry.after.get(key))
            for key in keys
            if entry.before.get(key) != entry.after.get(key)
        ]
        rows.append(AuditRow(entry=entry, changes=changes))
    return rows


@dataclass
class ClaimReview:
    claim: Claim
    summary: dict
    flags: list
    decisions: list[ClaimDecision]
    audit: list[AuditRow]
    versions: list[ClaimVersion]
    batches: list[Batch]
    threshold: Decimal | None
    slots: list[SlotEvidence] = field(default_factory=list)
    consultations: list[ConsultationEvidence] = field(default_factory=list)


@dataclass(frozen=True)
class Neighbours:
    """Where a claim stands in the review list as filtered and sorted: previous and next."""

    previous_id: int | None
    next_id: int | None
    position: int | None
    count: int


def claim_neighbours(*, claim: Claim, filters: ReviewFilters) -> Neighbours:
    """The claims before and after this one in the list the reviewer came from (same
    filters, same order), in one query: window functions over the filtered set, then this
    claim's row (Django filters on a window through a subquery). Two more queries when the
    outlier flag is among the filters (its threshold)."""
    claims = review_claims(filters)
    ordering = _ordered(claims, filters.sort).query.order_by
    order_by = [
        F(column[1:]).desc() if column.startswith("-") else F(column).asc() for column in ordering
    ]
    row = (
        claims.annotate(
            previous_id=Window(Lag("pk"), order_by=order_by),
            next_id=Window(Lead("pk"), order_by=order_by),
            position=Window(RowNumber(), order_by=order_by),
            total_count=Window(Count("pk")),
            # A plain pk filter would narrow the set before the windows run; one written
            # on a window applies after them (Django's QUALIFY emulation).
            row_pk=Window(FirstValue("pk"), partition_by=[F("pk")]),
        )
        .filter(row_pk=claim.pk)
        .values("previous_id", "next_id", "position", "total_count")
        .first()
    )
    if row is None:  # not in the filtered list (filters changed, or decided since)
        return Neighbours(previous_id=None, next_id=None, position=None, count=0)
    return Neighbours(
        previous_id=row["previous_id"],
        next_id=row["next_id"],
        position=row["position"],
        count=row["total_count"],
    )


def claim_for_review(*, pk: int) -> Claim:
    """A submitted claim (never a draft); DoesNotExist otherwise."""
    return (
        reviewable_claims()
        .select_related("doctor__user", "methodology", "review_check")
        .annotate(overlap_id=_overlapping_claim())
        .get(pk=pk)
    )


def claim_review(*, claim: Claim) -> ClaimReview:
    """A claim's review page: figures, flags with reasons, decisions, audit trail, earlier
    versions, batches. The outlier flag is relative to the claims of the same period."""
    same_period = reviewable_claims().filter(
        period_start=claim.period_start, period_end=claim.period_end
    )
    threshold = outlier_threshold(same_period, same_period.count())
    details = claim_flag_details(claim, overlap_id=claim.overlap_id, threshold=threshold)
    slots, consultations = declaration_evidence(claim.snapshot or {})
    return ClaimReview(
        claim=claim,
        summary=(claim.snapshot or {}).get("figures", {}).get("summary", {}),
        flags=flag_reasons(details),
        decisions=list(claim.decisions.select_related("reviewer")),
        audit=audit_rows(claim.audit_entries.select_related("actor")),
        versions=list(claim.versions.select_related("methodology").order_by("-number")),
        batches=list(claim.batches.order_by("-created_at")),
        threshold=threshold,
        slots=slots,
        consultations=consultations,
    )


def claim_ids_reviewable(ids: Sequence[int]) -> list[Claim]:
    return list(reviewable_claims().filter(pk__in=list(ids)).order_by("pk"))


# --- batches --------------------------------------------------------------------------------


def batch_list() -> QuerySet[Batch]:
    return (
        Batch.objects.select_related("created_by")
        .annotate(claim_count=Count("members"), total=Sum("members__claim__total"))
        .order_by("-created_at", "-id")
    )


@dataclass
class BatchDetail:
    batch: Batch
    totals: Totals
    page: Page
    rows: list[ReviewRow]
    outputs: dict[str, BatchOutput | None]
    per_service: list[ChartBar]


def batch_claims(batch: Batch) -> QuerySet[Claim]:
    return Claim.objects.filter(batch_memberships__batch=batch)


def batch_status_counts(batch: Batch) -> list[tuple[str, str, int]]:
    """(status, label, count) of the batch's claims, in the statuses' order (one query):
    a batch built from an unfiltered list holds rejected claims too, and says so."""
    counts = dict(batch_claims(batch).order_by().values_list("status").annotate(count=Count("pk")))
    return [
        (value, str(label), counts[value])
        for value, label in ClaimStatus.choices
        if value in counts
    ]


def batch_file_name(batch: Batch, suffix: str) -> str:
    """``batch-3-recip-e-january-2024.zip``: the batch's name, not only its number."""
    name = slugify(batch.name)[:60].strip("-")
    return f"batch-{batch.pk}-{name}.{suffix}" if name else f"batch-{batch.pk}.{suffix}"


def batch_detail(*, batch: Batch, page_number: int | str = 1) -> BatchDetail:
    claims = batch_claims(batch)
    totals = _totals(claims)
    threshold = batch.outlier_threshold
    if threshold is None and not batch.is_frozen:
        threshold = outlier_threshold(claims, totals.claims)
    page = _page(claims.order_by("batch_memberships__position", "pk"), page_number, totals.claims)
    outputs = {kind: None for kind in BatchOutput.Kind.values}
    for output in batch.outputs.all():
        outputs[output.kind] = output
    return BatchDetail(
        batch=batch,
        totals=totals,
        page=page,
        rows=_page_rows(page, threshold),
        outputs=outputs,
        per_service=_per_service(claims, list(Service.objects.all())),
    )


@dataclass
class StatusCount:
    status: str
    label: str
    claims: int
    total: Decimal


@dataclass
class BatchSummary:
    batch: Batch
    totals: Totals
    per_service: list[ChartBar]
    per_status: list[StatusCount]
    threshold: Decimal | None
    generated_at: datetime


def batch_summary(batch: Batch) -> BatchSummary:
    """The figures at the front of a batch dossier: totals, per service, per status (the
    outlier threshold is the one frozen with the batch). The lines per claim come from
    ``batch_summary_rows``, in parts."""
    claims = batch_claims(batch)
    labels = dict(ClaimStatus.choices)
    per_status = [
        StatusCount(
            status=row["status"],
            label=str(labels.get(row["status"], row["status"])),
            claims=row["claims"],
            total=row["total"] or Decimal("0.00"),
        )
        for row in claims.values("status")
        .annotate(claims=Count("pk"), total=Sum("total"))
        .order_by("status")
    ]
    totals = _totals(claims)
    threshold = batch.outlier_threshold
    if threshold is None:
        threshold = outlier_threshold(claims, totals.claims)
    return BatchSummary(
        batch=batch,
        totals=totals,
        per_service=_per_service(claims, list(Service.objects.all())),
        per_status=per_status,
        threshold=threshold,
        generated_at=timezone.now(),
    )


def batch_summary_rows(summary: BatchSummary, *, size: int) -> Iterator[list[ReviewRow]]:
    """One line per claim of the batch, with its flags, ``size`` lines at a time (the
    batch dossier renders each part on its own, so its memory does not grow with the
    batch)."""
    claims = (
        list_columns(batch_claims(summary.batch))
        .order_by("batch_memberships__position", "pk")
        .iterator(chunk_size=size)
    )
    part: list[ReviewRow] = []
    for claim in claims:
        details = claim_flag_details(
            claim, overlap_id=claim.overlap_id, threshold=summary.threshold
        )
        part.append(ReviewRow(claim=claim, flags=flag_reasons(details)))
        if len(part) == size:
            yield _with_frozen_lines(summary.batch, part)
            part = []
    if part:
        yield _with_frozen_lines(summary.batch, part)


def _with_frozen_lines(batch: Batch, part: list[ReviewRow]) -> list[ReviewRow]:
    """A frozen batch's lines say who and what each claim was when it was frozen (one query
    per part); a batch frozen before export rows were stored shows its claims as they are."""
    if not batch.is_frozen:
        return part
    stored = dict(
        BatchClaim.objects.filter(
            batch=batch, claim_id__in=[row.claim.pk for row in part], export_row__isnull=False
        ).values_list("claim_id", "export_row")
    )
    labels = dict(ClaimStatus.choices)
    for row in part:
        values = stored.get(row.claim.pk)
        if values:
            # Columns of claims.review.exports.export_rows: id, doctor, riziv, from, to, status, ...
            row.frozen_doctor = values[1]
            row.frozen_riziv = format_riziv(values[2])
            row.frozen_status = str(labels.get(values[5], values[5]))
    return part
