"""The plans' building blocks: plan intervals, previous plans, sums over periods."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from coredata.indicators.inputs import CHILD_ID
from coredata.indicators.periods import add_months, month_index
from coredata.indicators.plans import previous_plan_end
from coredata.indicators.registry import Context, compute_all
from coredata.indicators.results import KEYS
from coredata.indicators.tiers import CHILD, RANK, period_sums, plan_intervals
from tests.coredata.indicators.plan_frames import alloc, cp, eh, ep, inputs, ref

DAY0 = date(2022, 1, 1)


def test_plan_intervals_hold_every_tier_and_leave_out_bad_and_nfa_plans() -> None:
    context = Context(
        inputs(
            early_help=[eh("A", "2024-01-01", "2023-12-31")],  # ends before it starts
            referrals=[
                ref("A", "2024-01-05", "2024-02-01", "RC8"),
                ref("B", "2024-01-05", nfa=True),
            ],
            cp_plans=[cp("B", "2024-02-01", previous=1)],
            care=[
                ep("C", "2024-01-01", "2024-01-02", ls="V3"),  # short breaks only
                ep("C", "2024-02-01"),
                ep("D", "2024-02-01", rne="P"),  # the first known episode, not RNE S
            ],
        )
    )
    plans = plan_intervals(context)
    got = plans[[CHILD_ID, "rank", "start", "end", "not_in_need", "previous_plans", "new_start"]]
    expected = pd.DataFrame(
        {
            CHILD_ID: ["A", "B", "C", "D"],
            "rank": [RANK["CIN"], RANK["CP"], RANK["LAC"], RANK["LAC"]],
            "start": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-02-01", "2024-02-01"]),
            "end": pd.to_datetime(["2024-02-01", None, None, None]),
            "not_in_need": [True, False, False, False],
            "previous_plans": pd.array([None, 1, None, None], dtype="Int64"),
            "new_start": [True, True, True, False],
        }
    ).astype({CHILD_ID: "string", "start": "datetime64[ns]", "end": "datetime64[ns]"})
    pd.testing.assert_frame_equal(got, expected)
    assert (plans["from_6m"] == add_months(plans["start"], 6)).all()


def test_no_plans_give_no_rows() -> None:
    assert compute_all(inputs(), codes=["P1", "P2", "P3", "P4"]).empty


plan = st.tuples(
    st.integers(0, 2), st.integers(0, 1), st.integers(0, 400), st.none() | st.integers(0, 60)
)


@given(st.lists(plan, max_size=12))
def test_previous_plan_end_is_the_latest_end_among_earlier_ended_plans(
    rows: list[tuple[int, int, int, int | None]],
) -> None:
    day = np.datetime64(DAY0, "ns")
    plans = pd.DataFrame(
        {
            CHILD: [r[0] for r in rows],
            "rank": [r[1] for r in rows],
            "start": [day + np.timedelta64(r[2], "D") for r in rows],
            "end": [None if r[3] is None else day + np.timedelta64(r[2] + r[3], "D") for r in rows],
        }
    ).astype({CHILD: "int64", "rank": "int64", "start": "datetime64[ns]", "end": "datetime64[ns]"})
    got = previous_plan_end(plans)
    for i, row in plans.iterrows():
        earlier = plans[
            (plans[CHILD] == row[CHILD]) & (plans["rank"] == row["rank"])
            & (plans["start"] < row["start"]) & (plans["end"] <= row["start"])
        ]  # fmt: skip
        want = earlier["end"].max() if len(earlier) else pd.NaT
        assert (pd.isna(want) and pd.isna(got[i])) or want == got[i]


months = st.lists(
    st.tuples(st.sampled_from(["T1", "T2"]), st.integers(1, 2), st.integers(-14, 16),
              st.integers(0, 3)),
    max_size=25,
)  # fmt: skip


@given(months)
def test_period_sums_match_expanding_each_row_to_its_periods(
    rows: list[tuple[str, int, int, int]],
) -> None:
    context = Context(inputs(first="2023-01-31", last="2024-03-31"))
    base = month_index(pd.Series(pd.to_datetime(["2023-01-31"]))).iloc[0]
    monthly = pd.DataFrame(
        {
            "unit_type": "team",
            "unit_code": [r[0] for r in rows],
            "rank": [r[1] for r in rows],
            "month": [int(base) + r[2] for r in rows],
            "n": [r[3] for r in rows],
        }
    ).astype({"unit_code": "string", "unit_type": "string", "month": "int64", "n": "int64"})
    got = period_sums(context, monthly, ["rank"], ["n"])
    dated = monthly.assign(
        day=pd.to_datetime(
            pd.DataFrame(
                {"year": monthly["month"] // 12, "month": monthly["month"] % 12 + 1, "day": 1}
            )
        )
    )
    expanded = context.in_periods(dated, "day")
    want = expanded.groupby([*KEYS, "rank"], as_index=False)["n"].sum()
    want = want[want["n"] != 0]
    order = [*KEYS, "rank"]
    pd.testing.assert_frame_equal(
        got.sort_values(order).reset_index(drop=True)[[*order, "n"]].astype({"n": "int64"}),
        want.sort_values(order).reset_index(drop=True)[[*order, "n"]].astype({"n": "int64"}),
        check_dtype=False,
        check_column_type=False,
    )


starts = st.lists(
    st.tuples(st.sampled_from("AB"), st.integers(0, 500), st.integers(0, 40)), max_size=8
)


@settings(max_examples=20)  # each example runs the engine
@given(starts, st.integers(0, 500))
def test_p3_counts_each_childs_first_start_in_every_period_for_its_holder_then(
    rows: list[tuple[str, int, int]], handover: int
) -> None:
    """Against the plain way: each start repeated into its periods, the first per child
    and period kept, then attributed with Context.units_on."""
    day = DAY0 + timedelta(days=300)
    plans = [
        eh(child, str(day + timedelta(days=s)), str(day + timedelta(days=s + length)))
        for child, s, length in rows
    ]
    cut = day + timedelta(days=handover)
    allocations = [
        alloc("A", "W1", "T1", str(DAY0), str(cut)),
        alloc("A", "W2", "T2", str(cut + timedelta(days=1))),
    ]
    engine_inputs = inputs(
        early_help=plans, allocations=allocations, first="2022-11-30", last="2024-06-30"
    )
    got = compute_all(engine_inputs, codes=["P3"])
    got = got[got["breakdown"] == "tier=EH;window=ever"]
    context = Context(engine_inputs)
    help_ = context.frame("early_help").rename(columns={"start_date": "start"})
    expanded = context.in_periods(help_, "start").sort_values("start", kind="stable")
    first = expanded.drop_duplicates(["period_start", "period_end", CHILD_ID])
    units = context.units_on(first, "start")
    want = units.groupby(KEYS).size().rename("denominator").reset_index()
    pd.testing.assert_frame_equal(
        got[KEYS + ["denominator"]].sort_values(KEYS).reset_index(drop=True),
        want.sort_values(KEYS).reset_index(drop=True).astype({"denominator": "Float64"}),
        check_dtype=False,
    )
