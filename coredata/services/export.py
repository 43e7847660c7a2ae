"""Exporting indicator results in the results format (CSV or XLSX), optionally for
publication (INDICATORS.md "Low base" and "The results format")."""

from pathlib import Path

import numpy as np
import pandas as pd

from coredata.indicators.results import RESULT_COLUMNS
from coredata.models import RefreshRun, UnitResults
from coredata.models.indicators import RESULT_FIELDS

SUPPRESSED = "c"
# Breakdown sets whose shares add up to a whole: suppressing one cell alone would let it
# be recovered by subtraction, so a second is suppressed with it.
COMPLEMENTARY_SETS = {"A2": ("source=", "group="), "A3": ("outcome=",), "P1": ("tier=",)}


def results_for_export(
    *, run: RefreshRun, unit_type: str | None = None, indicators: list[str] | None = None
) -> pd.DataFrame:
    """The run's results in the results format, every unit (or one unit type), sorted."""
    rows = UnitResults.objects.filter(run=run)
    if unit_type:
        rows = rows.filter(unit_type=unit_type)
    parts = []
    for unit in rows.order_by("unit_type", "unit_code").iterator():
        # Columns by name: PostgreSQL's jsonb does not keep the stored key order.
        frame = pd.DataFrame(unit.results)[RESULT_FIELDS]
        frame.insert(0, "unit_code", unit.unit_code)
        frame.insert(0, "unit_type", unit.unit_type)
        parts.append(frame)
    if not parts:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    results = pd.concat(parts, ignore_index=True)[RESULT_COLUMNS]
    if indicators:
        results = results[results["indicator"].isin(indicators)]
    return results.sort_values(
        ["unit_type", "unit_code", "indicator", "breakdown", "period_end", "period_start"],
        kind="stable",
    ).reset_index(drop=True)


def suppress_for_publication(results: pd.DataFrame) -> pd.DataFrame:
    """Counts of 1 to 4 replaced by "c" (a count's value, a share's numerator and
    value), and where a breakdown set that adds up to a whole (A2 sources and groups, A3
    outcomes, P1 tiers) has exactly one such cell in a unit and period, the next
    smallest cell of the set too, so that none can be recovered by subtraction.

    Choice: only these sets are treated as adding up; figures across units (teams of a
    service) are not, since a child counts once at each level and they need not add up.
    """
    frame = results.copy()
    numerator = pd.to_numeric(frame["numerator"], errors="coerce")
    small = numerator.between(1, 4)
    for indicator, prefixes in COMPLEMENTARY_SETS.items():
        for prefix in prefixes:
            in_set = (frame["indicator"] == indicator) & frame["breakdown"].str.startswith(prefix)
            members = frame[in_set].assign(_small=small[in_set], _n=numerator[in_set])
            keys = ["unit_type", "unit_code", "period_start", "period_end"]
            alone = members.groupby(keys)["_small"].transform("sum") == 1
            candidates = members[alone & ~members["_small"] & (members["_n"] > 0)]
            second = candidates.sort_values("_n", kind="stable").groupby(keys).head(1).index
            small.loc[second] = True
    for column in ("numerator", "value"):
        frame[column] = frame[column].astype("object")
        frame.loc[small, column] = SUPPRESSED
    return frame


def write_export(results: pd.DataFrame, *, path: Path | None, file_format: str) -> bytes | None:
    """Write CSV (to `path`, or returned as bytes) or XLSX (to `path`)."""
    if file_format == "xlsx":
        if path is None:
            raise ValueError("An XLSX export needs a file to write to.")
        results.to_excel(path, index=False, sheet_name="results")
        return None
    data = results.replace({np.nan: None}).to_csv(index=False, lineterminator="\n")
    if path is None:
        return data.encode()
    path.write_text(data)
    return None


PERIOD_TYPES = {"fy": "financial_year", "quarter": "quarter", "month": "month",
                "rolling12": "rolling_12m"}  # fmt: skip


def period_type_of(start: pd.Series, end: pd.Series) -> pd.Series:
    """The kind of each period, told from its dates: a month (one month), a quarter
    (three months ending in June, September, December or March), a financial year
    (1 April to 31 March), otherwise the rolling 12 months ending at its end."""
    start = pd.to_datetime(start)
    end = pd.to_datetime(end)
    months = (end.dt.year - start.dt.year) * 12 + end.dt.month - start.dt.month + 1
    kinds = np.select(
        [months == 1, (months == 3) & (end.dt.month % 3 == 0),
         (months == 12) & (start.dt.month == 4) & (start.dt.day == 1)],
        ["month", "quarter", "financial_year"],
        default="rolling_12m",
    )  # fmt: skip
    return pd.Series(kinds, index=start.index)


def of_period_type(results: pd.DataFrame, short_name: str) -> pd.DataFrame:
    """Only the results of one kind of period (fy, quarter, month or rolling12)."""
    kinds = period_type_of(results["period_start"], results["period_end"])
    return results[kinds == PERIOD_TYPES[short_name]].reset_index(drop=True)
