"""Hand-built inputs for the plans indicators (P1–P4) and their building blocks."""

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd

from coredata.indicators.inputs import SCHEMAS, EngineInputs, VisitIntervals
from coredata.indicators.registry import compute_all

LA = "970"
MARCH = ("2024-03-01", "2024-03-31")
FEBRUARY = ("2024-02-01", "2024-02-29")
Q4 = ("2024-01-01", "2024-03-31")
FY = ("2023-04-01", "2024-03-31")
ORG = ("organisation", LA)
UNALLOCATED = ("unallocated", LA)
TEAMS = pd.DataFrame({"team_code": ["T1", "T2"], "service_code": ["S1", "S2"]})
GOOD_FRIDAY = date(2024, 3, 29)
Row = dict[str, object]


def ref(
    child: str, referral: str, closed: str | None = None, reason: str | None = None,
    nfa: bool = False,
) -> Row:  # fmt: skip
    """A referral (episode of need)."""
    return {"child_id": child, "referral_date": referral, "source": "1A", "nfa": nfa,
            "closure_date": closed, "closure_reason": reason}  # fmt: skip


def cp(child: str, start: str, end: str | None = None, previous: int | None = None) -> Row:
    return {"child_id": child, "start_date": start, "end_date": end, "previous_plans": previous}


def eh(child: str, start: str, end: str | None = None) -> Row:
    return {"child_id": child, "start_date": start, "end_date": end}


def ep(child: str, decom: str, dec: str | None = None, rne: str = "S", ls: str = "C2") -> Row:
    """An SSDA903 episode."""
    return {"child_id": child, "decom": decom, "dec": dec, "rne": rne, "ls": ls, "place": "U1"}


def alloc(child: str, worker: str, team: str, start: str, end: str | None = None) -> Row:
    return {"child_id": child, "worker_id": worker, "team_code": team, "start_date": start,
            "end_date": end}  # fmt: skip


def visit(child: str, on: str, seen: bool = True) -> Row:
    return {"child_id": child, "visit_date": on, "seen": seen}


def frame(name: str, rows: Sequence[Row]) -> pd.DataFrame:
    """The rows (dicts) as the named input frame, missing columns empty."""
    columns = SCHEMAS[name]
    data = pd.DataFrame(list(rows), columns=list(columns))
    return data.astype(columns)


def inputs(
    *, referrals: Sequence[Row] = (), cp_plans: Sequence[Row] = (),
    early_help: Sequence[Row] = (), care: Sequence[Row] = (),
    allocations: Sequence[Row] = (), visits: Sequence[Row] = (),
    population: int | None = None, first: str = "2024-03-31", last: str = "2024-03-31",
    intervals: VisitIntervals | None = None, holidays: frozenset[date] = frozenset(),
) -> EngineInputs:  # fmt: skip
    frames = {
        "referrals": frame("referrals", referrals),
        "cp_plans": frame("cp_plans", cp_plans),
        "early_help": frame("early_help", early_help),
        "care_episodes": frame("care_episodes", care),
        "allocations": frame("allocations", allocations),
        "visits": frame("visits", visits),
        "teams": TEAMS,
    }
    if population is not None:
        frames["population"] = pd.DataFrame({"year": [2023], "population_0_17": [population]})
    return EngineInputs(
        LA, frames, date.fromisoformat(first), date.fromisoformat(last),
        visit_intervals=intervals or VisitIntervals(), bank_holidays=holidays,
    )  # fmt: skip


def run(codes: list[str], **kwargs: Any) -> pd.DataFrame:
    return compute_all(inputs(**kwargs), codes=codes)


def pick(
    results: pd.DataFrame, breakdown: str, period: tuple[str, str] = MARCH,
    unit: tuple[str, str] = ORG,
) -> tuple[float, float | None] | None:  # fmt: skip
    """(numerator, denominator) of one row (denominator None for a count), or None when
    there is no row."""
    rows = results[
        (results["unit_type"] == unit[0]) & (results["unit_code"] == unit[1])
        & (results["period_start"] == pd.Timestamp(period[0]))
        & (results["period_end"] == pd.Timestamp(period[1]))
        & (results["breakdown"] == breakdown)
    ]  # fmt: skip
    if rows.empty:
        return None
    assert len(rows) == 1, rows
    denominator = rows["denominator"].iloc[0]
    return (
        float(rows["numerator"].iloc[0]),
        None if pd.isna(denominator) else float(denominator),
    )
