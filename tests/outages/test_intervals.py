from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outages.intervals import (
    BRUSSELS,
    Interval,
    clip,
    clip_seconds,
    from_epoch_seconds,
    intersect,
    intersect_seconds,
    measure,
    measure_seconds,
    meets,
    meets_seconds,
    merge,
    merge_seconds,
    minutes,
    month_window,
    period_window,
    subtract,
    subtract_seconds,
    to_epoch_seconds,
)

HOUR = 3600


def at(hour, minute=0, day=15, month=1, year=2024):
    return datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


def span(start_hour, start_minute, end_hour, end_minute, day=15):
    return Interval(at(start_hour, start_minute, day), at(end_hour, end_minute, day))


# --- Interval ----------------------------------------------------------------------------


def test_it_rejects_a_naive_start():
    with pytest.raises(ValueError, match="timezone-aware"):
        Interval(datetime(2024, 1, 15, 8), at(9))


def test_it_rejects_a_naive_end():
    with pytest.raises(ValueError, match="timezone-aware"):
        Interval(at(8), datetime(2024, 1, 15, 9))


def test_it_rejects_an_end_before_the_start():
    with pytest.raises(ValueError, match="ends before"):
        Interval(at(9), at(8))


def test_an_empty_interval_is_allowed():
    interval = Interval(at(9), at(9))
    assert interval.is_empty
    assert interval.seconds == 0


def test_it_stores_utc_whatever_zone_it_is_given():
    interval = span(8, 0, 10, 0)
    assert interval.start == datetime(2024, 1, 15, 7, tzinfo=UTC)
    assert interval.start.tzinfo is UTC
    assert interval.seconds == 2 * HOUR


def test_it_tells_apart_the_two_0230_of_the_october_dst_night():
    # Same wall-clock time, same ZoneInfo, one hour apart: compared as wall-clock times
    # these would be equal and the interval would wrongly be empty.
    first = datetime(2024, 10, 27, 2, 30, tzinfo=BRUSSELS)
    second = datetime(2024, 10, 27, 2, 30, fold=1, tzinfo=BRUSSELS)
    assert Interval(first, second).seconds == HOUR


def test_it_round_trips_through_epoch_seconds():
    interval = span(8, 0, 10, 45)
    assert Interval.from_seconds(*interval.to_seconds()) == interval
    assert to_epoch_seconds(datetime(1970, 1, 1, 0, 1, tzinfo=UTC)) == 60
    assert from_epoch_seconds(60) == datetime(1970, 1, 1, 0, 1, tzinfo=UTC)


def test_epoch_seconds_reject_naive_datetimes():
    with pytest.raises(ValueError):
        to_epoch_seconds(datetime(2024, 1, 15, 8))


# --- merge -------------------------------------------------------------------------------


def test_merge_sorts_and_merges_overlaps():
    merged = merge([span(9, 30, 11, 0), span(8, 0, 10, 0), span(14, 0, 15, 0)])
    assert merged == [span(8, 0, 11, 0), span(14, 0, 15, 0)]


def test_merge_joins_adjacent_intervals():
    assert merge([span(10, 45, 11, 0), span(8, 0, 10, 45)]) == [span(8, 0, 11, 0)]


def test_merge_drops_empty_intervals():
    assert merge([span(8, 0, 8, 0), span(9, 0, 10, 0)]) == [span(9, 0, 10, 0)]
    assert merge([]) == []


def test_merge_keeps_a_contained_interval_inside():
    assert merge([span(8, 0, 12, 0), span(9, 0, 10, 0)]) == [span(8, 0, 12, 0)]


# --- intersect / subtract / clip ---------------------------------------------------------


def test_intersect_keeps_only_the_common_part():
    first = [span(8, 0, 10, 0), span(12, 0, 14, 0)]
    second = [span(9, 0, 13, 0)]
    assert intersect(first, second) == [span(9, 0, 10, 0), span(12, 0, 13, 0)]


def test_intersect_of_touching_intervals_is_empty():
    assert intersect([span(8, 0, 10, 45)], [span(10, 45, 11, 0)]) == []


def test_subtract_punches_holes():
    result = subtract([span(8, 0, 12, 0)], [span(9, 0, 9, 30), span(11, 0, 13, 0)])
    assert result == [span(8, 0, 9, 0), span(9, 30, 11, 0)]


def test_subtract_everything_leaves_nothing():
    assert subtract([span(9, 0, 10, 0)], [span(8, 0, 11, 0)]) == []


def test_subtract_nothing_leaves_the_merged_minuend():
    assert subtract([span(9, 0, 10, 0), span(9, 30, 11, 0)], []) == [span(9, 0, 11, 0)]


def test_clip_cuts_each_interval_to_the_window_without_merging():
    window = span(9, 0, 12, 0)
    clipped = clip([span(8, 0, 10, 0), span(9, 30, 13, 0), span(13, 0, 14, 0)], window)
    # Kept separate (and in input order) so a caller still knows which source each is.
    assert clipped == [span(9, 0, 10, 0), span(9, 30, 12, 0)]


def test_clip_drops_an_interval_touching_the_window_edge():
    assert clip([span(8, 0, 9, 0)], span(9, 0, 12, 0)) == []


# --- measure / meets ---------------------------------------------------------------------


def test_measure_never_double_counts_overlaps():
    # 08:00-10:00 and 09:30-11:00: three hours, not three and a half.
    assert measure([span(8, 0, 10, 0), span(9, 30, 11, 0)]) == 3 * HOUR


def test_measure_of_nothing_is_zero():
    assert measure([]) == 0


def test_meets_is_half_open():
    # Rule 12: an incident ending at 10:45 does not meet a consultation starting at 10:45.
    assert not meets(span(10, 45, 11, 5), [span(8, 0, 10, 45)])
    assert meets(span(10, 44, 11, 4), [span(8, 0, 10, 45)])
    assert not meets(span(7, 0, 8, 0), [span(8, 0, 10, 45)])


def test_an_empty_interval_meets_nothing():
    assert not meets(span(9, 0, 9, 0), [span(8, 0, 10, 0)])


def test_meets_any_of_several_intervals():
    assert meets(span(12, 0, 12, 30), [span(8, 0, 9, 0), span(12, 15, 13, 0)])


# --- DST ---------------------------------------------------------------------------------


def test_it_handles_the_spring_forward_night():
    # 31 March 2024: 02:00 becomes 03:00, so 01:00-04:00 on the wall clock is two hours.
    slot = Interval(
        datetime(2024, 3, 31, 1, tzinfo=BRUSSELS), datetime(2024, 3, 31, 4, tzinfo=BRUSSELS)
    )
    assert measure([slot]) == 2 * HOUR


def test_it_handles_the_fall_back_night():
    # 27 October 2024: 03:00 becomes 02:00 again, so 01:00-04:00 is four hours.
    slot = Interval(
        datetime(2024, 10, 27, 1, tzinfo=BRUSSELS), datetime(2024, 10, 27, 4, tzinfo=BRUSSELS)
    )
    assert measure([slot]) == 4 * HOUR


def test_period_window_is_local_midnight_to_local_midnight():
    window = period_window(date(2024, 1, 1), date(2024, 1, 31))
    assert window.start == datetime(2023, 12, 31, 23, tzinfo=UTC)
    assert window.end == datetime(2024, 1, 31, 23, tzinfo=UTC)
    assert window.seconds == 31 * 24 * HOUR


def test_period_window_over_a_dst_night():
    assert period_window(date(2024, 3, 31), date(2024, 3, 31)).seconds == 23 * HOUR
    assert period_window(date(2024, 10, 27), date(2024, 10, 27)).seconds == 25 * HOUR


def test_period_window_rejects_a_reversed_period():
    with pytest.raises(ValueError):
        period_window(date(2024, 2, 1), date(2024, 1, 31))


def test_month_window_has_743_hours_in_march_and_745_in_october_2024():
    assert month_window(2024, 3).seconds == 743 * HOUR
    assert month_window(2024, 10).seconds == 745 * HOUR
    assert month_window(2024, 2).seconds == 29 * 24 * HOUR


def test_month_window_of_december_ends_on_new_year():
    window = month_window(2024, 12)
    assert window.end == datetime(2025, 1, 1, tzinfo=BRUSSELS)


def test_month_window_accepts_another_zone():
    window = month_window(2024, 1, ZoneInfo("UTC"))
    assert window.start == datetime(2024, 1, 1, tzinfo=UTC)


# --- minutes (rule 10) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0, 0), (29, 0), (30, 1), (89, 1), (90, 2), (150, 3), (10_800, 180)],
)
def test_minutes_round_half_up(seconds, expected):
    assert minutes(seconds) == expected


# --- seconds API -------------------------------------------------------------------------


def test_seconds_api_matches_the_examples():
    assert merge_seconds([(5, 10), (0, 5), (20, 20)]) == [(0, 10)]
    assert intersect_seconds([(0, 10), (20, 30)], [(5, 25)]) == [(5, 10), (20, 25)]
    assert subtract_seconds([(0, 30)], [(5, 10), (20, 25)]) == [(0, 5), (10, 20), (25, 30)]
    assert clip_seconds([(0, 10), (15, 30)], (5, 20)) == [(5, 10), (15, 20)]
    assert measure_seconds([(0, 10), (5, 15)]) == 15
    assert meets_seconds((10, 20), [(0, 10)]) is False
    assert meets_seconds((9, 20), [(0, 10)]) is True


# --- properties --------------------------------------------------------------------------

BASE = datetime(2024, 3, 30, 22, tzinfo=UTC)  # spans the 31 March DST night in Brussels


@st.composite
def seconds_intervals(draw):
    start = draw(st.integers(0, 500))
    return (start, start + draw(st.integers(0, 120)))


seconds_lists = st.lists(seconds_intervals(), max_size=12)


@st.composite
def intervals(draw):
    start, end = draw(seconds_intervals())
    # Whole minutes, in Brussels time, around a DST change: the datetime API must agree.
    return Interval(
        (BASE + timedelta(minutes=start)).astimezone(BRUSSELS),
        (BASE + timedelta(minutes=end)).astimezone(BRUSSELS),
    )


interval_lists = st.lists(intervals(), max_size=10)


def covered(intervals_):
    return {second for start, end in intervals_ for second in range(start, end)}


@given(seconds_lists)
def test_merge_covers_exactly_the_same_points(items):
    merged = merge_seconds(items)
    assert covered(merged) == covered(items)
    # Sorted, disjoint and never adjacent: each piece starts after the previous ends.
    assert all(a_end < b_start for (_, a_end), (b_start, _) in zip(merged, merged[1:]))
    assert all(start < end for start, end in merged)


@given(interval_lists)
def test_measure_of_merge_is_at_most_the_sum_of_lengths(items):
    assert measure(merge(items)) <= sum(item.seconds for item in items)


@given(interval_lists)
def test_merge_is_idempotent(items):
    assert merge(merge(items)) == merge(items)


@given(interval_lists, st.randoms())
def test_merge_does_not_depend_on_order(items, random):
    shuffled = list(items)
    random.shuffle(shuffled)
    assert merge(shuffled) == merge(items)
    assert measure(shuffled) == measure(items)


@given(interval_lists, interval_lists)
def test_intersection_lies_inside_both(first, second):
    both = intersect(first, second)
    assert subtract(both, first) == []
    assert subtract(both, second) == []
    assert measure(both) <= min(measure(first), measure(second))


@given(interval_lists, interval_lists)
def test_subtract_and_intersect_partition_the_minuend(first, second):
    outside = subtract(first, second)
    inside = intersect(first, second)
    assert intersect(outside, inside) == []
    assert merge(outside + inside) == merge(first)
    assert measure(outside) + measure(inside) == measure(first)


@given(interval_lists, interval_lists)
def test_inclusion_exclusion(first, second):
    union = measure(first + second)
    assert union == measure(first) + measure(second) - measure(intersect(first, second))


@given(seconds_lists, seconds_lists)
def test_seconds_intersect_and_subtract_agree_with_point_sets(first, second):
    first_merged, second_merged = merge_seconds(first), merge_seconds(second)
    first_points, second_points = covered(first), covered(second)
    assert covered(intersect_seconds(first_merged, second_merged)) == first_points & second_points
    assert covered(subtract_seconds(first_merged, second_merged)) == first_points - second_points


@given(seconds_intervals(), seconds_lists)
def test_meets_agrees_with_point_sets(interval, items):
    assert meets_seconds(interval, items) == bool(covered([interval]) & covered(items))


@given(seconds_lists, seconds_intervals())
def test_clip_agrees_with_point_sets(items, window):
    clipped = clip_seconds(items, window)
    assert covered(clipped) == covered(items) & covered([window])
    assert len(clipped) <= len(items)
