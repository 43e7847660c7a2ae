"""Periods, month arithmetic and working days, on whole columns.

Every period ends on a month end `R` (INDICATORS.md "Terms"):

- `financial_year`: 1 April to 31 March;
- `quarter`: the financial year's quarters (April–June, July–September, October–December,
  January–March);
- `month`: a calendar month;
- `rolling_12m`: the 12 months ending at each month end, `R − 12 months + 1 day` to `R`
  (Resolved detail 10, with month-end clipping, Resolved detail 11). That is the 1st of
  the month 11 months before R's, except after a leap year: the 12 months ending 28
  February 2025 start on 29 February 2024 (2025-02-28 − 12 months = 2024-02-28), while
  those ending 29 February 2024 start on 1 March 2023 (2023-02-28 + 1 day).

Only complete periods are computed: those ending on or before the last month end of the
data. A period is its start and end: the rolling 12 months ending in March is the
financial year, and appears once. A month is numbered `year × 12 + month − 1` ("month
index"), so month arithmetic is integer arithmetic.

Counting on a grid of months is exact for a period made of whole months. The one period
that is not, the 12 months ending 28 February after a leap year (which take in 29
February of the year before), is counted from the dates themselves by every counter:
`partial_starts` lists such periods, and the table's `first_month` is each period's
first whole month.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

FINANCIAL_YEAR = "financial_year"
QUARTER = "quarter"
MONTH = "month"
ROLLING_12M = "rolling_12m"
PERIOD_TYPES = (FINANCIAL_YEAR, QUARTER, MONTH, ROLLING_12M)
# Months each period type spans.
SPAN = {FINANCIAL_YEAR: 12, QUARTER: 3, MONTH: 1, ROLLING_12M: 12}

PERIOD_COLUMNS = ["period_type", "period_start", "period_end"]


# Month numbers count from year 0; numpy's datetime64[M] from January 1970.
EPOCH_MONTH = 1970 * 12


def month_index(dates: pd.Series) -> pd.Series:
    """Month number of each date (NaT gives <NA>)."""
    values = dates.to_numpy(dtype="datetime64[ns]")
    months = values.astype("datetime64[M]").astype("int64") + EPOCH_MONTH
    return pd.Series(
        pd.arrays.IntegerArray(months, np.isnat(values)), index=dates.index, name=dates.name
    )


def month_end_of(index: pd.Series | np.ndarray) -> pd.Series:
    """The last day of each month number."""
    values = np.asarray(index, dtype="int64") - EPOCH_MONTH + 1
    firsts_after = values.astype("datetime64[M]").astype("datetime64[D]")
    return pd.Series((firsts_after - 1).astype("datetime64[ns]"))


def month_start_of(index: pd.Series | np.ndarray) -> pd.Series:
    """The first day of each month number."""
    values = np.asarray(index, dtype="int64") - EPOCH_MONTH
    return pd.Series(values.astype("datetime64[M]").astype("datetime64[ns]"))


def add_months(dates: pd.Series, months: int) -> pd.Series:
    """Calendar months later (or earlier), clipped to the month's last day (Resolved
    detail 11: 31 August + 6 months = 28 or 29 February). NaT stays NaT."""
    return add_months_each(dates, [months])[0]


def add_months_each(dates: pd.Series, months: list[int]) -> list[pd.Series]:
    """add_months for each number of months, the dates taken apart once."""
    values = dates.to_numpy(dtype="datetime64[ns]")
    missing = np.isnat(values)
    days = values.astype("datetime64[D]")
    month = days.astype("datetime64[M]")
    day = (days - month.astype("datetime64[D]")).astype("int64")  # 0 on the 1st
    results = []
    for number in months:
        target = month + np.timedelta64(number, "M")
        first = target.astype("datetime64[D]")
        after = (target + np.timedelta64(1, "M")).astype("datetime64[D]")
        length = (after - first).astype("int64")
        result = (first + np.minimum(day, length - 1)).astype("datetime64[ns]")
        result[missing] = np.datetime64("NaT")
        results.append(pd.Series(result, index=dates.index, dtype="datetime64[ns]"))
    return results


def _period_end_month(kind: str, last_month: np.ndarray) -> np.ndarray:
    """Whether each month number ends a period of the kind."""
    month_of_year = last_month % 12  # 0 = January ... 2 = March
    if kind == FINANCIAL_YEAR:
        return month_of_year == 2
    if kind == QUARTER:
        return month_of_year % 3 == 2
    return np.ones(len(last_month), dtype=bool)


def periods_between(first_month_end: date, last_month_end: date) -> pd.DataFrame:
    """Every complete period whose end falls between the two month ends (inclusive).

    Columns: period_type, period_start, period_end, last_month (its month number),
    first_month (the month number of its first whole month: its start's, or the next
    one when it starts after the 1st).
    """
    first = first_month_end.year * 12 + first_month_end.month - 1
    last = last_month_end.year * 12 + last_month_end.month - 1
    months = np.arange(first, last + 1, dtype="int64")
    parts = []
    for kind in PERIOD_TYPES:
        ends = months[_period_end_month(kind, months)]
        period_end = month_end_of(ends)
        if kind == ROLLING_12M:  # R − 12 months + 1 day (Resolved details 10 and 11)
            period_start = add_months(period_end, -12) + pd.Timedelta(days=1)
        else:  # calendar months, quarters and years: from the 1st of their first month
            period_start = month_start_of(ends - SPAN[kind] + 1)
        parts.append(
            pd.DataFrame(
                {
                    "period_type": kind,
                    "period_start": period_start.to_numpy(dtype="datetime64[ns]"),
                    "period_end": period_end.to_numpy(dtype="datetime64[ns]"),
                    "last_month": ends,
                }
            )
        )
    periods = pd.concat(parts, ignore_index=True)
    starts = periods["period_start"]
    periods["first_month"] = month_index(starts).to_numpy(dtype="int64") + (
        starts.dt.day != 1
    ).to_numpy(dtype="int64")
    periods["period_type"] = periods["period_type"].astype("string")
    # The rolling 12 months ending in March is the financial year: one period, kept once
    # (as the financial year), since results are keyed by start and end alone.
    return periods.drop_duplicates(["period_start", "period_end"]).reset_index(drop=True)


def partial_starts(periods: pd.DataFrame) -> list[tuple[int, np.datetime64, int]]:
    """The periods (rows of a periods_between table) that start after the 1st of a month,
    so are not whole months: (position, start, the month number of the start). Only the
    12 months ending 28 February after a leap year are (from 29 February). A counter
    working on a grid of months adds, for each, the rows dated from its start to the end
    of that month."""
    first = periods["first_month"].to_numpy(dtype="int64")
    starts = periods["period_start"].to_numpy(dtype="datetime64[ns]")
    whole = month_start_of(first).to_numpy(dtype="datetime64[ns]")
    return [
        (int(position), starts[position], int(first[position]) - 1)
        for position in np.flatnonzero(starts != whole)
    ]


def months_spanned(start: date, end: date) -> int:
    """The calendar months a period spans, counted from the day before its start to its
    end: 1 for a month, 3 for a quarter, 12 for a year and for the 12 months ending at
    any month end (those to 28 February 2025 start on 29 February 2024)."""
    before = start - timedelta(days=1)
    return (end.year - before.year) * 12 + end.month - before.month


def expand_to_periods(
    events: pd.DataFrame, date_column: str, periods: pd.DataFrame
) -> pd.DataFrame:
    """Each event once for every period containing its date (flow measures).

    An event in month m belongs to the month m, its quarter, its financial year and the
    12 rolling periods ending in months m to m + 11 (and, on 29 February, the 12 months
    ending the next 28 February, which start that day): 15 or 16 rows, less those
    outside the computed periods. Vectorised: events are repeated, never looped over.
    """
    dated = events[events[date_column].notna()]
    m = month_index(dated[date_column]).to_numpy(dtype="int64")
    pieces = []
    for kind in PERIOD_TYPES:
        offsets = np.arange(13) if kind == ROLLING_12M else np.array([0])
        for offset in offsets:
            if kind == FINANCIAL_YEAR:
                last = m + (2 - m % 12) % 12
            elif kind == QUARTER:
                last = m + (2 - m % 3) % 3
            else:
                last = m + offset
            piece = dated.copy()
            piece["period_type"] = kind
            piece["last_month"] = last
            pieces.append(piece)
    expanded = pd.concat(pieces, ignore_index=True)
    expanded["period_type"] = expanded["period_type"].astype("string")
    expanded = expanded.merge(periods, on=["period_type", "last_month"], how="inner")
    day = expanded[date_column]
    inside = (day >= expanded["period_start"]) & (day <= expanded["period_end"])
    return expanded[inside.to_numpy(dtype="bool")].reset_index(drop=True)


def stock_periods(periods: pd.DataFrame) -> pd.DataFrame:
    """For stock measures (judged at R): the month ends, each with the periods ending on
    it. Columns: last_month, period_type, period_start, period_end, reference_date."""
    mapping = periods.copy()
    mapping["reference_date"] = mapping["period_end"]
    return mapping


def working_days_between(
    start: pd.Series, end: pd.Series, bank_holidays: frozenset[date]
) -> pd.Series:
    """Working days after `start` up to and including `end` (the start day itself not
    counted): Monday to Friday, less England and Wales bank holidays."""
    holidays = np.array(sorted(bank_holidays), dtype="datetime64[D]")
    valid = start.notna() & end.notna()
    result = pd.Series(pd.NA, index=start.index, dtype="Int64")
    if valid.any():
        begin = start[valid].to_numpy().astype("datetime64[D]") + 1
        stop = end[valid].to_numpy().astype("datetime64[D]") + 1
        forward = stop >= begin
        counted = np.zeros(len(begin), dtype="int64")
        counted[forward] = np.busday_count(begin[forward], stop[forward], holidays=holidays)
        counted[~forward] = -np.busday_count(stop[~forward], begin[~forward], holidays=holidays)
        result[valid] = counted
    return result


def open_at_reference_dates(
    intervals: pd.DataFrame, start_column: str, end_column: str, periods: pd.DataFrame
) -> pd.DataFrame:
    """Each interval once for every period end R at which it is open: started on or
    before R and not ended on or before R (Resolved detail 12: what ends on R is not open
    at R). Adds `reference_date`. Vectorised: each interval is repeated over the month
    ends from its start's month to its end's (or the last R), then filtered.
    """
    ends = np.unique(periods["period_end"].to_numpy(dtype="datetime64[ns]"))
    if intervals.empty or len(ends) == 0:
        return intervals.assign(reference_date=pd.Series(dtype="datetime64[ns]")).iloc[0:0]
    valid = intervals[intervals[start_column].notna()]
    start = valid[start_column].to_numpy(dtype="datetime64[ns]")
    end = valid[end_column].to_numpy(dtype="datetime64[ns]")
    open_ended = np.isnat(end)
    # Months from the start's (or the first R's) to the end's (or the last R's).
    stop = np.where(open_ended | (end > ends[-1]), ends[-1], end)
    first_m = int(ends[0].astype("datetime64[M]").astype("int64"))
    start_m = np.maximum(start.astype("datetime64[M]").astype("int64"), first_m)
    counts = np.maximum(stop.astype("datetime64[M]").astype("int64") - start_m + 1, 0)
    row = np.repeat(np.arange(len(valid)), counts)
    offsets = np.arange(len(row)) - np.repeat(np.cumsum(counts) - counts, counts)
    months = (start_m[row] + offsets).astype("datetime64[M]")
    reference = ((months + np.timedelta64(1, "M")).astype("datetime64[D]") - 1).astype(
        "datetime64[ns]"
    )
    is_open = (start[row] <= reference) & (open_ended[row] | (end[row] > reference))
    # Only the month ends that end a period (all of them when every month is computed).
    at = np.minimum(np.searchsorted(ends, reference), len(ends) - 1)
    keep = is_open & (ends[at] == reference)
    result = valid.iloc[row[keep]].reset_index(drop=True)
    result["reference_date"] = reference[keep]
    return result


def load_bank_holidays() -> frozenset[date]:
    """England and Wales bank holidays shipped with the project (an updatable CSV)."""
    path = Path(__file__).with_name("bank_holidays_england_wales.csv")
    days = pd.read_csv(path, comment="#")["date"]
    return frozenset(pd.to_datetime(days).dt.date)
