"""Workforce: vacancies, turnover, sickness absence, agency workers and caseloads
(INDICATORS.md "Workforce": W1–W5; Resolved details 8, 10 and 26–29).

Every measure is judged once at each month end R and spread to the periods ending at R;
W2 and W3 look at the 12 months ending at R whatever the period's length. W1–W4 are
computed for the organisation, its services and its teams, W5 also for each
practitioner; never for the Unallocated bucket. A staff row counts for its own team, and
for that team's service (teams file); the organisation takes every row.

Staff rows' dates are inclusive: the end date is the worker's last day in that team (a
move ends the old row the day before the new one starts). **In post at R** (choice):
a row that started on or before R and has not ended before R, except a worker leaving
on R: a row ending on R is in post only when the worker carries on the next day (another
row of theirs covers R + 1 day, as after a move). This is Resolved detail 12 applied to
employment (what ends on R is not open at R), and DfE's rule that someone leaving on 30
September is a leaver, not in post; a move on R + 1 keeps the worker in post at R, in
the old team. "In post" FTE means employed (not agency) FTE; agency and case-holding FTE
use the same rule. Missing FTE counts as 0, a missing agency or case-holding flag as
"no".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coredata.indicators.inputs import CHILD_ID, SERVICE_CODE, TEAM_CODE, WORKER_ID
from coredata.indicators.periods import (
    add_months,
    month_end_of,
    month_index,
    open_at_reference_dates,
    working_days_between,
)
from coredata.indicators.registry import Context, register
from coredata.indicators.results import PCT, empty_results, share_rows
from coredata.indicators.units import ORGANISATION, PRACTITIONER, SERVICE, TEAM, UNIT_COLUMNS

WORKFORCE = "workforce"
DAY = pd.Timedelta(days=1)
WORKING_DAYS_A_YEAR = 253  # DfE's divisor (DATA-FORMATS.md §3.3), Resolved detail 28
AT_R = [*UNIT_COLUMNS, "reference_date"]


# --- staff at R -------------------------------------------------------------------------


def staff_rows(context: Context) -> pd.DataFrame:
    """The staff rows with a start date, flags filled in, and `until`: the first day the
    row is no longer in post (its end date + 1 day when the worker carries on the next
    day, its end date otherwise; NaT while open), for `open_at_reference_dates`."""
    staff = context.frame("staff")
    staff = staff[staff["start_date"].notna()].reset_index(drop=True)
    staff["fte"] = staff["fte"].fillna(0.0)
    staff["agency"] = staff["agency"].fillna(False).astype("bool")
    staff["case_holding"] = staff["case_holding"].fillna(False).astype("bool")
    staff["_row"] = np.arange(len(staff), dtype="int64")
    # Does another row of the same worker cover the day after this row's end?
    ended = staff["end_date"].notna() & staff[WORKER_ID].notna()
    ends = staff.loc[ended, [WORKER_ID, "_row", "end_date"]]
    others = staff[[WORKER_ID, "_row", "start_date", "end_date"]]
    pairs = ends.merge(others, on=WORKER_ID, suffixes=("", "_other"))
    next_day = pairs["end_date"] + DAY
    covers = (
        (pairs["_row"] != pairs["_row_other"])
        & (pairs["start_date"] <= next_day)
        & (pairs["end_date_other"].isna() | (pairs["end_date_other"] >= next_day))
    )
    carries_on = staff["_row"].isin(pairs.loc[covers, "_row"])
    staff["until"] = staff["end_date"].where(~carries_on, staff["end_date"] + DAY)
    return staff


def staff_at_reference_dates(context: Context, staff: pd.DataFrame) -> pd.DataFrame:
    """The staff rows in post at each R (a `reference_date` column)."""
    return open_at_reference_dates(staff, "start_date", "until", context.periods)


# --- units ------------------------------------------------------------------------------


def unit_codes(
    context: Context, rows: pd.DataFrame, *, practitioners: bool
) -> list[tuple[str, pd.Series | None]]:
    """(unit_type, each row's unit code) per unit type: the organisation (None: every
    row), the service of the row's team, its team and (when asked) its worker. A missing
    code means the row counts for no unit of that type."""
    teams = context.frame("teams").drop_duplicates(TEAM_CODE)
    service = rows[TEAM_CODE].map(teams.set_index(TEAM_CODE)[SERVICE_CODE]).astype("string")
    levels: list[tuple[str, pd.Series | None]] = [
        (ORGANISATION, None),
        (SERVICE, service),
        (TEAM, rows[TEAM_CODE]),
    ]
    if practitioners:
        levels.append((PRACTITIONER, rows[WORKER_ID]))
    return levels


def unit_rows(context: Context, rows: pd.DataFrame, *, practitioners: bool) -> pd.DataFrame:
    """Each row once for every unit it counts for: unit_type and unit_code added."""
    rows = rows.reset_index(drop=True)
    parts = []
    for unit_type, codes in unit_codes(context, rows, practitioners=practitioners):
        if codes is None:
            parts.append(rows.assign(unit_type=unit_type, unit_code=context.inputs.la_code))
        else:
            parts.append(rows[codes.notna()].assign(unit_type=unit_type, unit_code=codes))
    units = pd.concat(parts, ignore_index=True)
    return units.astype({"unit_type": "string", "unit_code": "string"})


def total_at_r(
    context: Context, rows: pd.DataFrame, value: str, *, practitioners: bool = False
) -> pd.DataFrame:
    """`value` summed per unit and R (AT_R + `value`), one unit type at a time."""
    rows = rows.reset_index(drop=True)
    parts = []
    for unit_type, codes in unit_codes(context, rows, practitioners=practitioners):
        if codes is None:
            codes = pd.Series(context.inputs.la_code, index=rows.index, dtype="string")
        keys = [codes.rename("unit_code"), rows["reference_date"]]
        sums = rows[value].groupby(keys, sort=False).sum()
        parts.append(sums.reset_index().assign(unit_type=unit_type))
    totals = pd.concat(parts, ignore_index=True)
    totals[value] = totals[value].astype("float64")
    return totals.astype({"unit_type": "string", "unit_code": "string"})[[*AT_R, value]]


def rows_at_r(
    context: Context,
    numerators: pd.DataFrame,
    denominators: pd.DataFrame,
    *,
    indicator: str,
    scale: float = PCT,
) -> pd.DataFrame:
    """Result rows from numerators and denominators judged at each R (AT_R + `numerator`
    / `denominator`), spread to the periods ending at R. A zero denominator gives no
    row; a missing numerator is 0."""
    return share_rows(
        context.at_reference_dates(numerators),
        context.at_reference_dates(denominators),
        indicator=indicator,
        scale=scale,
    )


def in_post_fte(context: Context, at_r: pd.DataFrame) -> pd.DataFrame:
    """Employed (not agency) FTE in post per unit at each R (AT_R + `fte`)."""
    return total_at_r(context, at_r[~at_r["agency"]], "fte")


def in_12_months_to(context: Context, events: pd.DataFrame, date_column: str) -> pd.DataFrame:
    """Each event once for every R whose 12 months (R − 12 months + 1 day to R, Resolved
    detail 10) contain its date. R is a month end: the month ends of the event's month
    and the 12 after it are the candidates, kept where the window holds the date (the
    13th only when month-end clipping reaches back: the 12 months ending 28 February
    2025 start on 29 February 2024). Adds `reference_date`."""
    events = events[events[date_column].notna()].reset_index(drop=True)
    if events.empty:
        return events.assign(reference_date=pd.Series(dtype="datetime64[ns]"))
    months = month_index(events[date_column]).to_numpy(dtype="int64")
    repeated = events.loc[events.index.repeat(13)].reset_index(drop=True)
    later = np.repeat(months, 13) + np.tile(np.arange(13, dtype="int64"), len(events))
    repeated["reference_date"] = month_end_of(later).to_numpy()
    window_start = add_months(repeated["reference_date"], -12) + DAY
    repeated = repeated[repeated[date_column] >= window_start]
    return repeated[repeated["reference_date"].isin(context.reference_dates)]


# --- the indicators ---------------------------------------------------------------------


@register("W1", "Vacancy rate", unit="pct", direction="lower_better", group=WORKFORCE)
def w1_vacancy_rate(context: Context) -> pd.DataFrame:
    """Vacant FTE at the period end R as a percentage of vacant FTE plus FTE in post at
    R (in post = employed, not agency). A team's vacancy at R is its latest vacancy
    record dated on or before R (a record stands until the next one; two on the same
    date: the later row of the file). A service's and the organisation's vacant FTE is
    the sum of their teams' and their FTE in post that of all their staff. Shown for the
    organisation, services and teams with a vacancy record on or before R (no vacancy
    data: no figure). A staff row ending on R is in post only if the worker carries on
    the next day (as after a move between teams)."""
    vacancies = context.frame("vacancies").dropna(subset=[TEAM_CODE, "date"])
    if vacancies.empty:
        return empty_results()
    grid = vacancies[[TEAM_CODE]].drop_duplicates()
    grid = grid.merge(pd.DataFrame({"reference_date": context.reference_dates}), how="cross")
    latest = pd.merge_asof(
        grid.sort_values("reference_date", kind="stable"),
        vacancies.sort_values("date", kind="stable"),
        left_on="reference_date",
        right_on="date",
        by=TEAM_CODE,
        direction="backward",
    )
    latest = latest[latest["date"].notna()].assign(vacant=latest["vacant_fte"].fillna(0.0))
    vacant = total_at_r(context, latest, "vacant")
    in_post = in_post_fte(context, staff_at_reference_dates(context, staff_rows(context)))
    both = vacant.merge(in_post, on=AT_R, how="left")
    both["denominator"] = both["vacant"] + both["fte"].fillna(0.0)
    return rows_at_r(context, both.rename(columns={"vacant": "numerator"}), both, indicator="W1")


def leavers(staff: pd.DataFrame) -> pd.DataFrame:
    """Each worker's last staff row (latest end date, an open row being latest; then
    latest start) when it has ended and is not an agency row: the worker left on its end
    date, with its FTE, from its team (Resolved detail 27). A move between teams is not
    leaving: the worker's last row is the new one."""
    ordered = staff.sort_values(
        [WORKER_ID, "end_date", "start_date"], na_position="last", kind="stable"
    )
    last = ordered.groupby(WORKER_ID, sort=False).tail(1)
    return last[last["end_date"].notna() & ~last["agency"]]


@register("W2", "Turnover rate", unit="pct", direction="lower_better", group=WORKFORCE)
def w2_turnover_rate(context: Context) -> pd.DataFrame:
    """FTE of employed (not agency) workers who left in the 12 months ending at the
    period end R (R − 12 months + 1 day to R, whatever the period's length), as a
    percentage of FTE in post at R (DfE's turnover rate). A leaver is a worker whose
    last staff row ends in those 12 months and has no later row: a move between teams
    (the old row ending the day before the new one starts) is not leaving, at any level;
    a worker who returns later (a later row, even after R) has not left; a worker whose
    last row is an agency one is not a leaver. The leaver's FTE is their last row's, and
    they count for that row's team. A worker leaving on R is a leaver and not in post at
    R."""
    staff = staff_rows(context)
    left = in_12_months_to(context, leavers(staff), "end_date")
    numerators = total_at_r(context, left, "fte").rename(columns={"fte": "numerator"})
    in_post = in_post_fte(context, staff_at_reference_dates(context, staff))
    denominators = in_post.rename(columns={"fte": "denominator"})
    return rows_at_r(context, numerators, denominators, indicator="W2")


def absences_by_r(context: Context, staff: pd.DataFrame) -> pd.DataFrame:
    """Each sickness absence of an employed worker, with the team of the employed (not
    agency) staff row covering its first day, once for every R whose 12 months it
    overlaps, with `days`: its working days lost pro rata to the working days of the
    absence inside those 12 months."""
    sickness = context.frame("sickness")
    known = sickness["start_date"].notna() & sickness[WORKER_ID].notna()
    sickness = sickness[known].reset_index(drop=True)
    sickness["end_date"] = sickness["end_date"].fillna(sickness["start_date"])
    sickness = sickness[sickness["end_date"] >= sickness["start_date"]]
    sickness["_absence"] = np.arange(len(sickness), dtype="int64")
    employed = staff.loc[~staff["agency"], [WORKER_ID, TEAM_CODE, "start_date", "end_date"]]
    employed = employed.rename(columns={"start_date": "_from", "end_date": "_to"})
    held = sickness.merge(employed, on=WORKER_ID)
    covering = (held["_from"] <= held["start_date"]) & (
        held["_to"].isna() | (held["_to"] >= held["start_date"])
    )
    held = held[covering].sort_values(["_absence", "_from"], kind="stable")
    held = held.drop_duplicates("_absence", keep="last").reset_index(drop=True)
    if held.empty:
        return held.assign(reference_date=pd.Series(dtype="datetime64[ns]"), days=0.0)
    first = month_index(held["start_date"]).to_numpy(dtype="int64")
    counts = month_index(held["end_date"]).to_numpy(dtype="int64") - first + 13
    repeated = held.loc[held.index.repeat(counts)].reset_index(drop=True)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    months = np.repeat(first, counts) + offsets
    repeated["reference_date"] = month_end_of(months).to_numpy()
    # The 12 months ending at R: R − 12 months + 1 day to R (Resolved detail 10; month-end
    # clipping makes the 12 months ending 28 February 2025 start on 29 February 2024).
    repeated["_window"] = add_months(repeated["reference_date"], -12) + DAY
    repeated = repeated[repeated["reference_date"].isin(context.reference_dates)]
    repeated = repeated[repeated["end_date"] >= repeated["_window"]]
    repeated = repeated.reset_index(drop=True)
    inside_from = repeated["start_date"].where(
        repeated["start_date"] >= repeated["_window"], repeated["_window"]
    )
    inside_to = repeated["end_date"].where(
        repeated["end_date"] <= repeated["reference_date"], repeated["reference_date"]
    )
    holidays = context.inputs.bank_holidays
    begin, end = repeated["start_date"], repeated["end_date"]
    total = working_days_between(begin - DAY, end, holidays).astype("float64")
    inside = working_days_between(inside_from - DAY, inside_to, holidays).astype("float64")
    calendar_share = ((inside_to - inside_from).dt.days + 1) / ((end - begin).dt.days + 1)
    share = (inside / total).where(total > 0, calendar_share)
    lost = repeated["working_days_lost"].astype("float64").fillna(total)
    repeated["days"] = (lost * share).astype("float64")
    return repeated


@register("W3", "Sickness absence rate", unit="pct", direction="lower_better", group=WORKFORCE)
def w3_sickness_absence_rate(context: Context) -> pd.DataFrame:
    """Working days lost to sickness in the 12 months ending at the period end R (R − 12
    months + 1 day to R, whatever the period's length), as a percentage of FTE in post
    at R × 253 working days (DfE's absence rate; the divisor is always 253). Only the
    sickness of employed (not agency) workers counts: an absence counts when an employed
    staff row of the worker covers its first day, and counts for that row's team, even
    if the worker has moved or left since. An absence crossing the edge of the 12 months
    counts in proportion to its working days (Monday to Friday, not bank holidays)
    inside them; one with no working days, in proportion to its calendar days; one with
    no end date, on its first day only; one with no days-lost figure, as its working
    days."""
    staff = staff_rows(context)
    absences = absences_by_r(context, staff)
    numerators = total_at_r(context, absences, "days").rename(columns={"days": "numerator"})
    in_post = in_post_fte(context, staff_at_reference_dates(context, staff))
    in_post["denominator"] = in_post["fte"] * WORKING_DAYS_A_YEAR
    return rows_at_r(context, numerators, in_post, indicator="W3")


@register("W4", "Agency rate", unit="pct", direction="lower_better", group=WORKFORCE)
def w4_agency_rate(context: Context) -> pd.DataFrame:
    """Agency FTE at the period end R as a percentage of agency FTE plus employed FTE in
    post at R (DfE's agency rate), for the organisation, services and teams (the team of
    each worker's staff row at R). A staff row ending on R counts only if the worker
    carries on the next day."""
    at_r = staff_at_reference_dates(context, staff_rows(context))
    agency = total_at_r(context, at_r[at_r["agency"]], "fte").rename(columns={"fte": "numerator"})
    everyone = total_at_r(context, at_r, "fte").rename(columns={"fte": "denominator"})
    return rows_at_r(context, agency, everyone, indicator="W4")


def children_at_r(context: Context) -> pd.DataFrame:
    """Children allocated at each R per unit, practitioners included (AT_R + numerator),
    each child once per unit.

    One child's allocations do not overlap (the importer refuses overlaps), so each child
    is held by at most one allocation at any R and the children per unit are tallies of
    allocations. These are counted without repeating allocations over months: an
    allocation is open at month end r when month(start) <= r < month(end + 1 day), so
    +1 at its start month and -1 at that end month, summed cumulatively per (worker,
    team). The children of any overlapping allocations are counted the slow way (each
    (allocation, R) pair, de-duplicated per unit), so the figures are exact either way.
    """
    allocations = held_allocations(context)
    # A child's allocations overlap when, in order of start, one starts before the
    # previous one's end (if none does, each ends before the next starts).
    child = context.child_codes("allocations")[allocations["_row"].to_numpy(dtype="int64")]
    begin = allocations["start_date"].to_numpy(dtype="datetime64[ns]").view("int64")
    until = allocations["until"].fillna(pd.Timestamp.max).to_numpy(dtype="datetime64[ns]")
    order = np.lexsort((begin, child))
    ordered, begin, stop = child[order], begin[order], until.view("int64")[order]
    clash = (ordered[1:] == ordered[:-1]) & (begin[1:] < stop[:-1])
    tangled = np.isin(child, ordered[1:][clash])
    parts = [_tally_children(context, allocations[~tangled])]
    if tangled.any():
        units = children_held_at_r(context, allocations[tangled])
        counts = units.groupby(AT_R, observed=True, sort=False).size()
        parts.append(counts.rename("numerator").astype("float64").reset_index())
    counted = pd.concat(parts, ignore_index=True)
    return counted.groupby(AT_R, observed=True, sort=False)["numerator"].sum().reset_index()


def held_allocations(context: Context) -> pd.DataFrame:
    """The allocations W5 counts (with a child and a start date), each with `until`: the
    day after its end (NaT while open), so that "open at R" (started on or before R, not
    ended before R) is periods.open_at_reference_dates on start_date and until, and
    `_row`: its position in Context.frame("allocations") (for the codes Context keeps)."""
    allocations = context.frame("allocations")
    allocations["_row"] = np.arange(len(allocations), dtype="int64")  # in frame("allocations")
    known = allocations["start_date"].notna() & allocations[CHILD_ID].notna()
    allocations = allocations[known].reset_index(drop=True)
    allocations["until"] = allocations["end_date"] + DAY
    opened = allocations["until"].isna() | (allocations["until"] > allocations["start_date"])
    return allocations[opened]


def children_held_at_r(context: Context, allocations: pd.DataFrame) -> pd.DataFrame:
    """Each allocation once for every R at which it holds its child and every unit it
    counts for (unit_rows, practitioners included), one row per child, unit and R: how
    children_at_r counts children whose allocations overlap, and the lists of children
    behind W5 (members.py)."""
    held = open_at_reference_dates(allocations, "start_date", "until", context.periods)
    units = unit_rows(context, held, practitioners=True)
    return units.drop_duplicates([*AT_R, CHILD_ID])


def _tally_children(context: Context, allocations: pd.DataFrame) -> pd.DataFrame:
    """Allocations open at each R per unit (AT_R + numerator), by cumulative sums of
    +1 at the start month and -1 at the month of the day after the end."""
    dates = context.reference_dates
    if allocations.empty or dates.empty:
        none = allocations[:0].assign(
            reference_date=pd.Series(dtype="datetime64[ns]"), numerator=pd.Series(dtype="float64")
        )
        return total_at_r(context, none, "numerator", practitioners=True)
    first = int(month_index(dates).min())
    months = int(month_index(dates).max()) - first + 1
    start = month_index(allocations["start_date"]).to_numpy(dtype="int64") - first
    stop = month_index(allocations["until"]).fillna(first + months).to_numpy(dtype="int64")
    start = np.maximum(start, 0)
    stop = np.minimum(stop - first, months)
    keep = stop > start
    # Each (worker, team) pair, <NA> included, numbered: Context.holdings' holders.
    holders = context.holdings.holders
    pairs = context.holdings.holder_of_row[allocations["_row"].to_numpy(dtype="int64")]
    pair = pairs[keep]
    width = months + 1
    size = (int(pairs.max()) + 1) * width
    changes = np.bincount(pair * width + start[keep], minlength=size) - np.bincount(
        pair * width + stop[keep], minlength=size
    )
    open_counts = changes.reshape(-1, width).cumsum(axis=1)[:, :months]
    which, month = np.nonzero(open_counts)
    tallies = holders.iloc[which][[WORKER_ID, TEAM_CODE]].reset_index(drop=True)
    tallies["reference_date"] = month_end_of(first + month).to_numpy()
    tallies["numerator"] = open_counts[which, month].astype("float64")
    return total_at_r(context, tallies, "numerator", practitioners=True)


@register("W5", "Average caseload", unit="ratio", direction="context", group=WORKFORCE)
def w5_average_caseload(context: Context) -> pd.DataFrame:
    """Children allocated at the period end R per case-holding FTE at R (DfE's
    caseload: the FTE includes agency case-holders), for the organisation, services,
    teams and each practitioner (their own allocated children / their own case-holding
    FTE). A child counts for the team, service and worker of their allocation at R
    (allocations' dates are inclusive, so one ending on R still holds the child at R),
    once per unit even if allocated twice in it; a team's FTE is that of the
    case-holding staff rows in the team at R. Practitioners are the workers with an
    allocation or a case-holding staff row; one with no case-holding FTE at R has no
    figure, one with FTE and no children has 0."""
    numerators = children_at_r(context)
    at_r = staff_at_reference_dates(context, staff_rows(context))
    fte = total_at_r(context, at_r[at_r["case_holding"]], "fte", practitioners=True)
    denominators = fte.rename(columns={"fte": "denominator"})
    return rows_at_r(context, numerators, denominators, indicator="W5", scale=1.0)
