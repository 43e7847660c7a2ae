"""What the engine is fed: one frame per kind of record, with named columns.

Dates are `datetime64[ns]` (NaT when absent or open), identifiers `string`, flags
`boolean`, numbers `Float64`/`Int64`. Every frame is the organisation's *effective*
history: stacked returns already resolved (the latest return's version of each record,
SSDA903 episodes stitched), as `coredata.frames` builds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

# Column names, as constants so a typo is an error rather than a silent empty column.
CHILD_ID = "child_id"
WORKER_ID = "worker_id"
TEAM_CODE = "team_code"
SERVICE_CODE = "service_code"

SCHEMAS: dict[str, dict[str, str]] = {
    # One row per child: birth_date the SSDA903 one where known (Resolved detail 3).
    "children": {CHILD_ID: "string", "birth_date": "datetime64[ns]"},
    # Episodes of need (CINdetails), one per child and referral date.
    "referrals": {
        CHILD_ID: "string",
        "referral_date": "datetime64[ns]",
        "source": "string",  # DfE code; missing already mapped to "10"
        "nfa": "boolean",
        "closure_date": "datetime64[ns]",
        "closure_reason": "string",
        "initial_cpc_date": "datetime64[ns]",
    },
    "assessments": {
        CHILD_ID: "string",
        "start_date": "datetime64[ns]",
        "authorisation_date": "datetime64[ns]",
    },
    "section47": {
        CHILD_ID: "string",
        "start_date": "datetime64[ns]",
        "icpc_date": "datetime64[ns]",
    },
    "cp_plans": {
        CHILD_ID: "string",
        "start_date": "datetime64[ns]",
        "end_date": "datetime64[ns]",
        "previous_plans": "Int64",
    },
    "early_help": {
        CHILD_ID: "string",
        "start_date": "datetime64[ns]",
        "end_date": "datetime64[ns]",
    },
    # SSDA903 episodes, stitched across returns.
    "care_episodes": {
        CHILD_ID: "string",
        "decom": "datetime64[ns]",
        "rne": "string",
        "ls": "string",
        "place": "string",
        "dec": "datetime64[ns]",
        "rec": "string",
    },
    # OC3: collection_year is the year ending 31 March of the return.
    "care_leavers": {CHILD_ID: "string", "collection_year": "Int64", "in_touch": "string"},
    "visits": {CHILD_ID: "string", "visit_date": "datetime64[ns]", "seen": "boolean"},
    # Who held each child: start and end inclusive, never overlapping for one child.
    "allocations": {
        CHILD_ID: "string",
        WORKER_ID: "string",
        TEAM_CODE: "string",
        "start_date": "datetime64[ns]",
        "end_date": "datetime64[ns]",
    },
    "staff": {
        WORKER_ID: "string",
        TEAM_CODE: "string",
        "fte": "Float64",
        "start_date": "datetime64[ns]",
        "end_date": "datetime64[ns]",
        "agency": "boolean",
        "case_holding": "boolean",
    },
    "sickness": {
        WORKER_ID: "string",
        "start_date": "datetime64[ns]",
        "end_date": "datetime64[ns]",
        "working_days_lost": "Float64",
    },
    "vacancies": {TEAM_CODE: "string", "date": "datetime64[ns]", "vacant_fte": "Float64"},
    # The organisation's 0-17 population by mid-year.
    "population": {"year": "Int64", "population_0_17": "Int64"},
    "teams": {TEAM_CODE: "string", SERVICE_CODE: "string"},
}


@dataclass(frozen=True)
class VisitIntervals:
    """How recently a child must have been seen (P4): settings per organisation."""

    cp_working_days: int = 10
    cin_working_days: int = 20
    lac_days: int = 42


@dataclass
class EngineInputs:
    la_code: str
    frames: dict[str, pd.DataFrame]
    # The periods computed: every month end from `first_month_end` to `last_month_end`.
    first_month_end: date
    last_month_end: date
    visit_intervals: VisitIntervals = field(default_factory=VisitIntervals)
    # England and Wales bank holidays (working days exclude them).
    bank_holidays: frozenset[date] = frozenset()

    def frame(self, name: str) -> pd.DataFrame:
        """The named frame, with exactly its documented columns and dtypes."""
        schema = SCHEMAS[name]
        frame = self.frames.get(name)
        if frame is None:
            return empty_frame(name)
        missing = [column for column in schema if column not in frame.columns]
        if missing:
            raise ValueError(f"frame {name!r} lacks columns {missing}")
        return frame[list(schema)].astype(schema)


def empty_frame(name: str) -> pd.DataFrame:
    schema = SCHEMAS[name]
    return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in schema.items()})
