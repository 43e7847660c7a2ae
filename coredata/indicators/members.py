"""The children behind a number: for one unit and one reference date R, the children that
a stock measure counted (INDICATORS.md P1, P2 open, P4, O2, O3 and W5), found by the
engine's own functions, so that a list agrees with its figure by construction.

- A count (P1) and the numerator of a ratio (W5: children allocated at R) list the
  children counted.
- A percentage lists its denominator, each row marked `counted` when it is in the
  numerator: P2 (open) the plans of the tier open at R (one row per plan: P2 counts
  plans), P4 the children judged on the tier, O2 the children looked after at R, O3 the
  looked-after children under 16 in care for 2 years 6 months or more.

Flow measures (events in the period: referrals, plans ending, ceasing care) have no list.
Every listed measure is judged at R, so the engine runs for R alone (a Context whose
periods all end at R): a fraction of a refresh's work.

A list is a frame of MEMBER_COLUMNS, one row per child (per plan for P2):

- child_id; worker_id: the practitioner holding the child at R (<NA>: unallocated);
- counted: in the numerator (always True for P1 and W5);
- tier: the plan's tier (P2), the child's highest open tier at R (P1, P4, W5), LAC (O2,
  O3); <NA> when the child has no open plan (W5);
- since: when the plan (P1, P2, P4: the highest tier's open plan), the current period of
  care (O2, O3) or the allocation (W5) started;
- last_seen: P4's visit, the latest at which the child was seen on or before R;
- placements: O2's placements overlapping the 12 months ending at R.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd

from coredata.indicators.inputs import CHILD_ID, WORKER_ID, EngineInputs
from coredata.indicators.outcomes import looked_after, o2_stock, o3_stock
from coredata.indicators.plans import p4_judged
from coredata.indicators.registry import Context
from coredata.indicators.tiers import (
    CHILD,
    CIN,
    CP,
    DURATIONS,
    HOLDER,
    LAC,
    RANK,
    TIERS,
    child_ids_of,
    open_plans,
    stock,
)
from coredata.indicators.units import UNIT_COLUMNS, to_units
from coredata.indicators.workforce import children_held_at_r, held_allocations

MEMBER_COLUMNS: dict[str, str] = {
    CHILD_ID: "string",
    WORKER_ID: "string",
    "counted": "bool",
    "tier": "string",
    "since": "datetime64[ns]",
    "last_seen": "datetime64[ns]",
    "placements": "Int64",
}
# The breakdowns with a list, per indicator (as in the results format).
LISTED: dict[str, tuple[str, ...]] = {
    "P1": tuple(f"tier={tier}" for tier in (*TIERS, "total", "CIN_DFE")),
    "P2": tuple(f"tier={tier};view=open;min={label}" for tier in TIERS for label in DURATIONS),
    "P4": tuple(f"tier={tier}" for tier in (CP, CIN, LAC)),
    "O2": ("",),
    "O3": ("",),
    "W5": ("",),
}
# Percentages: their lists are the denominator, with `counted` marking the numerator.
SHARES = frozenset({"P2", "P4", "O2", "O3"})
TIER_OF_RANK = {rank: tier for tier, rank in RANK.items()}
# The tiers each P1 breakdown counts (a child's highest open tier).
P1_TIERS = {"total": TIERS, "CIN_DFE": (CIN, CP, LAC)}
Unit = tuple[str, str]  # (unit_type, unit_code)


def is_listed(indicator: str, breakdown: str) -> bool:
    """Whether the children behind this indicator's breakdown can be listed."""
    return breakdown in LISTED.get(indicator, ())


def context_at(inputs: EngineInputs, reference_date: date) -> Context:
    """A Context whose periods all end at R (a month end): the engine's work for R alone,
    shared by every list at R taken from it."""
    if not pd.Timestamp(reference_date).is_month_end:
        raise ValueError("the reference date must be a month end")
    return Context(replace(inputs, first_month_end=reference_date, last_month_end=reference_date))


def members(
    inputs: EngineInputs,
    *,
    indicator: str,
    breakdown: str,
    unit_type: str,
    unit_code: str,
    reference_date: date,
) -> pd.DataFrame:
    """The children (MEMBER_COLUMNS) behind one unit's figure for a breakdown at R (the
    period's end, a month end), sorted by child ID."""
    return members_in(
        context_at(inputs, reference_date),
        indicator=indicator,
        breakdown=breakdown,
        unit_type=unit_type,
        unit_code=unit_code,
    )


def members_in(
    context: Context, *, indicator: str, breakdown: str, unit_type: str, unit_code: str
) -> pd.DataFrame:
    """As `members`, from a context_at R (to list several figures at the same R)."""
    if not is_listed(indicator, breakdown):
        raise ValueError(f"no list of children for {indicator} {breakdown!r}")
    at = pd.Timestamp(context.inputs.last_month_end)
    pairs = dict(part.split("=", 1) for part in breakdown.split(";") if part)
    found = BUILDERS[indicator](context, pairs, (unit_type, unit_code), at)
    found = found.reindex(columns=list(MEMBER_COLUMNS)).astype(MEMBER_COLUMNS)
    return found.sort_values([CHILD_ID, "since"], kind="stable").reset_index(drop=True)


def _is_unit(frame: pd.DataFrame, unit: Unit) -> np.ndarray:
    same = frame["unit_type"].eq(unit[0]) & frame["unit_code"].eq(unit[1])
    return same.fillna(False).to_numpy(dtype="bool")


def _holders_of(context: Context, unit: Unit) -> np.ndarray:
    """The codes of the holders (tiers.Stock.holders) whose children count for the unit:
    to_units on the holders table, as the engine's own totals do (tiers.stock_sums)."""
    holders = stock(context).holders
    links = to_units(holders.assign(**{HOLDER: np.arange(len(holders))}), context.inputs.la_code)
    return links.loc[_is_unit(links, unit), HOLDER].to_numpy(dtype="int64")


def _workers(context: Context, holder: pd.Series) -> pd.Series:
    """The worker of each holder code."""
    workers = stock(context).holders[WORKER_ID].to_numpy()
    return pd.Series(workers[holder.to_numpy(dtype="int64")], index=holder.index, dtype="string")


def _held(context: Context, holder: pd.Series, unit: Unit) -> pd.Series:
    """Whether each holder code is one whose children count for the unit."""
    return holder.isin(_holders_of(context, unit))


def _plan_starts(context: Context, at: pd.Timestamp) -> pd.DataFrame:
    """Per child and tier open at R: `since`, the earliest start of its open plans."""
    open_ = open_plans(context)
    open_ = open_[open_["reference_date"] == at]
    starts = open_.groupby([CHILD, "rank"], sort=False)["start"].min()
    return starts.rename("since").reset_index()


def _highest_rows(context: Context, rows: pd.DataFrame, at: pd.Timestamp) -> pd.DataFrame:
    """Rows of children at R (`child`, `rank`, `holder`) as members, `since` the start of
    their highest tier's open plan."""
    rows = rows.merge(_plan_starts(context, at), on=[CHILD, "rank"], how="left")
    return rows.assign(
        **{
            CHILD_ID: child_ids_of(context, rows[CHILD]),
            WORKER_ID: _workers(context, rows[HOLDER]),
            "tier": rows["rank"].map(TIER_OF_RANK),
        }
    )


def _p1(context: Context, pairs: dict[str, str], unit: Unit, at: pd.Timestamp) -> pd.DataFrame:
    highest = stock(context).highest
    tiers = P1_TIERS.get(pairs["tier"], (pairs["tier"],))
    ranks = [RANK[tier] for tier in tiers]
    chosen = highest["rank"].isin(ranks) & _held(context, highest[HOLDER], unit)
    rows = highest[chosen & (highest["reference_date"] == at)]
    return _highest_rows(context, rows, at).assign(counted=True)


def _p2(context: Context, pairs: dict[str, str], unit: Unit, at: pd.Timestamp) -> pd.DataFrame:
    open_ = open_plans(context)
    holder = pd.Series(stock(context).open_holder, index=open_.index)
    chosen = (
        (open_["rank"] == RANK[pairs["tier"]])
        & (open_["reference_date"] == at)
        & _held(context, holder, unit)
    )
    rows, holder = open_[chosen], holder[chosen]
    return pd.DataFrame(
        {
            CHILD_ID: child_ids_of(context, rows[CHILD]),
            WORKER_ID: _workers(context, holder),
            # P2's own test (plans._at_least): R on or after start + 6 months, ...
            "counted": (rows["reference_date"] >= rows[f"from_{pairs['min']}"]).fillna(False),
            "tier": pairs["tier"],
            "since": rows["start"],
        }
    )


def _p4(context: Context, pairs: dict[str, str], unit: Unit, at: pd.Timestamp) -> pd.DataFrame:
    judged = p4_judged(context)
    chosen = (
        (judged["rank"] == RANK[pairs["tier"]])
        & (judged["reference_date"] == at)
        & _held(context, judged[HOLDER], unit)
    )
    rows = _highest_rows(context, judged[chosen], at)
    return rows.assign(counted=rows["seen"] == 1, last_seen=rows["visit_date"])


def _in_unit_at_r(
    context: Context, rows: pd.DataFrame, unit: Unit, at: pd.Timestamp
) -> pd.DataFrame:
    """Rows judged at R attributed on R (Context.units_on, as outcomes.stock_shares does),
    those counting for the unit."""
    units = context.units_on(rows[rows["reference_date"] == at], "reference_date")
    return units[_is_unit(units, unit)].drop(columns=UNIT_COLUMNS)


def _o2(context: Context, pairs: dict[str, str], unit: Unit, at: pd.Timestamp) -> pd.DataFrame:
    rows = _in_unit_at_r(context, o2_stock(context), unit, at)
    return rows.assign(counted=rows["three_or_more"], tier=LAC, since=rows["care_start"])


def _o3(context: Context, pairs: dict[str, str], unit: Unit, at: pd.Timestamp) -> pd.DataFrame:
    rows = _in_unit_at_r(context, o3_stock(context), unit, at)
    care = looked_after(context)[[CHILD_ID, "reference_date", "care_start"]]
    rows = rows.merge(care, on=[CHILD_ID, "reference_date"], how="left")
    return rows.assign(counted=rows["stable"], tier=LAC, since=rows["care_start"])


def _w5(context: Context, pairs: dict[str, str], unit: Unit, at: pd.Timestamp) -> pd.DataFrame:
    held = children_held_at_r(context, held_allocations(context))
    rows = held[_is_unit(held, unit) & (held["reference_date"] == at).to_numpy(dtype="bool")]
    highest = stock(context).highest
    highest = highest[highest["reference_date"] == at]
    tiers = pd.DataFrame(
        {
            CHILD_ID: child_ids_of(context, highest[CHILD]),
            "tier": highest["rank"].map(TIER_OF_RANK).astype("string"),
        }
    )
    rows = rows.merge(tiers, on=CHILD_ID, how="left")
    return rows.assign(counted=True, since=rows["start_date"])


Builder = Callable[[Context, dict[str, str], Unit, pd.Timestamp], pd.DataFrame]
BUILDERS: dict[str, Builder] = {"P1": _p1, "P2": _p2, "P4": _p4, "O2": _o2, "O3": _o3, "W5": _w5}
