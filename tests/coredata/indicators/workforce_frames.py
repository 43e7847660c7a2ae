"""Hand-built inputs for the workforce indicators (W1–W5): staff rows, vacancies,
sickness and allocations, run through the engine, and one unit's figures."""

from datetime import date

import pandas as pd
import pytest

from coredata.indicators.inputs import EngineInputs
from coredata.indicators.registry import compute_all

approx = pytest.approx

LA = "970"
TEAMS = pd.DataFrame({"team_code": ["T1", "T2", "T3"], "service_code": ["S1", "S1", "S2"]})
MARCH = ("2024-03-01", "2024-03-31")
QUARTER = ("2024-01-01", "2024-03-31")
YEAR = ("2023-04-01", "2024-03-31")
APRIL = ("2024-04-01", "2024-04-30")
COLUMNS = {
    "staff": ["worker_id", "team_code", "fte", "start_date", "end_date", "agency", "case_holding"],
    "vacancies": ["team_code", "date", "vacant_fte"],
    "sickness": ["worker_id", "start_date", "end_date", "working_days_lost"],
    "allocations": ["child_id", "worker_id", "team_code", "start_date", "end_date"],
}


def person(worker, team, fte, start, end=None, *, agency=False, holding=True):
    """A staff row: (worker_id, team_code, fte, start_date, end_date, agency, case_holding)."""
    return (worker, team, fte, start, end, agency, holding)


def run(code, *, first="2024-03-31", last="2024-03-31", holidays=(), **rows):
    frames = {name: pd.DataFrame(list(records), columns=COLUMNS[name])
              for name, records in rows.items()} | {"teams": TEAMS}  # fmt: skip
    days = [date.fromisoformat(day) for day in (first, last, *holidays)]
    inputs = EngineInputs(LA, frames, days[0], days[1], bank_holidays=frozenset(days[2:]))
    return compute_all(inputs, codes=[code])


def at(results, unit_type, unit_code, period=MARCH):
    """(numerator, denominator, value) of one unit and period, or None when no row."""
    keyed = results.set_index(["unit_type", "unit_code", "period_start", "period_end"])
    key = (unit_type, unit_code, pd.Timestamp(period[0]), pd.Timestamp(period[1]))
    if key not in keyed.index:
        return None
    row = keyed.loc[[key]]
    assert len(row) == 1
    return tuple(float(row[column].iloc[0]) for column in ("numerator", "denominator", "value"))


def allocation(child, worker, team, start="2024-01-01", end=None):
    """An allocation row: (child_id, worker_id, team_code, start_date, end_date)."""
    return (child, worker, team, start, end)
