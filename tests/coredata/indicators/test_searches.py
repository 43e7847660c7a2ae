"""The engine's integer searches and grids against the plain pandas way of each: merge_asof
for attribution and nearest dates, a cross join for "open at R", calendar offsets for
month arithmetic, a loop for adding sums up per unit."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from coredata.indicators.grids import fan_out
from coredata.indicators.periods import (
    add_months,
    add_months_each,
    open_at_reference_dates,
    periods_between,
)
from coredata.indicators.units import (
    attribute,
    earliest_on_or_after,
    latest_on_or_before,
)

DAY0 = date(2024, 1, 1)
CHILDREN = ["A", "B", "C"]
days = st.integers(0, 120)
maybe_days = st.one_of(st.none(), days)


def _dates(offsets: list[int | None]) -> pd.Series:
    return pd.Series(
        [pd.NaT if o is None else pd.Timestamp(DAY0 + timedelta(days=o)) for o in offsets],
        dtype="datetime64[ns]",
    )


allocation_rows = st.lists(
    st.tuples(st.sampled_from(CHILDREN), st.sampled_from(["W1", "W2"]), days, maybe_days),
    max_size=8,
)
event_rows = st.lists(st.tuples(st.sampled_from([*CHILDREN, "Z"]), maybe_days), max_size=10)


@settings(max_examples=60)
@given(allocation_rows, event_rows)
def test_attribution_is_merge_asof_on_the_child_and_date(
    allocations: list[tuple[str, str, int, int | None]], events: list[tuple[str, int | None]]
) -> None:
    """Ties on a start date included (the later row wins), unknown children and missing
    dates unallocated."""
    held = pd.DataFrame(
        {
            "child_id": pd.array([a[0] for a in allocations], dtype="string"),
            "worker_id": pd.array([a[1] for a in allocations], dtype="string"),
            "team_code": pd.array([f"T{a[1]}" for a in allocations], dtype="string"),
            "start_date": _dates([a[2] for a in allocations]),
            "end_date": _dates([None if a[3] is None else a[2] + a[3] for a in allocations]),
        }
    )
    happened = pd.DataFrame(
        {
            "child_id": pd.array([e[0] for e in events], dtype="string"),
            "day": _dates([e[1] for e in events]),
        }
    )
    teams = pd.DataFrame({"team_code": ["TW1", "TW2"], "service_code": ["S", "S"]})
    got = attribute(happened, "day", held, teams)["worker_id"].tolist()
    want = [pd.NA] * len(happened)
    dated = happened.assign(position=range(len(happened))).dropna(subset=["day"])
    if len(held) and len(dated):
        matched = pd.merge_asof(
            dated.sort_values("day", kind="stable"),
            held.sort_values("start_date", kind="stable"),
            left_on="day",
            right_on="start_date",
            by="child_id",
        )
        for row in matched.itertuples():
            if pd.notna(row.start_date) and not (row.end_date < row.day):
                want[row.position] = row.worker_id
    assert got == want


dated_rows = st.lists(st.tuples(st.integers(0, 2), maybe_days), max_size=10)


@settings(max_examples=60)
@given(dated_rows, dated_rows)
def test_nearest_dates_are_merge_asof_forward_and_backward(
    wanted: list[tuple[int, int | None]], others: list[tuple[int, int | None]]
) -> None:
    child = np.array([w[0] for w in wanted], dtype="int64")
    on = _dates([w[1] for w in wanted])
    other_child = np.array([o[0] for o in others], dtype="int64")
    other = _dates([o[1] for o in others])
    after = earliest_on_or_after(child, on, other_child, other)
    before = latest_on_or_before(child, on, other_child, other)
    for i in range(len(wanted)):
        same = [j for j in range(len(others)) if others[j][0] == wanted[i][0]]
        same = [j for j in same if pd.notna(other[j]) and pd.notna(on[i])]
        later = [other[j] for j in same if other[j] >= on[i]]
        earlier = [j for j in same if other[j] <= on[i]]
        assert (pd.Timestamp(after[i]) if not np.isnat(after[i]) else None) == (
            min(later) if later else None
        )
        # The latest date; of rows with the same child and date, the last.
        last = max(earlier, key=lambda j: (other[j], j)) if earlier else -1
        assert before[i] == last


intervals = st.lists(st.tuples(st.integers(0, 500), st.one_of(st.none(), st.integers(-3, 400))))


@settings(max_examples=40)
@given(intervals)
def test_open_at_reference_dates_is_a_cross_join_filtered(
    rows: list[tuple[int, int | None]],
) -> None:
    start = _dates([r[0] for r in rows])
    end = _dates([None if r[1] is None else r[0] + r[1] for r in rows])
    frame = pd.DataFrame({"n": range(len(rows)), "s": start, "e": end})
    periods = periods_between(date(2024, 3, 31), date(2025, 2, 28))
    got = open_at_reference_dates(frame, "s", "e", periods)
    ends = pd.DataFrame({"reference_date": periods["period_end"].drop_duplicates()})
    pairs = frame.merge(ends, how="cross")
    is_open = (pairs["s"] <= pairs["reference_date"]) & (
        pairs["e"].isna() | (pairs["e"] > pairs["reference_date"])
    )
    want = pairs[is_open].sort_values(["n", "reference_date"]).reset_index(drop=True)
    got = got.sort_values(["n", "reference_date"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


@given(st.lists(st.one_of(st.none(), st.integers(0, 3000)), max_size=20))
def test_add_months_clips_to_the_month_end_as_calendar_offsets_do(
    offsets: list[int | None],
) -> None:
    dates = _dates(offsets)
    each = add_months_each(dates, [-12, 6, 12, 24])
    for months, got in zip([-12, 6, 12, 24], each, strict=True):
        want = [pd.NaT if pd.isna(d) else d + pd.DateOffset(months=months) for d in dates]
        assert got.tolist() == want
        assert add_months(dates, months).tolist() == want


def test_add_months_from_31_august_and_29_february() -> None:
    dates = pd.Series(pd.to_datetime(["2023-08-31", "2024-02-29"]))
    assert add_months(dates, 6).dt.strftime("%Y-%m-%d").tolist() == ["2024-02-29", "2024-08-29"]
    assert add_months(dates, 12).dt.strftime("%Y-%m-%d").tolist() == ["2024-08-31", "2025-02-28"]


@given(st.lists(st.tuples(st.integers(-1, 3), st.integers(-1, 2), st.integers(0, 9)), max_size=8))
def test_fan_out_adds_each_keys_sums_to_its_unit_at_every_level(
    keys: list[tuple[int, int, int]],
) -> None:
    """Level 0: units 0-3 (or none); level 1: units 4-6 (or none)."""
    unit_of_key = np.array(
        [[k[0] for k in keys], [k[1] + 4 if k[1] >= 0 else -1 for k in keys]], dtype="int64"
    ).reshape(2, len(keys))
    sums = np.array([[k[2], 2 * k[2]] for k in keys], dtype="int64").reshape(len(keys), 2)
    want = np.zeros((7, 2), dtype="int64")
    for key in range(len(keys)):
        for level in unit_of_key[:, key]:
            if level >= 0:
                want[level] += sums[key]
    assert (fan_out(unit_of_key, 7, sums) == want).all()
