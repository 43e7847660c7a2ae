"""England's published figures for the indicators DfE also measures.

The figures live in `national_figures.csv` beside this module (DATA-FORMATS.md §4), one
row per indicator, breakdown and year, so a new DfE release is an edit to a data file.
Only measures whose definition matches an indicator and breakdown are listed: a national
count is never set beside a unit's count.

Which figure goes beside a period:

- a percentage or a ratio: the latest figure for a period ending on or before the chosen
  period's end, and no more than three years before it (a share of a quarter's referrals
  reads against the year's national share);
- a rate per 10,000: only the figure for the same 12 months (rates of shorter periods are
  not annualised, so they never compare with a year's).
"""

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

NATIONAL_FILE = Path(__file__).with_name("national_figures.csv")
RATE_10K = "rate_10k"
COMPARABLE_KINDS = frozenset({"pct", "ratio", RATE_10K})
MAX_AGE = timedelta(days=3 * 366)


@dataclass(frozen=True)
class NationalFigure:
    indicator: str
    breakdown: str
    period_end: date
    value: float
    source: str


@lru_cache(maxsize=1)
def national_figures() -> tuple[NationalFigure, ...]:
    """Every national figure in the data file, oldest first."""
    with NATIONAL_FILE.open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    figures = [
        NationalFigure(
            indicator=row["indicator"],
            breakdown=row["breakdown"],
            period_end=date.fromisoformat(row["period_end"]),
            value=float(row["value"]),
            source=row["source"],
        )
        for row in csv.DictReader(lines)
    ]
    return tuple(sorted(figures, key=lambda f: f.period_end))


def national_figure_for(
    *, indicator: str, breakdown: str, kind: str, period_start: date, period_end: date
) -> NationalFigure | None:
    """The national figure to show beside a unit's value for the period, if any."""
    if kind not in COMPARABLE_KINDS:
        return None
    candidates = [
        figure
        for figure in national_figures()
        if figure.indicator == indicator and figure.breakdown == breakdown
    ]
    if kind == RATE_10K:
        twelve_months = _months_between(period_start, period_end) == 12
        exact = [figure for figure in candidates if figure.period_end == period_end]
        return exact[-1] if exact and twelve_months else None
    earlier = [
        figure for figure in candidates if period_end - MAX_AGE <= figure.period_end <= period_end
    ]
    return earlier[-1] if earlier else None


def _months_between(start: date, end: date) -> int:
    """Whole months a period spans (periods run from a month's first day to a month end)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1
