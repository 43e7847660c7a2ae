"""The 12 months ending at the end of February, around a leap day (INDICATORS.md
Resolved details 10 and 11): the 12 months ending at R run from R − 12 months + 1 day,
so those ending 28 February 2025 start on 29 February 2024 (2025-02-28 − 12 months =
2024-02-28) and those ending 29 February 2024 on 1 March 2023 (2023-02-28 + 1 day).
Months, quarters and financial years are whole calendar months and do not move.

Hand-built rows on 28 February, 29 February and 1 March for every kind of counter the
engine has: events tallied on a month grid (A1, O1, and A3 judged at R), plans summed on
a month grid (P2 ended, P3's first start in a period), children counted once (O4), the
period expansion, and the tallies' spread against a plain day-by-day membership.
"""

import calendar
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from coredata.indicators.inputs import SCHEMAS, EngineInputs
from coredata.indicators.periods import (
    FINANCIAL_YEAR,
    MONTH,
    QUARTER,
    ROLLING_12M,
    expand_to_periods,
    month_index,
    months_spanned,
    partial_starts,
    periods_between,
)
from coredata.indicators.registry import Context, compute_all
from coredata.indicators.tallies import spread
from tests.coredata.indicators.plan_frames import cp, pick, ref, run

FIRST, LAST = date(2023, 1, 31), date(2026, 3, 31)
TO_FEB_2025 = ("2024-02-29", "2025-02-28")  # after a leap year: from the leap day
TO_JAN_2025 = ("2024-02-01", "2025-01-31")
TO_FEB_2024 = ("2023-03-01", "2024-02-29")  # ending on the leap day
TO_FEB_2026 = ("2025-03-01", "2026-02-28")
FEB_2024 = ("2024-02-01", "2024-02-29")
Q4_2023_24 = ("2024-01-01", "2024-03-31")
FY_2023_24 = ("2023-04-01", "2024-03-31")
FY_2024_25 = ("2024-04-01", "2025-03-31")
SPAN = {"first": FIRST.isoformat(), "last": LAST.isoformat()}


def _minus_12_months_plus_a_day(end: date) -> date:
    """R − 12 months + 1 day, clipping to the month's last day, by the calendar module."""
    last_day = calendar.monthrange(end.year - 1, end.month)[1]
    return date(end.year - 1, end.month, min(end.day, last_day)) + timedelta(days=1)


def _month_ends(first: date, last: date) -> list[date]:
    ends, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        ends.append(date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ends


def _table(kind: str, first: date = FIRST, last: date = LAST) -> dict[date, date]:
    periods = periods_between(first, last)
    chosen = periods[periods["period_type"] == kind]
    return dict(zip(chosen["period_end"].dt.date, chosen["period_start"].dt.date, strict=True))


# --- the period table -------------------------------------------------------------------


def test_the_12_months_to_28_february_after_a_leap_year_start_on_29_february() -> None:
    rolling = _table(ROLLING_12M)
    assert rolling[date(2025, 2, 28)] == date(2024, 2, 29)
    assert rolling[date(2024, 2, 29)] == date(2023, 3, 1)
    assert rolling[date(2026, 2, 28)] == date(2025, 3, 1)
    assert rolling[date(2025, 1, 31)] == date(2024, 2, 1)
    assert rolling[date(2024, 4, 30)] == date(2023, 5, 1)
    # Every one is R − 12 months + 1 day, and spans 12 calendar months.
    assert all(start == _minus_12_months_plus_a_day(end) for end, start in rolling.items())
    assert {months_spanned(start, end) for end, start in rolling.items()} == {12}
    # The one ending in March is the financial year, kept once.
    assert date(2024, 3, 31) not in rolling


def test_only_that_period_starts_after_the_first_of_a_month() -> None:
    periods = periods_between(FIRST, LAST)
    partial = partial_starts(periods)
    assert len(partial) == 1
    position, start, start_month = partial[0]
    row = periods.iloc[position]
    assert (row["period_type"], row["period_start"], row["period_end"]) == (
        ROLLING_12M,
        pd.Timestamp("2024-02-29"),
        pd.Timestamp("2025-02-28"),
    )
    assert start == np.datetime64("2024-02-29")
    assert start_month == month_index(pd.Series(pd.to_datetime(["2024-02-29"]))).iloc[0]
    # Its first whole month is March 2024; every other period's is its start's month.
    first_whole = periods["first_month"].to_numpy()
    assert first_whole[position] == start_month + 1
    others = np.delete(np.arange(len(periods)), position)
    assert (first_whole[others] == month_index(periods["period_start"]).to_numpy()[others]).all()


def test_months_quarters_and_financial_years_are_whole_calendar_months() -> None:
    """Over seven years with two leap days, built here month by month."""
    first, last = date(2019, 1, 31), date(2026, 12, 31)
    ends = _month_ends(first, last)
    assert _table(MONTH, first, last) == {end: end.replace(day=1) for end in ends}
    quarters = {end: date(end.year, end.month - 2, 1) for end in ends if end.month in (3, 6, 9, 12)}
    assert _table(QUARTER, first, last) == quarters
    years = {end: date(end.year - 1, 4, 1) for end in ends if end.month == 3}
    assert _table(FINANCIAL_YEAR, first, last) == years
    spans = {MONTH: 1, QUARTER: 3, FINANCIAL_YEAR: 12}
    for kind, months in spans.items():
        table = _table(kind, first, last)
        assert {months_spanned(start, end) for end, start in table.items()} == {months}


def test_an_event_on_29_february_also_falls_in_the_12_months_to_the_next_28_february() -> None:
    periods = periods_between(FIRST, LAST)
    events = pd.DataFrame({"day": pd.to_datetime(["2024-02-28", "2024-02-29"])})
    expanded = expand_to_periods(events, "day", periods)
    rolling = expanded[expanded["period_type"] == ROLLING_12M]
    ends = rolling.groupby("day")["period_end"].max()
    assert ends[pd.Timestamp("2024-02-29")] == pd.Timestamp("2025-02-28")
    assert ends[pd.Timestamp("2024-02-28")] == pd.Timestamp("2025-01-31")
    # Month, quarter, year and 11 rolling periods (the 12th is the year); + 1 on the leap day.
    assert expanded.groupby("day").size().tolist() == [14, 15]
    assert ((expanded["day"] >= expanded["period_start"])
            & (expanded["day"] <= expanded["period_end"])).all()  # fmt: skip


# --- counters on a grid of months -------------------------------------------------------

LEAP_REFERRALS = [
    ref("A", "2023-03-15"),
    ref("A", "2024-02-29", closed="2024-02-29", reason="RC8"),  # a re-referral
    ref("B", "2024-02-28", closed="2024-02-28", reason="RC8"),
    ref("C", "2024-03-01"),
    ref("D", "2025-02-28"),
    ref("E", "2025-03-01"),
]


def _naive_counts(days: list[str]) -> dict[tuple[str, str], int]:
    """Events per period by comparing each date with each period's bounds."""
    periods = periods_between(FIRST, LAST)
    dates = pd.to_datetime(days)
    return {
        (start.date().isoformat(), end.date().isoformat()): int(
            ((dates >= start) & (dates <= end)).sum()
        )
        for start, end in zip(periods["period_start"], periods["period_end"], strict=True)
    }


def _organisation(results: pd.DataFrame, indicator: str, breakdown: str) -> dict[Any, float]:
    rows = results[
        (results["indicator"] == indicator)
        & (results["breakdown"] == breakdown)
        & (results["unit_type"] == "organisation")
    ]
    keys = zip(
        rows["period_start"].dt.date.astype(str), rows["period_end"].dt.date.astype(str),
        strict=True,
    )  # fmt: skip
    return dict(zip(keys, rows["numerator" if indicator == "A1" else "denominator"], strict=True))


def test_referrals_are_counted_in_every_period_whose_days_hold_them() -> None:
    results = run(["A1", "A3", "O1"], referrals=LEAP_REFERRALS, **SPAN)
    counted = _naive_counts([str(r["referral_date"]) for r in LEAP_REFERRALS])
    naive = {key: n for key, n in counted.items() if n}
    assert _organisation(results, "A1", "") == naive
    # A3 and O1 have the same denominators: the referrals of the period.
    assert _organisation(results, "A3", "outcome=NFA") == naive
    assert _organisation(results, "O1", "") == naive
    assert naive[TO_FEB_2025] == 3  # 29 February 2024, 1 March 2024, 28 February 2025
    assert naive[TO_JAN_2025] == 3  # 28 and 29 February, 1 March 2024
    assert naive[TO_FEB_2024] == 3  # 15 March 2023, 28 and 29 February 2024
    assert naive[TO_FEB_2026] == 1  # 1 March 2025
    assert (naive[FEB_2024], naive[Q4_2023_24], naive[FY_2023_24], naive[FY_2024_25]) == (
        2, 3, 3, 2,
    )  # fmt: skip


def test_a3_and_o1_judge_a_29_february_referral_in_the_12_months_to_28_february() -> None:
    results = run(["A3", "O1"], referrals=LEAP_REFERRALS, **SPAN)
    # A's referral on the leap day was closed RC8 that day: NFA, assessed not in need.
    assert pick(results, "outcome=NFA", TO_FEB_2025) == (1.0, 3.0)
    assert pick(results, "dfe=not_in_need", TO_FEB_2025) == (1.0, 3.0)
    assert pick(results, "outcome=NFA", TO_JAN_2025) == (2.0, 3.0)
    # It came within 12 months of A's referral of 15 March 2023: a re-referral.
    assert pick(results, "measure=count", TO_FEB_2025) == (1.0, None)
    assert pick(results, "", TO_FEB_2025) == (1.0, 3.0)
    assert pick(results, "", TO_FEB_2026) == (0.0, 1.0)


def test_p2_counts_a_plan_ending_on_29_february_in_the_12_months_to_28_february() -> None:
    plans = [
        cp("A", "2023-08-31", "2024-02-29"),  # 6 months exactly (31 Aug + 6 months)
        cp("B", "2023-08-31", "2024-02-28"),  # a day short
        cp("C", "2023-09-01", "2024-03-01"),  # 6 months exactly
    ]
    results = run(["P2"], cp_plans=plans, **SPAN)
    six = "tier=CP;view=ended;min=6m"
    assert pick(results, six, TO_FEB_2025) == (2.0, 2.0)  # A and C
    assert pick(results, six, TO_JAN_2025) == (2.0, 3.0)
    assert pick(results, six, TO_FEB_2024) == (1.0, 2.0)  # A and B
    assert pick(results, six, FEB_2024) == (1.0, 2.0)
    assert pick(results, six, Q4_2023_24) == (2.0, 3.0)
    assert pick(results, six, TO_FEB_2026) is None


def test_p3_judges_each_child_on_their_first_start_within_the_days_of_the_period() -> None:
    """A starts a CP plan on 29 February 2024 (an earlier one ended in 2020) and another
    on 1 June; B starts one on 28 February 2024 (their first) and another on 1 June. In
    the 12 months from 29 February 2024, A is judged on the leap-day start (not within 12
    months of the previous) and B on 1 June (within 12 months of the plan ending 31 May)."""
    plans = [
        cp("A", "2020-01-01", "2020-06-30"),
        cp("A", "2024-02-29", "2024-05-31"),
        cp("A", "2024-06-01"),
        cp("B", "2024-02-28", "2024-05-31"),
        cp("B", "2024-06-01"),
    ]
    results = run(["P3"], cp_plans=plans, **SPAN)
    window = {label: f"tier=CP;window={label}" for label in ("12m", "24m", "ever")}
    assert pick(results, window["12m"], TO_FEB_2025) == (1.0, 2.0)  # B
    assert pick(results, window["24m"], TO_FEB_2025) == (1.0, 2.0)  # B
    assert pick(results, window["ever"], TO_FEB_2025) == (2.0, 2.0)
    # From 1 February both are judged on their February starts.
    assert pick(results, window["12m"], TO_JAN_2025) == (0.0, 2.0)
    assert pick(results, window["ever"], TO_JAN_2025) == (1.0, 2.0)  # A's 2020 plan
    assert pick(results, window["ever"], TO_FEB_2024) == (1.0, 2.0)
    assert pick(results, window["ever"], FEB_2024) == (1.0, 2.0)
    assert pick(results, window["12m"], FY_2024_25) == (2.0, 2.0)  # both on 1 June
    assert pick(results, window["12m"], TO_FEB_2026) is None


def _care(*rows: tuple[str, str, str, str]) -> EngineInputs:
    """Periods of care (child, start, end, REC), one episode each, unallocated."""
    episodes = pd.DataFrame(
        [(child, start, end, "S", "C2", "U1", rec) for child, start, end, rec in rows],
        columns=["child_id", "decom", "dec", "rne", "ls", "place", "rec"],
    )
    for column in ("decom", "dec"):
        episodes[column] = pd.to_datetime(episodes[column])
    frames = {"care_episodes": episodes.astype(SCHEMAS["care_episodes"])}
    return EngineInputs("970", frames, FIRST, LAST)


def test_o4_counts_a_child_ceasing_on_29_february_once_on_their_last_occasion() -> None:
    inputs = _care(
        ("X", "2023-01-01", "2024-02-29", "E11"),  # adopted on the leap day
        ("Y", "2023-01-01", "2024-02-28", "E43"),  # SGO the day before
        ("Z", "2023-01-01", "2024-02-29", "E43"),  # SGO on the leap day...
        ("Z", "2024-05-01", "2024-08-01", "E11"),  # ...then adopted in August
    )
    results = compute_all(inputs, codes=["O4"])
    adoption, sgo = "route=adoption", "route=sgo"
    # From 29 February 2024: X and Z (on Z's last occasion, adoption).
    assert pick(results, adoption, TO_FEB_2025) == (2.0, 2.0)
    assert pick(results, sgo, TO_FEB_2025) == (0.0, 2.0)
    # From 1 February 2024: Y too.
    assert pick(results, adoption, TO_JAN_2025) == (2.0, 3.0)
    # To 29 February 2024: Z's last occasion there is the leap day (SGO).
    assert pick(results, sgo, TO_FEB_2024) == (2.0, 3.0)
    assert pick(results, sgo, FEB_2024) == (2.0, 3.0)


def test_stock_measures_at_28_february_are_the_same_for_the_month_and_the_12_months() -> None:
    plans = [cp("A", "2024-02-29"), cp("B", "2025-02-01")]
    results = run(["P1"], cp_plans=plans, **SPAN)
    assert pick(results, "tier=CP", TO_FEB_2025) == (2.0, None)
    assert pick(results, "tier=CP", ("2025-02-01", "2025-02-28")) == (2.0, None)
    assert pick(results, "tier=CP", TO_FEB_2024) == (1.0, None)


# --- the tallies' spread against a plain comparison of dates ----------------------------


DAY0 = date(2022, 12, 1)
EDGES = [date(y, m, d) for y, m, d in [(2023, 2, 28), (2023, 3, 1), (2024, 2, 28), (2024, 2, 29),
                                       (2024, 3, 1), (2025, 2, 28), (2025, 3, 1)]]  # fmt: skip
DAYS = st.one_of(
    st.integers(0, (LAST - DAY0).days + 60), st.sampled_from([(e - DAY0).days for e in EDGES])
)


@settings(max_examples=40)
@given(st.lists(DAYS, min_size=1, max_size=30), st.booleans(), st.data())
def test_spread_pairs_each_date_with_exactly_the_periods_holding_it(
    offsets: list[int], judged_at_r: bool, data: st.DataObject
) -> None:
    context = Context(EngineInputs("970", {}, FIRST, LAST))
    days = pd.Series(pd.to_datetime([DAY0 + timedelta(days=o) for o in offsets]))
    month = month_index(days).to_numpy(dtype="int64")
    lasts = context.periods["last_month"].to_numpy(dtype="int64")
    last_month = None
    if judged_at_r:  # each row judged at some month end 0 to 12 months after its own
        later = data.draw(st.lists(st.integers(0, 12), min_size=len(offsets),
                                   max_size=len(offsets)))  # fmt: skip
        last_month = month + np.array(later, dtype="int64")
    rows, periods = spread(context, month, days.to_numpy(dtype="datetime64[ns]"), last_month)
    got = sorted(zip(rows.tolist(), periods.tolist(), strict=True))
    starts = context.periods["period_start"].to_numpy()
    ends = context.periods["period_end"].to_numpy()
    values = days.to_numpy(dtype="datetime64[ns]")
    want = sorted(
        (row, period)
        for row in range(len(values))
        for period in range(len(starts))
        if starts[period] <= values[row] <= ends[period]
        and (last_month is None or lasts[period] == last_month[row])
    )
    assert got == want
