"""Fast tallies of flow measures that count events (not children), on integers.

Each event is attributed once on its date (`Context.holdings`, the rule of
`units.attribute`) and its attribution (worker, team, service) numbered; every (event,
category) row is counted into a dense array attribution × period × category, once for
every period containing the event's date (and, for a measure judged at R, only the
periods ending on the row's R), then added up for every unit its attribution counts for
(`grids.fan_out`; `units.to_units`: the organisation, and the service, team and
practitioner, or the Unallocated bucket). The figures are those of repeating every
event for every unit and period and counting, which is only right for events: a measure
counting children once per unit must not use this.

Also shared by the indicator functions: memoised work within one run (`shared`), sums
of rows judged at R (`judged_at_r`), rows of counts and of shares in the results format
(`result_frame` builds them from integer positions), rates per 10,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from coredata.indicators.grids import fan_out
from coredata.indicators.inputs import CHILD_ID, SERVICE_CODE, TEAM_CODE, WORKER_ID
from coredata.indicators.periods import month_index, partial_starts
from coredata.indicators.registry import Context
from coredata.indicators.results import PCT, count_rows, empty_results, rate_rows
from coredata.indicators.units import (
    PRACTITIONER,
    TEAM,
    UNALLOCATED,
    UNIT_COLUMNS,
    UNIT_TYPES,
    to_units,
)

ATTRIBUTION = [WORKER_ID, TEAM_CODE, SERVICE_CODE]


@dataclass(frozen=True)
class Flow:
    """Dated events attributed on their date, coded as integers."""

    events: pd.DataFrame  # the dated events, indexed 0..n-1
    child: np.ndarray  # each event's child code (Context.children; -1: none)
    key: np.ndarray  # each event's attribution number
    month: np.ndarray  # each event's month index
    day: np.ndarray  # each event's date (datetime64[ns])
    unit_of_key: np.ndarray  # levels × attributions: the unit number at each level, or -1
    units: pd.DataFrame  # unit_type, unit_code (string) of each unit number


def flow_of(
    context: Context, events: pd.DataFrame, date_column: str, child: np.ndarray | None = None
) -> Flow:
    """The events with a date, attributed to the allocation holding the child that day.
    `child` may give the events' child codes (Context.children) when already known."""
    has_date = events[date_column].notna().to_numpy(dtype="bool")
    dated = events[has_date].reset_index(drop=True)
    holdings = context.holdings
    child = holdings.codes(dated[CHILD_ID]) if child is None else child[has_date]
    holder = holdings.holder_on(child, dated[date_column])
    key, found = pd.factorize(holder)
    unit_of_key, units = unit_links(context, holders_table(context, found))
    return Flow(
        events=dated,
        child=child,
        key=key.astype("int64"),
        month=month_index(dated[date_column]).to_numpy(dtype="int64", na_value=0),
        day=dated[date_column].to_numpy(dtype="datetime64[ns]"),
        unit_of_key=unit_of_key,
        units=units,
    )


def holders_table(context: Context, holder: np.ndarray) -> pd.DataFrame:
    """The ATTRIBUTION columns of these rows of Context.holdings' holders (-1: <NA>,
    unallocated)."""
    holders = context.holdings.holders
    return pd.DataFrame(
        {column: holders[column].array.take(holder, allow_fill=True) for column in ATTRIBUTION},
        copy=False,
    )


def unit_links(context: Context, holders: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """For a table of holdings (ATTRIBUTION columns; a key is a row's position): the unit
    number of each key at each unit level (UNIT_TYPES × keys, -1 for none) and the units
    (unit_type, unit_code, string) by number, by units.to_units' rule."""
    keyed = holders[ATTRIBUTION].assign(_key=np.arange(len(holders), dtype="int64"))
    units = to_units(keyed, context.inputs.la_code)
    # to_units gives rows of <NA> units when no event (or every event) is allocated: pandas
    # takes the index of a Series assigned to an empty frame. Dropped here.
    units = units[units["unit_type"].notna()]
    number = units.groupby(UNIT_COLUMNS, sort=False).ngroup().to_numpy(dtype="int64")
    level = pd.Categorical(units["unit_type"], categories=UNIT_TYPES).codes.astype("int64")
    unit_of_key = np.full((len(UNIT_TYPES), len(holders)), -1, dtype="int64")
    unit_of_key[level, units["_key"].to_numpy(dtype="int64")] = number
    names = units.assign(_unit=number).drop_duplicates("_unit").sort_values("_unit")
    return unit_of_key, names[UNIT_COLUMNS].astype("string").reset_index(drop=True)


def judged_at_r(
    context: Context, child: np.ndarray, at: np.ndarray, values: dict[str, np.ndarray]
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Sums of `values` per unit and period of rows judged at R (a child code, R: a
    reference date), each attributed to the allocation holding the child at R and
    counted in the periods ending at R: the units (unit_type, unit_code) and each
    value's int64 array units × periods. Summed per holder, then per unit (fan_out)."""
    holder = context.holdings.holder_on(child, at)
    key, found = pd.factorize(holder)
    unit_of_key, units = unit_links(context, holders_table(context, found))
    ends = context.reference_dates.to_numpy(dtype="datetime64[ns]")
    judged = np.asarray(at, dtype="datetime64[ns]")
    r = np.minimum(np.searchsorted(ends, judged), max(len(ends) - 1, 0))
    known = (ends[r] == judged) if len(ends) else np.zeros(len(judged), dtype="bool")
    cell = (key * len(ends) + r)[known]
    r_of_period = np.searchsorted(ends, context.periods["period_end"].to_numpy())
    sums = {}
    for value, weights in values.items():
        by_key = np.bincount(
            cell,
            weights=np.asarray(weights, dtype="float64")[known],
            minlength=len(found) * len(ends),
        )
        by_key = np.rint(by_key).astype("int64").reshape(len(found), len(ends))
        sums[value] = fan_out(unit_of_key, len(units), by_key)[:, r_of_period]
    return units, sums


def result_frame(
    context: Context,
    units: pd.DataFrame,
    unit: np.ndarray,
    period: np.ndarray,
    *,
    indicator: str,
    labels: list[str],
    label: np.ndarray,
    numerator: np.ndarray,
    denominator: np.ndarray | None,
    value: np.ndarray,
) -> pd.DataFrame:
    """Rows in the results format (as results.finish gives them) from positions: each
    row's unit (into `units`), period (into Context.periods) and breakdown (into
    `labels`), with its figures (float64; NaN is <NA>; no denominator for a count)."""
    periods = context.periods
    n = len(unit)

    def figures(values: np.ndarray) -> pd.arrays.FloatingArray:
        values = values.astype("float64")
        return pd.arrays.FloatingArray(values, np.isnan(values))

    return pd.DataFrame(
        {
            "unit_type": units["unit_type"].array.take(unit),
            "unit_code": units["unit_code"].array.take(unit),
            "indicator": pd.array([indicator], dtype="string").take(np.zeros(n, dtype="int64")),
            "breakdown": pd.array(labels, dtype="string").take(label),
            "period_start": periods["period_start"].to_numpy(dtype="datetime64[ns]")[period],
            "period_end": periods["period_end"].to_numpy(dtype="datetime64[ns]")[period],
            "numerator": figures(numerator),
            "denominator": figures(np.full(n, np.nan) if denominator is None else denominator),
            "value": figures(value),
        },
        copy=False,
    )


def shared(context: Context) -> dict[str, Any]:
    """Work shared by indicators within one run (Context.cache: forgotten with it)."""
    return context.cache


def period_months(context: Context) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (period number, whole month in it, the period's last month), by period (a
    period starting after the 1st: its first, partial month is not listed; see spread)."""
    first = context.periods["first_month"].to_numpy(dtype="int64")
    last = context.periods["last_month"].to_numpy(dtype="int64")
    span = last - first + 1
    period = np.repeat(np.arange(len(first)), span)
    within = np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span)
    return period, first[period] + within, last[period]


def spread(
    context: Context, month: np.ndarray, day: np.ndarray, last_month: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """(row, period number) for each row (its month number and its date `day`) and every
    period containing its date, and ending in its `last_month` when given (a measure
    judged at that R). Whole months by month number; the partial first month of a period
    starting after the 1st (periods.partial_starts) by date."""
    period, months, lasts = period_months(context)
    rows, periods = _whole_months(period, months, lasts, month, last_month)
    extra_rows, extra_periods = [rows], [periods]
    period_lasts = context.periods["last_month"].to_numpy(dtype="int64")
    for position, start, start_month in partial_starts(context.periods):
        extra = (month == start_month) & (day >= start)
        if last_month is not None:
            extra &= last_month == period_lasts[position]
        chosen = np.flatnonzero(extra)
        extra_rows.append(chosen)
        extra_periods.append(np.full(len(chosen), position, dtype="int64"))
    return np.concatenate(extra_rows), np.concatenate(extra_periods)


def _whole_months(
    period: np.ndarray,
    months: np.ndarray,
    lasts: np.ndarray,
    month: np.ndarray,
    last_month: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """spread on whole months: (row, period number) pairs from period_months' lists."""
    if len(period) == 0 or len(month) == 0:
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64")
    low, high = int(months.min()), int(months.max())
    width = 1 if last_month is None else 12
    pair = (months - low) * width + (0 if last_month is None else lasts - months)
    order = np.argsort(pair, kind="stable")
    counts = np.bincount(pair, minlength=(high - low + 1) * width)
    starts = np.cumsum(counts) - counts
    offset = np.zeros_like(month) if last_month is None else last_month - month
    valid = (month >= low) & (month <= high) & (offset >= 0) & (offset < width)
    slot = np.where(valid, (month - low) * width + offset, 0)
    repeats = np.where(valid, counts[slot], 0)
    rows = np.repeat(np.arange(len(month)), repeats)
    within = np.arange(repeats.sum()) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    return rows, period[order][starts[slot][rows] + within]


def tally(
    context: Context,
    flow: Flow,
    event: np.ndarray,
    category: np.ndarray,
    n_categories: int,
    last_month: np.ndarray | None = None,
) -> np.ndarray:
    """Counts by unit × period × category (a dense array) of rows naming an event and a
    category, each row counted in every period containing its event's month (and ending
    in `last_month` when given)."""
    n_periods, n_units = len(context.periods), len(flow.units)
    if n_units == 0 or len(event) == 0:
        return np.zeros((n_units, n_periods, n_categories), dtype="int64")
    rows, period = spread(context, flow.month[event], flow.day[event], last_month)
    cell = (flow.key[event][rows] * n_periods + period) * n_categories + category[rows]
    # Counted per attribution first, then added up per unit (fan_out).
    n_keys = flow.unit_of_key.shape[1]
    by_key = np.bincount(cell, minlength=n_keys * n_periods * n_categories)
    by_key = by_key.reshape(n_keys, n_periods, n_categories)
    return fan_out(flow.unit_of_key, n_units, by_key)


def event_tally(context: Context, flow: Flow) -> np.ndarray:
    """Every event counted: unit × period."""
    n = len(flow.events)
    return tally(context, flow, np.arange(n), np.zeros(n, dtype="int64"), 1)[:, :, 0]


def _cells(context: Context, flow: Flow, unit: np.ndarray, period: np.ndarray) -> dict[str, Any]:
    """KEYS columns of (unit, period) cells, taken from small typed arrays."""
    periods = context.periods
    return {
        "unit_type": flow.units["unit_type"].array.take(unit),
        "unit_code": flow.units["unit_code"].array.take(unit),
        "period_start": periods["period_start"].to_numpy()[period],
        "period_end": periods["period_end"].to_numpy()[period],
    }


def counts_frame(
    context: Context, flow: Flow, counts: np.ndarray, where: np.ndarray
) -> pd.DataFrame:
    """KEYS + numerator of a unit × period count array, in the cells where `where`."""
    unit, period = np.nonzero(where)
    return pd.DataFrame({**_cells(context, flow, unit, period), "numerator": counts[unit, period]})


def share_rows_of(
    context: Context,
    flow: Flow,
    numerators: np.ndarray,
    denominators: np.ndarray,
    labels: list[str],
    indicator: str,
    sparse_below_service: bool = False,
) -> pd.DataFrame:
    """Percentage rows: for each (unit, period) with a denominator above 0, one row per
    category, `labels[i]` the breakdown of `numerators[:, :, i]` (0% when none).

    `sparse_below_service` leaves out the 0% rows of teams, practitioners and the
    unallocated bucket (a long breakdown list would otherwise store mostly zeros: a
    category missing from such a unit's rows had none)."""
    unit, period = np.nonzero(denominators > 0)
    n = len(labels)
    numerator = numerators[unit, period, :].reshape(-1).astype("float64")
    denominator = np.repeat(denominators[unit, period], n).astype("float64")
    unit, period = np.repeat(unit, n), np.repeat(period, n)
    label = np.tile(np.arange(n), len(numerator) // n if n else 0)
    if sparse_below_service:
        detailed = flow.units["unit_type"].isin([TEAM, PRACTITIONER, UNALLOCATED]).to_numpy()
        keep = ~(detailed[unit] & (numerator == 0))
        unit, period, label = unit[keep], period[keep], label[keep]
        numerator, denominator = numerator[keep], denominator[keep]
    if len(unit) == 0:
        return empty_results()
    return result_frame(
        context,
        flow.units,
        unit,
        period,
        indicator=indicator,
        labels=labels,
        label=label,
        numerator=numerator,
        denominator=denominator,
        value=numerator * PCT / denominator,
    )


def rates(context: Context, counts: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Rate per 10,000 rows (`measure=rate_10k`) of a count (KEYS + numerator), for the
    units with a population (none when no population is loaded)."""
    if context.population.empty:
        return empty_results()
    return rate_rows(
        counts, context.population, indicator=indicator, breakdown_text="measure=rate_10k"
    )


def count_and_rate(context: Context, counts: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """A count's rows plus its rate per 10,000 rows (`measure=rate_10k`)."""
    return pd.concat(
        [count_rows(counts, indicator=indicator), rates(context, counts, indicator)],
        ignore_index=True,
    )


def event_counts(context: Context, events: pd.DataFrame, date_column: str) -> pd.DataFrame:
    """Events counted per unit and period containing `date_column` (KEYS + numerator;
    only cells with at least one event)."""
    flow = flow_of(context, events, date_column)
    counts = event_tally(context, flow)
    return counts_frame(context, flow, counts, counts > 0)
