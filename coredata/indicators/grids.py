"""Dense integer grids: sums per key (an attribution, a group) and period, added up per
unit. Shared by tallies (events) and tiers (plans).

- `period_grid` sums rows into every period containing their date (and P3's "first
  start in the period" restrictions), on a grid of group × month with cumulative sums
  for the rolling periods (a period not made of whole months from the dates);
- `fan_out` adds sums per key up per unit, each key counting for its unit at every
  level (organisation, service, team, practitioner or the unallocated bucket).
"""

from __future__ import annotations

import numpy as np

from coredata.indicators.periods import (
    EPOCH_MONTH,
    FINANCIAL_YEAR,
    MONTH,
    QUARTER,
    ROLLING_12M,
    partial_starts,
)
from coredata.indicators.registry import Context


def fan_out(unit_of_key: np.ndarray, n_units: int, sums: np.ndarray) -> np.ndarray:
    """Sums per key (keys × cells, int64) added up per unit (units × cells): each key's
    sums count once for each unit it counts for (its unit at every level: a row of
    `unit_of_key`, -1 for none). Keys are sorted by unit and summed in runs."""
    width = int(np.prod(sums.shape[1:]))
    cells = sums.reshape(len(sums), width)
    total = np.zeros((n_units, width), dtype="int64")
    for unit in unit_of_key:  # organisation, service, team, ...: one unit each
        held = np.flatnonzero(unit >= 0)
        if len(held) == 0:
            continue
        if len(held) == len(unit) and (unit == unit[0]).all():  # the organisation: all
            total[unit[0]] += cells.sum(axis=0)
            continue
        order = held[np.argsort(unit[held], kind="stable")]
        ordered = unit[order]
        starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
        total[ordered[starts]] += np.add.reduceat(cells[order], starts, axis=0)
    return total.reshape(n_units, *sums.shape[1:])


def period_grid(
    context: Context,
    group: np.ndarray,
    n_groups: int,
    day: np.ndarray,
    weights: dict[str, np.ndarray],
    flags: dict[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Sums of each weight per group × period (groups × Context.periods, int64) of rows
    with a group number and a date (`day`, datetime64[ns]), each row counted in every
    period containing its date. `flags` (P3's "first start in the period") may hold
    `first_month`, `first_quarter`, `first_year` (booleans), `k` (int) and `previous`
    (the date of the child's previous start of the tier, NaT when none): a row then
    counts in its month, quarter and financial year only where the flag is true, in the
    rolling 12 months ending k to 11 months after its month, and in a period starting
    after the 1st of a month only when `previous` is before that period's start.

    Computed on a grid of group × month with cumulative sums for the rolling periods,
    rather than by repeating each row for the 15 periods containing it. A period
    starting after the 1st of a month (periods.partial_starts: the 12 months to 28
    February after a leap year) is not whole months: it is summed from the rows' dates.
    """
    periods = context.periods
    lasts = periods["last_month"].to_numpy(dtype="int64")
    kinds = periods["period_type"].to_numpy(dtype="object")
    sums = {value: np.zeros((n_groups, len(lasts)), dtype="int64") for value in weights}
    if n_groups == 0 or len(lasts) == 0 or len(day) == 0:
        return sums
    day = np.asarray(day, dtype="datetime64[ns]")
    month = day.astype("datetime64[M]").astype("int64") + EPOCH_MONTH
    base = int(lasts.min()) - 11
    width = int(lasts.max()) - base + 13
    inside = (month >= base) & (month <= lasts.max())
    g, m = group[inside], month[inside] - base
    given = flags or {}

    def flag(name: str) -> np.ndarray:
        if name in given:
            return np.asarray(given[name], dtype="bool")[inside]
        return np.ones(len(g), dtype="bool")

    k = np.asarray(given["k"], dtype="int64")[inside] if "k" in given else np.zeros_like(g)
    rolling_from = k <= 11
    # (target month, rows counted, sign) per kind; the rolling ones are then cumulated.
    targets = {
        MONTH: [(m, flag("first_month"), 1)],
        QUARTER: [(quarter_end(m + base) - base, flag("first_quarter"), 1)],
        FINANCIAL_YEAR: [(year_end(m + base) - base, flag("first_year"), 1)],
        ROLLING_12M: [(m + k, rolling_from, 1), (m + 12, rolling_from, -1)],
    }
    for kind, contributions in targets.items():
        chosen = np.flatnonzero(kinds == kind)
        at = lasts[chosen] - base
        for value, weight in weights.items():
            weight = np.asarray(weight, dtype="float64")[inside]
            grid = np.zeros(n_groups * width)
            for target, counted, sign in contributions:
                grid += np.bincount(
                    g[counted] * width + target[counted],
                    weights=sign * weight[counted],
                    minlength=n_groups * width,
                )
            matrix = grid.reshape(n_groups, width)
            if kind == ROLLING_12M:
                matrix = matrix.cumsum(axis=1)
            sums[value][:, chosen] = np.rint(matrix[:, at]).astype("int64")
    _partial_periods(context, group, n_groups, day, weights, flags or {}, sums)
    return sums


def _partial_periods(
    context: Context,
    group: np.ndarray,
    n_groups: int,
    day: np.ndarray,
    weights: dict[str, np.ndarray],
    flags: dict[str, np.ndarray],
    sums: dict[str, np.ndarray],
) -> None:
    """period_grid's sums for the periods starting after the 1st of a month, from the
    rows' dates (replacing the grid's): rows dated within the period, and with P3's
    flags only those whose `previous` start is before the period's start."""
    ends = context.periods["period_end"].to_numpy(dtype="datetime64[ns]")
    previous = flags.get("previous")
    for position, start, _ in partial_starts(context.periods):
        inside = (day >= start) & (day <= ends[position])
        if previous is not None:
            inside &= ~(np.asarray(previous, dtype="datetime64[ns]") >= start)
        for value, weight in weights.items():
            totals = np.bincount(
                group[inside],
                weights=np.asarray(weight, dtype="float64")[inside],
                minlength=n_groups,
            )
            sums[value][:, position] = np.rint(totals).astype("int64")


def quarter_end(month: np.ndarray) -> np.ndarray:
    """The last month number of each month's financial quarter."""
    return month + (2 - month % 3) % 3


def year_end(month: np.ndarray) -> np.ndarray:
    """The last month number (March) of each month's financial year."""
    return month + (2 - month % 12) % 12
