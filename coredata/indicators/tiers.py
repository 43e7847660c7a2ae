"""The plan tiers shared by P1–P4 (INDICATORS.md "Plans"): one frame of plan intervals,
the highest tier open at each reference date, and unit totals summed before fanning out.

A plan is one of four tiers, lowest to highest (`rank` 1 to 4):

- **EH**: an early help episode (start_date to end_date);
- **CIN**: an open episode of need: a referral (`CINdetails`) not flagged NFA, from the
  referral date to the closure date (Resolved detail 16). `not_in_need` marks those
  closed RC8 or RC9, which P2 (ended) and P3 leave out and P1 and P2 (open) keep;
- **CP**: a child protection plan (with `previous_plans`, NumberOfPreviousCPP);
- **LAC**: a period of care (care.periods_of_care), except short-breaks-only periods
  (Resolved detail 14). `new_start` marks the periods whose first episode has RNE S,
  the only LAC plans P3 treats as new starts.

Plans without a child or a start date, or ending before they start, are left out (bad
data).
Children are also numbered (`child`, an integer code shared with the coded allocations
and visits) so that joins and groupings run on integers rather than strings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

from coredata.indicators.care import periods_of_care
from coredata.indicators.inputs import CHILD_ID, SERVICE_CODE, TEAM_CODE, WORKER_ID
from coredata.indicators.periods import (
    FINANCIAL_YEAR,
    MONTH,
    QUARTER,
    ROLLING_12M,
    add_months,
    month_index,
    open_at_reference_dates,
)
from coredata.indicators.registry import Context
from coredata.indicators.results import KEYS
from coredata.indicators.units import UNIT_COLUMNS, attribute, to_units

EH = "EH"
CIN = "CIN"
CP = "CP"
LAC = "LAC"
TIERS = (EH, CIN, CP, LAC)  # lowest to highest
RANK = {tier: rank for rank, tier in enumerate(TIERS, start=1)}
NOT_IN_NEED = ("RC8", "RC9")
# Calendar-month thresholds of P2 (and their breakdown labels).
DURATIONS = {"6m": 6, "1y": 12, "2y": 24}
CHILD = "child"  # the integer code of child_id
HOLDER = "holder"  # the integer code of a (worker_id, team_code, service_code) holding
HOLDER_COLUMNS = [WORKER_ID, TEAM_CODE, SERVICE_CODE]
T = TypeVar("T")
# child_day_key: days since DAY_ZERO in the low DAY_BITS bits (1900 to 4770).
DAY_ZERO = np.datetime64("1900-01-01", "D")
DAY_BITS = 20
# P3's restriction to a child's first start in a period (see period_sums).
FIRST_FLAGS = ["first_month", "first_quarter", "first_year", "k"]

PLAN_COLUMNS: dict[str, str] = {
    CHILD_ID: "string",
    CHILD: "int64",
    "rank": "int64",
    "start": "datetime64[ns]",
    "end": "datetime64[ns]",
    "not_in_need": "bool",
    "previous_plans": "Int64",
    "new_start": "bool",
    # start + 6 months, + 1 year, + 2 years (calendar, clipped at month ends)
    "from_6m": "datetime64[ns]",
    "from_1y": "datetime64[ns]",
    "from_2y": "datetime64[ns]",
}
OPEN_COLUMNS = [CHILD, "rank", "start", "end", "from_6m", "from_1y", "from_2y"]


def shared(context: Context, key: str, build: Callable[[], T]) -> T:
    """A value built once per Context and shared by P1–P4 (kept in the Context's
    instance dictionary, as functools.cached_property does)."""
    store = context.__dict__.setdefault("_plans_shared", {})
    if key not in store:
        store[key] = build()
    result: T = store[key]
    return result


def _children(context: Context) -> pd.Index:
    """Every child ID of the plans' sources and of the allocations: codes are positions."""

    def build() -> pd.DataFrame:
        ids = [
            context.frame(name)[CHILD_ID]
            for name in ("referrals", "cp_plans", "early_help", "care_episodes", "allocations")
        ]
        return pd.DataFrame({CHILD_ID: pd.concat(ids, ignore_index=True).dropna().unique()})

    return pd.Index(shared(context, "children", build)[CHILD_ID])


def child_codes(context: Context, ids: pd.Series) -> np.ndarray:
    """The integer code of each child ID (-1 for a child in no plan or allocation)."""
    return _children(context).get_indexer(pd.Index(ids)).astype("int64")


def _tier(tier: str, children: pd.Series, start: pd.Series, end: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({CHILD_ID: children, "rank": RANK[tier], "start": start, "end": end})
    frame["not_in_need"] = False
    frame["previous_plans"] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    frame["new_start"] = True
    return frame


def _care_periods(episodes: pd.DataFrame) -> pd.DataFrame:
    """Periods of care, not short breaks only, each with `new_start` (first episode RNE S)."""
    care = periods_of_care(episodes)
    care = care[~care["short_breaks"]]
    s_starts = episodes.loc[episodes["rne"].eq("S").fillna(False), [CHILD_ID, "decom"]]
    s_starts = s_starts.drop_duplicates().rename(columns={"decom": "start"})
    s_starts["s"] = True
    care = care.merge(s_starts, on=[CHILD_ID, "start"], how="left")
    care["s"] = care["s"].astype("boolean").fillna(False).astype("bool")
    return care


def build_plan_intervals(context: Context) -> pd.DataFrame:
    """Every plan of every tier: the columns of PLAN_COLUMNS, one row per plan."""
    referrals = context.frame("referrals")
    need = referrals[~referrals["nfa"].fillna(False).astype("bool")]
    cin = _tier(CIN, need[CHILD_ID], need["referral_date"], need["closure_date"])
    cin["not_in_need"] = need["closure_reason"].isin(NOT_IN_NEED).astype("bool")
    cp_plans = context.frame("cp_plans")
    cp = _tier(CP, cp_plans[CHILD_ID], cp_plans["start_date"], cp_plans["end_date"])
    cp["previous_plans"] = cp_plans["previous_plans"]
    care = _care_periods(context.frame("care_episodes"))
    lac = _tier(LAC, care[CHILD_ID], care["start"], care["end"])
    lac["new_start"] = care["s"]
    help_ = context.frame("early_help")
    eh = _tier(EH, help_[CHILD_ID], help_["start_date"], help_["end_date"])
    plans = pd.concat([eh, cin, cp, lac], ignore_index=True).astype(
        {c: t for c, t in PLAN_COLUMNS.items() if c not in (CHILD, "from_6m", "from_1y", "from_2y")}
    )
    valid = plans[CHILD_ID].notna() & plans["start"].notna()
    plans = plans[valid & ~(plans["end"] < plans["start"]).fillna(False)]
    plans = plans.reset_index(drop=True)
    plans[CHILD] = child_codes(context, plans[CHILD_ID])
    for label, months in DURATIONS.items():
        plans[f"from_{label}"] = add_months(plans["start"], months)
    return plans[list(PLAN_COLUMNS)].astype(PLAN_COLUMNS)


def plan_intervals(context: Context) -> pd.DataFrame:
    """The plan intervals of the context's inputs (see build_plan_intervals)."""
    return shared(context, "plans", lambda: build_plan_intervals(context))


def open_plans(context: Context) -> pd.DataFrame:
    """Each plan once for every reference date R at which it is open (started on or
    before R, not ended on or before R): OPEN_COLUMNS plus `reference_date`."""

    def build() -> pd.DataFrame:
        plans = plan_intervals(context)
        first_r = context.reference_dates.min()
        # Plans ended by the first R are open at none; only the columns needed are copied.
        plans = plans.loc[plans["end"].isna() | (plans["end"] > first_r), OPEN_COLUMNS]
        return open_at_reference_dates(plans, "start", "end", context.periods)

    return shared(context, "open", build)


def coded_allocations(context: Context) -> pd.DataFrame:
    """The allocations with child_id replaced by the integer child code."""

    def build() -> pd.DataFrame:
        allocations = context.frame("allocations")
        return allocations.assign(**{CHILD_ID: child_codes(context, allocations[CHILD_ID])})

    return shared(context, "allocations", build)


def attribute_holders(
    context: Context, rows: pd.DataFrame, date_column: str
) -> tuple[pd.Series, pd.DataFrame]:
    """Who held each row's child (integer `child` code) on `date_column`, by units.attribute
    (Context.units_on's rule): a holder code per row (aligned to `rows`), and the holders
    table (worker_id, team_code, service_code; all <NA> for "unallocated") it indexes."""
    slim = rows[[CHILD, date_column]].rename(columns={CHILD: CHILD_ID})
    attributed = attribute(slim, date_column, coded_allocations(context), context.frame("teams"))
    grouped = attributed.groupby(HOLDER_COLUMNS, dropna=False, sort=False)
    codes = pd.Series(grouped.ngroup().to_numpy(dtype="int64"), index=rows.index)
    holders = grouped.size().reset_index()[HOLDER_COLUMNS]
    return codes, holders


def holder_totals(
    context: Context,
    rows: pd.DataFrame,
    holders: pd.DataFrame,
    keys: list[str],
    values: list[str],
) -> pd.DataFrame:
    """Sums of `values` per unit (unit_type, unit_code) and `keys`, of rows with a
    `holder` code into `holders`. Rows are summed per holder before being fanned out to
    units (units.to_units), which gives the same totals as fanning out first at a
    fraction of the rows. When `rows` has one row per child and key, each child is
    counted once per unit (a child has one holder at a time)."""
    summed = rows.groupby([HOLDER, *keys], sort=False)[values].sum().reset_index()
    # Each holder's units, by to_units on the holders table, numbered.
    links = to_units(holders.assign(**{HOLDER: np.arange(len(holders))}), context.inputs.la_code)
    by_unit = links.groupby(UNIT_COLUMNS, sort=False)
    links = pd.DataFrame({HOLDER: links[HOLDER], "_unit": by_unit.ngroup()})
    names = by_unit.size().reset_index()[UNIT_COLUMNS]
    linked = summed.merge(links, on=HOLDER)
    totals = linked.groupby(["_unit", *keys], sort=False)[values].sum().reset_index()
    named = names.iloc[totals["_unit"].to_numpy()].reset_index(drop=True)
    return pd.concat([named, totals.drop(columns="_unit")], axis=1)


def unit_totals(
    context: Context, rows: pd.DataFrame, date_column: str, keys: list[str], values: list[str]
) -> pd.DataFrame:
    """Sums of `values` per unit and `keys`, each row attributed on `date_column` (flow
    measures)."""
    codes, holders = attribute_holders(context, rows, date_column)
    return holder_totals(context, rows.assign(**{HOLDER: codes}), holders, keys, values)


@dataclass(frozen=True)
class Stock:
    """What is open at each R, attributed once: `highest` has one row per child and R
    at which the child has an open plan (`child`, `reference_date`, `rank` of their
    highest open tier: LAC > CP > CIN > EH, `holder` at R); `holders` is the holders
    table; `open_holder` the holder at R of each row of open_plans."""

    highest: pd.DataFrame
    holders: pd.DataFrame
    open_holder: np.ndarray


def stock(context: Context) -> Stock:
    """The open plans' children at each R and who held them (see Stock)."""

    def build() -> Stock:
        rows = open_plans(context)
        codes, keys = pd.factorize(child_day_key(rows[CHILD], rows["reference_date"]))
        ranks = np.zeros(len(keys), dtype="int64")
        np.maximum.at(ranks, codes, rows["rank"].to_numpy(dtype="int64"))
        highest = pd.DataFrame(
            {CHILD: keys >> DAY_BITS, "reference_date": key_dates(keys), "rank": ranks}
        )
        holder, holders = attribute_holders(context, highest, "reference_date")
        highest[HOLDER] = holder
        return Stock(highest, holders, holder.to_numpy()[codes])

    return shared(context, "stock", build)


def child_day_key(children: pd.Series, dates: pd.Series) -> np.ndarray:
    """One int64 per (child code, date), ordered by child then date: code × 2^DAY_BITS +
    days since DAY_ZERO. Dates must be present."""
    days = dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]") - DAY_ZERO
    return (children.to_numpy(dtype="int64") << DAY_BITS) + days.astype("int64")


def key_dates(keys: np.ndarray) -> np.ndarray:
    """The dates of child_day_key keys."""
    return (DAY_ZERO + (keys & ((1 << DAY_BITS) - 1))).astype("datetime64[ns]")


def stock_totals(context: Context, rows: pd.DataFrame, values: list[str]) -> pd.DataFrame:
    """Sums of `values` per unit, period and tier (`rank`) of rows judged at R
    (`reference_date`, with the `holder` at R from Stock)."""
    totals = holder_totals(
        context, rows, stock(context).holders, ["reference_date", "rank"], values
    )
    # One R per period: the result is one row per unit, period and rank.
    return context.at_reference_dates(totals)[[*KEYS, "rank", *values]]


def quarter_end(month: np.ndarray) -> np.ndarray:
    """The last month number of each month's financial quarter."""
    return month + (2 - month % 3) % 3


def year_end(month: np.ndarray) -> np.ndarray:
    """The last month number (March) of each month's financial year."""
    return month + (2 - month % 12) % 12


def _empty(like: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    dtypes = {"period_start": "datetime64[ns]", "period_end": "datetime64[ns]"}
    return pd.DataFrame(
        {c: pd.Series(dtype=dtypes.get(c, like.dtypes.get(c, "int64"))) for c in columns}
    )


def period_sums(
    context: Context, monthly: pd.DataFrame, keys: list[str], values: list[str]
) -> pd.DataFrame:
    """Sums of `values` per unit, `keys` and period, from monthly totals: `monthly` has
    unit_type, unit_code, `keys`, `month` (month number), `values`, and may have
    `first_month`, `first_quarter`, `first_year` (booleans) and `k` (int): a row then
    counts in its month, quarter and financial year only where the flag is true, and in
    the rolling 12 months ending k to 11 months after its month (P3's "first start in
    the period"). Without them a row counts in every period containing its month, as
    periods.expand_to_periods would give; rows whose values are all 0 are left out.

    Computed on a grid of (unit and keys) × month with cumulative sums for the rolling
    periods, rather than by repeating each row for the 15 periods containing it.
    """
    periods = context.periods
    lasts = periods["last_month"].to_numpy(dtype="int64")
    group = ["unit_type", "unit_code", *keys]
    columns = [*group, *KEYS[2:], *values]
    if monthly.empty or len(lasts) == 0:
        return _empty(monthly, columns)
    base = int(lasts.min()) - 11
    width = int(lasts.max()) - base + 13
    month = monthly["month"].to_numpy(dtype="int64")
    monthly = monthly[(month >= base) & (month <= lasts.max())]
    if monthly.empty:
        return _empty(monthly, columns)
    month = monthly["month"].to_numpy(dtype="int64") - base
    grouped = monthly.groupby(group, sort=False)
    g = grouped.ngroup().to_numpy(dtype="int64")
    groups = grouped.size().reset_index()[group]
    n = len(groups)

    def flag(name: str) -> np.ndarray:
        if name in monthly.columns:
            return monthly[name].to_numpy(dtype="bool")
        return np.ones(len(monthly), dtype="bool")

    k = monthly["k"].to_numpy(dtype="int64") if "k" in monthly.columns else np.zeros_like(g)
    rolling_from = k <= 11
    # (kind, target month, rows counted, sign); the rolling ones are then cumulated.
    targets = {
        MONTH: [(month, flag("first_month"), 1)],
        QUARTER: [(quarter_end(month + base) - base, flag("first_quarter"), 1)],
        FINANCIAL_YEAR: [(year_end(month + base) - base, flag("first_year"), 1)],
        ROLLING_12M: [(month + k, rolling_from, 1), (month + 12, rolling_from, -1)],
    }
    parts = []
    for kind, contributions in targets.items():
        chosen = periods[periods["period_type"] == kind]
        at = chosen["last_month"].to_numpy(dtype="int64") - base
        sums = {}
        for value in values:
            weights = monthly[value].to_numpy(dtype="float64")
            grid = np.zeros(n * width)
            for target, counted, sign in contributions:
                grid += np.bincount(
                    g[counted] * width + target[counted],
                    weights=sign * weights[counted],
                    minlength=n * width,
                )
            matrix = grid.reshape(n, width)
            if kind == ROLLING_12M:
                matrix = matrix.cumsum(axis=1)
            sums[value] = np.rint(matrix[:, at]).astype("int64").ravel()
        frame = groups.loc[np.repeat(np.arange(n), len(at))].reset_index(drop=True)
        frame["period_start"] = np.tile(chosen["period_start"].to_numpy(), n)
        frame["period_end"] = np.tile(chosen["period_end"].to_numpy(), n)
        frame = frame.assign(**sums)
        parts.append(frame[(frame[values] != 0).any(axis=1)])
    return pd.concat(parts, ignore_index=True)[columns]


def flow_totals(
    context: Context, rows: pd.DataFrame, date_column: str, values: list[str]
) -> pd.DataFrame:
    """Sums of `values` per unit, period containing `date_column` and tier (`rank`), each
    row (`child` code, `rank`, the values, optionally period_sums' flags) attributed to
    the allocation holding the child on that date (flow measures)."""
    flags = [name for name in FIRST_FLAGS if name in rows.columns]
    monthly = rows.assign(month=month_index(rows[date_column]).to_numpy(dtype="int64"))
    totals = unit_totals(context, monthly, date_column, ["rank", "month", *flags], values)
    return period_sums(context, totals, ["rank"], values)
