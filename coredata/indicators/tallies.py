"""Fast tallies of flow measures that count events (not children), on integers.

Each event is attributed once on its date (`units.attribute`) and its attribution
(worker, team, service) numbered; every (event, category) row is counted into a dense
array unit × period × category, once for every period containing the event's date (and,
for a measure judged at R, only the periods ending on the row's R), and for every unit
its attribution counts for (`units.to_units`: the organisation, and the service, team
and practitioner, or the Unallocated bucket). The figures are those of repeating every
event for every unit and period and counting, which is only right for events: a measure
counting children once per unit must not use this.

Also shared by the indicator functions: memoised work within one run (`shared`), rows of
counts and of shares in the results format, rates per 10,000.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from coredata.indicators.inputs import CHILD_ID, SERVICE_CODE, TEAM_CODE, WORKER_ID
from coredata.indicators.periods import month_index
from coredata.indicators.registry import Context
from coredata.indicators.results import PCT, count_rows, empty_results, finish, rate_rows
from coredata.indicators.units import (
    PRACTITIONER,
    TEAM,
    UNALLOCATED,
    UNIT_COLUMNS,
    UNIT_TYPES,
    attribute,
    to_units,
)

ATTRIBUTION = [WORKER_ID, TEAM_CODE, SERVICE_CODE]


@dataclass(frozen=True)
class Flow:
    """Dated events attributed on their date, coded as integers."""

    events: pd.DataFrame  # the dated events, indexed 0..n-1
    key: np.ndarray  # each event's attribution number
    month: np.ndarray  # each event's month index
    unit_of_key: np.ndarray  # levels × attributions: the unit number at each level, or -1
    units: pd.DataFrame  # unit_type, unit_code (string) of each unit number


def flow_of(context: Context, events: pd.DataFrame, date_column: str) -> Flow:
    """The events with a date, attributed to the allocation holding the child that day."""
    dated = events[events[date_column].notna()].reset_index(drop=True)
    allocations, teams = context.frame("allocations"), context.frame("teams")
    attributed = attribute(dated[[CHILD_ID, date_column]], date_column, allocations, teams)
    grouping = attributed.groupby(ATTRIBUTION, dropna=False, sort=False)
    key = grouping.ngroup().to_numpy(dtype="int64")
    firsts = attributed.assign(_key=key).drop_duplicates("_key")
    units = to_units(firsts[["_key", *ATTRIBUTION]], context.inputs.la_code)
    # to_units gives rows of <NA> units when no event (or every event) is allocated: pandas
    # takes the index of a Series assigned to an empty frame. Dropped here.
    units = units[units["unit_type"].notna()]
    number = units.groupby(UNIT_COLUMNS, sort=False).ngroup().to_numpy(dtype="int64")
    level = pd.Categorical(units["unit_type"], categories=UNIT_TYPES).codes.astype("int64")
    unit_of_key = np.full((len(UNIT_TYPES), len(firsts)), -1, dtype="int64")
    unit_of_key[level, units["_key"].to_numpy(dtype="int64")] = number
    names = units.assign(_unit=number).drop_duplicates("_unit").sort_values("_unit")
    return Flow(
        events=dated,
        key=key,
        month=month_index(dated[date_column]).to_numpy(dtype="int64", na_value=0),
        unit_of_key=unit_of_key,
        units=names[UNIT_COLUMNS].astype("string").reset_index(drop=True),
    )


_SHARED: dict[int, dict[str, Any]] = {}


def shared(context: Context) -> dict[str, Any]:
    """Work shared by indicators within one run (forgotten with the run's Context)."""
    number = id(context)
    if number not in _SHARED:
        _SHARED[number] = {}
        weakref.finalize(context, _SHARED.pop, number, None)
    return _SHARED[number]


def period_months(context: Context) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (period number, month in it, the period's last month), by period."""
    first = month_index(context.periods["period_start"]).to_numpy(dtype="int64")
    last = context.periods["last_month"].to_numpy(dtype="int64")
    span = last - first + 1
    period = np.repeat(np.arange(len(first)), span)
    within = np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span)
    return period, first[period] + within, last[period]


def spread(
    context: Context, month: np.ndarray, last_month: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """(row, period number) for each row and every period containing its month, and
    ending in its `last_month` when given (a measure judged at that R)."""
    period, months, lasts = period_months(context)
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
    rows, period = spread(context, flow.month[event], last_month)
    key = flow.key[event][rows]
    cell = period * n_categories + category[rows]
    size = n_units * n_periods * n_categories
    counts = np.zeros(size, dtype="int64")
    for unit_of_key in flow.unit_of_key:  # organisation, service, team, ...: one unit each
        unit = unit_of_key[key]
        held = unit >= 0
        counts += np.bincount(unit[held] * (n_periods * n_categories) + cell[held], minlength=size)
    return counts.reshape(n_units, n_periods, n_categories)


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
    cells = _cells(context, flow, np.repeat(unit, n), np.repeat(period, n))
    numerator = numerators[unit, period, :].reshape(-1).astype("float64")
    denominator = np.repeat(denominators[unit, period], n).astype("float64")
    rows = pd.DataFrame(
        {
            **cells,
            "indicator": pd.array([indicator], dtype="string").take(np.zeros(len(numerator), int)),
            "breakdown": pd.array(labels, dtype="string").take(np.tile(np.arange(n), len(unit))),
            "numerator": numerator,
            "denominator": denominator,
            "value": numerator * PCT / denominator,
        }
    )
    if sparse_below_service:
        detailed = rows["unit_type"].isin([TEAM, PRACTITIONER, UNALLOCATED])
        rows = rows[~(detailed & (rows["numerator"] == 0))]
    return finish(rows)


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
