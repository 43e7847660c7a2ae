"""Running the cross-check queries on an engine's inputs, and comparing two results."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from coredata.crosscheck.queries import QUERIES
from coredata.crosscheck.views import PERIODS, SHARED_VIEWS
from coredata.indicators.inputs import SCHEMAS, EngineInputs
from coredata.indicators.results import RESULT_COLUMNS, RESULT_DTYPES

CODES = list(QUERIES)
# Result columns that identify a row; the other three are compared as numbers.
IDENTITY = RESULT_COLUMNS[:6]


def connect(inputs: EngineInputs, *, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with every input frame as a view (dates as DATE), the periods
    (views.PERIODS: every financial year, quarter, month and rolling 12 months ending
    on a month end from the inputs' first to their last, unique by start and end,
    derived in SQL from INDICATORS.md rather than taken from the engine) and the shared
    views."""
    connection = duckdb.connect()
    if threads is not None:
        connection.execute(f"SET threads = {int(threads)}")
    connection.execute("SET VARIABLE la_code = $code", {"code": inputs.la_code})
    connection.execute(
        "SET VARIABLE first_month_end = CAST($first AS DATE)", {"first": inputs.first_month_end}
    )
    connection.execute(
        "SET VARIABLE last_month_end = CAST($last AS DATE)", {"last": inputs.last_month_end}
    )
    for name, schema in SCHEMAS.items():
        connection.register(f"frame_{name}", inputs.frame(name))
        columns = ", ".join(
            f'CAST("{column}" AS DATE) AS "{column}"'
            if dtype.startswith("datetime64")
            else f'"{column}"'
            for column, dtype in schema.items()
        )
        connection.execute(f"CREATE VIEW {name} AS SELECT {columns} FROM frame_{name}")
    for view in [PERIODS, *SHARED_VIEWS]:
        connection.execute(view)
    return connection


def compute(
    inputs: EngineInputs, codes: list[str] | None = None, *, threads: int | None = None
) -> pd.DataFrame:
    """The indicators named (default: all of CODES) computed in DuckDB SQL, in the
    results format's columns and dtypes."""
    connection = connect(inputs, threads=threads)
    try:
        parts = []
        for code in codes or CODES:
            query = f"""
            SELECT CAST(unit_type AS VARCHAR), CAST(unit_code AS VARCHAR),
                   CAST(indicator AS VARCHAR), CAST(breakdown AS VARCHAR),
                   CAST(period_start AS TIMESTAMP), CAST(period_end AS TIMESTAMP),
                   CAST(numerator AS DOUBLE), CAST(denominator AS DOUBLE),
                   CAST(value AS DOUBLE)
            FROM ({QUERIES[code]}) AS rows(unit_type, unit_code, indicator, breakdown,
                 period_start, period_end, numerator, denominator, value)
            """
            frame = connection.sql(query).df()
            frame.columns = pd.Index(RESULT_COLUMNS)
            parts.append(frame)
    finally:
        connection.close()
    results = pd.concat(parts, ignore_index=True)
    return results.astype(RESULT_DTYPES)


def differences(
    expected: pd.DataFrame, actual: pd.DataFrame, *, tolerance: float = 1e-9
) -> pd.DataFrame:
    """Rows where two results disagree: present in one only (`side` left_only or
    right_only), or with numerator, denominator or value apart by more than
    `tolerance` (`side` both). Empty when they agree."""
    left = expected.astype(RESULT_DTYPES).astype({"breakdown": "string"})
    right = actual.astype(RESULT_DTYPES).astype({"breakdown": "string"})
    left["breakdown"] = left["breakdown"].fillna("")
    right["breakdown"] = right["breakdown"].fillna("")
    merged = left.merge(right, on=IDENTITY, how="outer", indicator="side", suffixes=("", "_2"))
    apart = np.zeros(len(merged), dtype=bool)
    for column in ("numerator", "denominator", "value"):
        a = merged[column].to_numpy(dtype="float64", na_value=np.nan)
        b = merged[f"{column}_2"].to_numpy(dtype="float64", na_value=np.nan)
        same = np.isclose(a, b, rtol=0.0, atol=tolerance) | (np.isnan(a) & np.isnan(b))
        apart |= ~same
    wrong = (merged["side"] != "both").to_numpy(dtype=bool) | apart
    result = merged[wrong].sort_values(IDENTITY, kind="stable").reset_index(drop=True)
    result["side"] = result["side"].astype("string")
    return result
