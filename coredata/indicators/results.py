"""The results format (INDICATORS.md "The results format") and the helpers that build it.

One row per (unit, indicator, breakdown, period): `unit_type, unit_code, indicator,
breakdown, period_start, period_end, numerator, denominator, value`. `value` is
numerator / denominator × 100 for a percentage, × 10,000 for a rate, the plain quotient
for a ratio and the numerator for a count (denominator empty); empty when the
denominator is 0. Full precision.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coredata.indicators.units import ORGANISATION, UNIT_COLUMNS

RESULT_COLUMNS = [
    "unit_type",
    "unit_code",
    "indicator",
    "breakdown",
    "period_start",
    "period_end",
    "numerator",
    "denominator",
    "value",
]
KEYS = [*UNIT_COLUMNS, "period_start", "period_end"]
RESULT_DTYPES = {
    "unit_type": "string",
    "unit_code": "string",
    "indicator": "string",
    "breakdown": "string",
    "period_start": "datetime64[ns]",
    "period_end": "datetime64[ns]",
    "numerator": "Float64",
    "denominator": "Float64",
    "value": "Float64",
}
PCT = 100.0
RATE_10K = 10_000.0


def empty_results() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in RESULT_DTYPES.items()})


def finish(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows in the results format's column order and dtypes."""
    if frame.empty:
        return empty_results()
    return frame[RESULT_COLUMNS].astype(RESULT_DTYPES).reset_index(drop=True)


def repeated(text: str, n: int) -> pd.api.extensions.ExtensionArray:
    """`text` n times, as a string array (taken from one value rather than converting n
    Python strings)."""
    return pd.array([text], dtype="string").take(np.zeros(n, dtype="int64"))


def breakdown(*pairs: tuple[str, str]) -> str:
    """`key=value` pairs joined by `;`, in the order given."""
    return ";".join(f"{key}={value}" for key, value in pairs)


def count_rows(counts: pd.DataFrame, *, indicator: str, breakdown_text: str = "") -> pd.DataFrame:
    """Rows of a count: `counts` has KEYS and `numerator`."""
    rows = counts[[*KEYS, "numerator"]].copy()
    rows["indicator"] = repeated(indicator, len(rows))
    rows["breakdown"] = repeated(breakdown_text, len(rows))
    rows["denominator"] = np.nan
    rows["value"] = rows["numerator"].astype("float64")
    return finish(rows)


def share_rows(
    numerators: pd.DataFrame,
    denominators: pd.DataFrame,
    *,
    indicator: str,
    breakdown_text: str | pd.Series = "",
    scale: float = PCT,
    extra_keys: list[str] | None = None,
) -> pd.DataFrame:
    """Rows of a share (percentage, rate or ratio).

    `denominators` has KEYS (+ extra_keys) and `denominator`; `numerators` the same keys
    and `numerator`. Every denominator gives a row (a missing numerator is 0); a zero
    denominator gives no row (INDICATORS.md: "a row whose denominator is 0 may be left
    out"). `extra_keys` are further grouping columns (a breakdown's key) turned into the
    breakdown text by the caller through `breakdown_text` as a Series aligned to rows.
    """
    keys = [*KEYS, *(extra_keys or [])]
    rows = denominators[[*keys, "denominator"]].merge(
        numerators[[*keys, "numerator"]], on=keys, how="left"
    )
    rows["numerator"] = rows["numerator"].fillna(0)
    rows = rows[rows["denominator"] > 0].copy()
    rows["indicator"] = repeated(indicator, len(rows))
    rows["breakdown"] = (
        breakdown_text(rows)
        if callable(breakdown_text)
        else breakdown_text
        if isinstance(breakdown_text, pd.Series)
        else repeated(breakdown_text, len(rows))
    )
    # Scaled before dividing: 3 × 10,000 / 20,000 is exactly 1.5.
    rows["value"] = (
        rows["numerator"].astype("float64") * scale / rows["denominator"].astype("float64")
    )
    return finish(rows)


def population_by_period(periods: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """The 0-17 population each period's rates use (INDICATORS.md "Population" and
    Resolved detail 9): the financial year containing the period's end decides, a year
    ending 31 March Y using the mid-(Y−1) estimate. Columns: period_start, period_end,
    population (periods without an estimate are left out)."""
    if population.empty:
        return pd.DataFrame(
            {
                "period_start": pd.Series(dtype="datetime64[ns]"),
                "period_end": pd.Series(dtype="datetime64[ns]"),
                "population": pd.Series(dtype="Int64"),
            }
        )
    end = periods["period_end"]
    fy_end_year = end.dt.year + (end.dt.month > 3).astype("int64")
    wanted = periods[["period_start", "period_end"]].assign(year=fy_end_year - 1)
    estimates = population.rename(columns={"population_0_17": "population"})
    estimates = estimates.astype({"year": "int64"})
    merged = wanted.astype({"year": "int64"}).merge(estimates, on="year", how="inner")
    return merged[["period_start", "period_end", "population"]].drop_duplicates()


def rate_rows(
    counts: pd.DataFrame,
    population: pd.DataFrame,
    *,
    indicator: str,
    breakdown_text: str,
) -> pd.DataFrame:
    """Rate per 10,000 rows for the units with a population (the organisation): the
    numerator is the count, the denominator the population. `counts` has KEYS and
    `numerator`; `population` comes from `population_by_period`."""
    organisation = counts[counts["unit_type"] == ORGANISATION]
    rows = organisation.merge(population, on=["period_start", "period_end"], how="inner")
    rows = rows.rename(columns={"population": "denominator"})
    return share_rows(
        rows[[*KEYS, "numerator"]],
        rows[[*KEYS, "denominator"]],
        indicator=indicator,
        breakdown_text=breakdown_text,
        scale=RATE_10K,
    )
