"""Periods of the core data pages and the national figures beside them (no database)."""

from datetime import date

import pytest

from coredata.indicator_display import Period, latest_twelve_months, period_list, trend_periods
from coredata.national import national_figure_for
from tests.coredata.indicator_results import FY, Q1

# --- Periods and national figures (no database) ---------------------------------------


def test_periods_have_stable_keys_and_the_trend_follows_the_kind() -> None:
    periods = period_list(date(2024, 5, 31), date(2025, 6, 30))
    keys = {p.key for p in periods}

    assert {"2024-25", "2024-25-q1", "2025-26-q1", "2025-06", "12m-2025-06"} <= keys
    chosen = next(p for p in periods if p.key == "12m-2025-06")
    trend = trend_periods(periods, chosen)
    assert [p.key for p in trend][-4:] == ["2024-25", "12m-2025-04", "12m-2025-05", "12m-2025-06"]
    assert Period("quarter", date(2025, 1, 1), date(2025, 3, 31)).short_label == "Q4 2024-25"


def test_the_12_months_to_28_february_2025_are_12_months_from_29_february_2024() -> None:
    periods = period_list(date(2024, 4, 30), date(2025, 2, 28))
    latest = latest_twelve_months(periods)
    assert latest is not None
    assert (latest.key, latest.start, latest.months) == ("12m-2025-02", date(2024, 2, 29), 12)
    assert latest.label == "12 months to 28 February 2025"
    assert [p.key for p in trend_periods(periods, latest)][-2:] == ["12m-2025-01", "12m-2025-02"]


@pytest.mark.parametrize(
    ("indicator", "breakdown", "kind", "period", "expected"),
    [
        ("O1", "", "pct", FY, 22.6),
        ("O1", "", "pct", Q1, 22.6),  # the latest year published before the quarter's end
        ("O1", "", "pct", (date(2023, 4, 1), date(2024, 3, 31)), 22.4),
        ("O1", "measure=count", "count", FY, None),  # a count never compares
        ("A5", "measure=rate_10k", "rate_10k", (date(2022, 4, 1), date(2023, 3, 31)), 191.6),
        ("A5", "measure=rate_10k", "rate_10k", (date(2023, 1, 1), date(2023, 3, 31)), None),
        ("W2", "", "pct", (date(2025, 10, 1), date(2025, 12, 31)), 11.8),
        ("O3", "", "pct", (date(2030, 1, 1), date(2030, 3, 31)), None),  # too old
    ],
)
def test_national_figure_for_a_period(
    indicator: str, breakdown: str, kind: str, period: tuple[date, date], expected: float | None
) -> None:
    figure = national_figure_for(
        indicator=indicator, breakdown=breakdown, kind=kind,
        period_start=period[0], period_end=period[1],
    )  # fmt: skip

    assert (figure.value if figure else None) == expected
