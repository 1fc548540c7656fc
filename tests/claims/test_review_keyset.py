"""The review list's keyset pagination (issue 13): following "next" from the first page,
or "previous" from the last, a reviewer sees every claim exactly once, in the list's
order, whatever the sort, ties on the sort key included; a typed page number shows the
very rows the links lead to, counted from whichever end of the list is nearer."""

import html
import re
from decimal import Decimal

import pytest
from factories_review import clone_claims, recip_e_outage, submitted_claim, use_fast_dossiers

from claims.models import Claim, User
from claims.review.forms import SORT_CHOICES
from claims.review.selectors import PAGE_SIZE, ReviewFilters, _ordered, review_claims

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="\?([^"]*)" rel="(next|prev)"')


@pytest.fixture(autouse=True)
def _fast(monkeypatch):
    use_fast_dossiers(monkeypatch)


@pytest.fixture
def many_claims():
    recip_e_outage()
    template = submitted_claim(slots=((15, 8, 0, 15, 10, 0),), cancelled=((15, 10, 30),))
    count = 2 * PAGE_SIZE + 17
    # Three totals only, and most doctors with the same name: long runs of ties.
    totals = [Decimal("12.50"), Decimal("80.00"), Decimal("12.50"), Decimal("300.00")]
    clone_claims(template, count, totals=[totals[n % 4] for n in range(count)])
    User.objects.filter(last_name__regex=r"[0-5]$").update(last_name="Same", first_name="Name")
    return Claim.objects.exclude(status="draft").count()


def _walk(client, query: str, rel: str) -> tuple[list[int], list[str]]:
    """The claim ids of every page met following ``rel`` links, and the pages' labels."""
    seen, labels = [], []
    for _ in range(100):
        response = client.get("/claims/review/?" + query)
        assert response.status_code == 200
        seen.extend(row.claim.pk for row in response.context["listing"].rows)
        text = response.content.decode()
        labels.extend(re.findall(r"Page \d+ of \d+", text))
        links = {kind: html.unescape(href) for href, kind in LINK.findall(text)}
        if rel not in links:
            return seen, labels
        query = links[rel]
        assert ("after=" if rel == "next" else "before=") in query
    raise AssertionError("the links never end")


@pytest.mark.parametrize("sort", [value for value, _ in SORT_CHOICES])
def test_next_links_show_every_claim_once_in_order(many_claims, reviewer_client, sort):
    reviewer_client.cookies["django_language"] = "en"
    expected = list(_ordered(review_claims(ReviewFilters()), sort).values_list("pk", flat=True))
    assert len(expected) == many_claims > 2 * PAGE_SIZE
    forward, labels = _walk(reviewer_client, f"sort={sort}", "next")
    assert forward == expected
    pages = -(-many_claims // PAGE_SIZE)
    assert labels == [f"Page {n} of {pages}" for n in range(1, pages + 1)]

    # Back from the last page (reached by number, the OFFSET way) by "previous" links.
    backward, labels = _walk(reviewer_client, f"sort={sort}&page={pages}", "prev")
    pages_back = [expected[n : n + PAGE_SIZE] for n in range(0, len(expected), PAGE_SIZE)]
    assert backward == [pk for page in reversed(pages_back) for pk in page]
    assert labels == [f"Page {n} of {pages}" for n in range(pages, 0, -1)]


def test_the_ties_are_real_and_broken_by_the_claim_number(many_claims, reviewer_client):
    totals = list(review_claims(ReviewFilters()).values_list("total", "pk").order_by("total", "pk"))
    assert len({total for total, _ in totals}) <= 4 < len(totals)
    forward, _ = _walk(reviewer_client, "sort=total", "next")
    assert forward == [pk for _, pk in totals]
    names = review_claims(ReviewFilters()).filter(doctor__user__last_name="Same").count()
    assert names > PAGE_SIZE  # a run of equal names crosses a page boundary


def test_a_forged_or_stale_key_gives_a_page_never_an_error(many_claims, reviewer_client):
    for key in ["nonsense", "W10", "WyJ4Il0", "", "%00"]:
        response = reviewer_client.get("/claims/review/", {"after": key, "sort": "doctor"})
        assert response.status_code == 200
        assert len(response.context["listing"].rows) == PAGE_SIZE
    # A key past the end of the list: no row, no error.
    last = list(_ordered(review_claims(ReviewFilters()), "id").values_list("pk", flat=True))[-1]
    from claims.review.selectors import _encode_key

    response = reviewer_client.get("/claims/review/", {"after": _encode_key([last]), "sort": "id"})
    assert response.status_code == 200


def test_the_filters_and_the_key_together(many_claims, reviewer_client):
    params = {"min_total": "50", "sort": "-total"}
    expected = list(
        _ordered(review_claims(ReviewFilters(min_total=Decimal("50"))), "-total").values_list(
            "pk", flat=True
        )
    )
    assert PAGE_SIZE < len(expected) < many_claims
    forward, _ = _walk(reviewer_client, "&".join(f"{k}={v}" for k, v in params.items()), "next")
    assert forward == expected


def _page_ids(client, query: str) -> list[int]:
    response = client.get("/claims/review/?" + query)
    assert response.status_code == 200
    return [row.claim.pk for row in response.context["listing"].rows]


@pytest.mark.parametrize("sort", [value for value, _ in SORT_CHOICES])
def test_a_typed_page_number_shows_the_rows_next_links_lead_to(many_claims, reviewer_client, sort):
    """Pages past the middle are read from the end of the list in reverse order: the same
    rows, in the same order, as walking "next" from the first page, ties included."""
    forward, _ = _walk(reviewer_client, f"sort={sort}", "next")
    pages = -(-many_claims // PAGE_SIZE)
    for number in range(1, pages + 1):
        expected = forward[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        assert _page_ids(reviewer_client, f"sort={sort}&page={number}") == expected, number
    assert _page_ids(reviewer_client, f"sort={sort}&page=999") == expected  # the last page


def test_a_typed_page_number_with_filters(many_claims, reviewer_client):
    query = "min_total=50&sort=-total"
    forward, _ = _walk(reviewer_client, query, "next")
    assert PAGE_SIZE < len(forward) <= 2 * PAGE_SIZE
    assert _page_ids(reviewer_client, f"{query}&page=2") == forward[PAGE_SIZE:]


def test_the_doctor_sort_follows_a_renamed_doctor(many_claims, reviewer_client):
    """The doctor's name the list sorts on is a copy the database keeps on each claim: a
    rename by any path (here a queryset update, which no Python code sees) moves the
    doctor's claims at once, and a new claim takes its doctor's current name."""
    claim = Claim.objects.exclude(status="draft").order_by("pk").last()
    User.objects.filter(doctor__claims=claim).update(last_name="Aaaa", first_name="First")
    assert _page_ids(reviewer_client, "sort=doctor")[0] == claim.pk
    claim.refresh_from_db()
    assert (claim.doctor_last_name, claim.doctor_first_name) == ("Aaaa", "First")

    # A claim written with a stale copy in memory (loaded before the rename) keeps the
    # database's name: the claim's own trigger sets it on every write.
    stale = Claim.objects.get(pk=claim.pk)
    User.objects.filter(doctor__claims=claim).update(last_name="Zzzz")
    stale.save()
    stale.refresh_from_db()
    assert stale.doctor_last_name == "Zzzz"
    assert _page_ids(reviewer_client, "sort=doctor&page=999")[-1] == claim.pk

    doctor = claim.doctor
    doctor.user.last_name = "Mmmm"
    doctor.user.save()
    other = Claim.objects.create(
        doctor=doctor,
        period_start=claim.period_start.replace(year=claim.period_start.year - 1),
        period_end=claim.period_end.replace(year=claim.period_end.year - 1),
        methodology_id=claim.methodology_id,
    )
    other.refresh_from_db()
    assert other.doctor_last_name == "Mmmm"
