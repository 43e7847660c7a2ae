"""Attribution: which practitioner, team and service held a child on a date.

A child's allocations (start and end inclusive, never overlapping) say who held them.
Flow measures are attributed on the event's date, stock measures on the reference date
R (INDICATORS.md "Attribution"). An event with no allocation that day goes to the
organisation's "Unallocated" bucket. Every event counts for the organisation; an
allocated one also for its service, team and practitioner. A service's and the
organisation's figures come from the events themselves, never by adding up teams.
"""

from __future__ import annotations

import pandas as pd

from coredata.indicators.inputs import CHILD_ID, SERVICE_CODE, TEAM_CODE, WORKER_ID

ORGANISATION = "organisation"
SERVICE = "service"
TEAM = "team"
PRACTITIONER = "practitioner"
UNALLOCATED = "unallocated"
UNIT_TYPES = (ORGANISATION, SERVICE, TEAM, PRACTITIONER, UNALLOCATED)
UNIT_COLUMNS = ["unit_type", "unit_code"]


def attribute(
    events: pd.DataFrame,
    date_column: str,
    allocations: pd.DataFrame,
    teams: pd.DataFrame,
) -> pd.DataFrame:
    """The events with worker_id, team_code and service_code of the allocation holding
    the child on `date_column` (<NA> when none did). Row order is kept.

    merge_asof finds each event's latest allocation starting on or before its date; as
    one child's allocations never overlap, that is the only candidate, and it holds the
    child if it has not ended before the date.
    """
    result = events.copy()
    result["_row"] = range(len(result))
    dated = result[result[date_column].notna()].sort_values(date_column, kind="stable")
    held = allocations if "_start" in allocations.columns else prepare_allocations(allocations)
    if held.empty or dated.empty:
        matched = dated.copy()
        matched[WORKER_ID] = pd.NA
        matched[TEAM_CODE] = pd.NA
    else:
        matched = pd.merge_asof(
            dated,
            held,
            left_on=date_column,
            right_on="_start",
            by=CHILD_ID,
            direction="backward",
        )
        ended = matched["_end"].notna() & (matched["_end"] < matched[date_column])
        matched.loc[ended, [WORKER_ID, TEAM_CODE]] = pd.NA
    matched = matched[["_row", WORKER_ID, TEAM_CODE]]
    result = result.merge(matched, on="_row", how="left")
    service_of = teams.set_index(TEAM_CODE)[SERVICE_CODE]
    result[SERVICE_CODE] = result[TEAM_CODE].map(service_of)
    for column in (WORKER_ID, TEAM_CODE, SERVICE_CODE):
        result[column] = result[column].astype("string")
    return result.drop(columns="_row")


def prepare_allocations(allocations: pd.DataFrame) -> pd.DataFrame:
    """Allocations as `attribute` searches them (sorted by start): done once per run."""
    held = allocations[[CHILD_ID, WORKER_ID, TEAM_CODE, "start_date", "end_date"]]
    held = held.rename(columns={"start_date": "_start", "end_date": "_end"})
    return held.sort_values("_start", kind="stable").reset_index(drop=True)


def to_units(attributed: pd.DataFrame, la_code: str) -> pd.DataFrame:
    """One row per (event, unit it counts for): unit_type and unit_code added.

    The organisation's row for every event; service, team and practitioner rows for the
    allocated ones; an "unallocated" row (coded with the LA code) for the others.
    """
    allocated = attributed[WORKER_ID].notna()
    parts = [
        attributed.assign(unit_type=ORGANISATION, unit_code=la_code),
        # Codes are taken from each selection itself (a callable): an empty selection then
        # stays empty instead of picking up the whole column by index.
        attributed[allocated & attributed[SERVICE_CODE].notna()].assign(
            unit_type=SERVICE, unit_code=lambda rows: rows[SERVICE_CODE]
        ),
        attributed[allocated].assign(unit_type=TEAM, unit_code=lambda rows: rows[TEAM_CODE]),
        attributed[allocated].assign(
            unit_type=PRACTITIONER, unit_code=lambda rows: rows[WORKER_ID]
        ),
        attributed[~allocated].assign(unit_type=UNALLOCATED, unit_code=la_code),
    ]
    units = pd.concat(parts, ignore_index=True)
    units["unit_type"] = units["unit_type"].astype("string")
    units["unit_code"] = units["unit_code"].astype("string")
    return units
