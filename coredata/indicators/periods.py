"""Periods, month arithmetic and working days, on whole columns.

Every period ends on a month end `R` (INDICATORS.md "Terms"):

- `financial_year`: 1 April to 31 March;
- `quarter`: the financial year's quarters (April–June, July–September, October–December,
  January–March);
- `month`: a calendar month;
- `rolling_12m`: the 12 months ending at each month end, `R − 12 months + 1 day` to `R`
  (Resolved detail 10).

Only complete periods are computed: those ending on or before the last month end of the
data. A period is its start and end: the rolling 12 months ending in March is the
financial year, and appears once. A month is numbered `year × 12 + month − 1` ("month
index"), so month arithmetic is integer arithmetic.
"""

from __future__ import annotations

from datetime import date
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


def month_index(dates: pd.Series) -> pd.Series:
    """Month number of each date (NaT gives <NA>)."""
    return (dates.dt.year * 12 + dates.dt.month - 1).astype("Int64")


def month_end_of(index: pd.Series | np.ndarray) -> pd.Series:
    """The last day of each month number."""
    values = np.asarray(index, dtype="int64")
    firsts = pd.to_datetime(
        pd.DataFrame({"year": values // 12, "month": values % 12 + 1, "day": 1})
    )
    return (firsts + pd.offsets.MonthEnd(0)).astype("datetime64[ns]")


def month_start_of(index: pd.Series | np.ndarray) -> pd.Series:
    values = np.asarray(index, dtype="int64")
    frame = pd.DataFrame({"year": values // 12, "month": values % 12 + 1, "day": 1})
    return pd.to_datetime(frame).astype("datetime64[ns]")


def add_months(dates: pd.Series, months: int) -> pd.Series:
    """Calendar months later (or earlier), clipped to the month's last day (Resolved
    detail 11: 31 August + 6 months = 28 or 29 February). NaT stays NaT."""
    valid = dates.notna()
    result = pd.Series(pd.NaT, index=dates.index, dtype="datetime64[ns]")
    if not valid.any():
        return result
    d = dates[valid]
    target = d.dt.year * 12 + d.dt.month - 1 + months
    firsts = month_start_of(target.to_numpy())
    last_day = (firsts + pd.offsets.MonthEnd(0)).dt.day.to_numpy()
    day = np.minimum(d.dt.day.to_numpy(), last_day)
    result[valid] = firsts.to_numpy() + pd.to_timedelta(day - 1, unit="D").to_numpy()
    return result


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

    Columns: period_type, period_start, period_end, last_month (its month number).
    """
    first = first_month_end.year * 12 + first_month_end.month - 1
    last = last_month_end.year * 12 + last_month_end.month - 1
    months = np.arange(first, last + 1, dtype="int64")
    parts = []
    for kind in PERIOD_TYPES:
        ends = months[_period_end_month(kind, months)]
        starts = ends - SPAN[kind] + 1
        parts.append(
            pd.DataFrame(
                {
                    "period_type": kind,
                    "period_start": month_start_of(starts).to_numpy(),
                    "period_end": month_end_of(ends).to_numpy(),
                    "last_month": ends,
                }
            )
        )
    periods = pd.concat(parts, ignore_index=True)
    periods["period_type"] = periods["period_type"].astype("string")
    # The rolling 12 months ending in March is the financial year: one period, kept once
    # (as the financial year), since results are keyed by start and end alone.
    return periods.drop_duplicates(["period_start", "period_end"]).reset_index(drop=True)


def expand_to_periods(
    events: pd.DataFrame, date_column: str, periods: pd.DataFrame
) -> pd.DataFrame:
    """Each event once for every period containing its date (flow measures).

    An event in month m belongs to the month m, its quarter, its financial year and the
    12 rolling periods ending in months m to m + 11: 15 rows, less those outside the
    computed periods. Vectorised: events are repeated, never looped over.
    """
    dated = events[events[date_column].notna()]
    m = month_index(dated[date_column]).to_numpy(dtype="int64")
    pieces = []
    for kind in PERIOD_TYPES:
        offsets = np.arange(12) if kind == ROLLING_12M else np.array([0])
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
    return expanded.merge(periods, on=["period_type", "last_month"], how="inner")


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
    ends = periods["period_end"].drop_duplicates().sort_values().to_numpy()
    if intervals.empty or len(ends) == 0:
        return intervals.assign(reference_date=pd.Series(dtype="datetime64[ns]")).iloc[0:0]
    valid = intervals[intervals[start_column].notna()]
    last_r = pd.Timestamp(ends[-1])
    first_r = pd.Timestamp(ends[0])
    start_m = month_index(valid[start_column]).to_numpy(dtype="int64")
    stop = valid[end_column].fillna(last_r + pd.Timedelta(days=1))
    stop = stop.where(stop <= last_r, last_r)
    end_m = month_index(stop).to_numpy(dtype="int64")
    first_m = first_r.year * 12 + first_r.month - 1
    start_m = np.maximum(start_m, first_m)
    counts = np.maximum(end_m - start_m + 1, 0)
    repeated = valid.loc[valid.index.repeat(counts)].copy()
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    months = np.repeat(start_m, counts) + offsets
    repeated["reference_date"] = month_end_of(months).to_numpy()
    is_open = (repeated[start_column] <= repeated["reference_date"]) & (
        repeated[end_column].isna() | (repeated[end_column] > repeated["reference_date"])
    )
    in_range = repeated["reference_date"].isin(ends)
    return repeated[is_open & in_range].reset_index(drop=True)


def load_bank_holidays() -> frozenset[date]:
    """England and Wales bank holidays shipped with the project (an updatable CSV)."""
    path = Path(__file__).with_name("bank_holidays_england_wales.csv")
    days = pd.read_csv(path, comment="#")["date"]
    return frozenset(pd.to_datetime(days).dt.date)
