"""Consistency flags (claims/review/flags.py), each with its reason, on claims submitted through
the claims feature's services."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import translation
from factories_review import (
    at,
    clone_claims,
    declare_consultation,
    declare_slot,
    incident,
    new_doctor,
    recip_e_outage,
    submitted_claim,
    use_fast_dossiers,
)

from claims.models import Claim
from claims.review.flags import (
    NIGHT_WEEKEND,
    OUTLIER,
    OUTSIDE_SLOTS,
    OVERLAP,
    RECOMPUTED,
    UNVERIFIED,
    percentile_rank,
    slot_at_night_or_weekend,
)
from claims.review.selectors import ReviewFilters, claim_for_review, claim_review, review_list
from claims.review.services.checks import claim_check_compute, claim_checks_refresh
from outages.intervals import BRUSSELS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast(monkeypatch):
    use_fast_dossiers(monkeypatch)


@pytest.fixture
def outage():
    return recip_e_outage()


def flags_of(claim) -> dict[str, str]:
    claim_check_compute(claim=claim)
    review = claim_review(claim=claim_for_review(pk=claim.pk))
    return {flag.code: flag.reason for flag in review.flags}


def test_a_clean_claim_has_no_flag(outage):
    # 08:00–10:00 slot inside the 08:00–11:00 outage, a cancelled consultation inside it.
    claim = submitted_claim(slots=((15, 8, 0, 15, 10, 0),), cancelled=((15, 9, 0),))
    assert flags_of(claim) == {}


def test_it_flags_unverified_time_above_half_the_declared_time(outage):
    # 07:30–12:00 declared (270 min), 08:00–11:00 verified (180 min): not flagged...
    fine = submitted_claim(slots=((15, 7, 30, 15, 12, 0),), cancelled=())
    assert UNVERIFIED not in flags_of(fine)
    # ...10:00–14:00 declared (240 min), 10:00–11:00 verified: 180 unverified > 120.
    loose = submitted_claim(slots=((15, 10, 0, 15, 14, 0),), cancelled=())
    flags = flags_of(loose)
    assert flags[UNVERIFIED] == (
        "180 of the 240 declared minutes are not covered by a counted outage (more than half)."
    )


def test_exactly_half_unverified_is_not_flagged(outage):
    # 09:00–13:00: 120 verified, 120 unverified.
    claim = submitted_claim(slots=((15, 9, 0, 15, 13, 0),), cancelled=())
    assert UNVERIFIED not in flags_of(claim)


def test_it_flags_affected_consultations_outside_every_slot(outage):
    # The consultation at 10:30 is affected (Recip-e down until 11:00) but the only slot
    # ends at 10:00; the one at 09:00 lies in the slot.
    claim = submitted_claim(slots=((15, 8, 0, 15, 10, 0),), cancelled=((15, 9, 0), (15, 10, 30)))
    flags = flags_of(claim)
    assert flags[OUTSIDE_SLOTS].startswith("1 affected consultation lies outside every")
    assert "10:30" in flags[OUTSIDE_SLOTS]


def test_a_consultation_touching_a_slot_end_is_outside_it(outage):
    # Half-open intervals: a slot ending at 10:00 does not hold a consultation at 10:00.
    claim = submitted_claim(slots=((15, 8, 0, 15, 10, 0),), cancelled=((15, 10, 0),))
    assert OUTSIDE_SLOTS in flags_of(claim)


def test_it_flags_slots_at_night_or_on_weekends():
    incident("REV-N", ("recip-e",), at(13, 5), at(15, 23))
    early = submitted_claim(slots=((15, 6, 30, 15, 8, 0),), cancelled=())
    late = submitted_claim(slots=((15, 20, 0, 15, 21, 30),), cancelled=())
    saturday = submitted_claim(slots=((13, 10, 0, 13, 11, 0),), cancelled=())
    office = submitted_claim(slots=((15, 7, 0, 15, 21, 0),), cancelled=())
    assert flags_of(early)[NIGHT_WEEKEND].startswith("1 slot is at night (before 07:00 or")
    assert NIGHT_WEEKEND in flags_of(late)
    assert NIGHT_WEEKEND in flags_of(saturday)
    assert NIGHT_WEEKEND not in flags_of(office)


def test_night_follows_brussels_clocks_across_dst():
    # 31 March 2024: clocks go from 02:00 to 03:00 (UTC+2). 07:00 local is 05:00 UTC.
    sunday_after = datetime(2024, 4, 2, 7, 0, tzinfo=BRUSSELS)  # a Tuesday
    assert not slot_at_night_or_weekend(sunday_after, sunday_after.replace(hour=9))
    assert slot_at_night_or_weekend(
        datetime(2024, 4, 2, 6, 59, tzinfo=BRUSSELS), sunday_after.replace(hour=9)
    )
    # A slot across midnight runs past 21:00.
    assert slot_at_night_or_weekend(
        datetime(2024, 4, 2, 20, 0, tzinfo=BRUSSELS), datetime(2024, 4, 3, 8, tzinfo=BRUSSELS)
    )


def test_it_flags_a_claim_overlapping_another_of_the_same_doctor(outage):
    doctor = new_doctor()
    january = submitted_claim(doctor, slots=((15, 8, 0, 15, 10, 0),), cancelled=())
    february = submitted_claim(
        doctor,
        period=(date(2024, 2, 1), date(2024, 2, 29)),
        slots=((5, 8, 0, 5, 9, 0),),
        cancelled=(),
    )
    assert OVERLAP not in flags_of(january)
    # Submission refuses overlaps; older data or an admin edit can still produce one.
    Claim.objects.filter(pk=february.pk).update(period_start=date(2024, 1, 20))
    assert flags_of(january)[OVERLAP] == (
        f"The same doctor's claim #{february.pk} covers part of this period."
    )
    assert OVERLAP in flags_of(february)
    listed = review_list(ReviewFilters(flags=(OVERLAP,)))
    assert {row.claim.pk for row in listed.rows} == {january.pk, february.pk}


def test_a_small_list_has_no_outlier(outage):
    claims = [
        submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=(), dossier_pages=None)
        for _ in range(3)
    ]
    big = submitted_claim(slots=((15, 8, 0, 15, 11, 0),), cancelled=(), dossier_pages=None)
    # Fewer than 100 claims: the 99th percentile is the largest total, nobody is above it.
    assert percentile_rank(4) == 4
    listed = review_list(ReviewFilters())
    assert listed.threshold == big.total
    assert OUTLIER not in flags_of(big)
    assert all(OUTLIER not in flags_of(claim) for claim in claims)


def test_it_flags_totals_above_the_99th_percentile_of_the_list(outage):
    template = submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=(), dossier_pages=None)
    Claim.objects.filter(pk=template.pk).update(total=Decimal("100.00"))
    template.refresh_from_db()
    clone_claims(template, 99)
    (big,) = clone_claims(template, 1, totals=[Decimal("5000.00")])
    # 101 claims: the nearest-rank 99th percentile is the 100th smallest total, 100.00.
    assert percentile_rank(101) == 100
    flagged = review_list(ReviewFilters(flags=(OUTLIER,)))
    assert flagged.threshold == Decimal("100.00")
    assert [row.claim.pk for row in flagged.rows] == [big.pk]
    assert flagged.rows[0].flags[0].reason == (
        "The total is above the 99th percentile of the claims listed (100.00 EUR)."
    )
    assert OUTLIER not in flags_of(template)


def test_outlier_reason_quotes_the_threshold(outage, settings):
    from claims.review.flags import flag_reason

    assert flag_reason(OUTLIER, {"threshold": "1234.50"}) == (
        "The total is above the 99th percentile of the claims listed (1,234.50 EUR)."
    )


def test_it_flags_a_claim_whose_recomputation_now_differs(outage):
    claim = submitted_claim(slots=((15, 7, 30, 15, 12, 0),), cancelled=())
    assert RECOMPUTED not in flags_of(claim)
    submitted_total = claim.total
    # The calendar changes after submission: a new confirmed outage 11:00–12:00.
    incident("REV-LATE", ("recip-e",), at(15, 11), at(15, 12))
    claim_checks_refresh()
    flags = flags_of(claim)
    assert "90.00 EUR" in flags[RECOMPUTED]  # 60 more minutes at 90 EUR an hour
    assert "REV-LATE" in flags[RECOMPUTED]
    claim.refresh_from_db()
    assert claim.total == submitted_total  # the submitted figures never change


def test_checks_record_the_services_a_claim_rests_on(outage):
    claim = submitted_claim(slots=((15, 8, 0, 15, 10, 0),), cancelled=())
    check = claim_check_compute(claim=claim)
    # The slot names Recip-e; MyCarenet was down too, but the doctor did not name it.
    assert sorted(check.services.values_list("slug", flat=True)) == ["recip-e"]


def test_a_consultation_in_a_slot_of_another_service_is_not_outside(outage):
    doctor = new_doctor()
    declare_slot(doctor, at(15, 8), at(15, 10), slugs=("mycarenet",))
    declare_consultation(doctor, at(15, 9), slugs=("recip-e",))
    claim = submitted_claim(doctor, slots=(), cancelled=())
    assert OUTSIDE_SLOTS not in flags_of(claim)
