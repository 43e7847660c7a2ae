"""The engine's core: periods, month arithmetic, working days, attribution, results."""

import ast
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from coredata.indicators.inputs import EngineInputs
from coredata.indicators.periods import (
    add_months,
    expand_to_periods,
    load_bank_holidays,
    open_at_reference_dates,
    periods_between,
    working_days_between,
)
from coredata.indicators.registry import compute_all
from coredata.indicators.results import population_by_period
from coredata.indicators.units import attribute, to_units

ENGINE = Path(__file__).resolve().parents[3] / "coredata" / "indicators"


def _dates(*values: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values)), dtype="datetime64[ns]")


def test_the_engine_imports_no_django() -> None:
    for path in ENGINE.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n == "django" or n.startswith("django.") for n in names), path
    # And importing it loads no Django module.
    code = (
        "import sys, coredata.indicators.registry, coredata.indicators.catalogue; "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=ENGINE.parents[1],
    )  # fmt: skip
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2024-01-31", 6, "2024-07-31"),
        ("2024-08-31", 6, "2025-02-28"),
        ("2023-08-31", 6, "2024-02-29"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-03-31", -1, "2024-02-29"),
        ("2024-05-15", 24, "2026-05-15"),
    ],
)
def test_add_months_clips_to_the_month_end(start: str, months: int, expected: str) -> None:
    assert add_months(_dates(start), months).iloc[0] == pd.Timestamp(expected)


def test_add_months_keeps_missing_dates_missing() -> None:
    assert add_months(_dates(None), 6).isna().all()


def test_periods_of_every_kind_end_on_month_ends_and_are_unique() -> None:
    periods = periods_between(date(2024, 1, 31), date(2025, 3, 31))
    by_kind = periods.groupby("period_type").size().to_dict()
    # 15 months; quarters ending Mar, Jun, Sep, Dec 2024 and Mar 2025; one financial year;
    # rolling 12 months at every month end but March 2025 (that one is the year).
    assert by_kind == {"financial_year": 2, "quarter": 5, "month": 15, "rolling_12m": 13}
    assert not periods.duplicated(["period_start", "period_end"]).any()
    year = periods[periods["period_type"] == "financial_year"].iloc[-1]
    assert (year["period_start"], year["period_end"]) == (
        pd.Timestamp("2024-04-01"),
        pd.Timestamp("2025-03-31"),
    )
    rolling = periods[periods["period_type"] == "rolling_12m"].iloc[0]
    assert (rolling["period_start"], rolling["period_end"]) == (
        pd.Timestamp("2023-02-01"),
        pd.Timestamp("2024-01-31"),
    )


def test_an_event_falls_in_its_month_quarter_year_and_twelve_rolling_periods() -> None:
    periods = periods_between(date(2023, 1, 31), date(2026, 3, 31))
    events = pd.DataFrame({"day": _dates("2024-04-01")})
    expanded = expand_to_periods(events, "day", periods)
    assert expanded.groupby("period_type").size().to_dict() == {
        "financial_year": 1,
        "month": 1,
        "quarter": 1,
        "rolling_12m": 11,
    }  # fmt: skip  (the 12th rolling period, ending March 2025, is the financial year)
    assert (expanded["period_start"] <= pd.Timestamp("2024-04-01")).all()
    assert (expanded["period_end"] >= pd.Timestamp("2024-04-01")).all()


def test_events_on_the_first_and_last_day_of_a_period_are_in_it() -> None:
    periods = periods_between(date(2024, 3, 31), date(2024, 3, 31))
    events = pd.DataFrame({"day": _dates("2024-03-01", "2024-03-31", "2024-04-01")})
    months = expand_to_periods(events, "day", periods)
    months = months[months["period_type"] == "month"]
    assert months["day"].tolist() == [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-31")]


def test_what_ends_on_r_is_not_open_at_r() -> None:
    periods = periods_between(date(2024, 1, 31), date(2024, 3, 31))
    plans = pd.DataFrame(
        {"plan": [1, 2, 3], "start": _dates("2024-01-31", "2024-01-01", "2024-02-10"),
         "end": _dates(None, "2024-01-31", "2024-02-10")}
    )  # fmt: skip
    open_rows = open_at_reference_dates(plans, "start", "end", periods)
    assert sorted(zip(open_rows["plan"], open_rows["reference_date"].dt.month, strict=True)) == [
        (1, 1), (1, 2), (1, 3),
    ]  # fmt: skip


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    holidays = load_bank_holidays()
    assert date(2025, 12, 25) in holidays
    counted = working_days_between(
        _dates("2024-03-28", "2024-03-28", "2024-06-07", "2024-06-07"),
        _dates("2024-04-02", "2024-03-28", "2024-06-10", "2024-06-21"),
        holidays,
    )
    # Good Friday and Easter Monday are not working days; the start day is not counted.
    assert counted.tolist() == [1, 0, 1, 10]


def test_attribution_uses_the_allocation_of_the_day() -> None:
    events = pd.DataFrame(
        {"child_id": ["C1", "C1", "C1", "C2"],
         "day": _dates("2024-01-31", "2024-02-01", "2024-03-01", "2024-02-01")}
    )  # fmt: skip
    allocations = pd.DataFrame(
        {"child_id": ["C1", "C1"], "worker_id": ["W1", "W2"], "team_code": ["T1", "T2"],
         "start_date": _dates("2024-01-01", "2024-02-01"),
         "end_date": _dates("2024-01-31", "2024-02-15")}
    )  # fmt: skip
    teams = pd.DataFrame({"team_code": ["T1", "T2"], "service_code": ["S1", "S1"]})
    attributed = attribute(events, "day", allocations, teams)
    assert attributed["worker_id"].tolist() == ["W1", "W2", pd.NA, pd.NA]
    units = to_units(attributed, "970")
    counts = units.groupby(["unit_type", "unit_code"]).size().to_dict()
    assert counts == {
        ("organisation", "970"): 4, ("service", "S1"): 2, ("team", "T1"): 1,
        ("team", "T2"): 1, ("practitioner", "W1"): 1, ("practitioner", "W2"): 1,
        ("unallocated", "970"): 2,
    }  # fmt: skip


def test_population_of_a_period_is_the_mid_year_before_its_financial_years_end() -> None:
    periods = periods_between(date(2024, 3, 31), date(2024, 4, 30))
    population = pd.DataFrame({"year": [2023, 2024], "population_0_17": [100, 200]})
    chosen = population_by_period(periods, population)
    by_end = dict(zip(chosen["period_end"].dt.strftime("%Y-%m"), chosen["population"],
                      strict=True))  # fmt: skip
    # March 2024 ends 2023-24: mid-2023. April 2024 is in 2024-25: mid-2024.
    assert by_end == {"2024-03": 100, "2024-04": 200}


def test_a1_counts_referrals_per_unit_and_rates_for_the_organisation() -> None:
    referrals = pd.DataFrame(
        {"child_id": ["C1", "C1", "C2"], "referral_date": _dates("2024-04-02", "2024-05-31",
                                                                 "2024-06-15"),
         "source": ["1A", "6", "10"], "nfa": [False, False, True],
         "closure_date": _dates(None, None, None), "closure_reason": [pd.NA] * 3,
         "initial_cpc_date": _dates(None, None, None)}
    )  # fmt: skip
    allocations = pd.DataFrame(
        {"child_id": ["C1"], "worker_id": ["W1"], "team_code": ["T1"],
         "start_date": _dates("2024-01-01"), "end_date": _dates("2024-05-01")}
    )  # fmt: skip
    inputs = EngineInputs(
        "970",
        {"referrals": referrals, "allocations": allocations,
         "teams": pd.DataFrame({"team_code": ["T1"], "service_code": ["S1"]}),
         "population": pd.DataFrame({"year": [2024], "population_0_17": [20_000]})},
        date(2025, 3, 31),
        date(2025, 3, 31),
    )  # fmt: skip
    results = compute_all(inputs, codes=["A1"])
    year = results[results["period_start"] == pd.Timestamp("2024-04-01")]
    rows = {
        (r.unit_type, r.unit_code, r.breakdown): (r.numerator, r.denominator, r.value)
        for r in year.itertuples()
    }
    assert rows == {
        ("organisation", "970", ""): (3, pd.NA, 3),
        ("service", "S1", ""): (1, pd.NA, 1),
        ("team", "T1", ""): (1, pd.NA, 1),
        ("practitioner", "W1", ""): (1, pd.NA, 1),
        ("unallocated", "970", ""): (2, pd.NA, 2),
        ("organisation", "970", "measure=rate_10k"): (3, 20_000, 1.5),
    }


def test_to_units_makes_no_rows_for_levels_nobody_is_at() -> None:
    events = pd.DataFrame({"child_id": ["C1"], "day": _dates("2024-02-01")})
    teams = pd.DataFrame({"team_code": ["T1"], "service_code": ["S1"]})
    empty = pd.DataFrame(
        {"child_id": pd.Series(dtype="string"), "worker_id": pd.Series(dtype="string"),
         "team_code": pd.Series(dtype="string"), "start_date": _dates(),
         "end_date": _dates()}
    )  # fmt: skip
    units = to_units(attribute(events, "day", empty, teams), "970")
    assert sorted(zip(units["unit_type"], units["unit_code"], strict=True)) == [
        ("organisation", "970"),
        ("unallocated", "970"),
    ]


def test_rates_without_a_population_give_no_rows() -> None:
    periods = periods_between(date(2024, 3, 31), date(2024, 3, 31))
    empty = pd.DataFrame({"year": pd.Series(dtype="Int64"),
                          "population_0_17": pd.Series(dtype="Int64")})  # fmt: skip
    chosen = population_by_period(periods, empty)
    assert chosen.empty
    assert str(chosen["period_end"].dtype) == "datetime64[ns]"


def test_a2_lists_every_source_for_the_organisation_but_only_those_seen_below() -> None:
    referrals = pd.DataFrame(
        {"child_id": ["C1", "C2"], "referral_date": _dates("2024-04-02", "2024-04-03"),
         "source": ["6", "1A"], "nfa": [False, False],
         "closure_date": _dates(None, None), "closure_reason": [pd.NA] * 2,
         "initial_cpc_date": _dates(None, None)}
    )  # fmt: skip
    allocations = pd.DataFrame(
        {"child_id": ["C1"], "worker_id": ["W1"], "team_code": ["T1"],
         "start_date": _dates("2024-01-01"), "end_date": _dates(None)}
    )  # fmt: skip
    inputs = EngineInputs(
        "970",
        {"referrals": referrals, "allocations": allocations,
         "teams": pd.DataFrame({"team_code": ["T1"], "service_code": ["S1"]})},
        date(2024, 4, 30), date(2024, 4, 30),
    )  # fmt: skip
    results = compute_all(inputs, codes=["A2"])
    month = results[results["period_start"] == pd.Timestamp("2024-04-01")]
    organisation = month[month["unit_type"] == "organisation"]
    team = month[month["unit_type"] == "team"]
    assert len(organisation) == 32
    assert organisation.set_index("breakdown").loc["source=6", "value"] == 50.0
    assert sorted(team["breakdown"]) == ["group=police", "source=6"]
    assert team["value"].tolist() == [100.0, 100.0]
