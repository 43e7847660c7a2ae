"""Attribution: which practitioner, team and service held a child on a date.

A child's allocations (start and end inclusive, never overlapping) say who held them.
Flow measures are attributed on the event's date, stock measures on the reference date
R (INDICATORS.md "Attribution"). An event with no allocation that day goes to the
organisation's "Unallocated" bucket. Every event counts for the organisation; an
allocated one also for its service, team and practitioner. A service's and the
organisation's figures come from the events themselves, never by adding up teams.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from coredata.indicators.inputs import CHILD_ID, SERVICE_CODE, TEAM_CODE, WORKER_ID

ORGANISATION = "organisation"
SERVICE = "service"
TEAM = "team"
PRACTITIONER = "practitioner"
UNALLOCATED = "unallocated"
UNIT_TYPES = (ORGANISATION, SERVICE, TEAM, PRACTITIONER, UNALLOCATED)
UNIT_COLUMNS = ["unit_type", "unit_code"]


@dataclass(frozen=True)
class Holdings:
    """The allocations as attribution searches them, prepared once per run.

    Each allocation is numbered by child (`children`: the child IDs, a code being a
    position) and sorted by child then start. A (child, date) pair is searched as one
    integer: child code × `width` + the number of distinct allocation starts on or before
    the date, so "the child's latest allocation starting on or before the date" is one
    binary search over `keys`, exact whatever the dates' resolution. Each allocation's
    holding (worker_id, team_code, service_code) is numbered too: `holders` lists them.
    """

    children: pd.Index
    starts: np.ndarray  # distinct allocation starts (int64 nanoseconds), ascending
    width: int
    keys: np.ndarray  # each allocation's search key, ascending
    child: np.ndarray  # each allocation's child code, in `keys` order
    end: np.ndarray  # each allocation's end (int64 nanoseconds; open: the largest int64)
    holder: np.ndarray  # each allocation's row in `holders`
    holders: pd.DataFrame  # worker_id, team_code, service_code (string), one row each
    holder_of_row: np.ndarray  # the holder of each row of the allocations given (-1: none)

    def codes(self, ids: pd.Series | np.ndarray) -> np.ndarray:
        """Each child ID's code: its position in `children` (-1 when not there)."""
        return np.asarray(self.children.get_indexer(pd.Index(ids)), dtype="int64")

    def holder_on(self, child: np.ndarray, dates: pd.Series | np.ndarray) -> np.ndarray:
        """The row in `holders` of the allocation holding each child (a code) on each
        date, or -1 (no allocation that day, no date, an unknown child)."""
        day = np.asarray(dates, dtype="datetime64[ns]")
        result = np.full(len(day), -1, dtype="int64")
        wanted = (child >= 0) & ~np.isnat(day)
        if len(self.keys) == 0 or not wanted.any():
            return result
        at = day[wanted].view("int64")
        rank = np.searchsorted(self.starts, at, side="right")
        code = child[wanted]
        position = np.searchsorted(self.keys, code * self.width + rank, side="right") - 1
        safe = np.maximum(position, 0)
        held = (position >= 0) & (self.child[safe] == code) & (self.end[safe] >= at)
        result[wanted] = np.where(held, self.holder[safe], -1)
        return result


def prepare_allocations(
    allocations: pd.DataFrame,
    teams: pd.DataFrame,
    *,
    children: pd.Index | None = None,
    child: np.ndarray | None = None,
) -> Holdings:
    """Allocations prepared for `attribute` (see Holdings): done once per run. Children
    are numbered by position in `children` (by default the allocations' own), `child`
    giving each allocation's code when already known. Those without a start date can
    hold no child."""
    if children is None:
        children = pd.Index(allocations[CHILD_ID].unique())
    if child is None:
        child = np.asarray(children.get_indexer(pd.Index(allocations[CHILD_ID])), dtype="int64")
    dated = allocations["start_date"].notna().to_numpy(dtype="bool")
    held, child = allocations[dated], child[dated]
    start = held["start_date"].to_numpy(dtype="datetime64[ns]").view("int64")
    end = held["end_date"].to_numpy(dtype="datetime64[ns]").view("int64")
    end = np.where(held["end_date"].isna().to_numpy(), np.iinfo("int64").max, end)
    starts = np.unique(start)
    width = len(starts) + 1
    rank = np.searchsorted(starts, start, side="right")
    # Stable: of two allocations of a child starting the same day, the later row wins.
    order = np.lexsort((rank, child))
    # Holdings numbered: each (worker, team) pair, <NA> included, is one holder.
    worker, workers = pd.factorize(held[WORKER_ID].astype("string"), use_na_sentinel=False)
    team, team_codes = pd.factorize(held[TEAM_CODE].astype("string"), use_na_sentinel=False)
    size = len(team_codes) + 1
    holder, pairs = pd.factorize(worker.astype("int64") * size + team)
    holders = pd.DataFrame(
        {WORKER_ID: workers.take(pairs // size), TEAM_CODE: team_codes.take(pairs % size)}
    )
    holders[SERVICE_CODE] = holders[TEAM_CODE].map(teams.set_index(TEAM_CODE)[SERVICE_CODE])
    holders = holders.astype("string")
    return Holdings(
        children=children,
        starts=starts,
        width=width,
        keys=(child * width + rank)[order],
        child=child[order],
        end=end[order],
        holder=np.asarray(holder, dtype="int64")[order],
        holders=holders,
        holder_of_row=_spread_back(dated, np.asarray(holder, dtype="int64")),
    )


def _spread_back(chosen: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Values of the chosen rows put back in place among all rows (-1 elsewhere)."""
    result = np.full(len(chosen), -1, dtype="int64")
    result[chosen] = values
    return result


def attribute(
    events: pd.DataFrame,
    date_column: str,
    allocations: pd.DataFrame | Holdings,
    teams: pd.DataFrame,
) -> pd.DataFrame:
    """The events with worker_id, team_code and service_code of the allocation holding
    the child on `date_column` (<NA> when none did). Row order is kept (the index is
    renumbered).

    The child's latest allocation starting on or before the date is the only candidate,
    as one child's allocations never overlap (two starting the same day: the later row);
    it holds the child if it has not ended before the date. `allocations` may be already
    prepared (prepare_allocations), as Context.units_on does once per run.
    """
    holdings = (
        allocations
        if isinstance(allocations, Holdings)
        else prepare_allocations(allocations, teams)
    )
    holder = holdings.holder_on(holdings.codes(events[CHILD_ID]), events[date_column])
    result = events.reset_index(drop=True)
    for column in (WORKER_ID, TEAM_CODE, SERVICE_CODE):
        result[column] = holdings.holders[column].array.take(holder, allow_fill=True)
    return result


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


def _days(dates: pd.Series | np.ndarray) -> np.ndarray:
    """Dates as int64 nanoseconds (NaT as the smallest int64)."""
    return np.asarray(dates, dtype="datetime64[ns]").view("int64")


def earliest_on_or_after(
    child: np.ndarray,
    dates: pd.Series | np.ndarray,
    other_child: np.ndarray,
    other_dates: pd.Series | np.ndarray,
) -> np.ndarray:
    """For each (child code, date), the same child's earliest `other_dates` on or after
    the date (NaT when none, when the date is missing or the child unknown: -1). One
    binary search on integers: child code × width + the date's rank among the others."""
    result = np.full(len(child), np.datetime64("NaT"), dtype="datetime64[ns]")
    on, other = _days(dates), _days(other_dates)
    known = (other_child >= 0) & ~np.isnat(np.asarray(other_dates, dtype="datetime64[ns]"))
    wanted = (child >= 0) & ~np.isnat(np.asarray(dates, dtype="datetime64[ns]"))
    if not known.any() or not wanted.any():
        return result
    values = np.unique(other[known])
    width = len(values) + 1
    keys = np.sort(other_child[known] * width + np.searchsorted(values, other[known]))
    code = child[wanted]
    position = np.searchsorted(keys, code * width + np.searchsorted(values, on[wanted]))
    safe = np.minimum(position, len(keys) - 1)
    found = (position < len(keys)) & (keys[safe] // width == code)
    result[wanted] = np.where(found, values[keys[safe] % width], np.iinfo("int64").min).view(
        "datetime64[ns]"
    )
    return result


def latest_on_or_before(
    child: np.ndarray,
    dates: pd.Series | np.ndarray,
    other_child: np.ndarray,
    other_dates: pd.Series | np.ndarray,
) -> np.ndarray:
    """For each (child code, date), the row (position) of the same child's latest
    `other_dates` on or before the date (-1 when none, when the date is missing or the
    child unknown: -1); of rows with the same child and date, the last."""
    result = np.full(len(child), -1, dtype="int64")
    on, other = _days(dates), _days(other_dates)
    known = (other_child >= 0) & ~np.isnat(np.asarray(other_dates, dtype="datetime64[ns]"))
    wanted = (child >= 0) & ~np.isnat(np.asarray(dates, dtype="datetime64[ns]"))
    if not known.any() or not wanted.any():
        return result
    values = np.unique(other[known])
    width = len(values) + 1
    rows = np.flatnonzero(known)
    keys = other_child[rows] * width + np.searchsorted(values, other[rows], side="right")
    order = np.argsort(keys, kind="stable")
    keys, rows = keys[order], rows[order]
    code = child[wanted]
    wanted_keys = code * width + np.searchsorted(values, on[wanted], side="right")
    position = np.searchsorted(keys, wanted_keys, side="right") - 1
    safe = np.maximum(position, 0)
    found = (position >= 0) & (keys[safe] // width == code)
    result[wanted] = np.where(found, rows[safe], -1)
    return result
