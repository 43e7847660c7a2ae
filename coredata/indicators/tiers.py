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
Children are also numbered (`child`: Context.children's code, shared with the visits and
Context.holdings) so that joins and groupings run on integers rather than strings, and
figures are summed on dense integer arrays (tallies.period_grid, tallies.fan_out).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

from coredata.indicators.grids import fan_out, period_grid
from coredata.indicators.inputs import CHILD_ID, SERVICE_CODE, TEAM_CODE, WORKER_ID
from coredata.indicators.periods import (
    add_months_each,
    month_start_of,
    open_at_reference_dates,
)
from coredata.indicators.registry import Context
from coredata.indicators.tallies import unit_links

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
FIRST_FLAGS = ["first_month", "first_quarter", "first_year", "k", "previous"]

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
    """A value built once per Context and shared by P1–P4 (Context.shared, under a key
    of this module's)."""
    return context.shared(f"tiers.{key}", build)


def _children(context: Context) -> pd.Index:
    """Every child ID of the plans' sources and of the allocations: codes are positions
    (Context.children)."""
    return context.children


def child_codes(context: Context, ids: pd.Series) -> np.ndarray:
    """The integer code of each child ID (-1 for a child in no plan or allocation)."""
    return context.children.get_indexer(pd.Index(ids)).astype("int64")


def child_ids_of(context: Context, codes: pd.Series) -> pd.Series:
    """The child ID of each integer child code (the inverse of child_codes), aligned."""
    ids = _children(context).to_numpy()[codes.to_numpy(dtype="int64")]
    return pd.Series(ids, index=codes.index, dtype="string")


def _tier(
    tier: str, children: pd.Series, codes: np.ndarray, start: pd.Series, end: pd.Series
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {CHILD_ID: children, CHILD: codes, "rank": RANK[tier], "start": start, "end": end}
    )
    frame["not_in_need"] = False
    frame["previous_plans"] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    frame["new_start"] = True
    return frame


def _care_periods(episodes: pd.DataFrame, care: pd.DataFrame) -> pd.DataFrame:
    """Periods of care (`care`: care.periods_of_care of the `episodes`), not short breaks
    only, each with `s`: True when its first episode has RNE S."""
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
    in_need = ~referrals["nfa"].fillna(False).to_numpy(dtype="bool")
    need = referrals[in_need]
    cin = _tier(
        CIN,
        need[CHILD_ID],
        context.child_codes("referrals")[in_need],
        need["referral_date"],
        need["closure_date"],
    )
    cin["not_in_need"] = need["closure_reason"].isin(NOT_IN_NEED).astype("bool")
    cp_plans = context.frame("cp_plans")
    cp = _tier(
        CP,
        cp_plans[CHILD_ID],
        context.child_codes("cp_plans"),
        cp_plans["start_date"],
        cp_plans["end_date"],
    )
    cp["previous_plans"] = cp_plans["previous_plans"]
    care = _care_periods(context.frame("care_episodes"), context.care_periods)
    lac = _tier(
        LAC, care[CHILD_ID], child_codes(context, care[CHILD_ID]), care["start"], care["end"]
    )
    lac["new_start"] = care["s"]
    help_ = context.frame("early_help")
    eh = _tier(
        EH,
        help_[CHILD_ID],
        context.child_codes("early_help"),
        help_["start_date"],
        help_["end_date"],
    )
    plans = pd.concat([eh, cin, cp, lac], ignore_index=True).astype(
        {c: t for c, t in PLAN_COLUMNS.items() if c not in ("from_6m", "from_1y", "from_2y")}
    )
    valid = plans[CHILD_ID].notna() & plans["start"].notna()
    plans = plans[valid & ~(plans["end"] < plans["start"]).fillna(False)]
    plans = plans.reset_index(drop=True)
    later = add_months_each(plans["start"], list(DURATIONS.values()))
    for label, dates in zip(DURATIONS, later, strict=True):
        plans[f"from_{label}"] = dates
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


def attribute_holders(
    context: Context, rows: pd.DataFrame, date_column: str
) -> tuple[pd.Series, pd.DataFrame]:
    """Who held each row's child (integer `child` code) on `date_column`, by units.attribute
    (Context.units_on's rule): a holder code per row (aligned to `rows`), and the holders
    table (worker_id, team_code, service_code; all <NA> for "unallocated") it indexes."""
    holdings = context.holdings
    held = holdings.holder_on(rows[CHILD].to_numpy(dtype="int64"), rows[date_column])
    number, found = pd.factorize(held)
    codes = pd.Series(number.astype("int64"), index=rows.index)
    holders = pd.DataFrame(
        {
            column: holdings.holders[column].array.take(found, allow_fill=True)
            for column in HOLDER_COLUMNS
        }
    )
    return codes, holders


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
        # A dense grid child × R of the highest rank open (0: none), in child, R order.
        ends = context.reference_dates.to_numpy(dtype="datetime64[ns]")
        at = np.searchsorted(ends, rows["reference_date"].to_numpy(dtype="datetime64[ns]"))
        cell = rows[CHILD].to_numpy(dtype="int64") * len(ends) + at
        ranks = np.zeros(len(context.children) * len(ends), dtype="int8")
        np.maximum.at(ranks, cell, rows["rank"].to_numpy(dtype="int8"))
        present = np.flatnonzero(ranks)
        highest = pd.DataFrame(
            {
                CHILD: present // max(len(ends), 1),
                "reference_date": ends[present % max(len(ends), 1)],
                "rank": ranks[present].astype("int64"),
            }
        )
        holder, holders = attribute_holders(context, highest, "reference_date")
        highest[HOLDER] = holder
        position = np.zeros(len(ranks), dtype="int32")
        position[present] = np.arange(len(present))
        return Stock(highest, holders, holder.to_numpy()[position[cell]])

    return shared(context, "stock", build)


def child_day_key(children: pd.Series, dates: pd.Series) -> np.ndarray:
    """One int64 per (child code, date), ordered by child then date: code × 2^DAY_BITS +
    days since DAY_ZERO. Dates must be present."""
    days = dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]") - DAY_ZERO
    return (children.to_numpy(dtype="int64") << DAY_BITS) + days.astype("int64")


def key_dates(keys: np.ndarray) -> np.ndarray:
    """The dates of child_day_key keys."""
    return (DAY_ZERO + (keys & ((1 << DAY_BITS) - 1))).astype("datetime64[ns]")


@dataclass(frozen=True)
class TierSums:
    """Sums per tier, unit and period: `sums[value]` is a C-ordered int64 array tiers
    (rank − 1) × units × periods (Context.periods); `units` names the units (unit_type,
    unit_code)."""

    units: pd.DataFrame
    sums: dict[str, np.ndarray]


def stock_sums(context: Context, rows: pd.DataFrame, values: list[str]) -> TierSums:
    """Sums of `values` per unit, period and tier (`rank`) of rows judged at R
    (`reference_date`, with the `holder` at R from Stock), each row counted in the
    periods ending at its R. Rows are summed per holder before being added up per unit
    (each holder counts for its units: units.to_units), which gives the same totals as
    fanning each row out to its units. When `rows` has one row per child and R, each
    child is counted once per unit (a child has one holder at a time)."""
    holders = stock(context).holders
    unit_of_key, units = shared(context, "stock_units", lambda: unit_links(context, holders))
    ends = context.reference_dates.to_numpy(dtype="datetime64[ns]")
    judged = rows["reference_date"].to_numpy(dtype="datetime64[ns]")
    r = np.minimum(np.searchsorted(ends, judged), max(len(ends) - 1, 0))
    known = (ends[r] == judged) if len(ends) else np.zeros(len(rows), dtype="bool")
    n_tiers = len(TIERS)
    cell = (rows[HOLDER].to_numpy(dtype="int64") * len(ends) + r) * n_tiers
    cell = (cell + rows["rank"].to_numpy(dtype="int64") - 1)[known]
    size = len(holders) * len(ends) * n_tiers
    r_of_period = np.searchsorted(ends, context.periods["period_end"].to_numpy())
    sums = {}
    for value in values:
        weights = rows[value].to_numpy(dtype="float64")[known]
        by_holder = np.rint(np.bincount(cell, weights=weights, minlength=size)).astype("int64")
        by_unit = fan_out(unit_of_key, len(units), by_holder.reshape(-1, len(ends), n_tiers))
        sums[value] = np.ascontiguousarray(by_unit.transpose(2, 0, 1)[:, :, r_of_period])
    return TierSums(units, sums)


def flow_sums(
    context: Context, rows: pd.DataFrame, date_column: str, values: list[str]
) -> TierSums:
    """Sums of `values` per unit, period containing `date_column` and tier (`rank`), each
    row (`child` code, `rank`, the values, optionally tallies.period_grid's flags:
    FIRST_FLAGS) attributed to the allocation holding the child on that date (flow
    measures). Summed per holder, then added up per unit (as stock_sums)."""
    codes, holders = attribute_holders(context, rows, date_column)
    unit_of_key, units = unit_links(context, holders)
    n_tiers, n_periods = len(TIERS), len(context.periods)
    # Only the (holder, tier) pairs present are summed, then added up per (unit, tier).
    pair = codes.to_numpy(dtype="int64") * n_tiers + rows["rank"].to_numpy(dtype="int64") - 1
    group, pairs = pd.factorize(pair)
    grids = period_grid(
        context,
        group.astype("int64"),
        len(pairs),
        rows[date_column].to_numpy(dtype="datetime64[ns]"),
        {value: rows[value].to_numpy(dtype="float64") for value in values},
        {name: rows[name].to_numpy() for name in FIRST_FLAGS if name in rows.columns},
    )
    unit = unit_of_key[:, pairs // n_tiers]
    target = np.where(unit >= 0, unit * n_tiers + pairs % n_tiers, -1)
    sums = {
        value: np.ascontiguousarray(
            fan_out(target, len(units) * n_tiers, grid)
            .reshape(len(units), n_tiers, n_periods)
            .transpose(1, 0, 2)
        )
        for value, grid in grids.items()
    }
    return TierSums(units, sums)


def period_sums(
    context: Context, monthly: pd.DataFrame, keys: list[str], values: list[str]
) -> pd.DataFrame:
    """Sums of `values` per unit, `keys` and period, from monthly totals (`monthly`:
    unit_type, unit_code, `keys`, `month` (month number), `values`, and optionally
    tallies.period_grid's flags), by tallies.period_grid, each total dated on the 1st
    of its month; rows whose values are all 0 are left out."""
    group = ["unit_type", "unit_code", *keys]
    grouped = monthly.groupby(group, sort=False)
    groups = grouped.size().reset_index()[group]
    grids = period_grid(
        context,
        grouped.ngroup().to_numpy(dtype="int64"),
        len(groups),
        month_start_of(monthly["month"].to_numpy(dtype="int64")).to_numpy(),
        {value: monthly[value].to_numpy(dtype="float64") for value in values},
        {name: monthly[name].to_numpy() for name in FIRST_FLAGS if name in monthly.columns},
    )
    n_periods = len(context.periods)
    nonzero = np.zeros((len(groups), n_periods), dtype="bool")
    for grid in grids.values():
        nonzero |= grid != 0
    which, period = np.nonzero(nonzero)
    rows = groups.iloc[which].reset_index(drop=True)
    rows["period_start"] = context.periods["period_start"].to_numpy()[period]
    rows["period_end"] = context.periods["period_end"].to_numpy()[period]
    for value, grid in grids.items():
        rows[value] = grid[which, period]
    return rows
