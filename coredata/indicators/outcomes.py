"""Outcomes: placement stability, adoption and special guardianship, care leavers in
touch (INDICATORS.md "Outcomes": O2–O5; O1 re-referrals is in activity.py).

Every measure here counts children, each once per unit and period (Resolved detail 7).
O2 and O3 are stock measures judged at R and attributed to the allocation at R; O4 and
O5 are flow measures attributed on the ceasing date and on the birthday.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coredata.codes import ADOPTION_REASONS, SGO_REASONS
from coredata.indicators.inputs import CHILD_ID
from coredata.indicators.periods import add_months, month_index, open_at_reference_dates
from coredata.indicators.registry import Context, register
from coredata.indicators.results import KEYS, PCT, breakdown, empty_results
from coredata.indicators.tallies import (
    holders_table,
    judged_at_r,
    result_frame,
    spread,
    unit_links,
)

OUTCOMES = "outcomes"
CHILD_KEYS = [*KEYS, CHILD_ID]
EXCLUDED_IN_TOUCH = ("DIED", "RHOM")


def child_shares(
    context: Context,
    events: pd.DataFrame,
    date_column: str,
    indicator: str,
    flags: dict[str, str],
    next_column: str | None = None,
) -> pd.DataFrame:
    """Per unit and period containing the events' dates (each event attributed on its
    date), the share of children (each counted once) for whom each flag column is True:
    one set of rows per (breakdown text, flag column). A child with several events in a
    unit and period counts in a numerator if any of them is flagged; events without a
    child ID count nowhere. With `next_column` (the child's next event's date), an event
    counts only in the periods ending before that next event (its child's last there).

    On integers: each (event, period) pair (tallies.spread) goes to the event's units
    (tallies.unit_links), and the distinct (unit, period, child) triples are counted."""
    events = events.reset_index(drop=True)
    dates = events[date_column]
    month = month_index(dates).to_numpy(dtype="int64", na_value=0)
    row, period = spread(context, month, dates.to_numpy(dtype="datetime64[ns]"), None)
    n_periods = len(context.periods)
    if next_column is not None:
        later = events[next_column].to_numpy(dtype="datetime64[ns]")[row]
        period_end = context.periods["period_end"].to_numpy(dtype="datetime64[ns]")[period]
        last = np.isnat(later) | (later > period_end)
        row, period = row[last], period[last]
    holdings = context.holdings
    key, found = pd.factorize(holdings.holder_on(holdings.codes(events[CHILD_ID]), dates))
    unit_of_key, units = unit_links(context, holders_table(context, found))
    child, children = pd.factorize(events[CHILD_ID])
    unit = np.concatenate([unit_of_key_level[key[row]] for unit_of_key_level in unit_of_key])
    levels = len(unit_of_key)
    pairs, event = np.tile(period, levels), np.tile(row, levels)
    counted = (unit >= 0) & (child[event] >= 0)
    unit, pairs, event = unit[counted], pairs[counted], event[counted]
    once, which = np.unique(
        (unit * n_periods + pairs) * max(len(children), 1) + child[event], return_inverse=True
    )
    cell = once // max(len(children), 1)  # unit × n_periods + period
    size = len(units) * n_periods
    denominators = np.bincount(cell, minlength=size)
    chosen = np.flatnonzero(denominators)
    if len(chosen) == 0:
        return empty_results()
    parts = []
    for position, column in enumerate(flags.values()):
        flagged = np.zeros(len(once), dtype="int64")
        np.maximum.at(flagged, which, events[column].to_numpy(dtype="int64")[event])
        numerator = np.bincount(cell, weights=flagged, minlength=size)[chosen]
        denominator = denominators[chosen].astype("float64")
        parts.append(
            result_frame(
                context,
                units,
                chosen // n_periods,
                chosen % n_periods,
                indicator=indicator,
                labels=list(flags),
                label=np.full(len(chosen), position),
                numerator=numerator,
                denominator=denominator,
                value=numerator * PCT / denominator,
            )
        )
    return pd.concat(parts, ignore_index=True)


def within_periods(context: Context, events: pd.DataFrame, column: str) -> pd.DataFrame:
    """The events dated within the computed periods (the others count nowhere)."""
    periods = context.periods
    first, last = periods["period_start"].min(), periods["period_end"].max()
    return events[((events[column] >= first) & (events[column] <= last)).to_numpy(dtype="bool")]


def stock_shares(context: Context, stock: pd.DataFrame, indicator: str, flag: str) -> pd.DataFrame:
    """A stock judged once per child and R (CHILD_ID, reference_date, flag: unique per
    child and R, so each child counts once per unit) attributed to the allocation at R,
    counted per unit and R, and the counts spread to the periods ending on R."""
    units, sums = judged_at_r(
        context,
        context.holdings.codes(stock[CHILD_ID]),
        stock["reference_date"].to_numpy(dtype="datetime64[ns]"),
        {"denominator": np.ones(len(stock)), "numerator": stock[flag].to_numpy(dtype="float64")},
    )
    unit, period = np.nonzero(sums["denominator"] > 0)
    if len(unit) == 0:
        return empty_results()
    numerator = sums["numerator"][unit, period].astype("float64")
    denominator = sums["denominator"][unit, period].astype("float64")
    return result_frame(
        context,
        units,
        unit,
        period,
        indicator=indicator,
        labels=[""],
        label=np.zeros(len(unit), dtype="int64"),
        numerator=numerator,
        denominator=denominator,
        value=numerator * PCT / denominator,
    )


def birth_dates(context: Context, child_ids: pd.Series) -> pd.DataFrame:
    """CHILD_ID and birth_date of these children, one row each."""
    children = context.frame("children")
    children = children[children[CHILD_ID].isin(child_ids).to_numpy(dtype="bool")]
    return children.drop_duplicates(CHILD_ID)[[CHILD_ID, "birth_date"]]


def looked_after(context: Context) -> pd.DataFrame:
    """Children looked after at each R: a period of care (not short breaks only) started
    on or before R and not ended on or before R. Columns: CHILD_ID, reference_date,
    care_start (the start of the current period of care)."""
    care = context.care_periods
    care = care[~care["short_breaks"]]
    open_ = open_at_reference_dates(care, "start", "end", context.periods)
    rows = open_[[CHILD_ID, "reference_date", "start"]].rename(columns={"start": "care_start"})
    rows = rows.sort_values([CHILD_ID, "reference_date", "care_start"], kind="stable")
    return rows.drop_duplicates([CHILD_ID, "reference_date"], keep="last")


def care_placements(context: Context) -> pd.DataFrame:
    """Placements (care.placements) outside short-breaks-only periods of care."""
    found = context.care_placements
    return found.loc[~found["short_breaks"], [CHILD_ID, "start", "end"]]


@register("O2", "Three or more placements", unit="pct", direction="lower_better", group=OUTCOMES)
def o2_three_or_more_placements(context: Context) -> pd.DataFrame:
    """Of children looked after at the period's end R (a period of care open at R: started
    on or before R and not ended on or before R; care made only of short breaks, legal
    status V3/V4, excluded), the percentage with 3 or more separate placements during the
    12 months ending at R (R − 12 months + 1 day to R), whatever the period's length.

    A placement is a run of SSDA903 episodes in which each episode after the first has
    RNE L, T or U and starts on the previous episode's DEC; an episode with RNE S, P or B
    starts a new placement. A placement counts if it starts on or before R and ends on or
    after the first day of the 12 months (or is still open), so the placement the child
    was already in at the start counts, and so do placements from an earlier period of
    care within the 12 months. Choice: placements in an earlier short-breaks-only period
    of care do not count (that care is not being looked after). Each child counts once
    per unit, for the unit holding the child at R."""
    return stock_shares(context, o2_stock(context), "O2", "three_or_more")


def o2_stock(context: Context) -> pd.DataFrame:
    """O2's children: those looked after at each R (looked_after), each with
    `placements` (their placements overlapping the 12 months ending at R) and
    `three_or_more`. Also what the lists of children behind O2 are made of (members.py)."""
    stock = looked_after(context).reset_index(drop=True)
    placed = care_placements(context)
    # Each looked-after child at R with each of their placements, joined on integer codes.
    codes, _ = pd.factorize(pd.concat([stock[CHILD_ID], placed[CHILD_ID]], ignore_index=True))
    left = pd.DataFrame({"child": codes[: len(stock)], "row": np.arange(len(stock))})
    right = pd.DataFrame(
        {"child": codes[len(stock) :], "start": placed["start"].to_numpy(),
         "end": placed["end"].to_numpy()}
    )  # fmt: skip
    spans = left.merge(right, on="child", how="inner")
    ends = pd.Series(np.unique(stock["reference_date"].to_numpy()), dtype="datetime64[ns]")
    firsts = (add_months(ends, -12) + pd.Timedelta(days=1)).to_numpy()
    which = np.searchsorted(ends.to_numpy(), stock["reference_date"].to_numpy())
    rows = spans["row"].to_numpy()
    at, window_start = stock["reference_date"].to_numpy()[rows], firsts[which[rows]]
    overlaps = (spans["start"].to_numpy() <= at) & (
        spans["end"].isna().to_numpy() | (spans["end"].to_numpy() >= window_start)
    )
    counts = np.bincount(rows[overlaps], minlength=len(stock))
    stock["placements"] = counts.astype("int64")
    stock["three_or_more"] = counts >= 3
    return stock


@register(
    "O3", "Long-term placement stability", unit="pct", direction="higher_better", group=OUTCOMES
)
def o3_long_term_stability(context: Context) -> pd.DataFrame:
    """Of children looked after at the period's end R (care made only of short breaks
    excluded), aged under 16 at R and looked after continuously for at least 2 years 6
    months at R, the percentage whose current placement started at least 2 years before
    R. National figure at 31 March 2024: 68%.

    Age is in completed years: a child is 16 on their 16th birthday, so a child whose
    16th birthday is R is not included. A child with no recorded date of birth is left
    out of this measure only. "Continuously" is the current period of care (a new period,
    RNE S, restarts the clock): included when its start + 30 months is on or before R.
    The current placement (a run of episodes as in O2) is the one open at R; it qualifies
    when its start + 24 months is on or before R. Month arithmetic clips to month ends
    (31 August + 6 months = 28/29 February; a 29 February birthday falls on 28 February
    in other years). Choice: DfE's allowance for a child placed for adoption (adoptive
    placement added to the previous one) is not applied. Each child counts once per
    unit, for the unit holding the child at R."""
    return stock_shares(context, o3_stock(context), "O3", "stable")


def o3_stock(context: Context) -> pd.DataFrame:
    """O3's children at each R (CHILD_ID, reference_date), each with `stable`. Also what
    the lists of children behind O3 are made of (members.py)."""
    # Each period of care counts at the R from its start + 30 months, while it is open
    # and before the child's 16th birthday: an interval "open at R" like any other.
    care = context.care_periods
    care = care[~care["short_breaks"]]
    care = care.merge(birth_dates(context, care[CHILD_ID]), on=CHILD_ID, how="inner")
    care = care[care["birth_date"].notna()]
    sixteenth = add_months(care["birth_date"], 16 * 12)
    care = care.assign(
        counted_from=add_months(care["start"], 30),
        counted_until=sixteenth.where(care["end"].isna() | (care["end"] > sixteenth), care["end"]),
    )
    counted = open_at_reference_dates(care, "counted_from", "counted_until", context.periods)
    stock = counted[[CHILD_ID, "reference_date"]].drop_duplicates()
    # Likewise each placement is stable at the R from its start + 24 months while open.
    placed = care_placements(context)
    placed = placed.assign(stable_from=add_months(placed["start"], 24))
    stable = open_at_reference_dates(placed, "stable_from", "end", context.periods)
    stable = stable[[CHILD_ID, "reference_date"]].drop_duplicates().assign(stable=True)
    stock = stock.merge(stable, on=[CHILD_ID, "reference_date"], how="left")
    stock["stable"] = stock["stable"].notna().to_numpy(dtype="bool")
    return stock


def ceasings(context: Context) -> pd.DataFrame:
    """Each ended period of care that is not short breaks only: CHILD_ID, end (its last
    episode's DEC) and rec (that episode's REC), from care.periods_of_care."""
    care = context.care_periods
    ended = care[~care["short_breaks"] & care["end"].notna()]
    return ended[[CHILD_ID, "end", "rec"]].reset_index(drop=True)


@register(
    "O4", "Adoption and special guardianship", unit="pct", direction="context", group=OUTCOMES
)
def o4_adoption_and_sgo(context: Context) -> pd.DataFrame:
    """Of children who ceased to be looked after in the period (a period of care whose
    last episode's DEC falls in it; care made only of short breaks, legal status V3/V4,
    excluded), the percentage whose care ended with adoption (REC E11 or E12; breakdown
    `route=adoption`) and with a special guardianship order (REC E43–E48; `route=sgo`).

    A child who ceased more than once in the period counts once, on the last occasion in
    the period: a child ceasing in two quarters counts once in each quarter and once in
    the year. The child is attributed to the unit holding them on that last ceasing
    date."""
    ended = ceasings(context)
    ended = ended.sort_values([CHILD_ID, "end"], kind="stable").reset_index(drop=True)
    # The child's next ceasing: this one is the last in a period unless that falls in it.
    same_child = ended[CHILD_ID].eq(ended[CHILD_ID].shift(-1)).fillna(False)
    ended["next_end"] = ended["end"].shift(-1).where(same_child.to_numpy(dtype="bool"))
    ended["adoption"] = ended["rec"].isin(ADOPTION_REASONS).fillna(False).astype("bool")
    ended["sgo"] = ended["rec"].isin(SGO_REASONS).fillna(False).astype("bool")
    ended = within_periods(context, ended, "end")
    flags = {breakdown(("route", "adoption")): "adoption", breakdown(("route", "sgo")): "sgo"}
    return child_shares(context, ended, "end", "O4", flags, next_column="next_end")


def birthdays(birth: pd.Series, collection_year: pd.Series) -> pd.Series:
    """Each birthday within the collection year ending 31 March `collection_year` (from
    1 April of the year before); a 29 February birthday falls on 28 February in a year
    that is not a leap year."""
    month = birth.dt.month.to_numpy(dtype="int64")
    day = birth.dt.day.to_numpy(dtype="int64")
    year = collection_year.to_numpy(dtype="int64") - (month >= 4)
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    day = np.where((month == 2) & (day == 29) & ~leap, 28, day)
    parts = pd.DataFrame({"year": year, "month": month, "day": day}, index=birth.index)
    return pd.to_datetime(parts).astype("datetime64[ns]")


@register("O5", "Care leavers in touch", unit="pct", direction="higher_better", group=OUTCOMES)
def o5_care_leavers_in_touch(context: Context) -> pd.DataFrame:
    """Of care leavers with an OC3 record (the SSDA903 return on their 17th to 21st
    birthdays) dated in the period, the percentage the authority was in touch with
    (IN_TOUCH = YES). Records with IN_TOUCH DIED (the young person has died) or RHOM
    (returned home) are left out; every other answer (NO, REFU, NREQ), or none, counts
    as not in touch.

    An OC3 record is dated on the young person's birthday within its collection year
    (1 April to 31 March of the return), and attributed to the unit holding them on that
    birthday. Choice: a record whose young person has no recorded date of birth cannot
    be dated and is left out. Each young person counts once per unit and period."""
    leavers = context.frame("care_leavers")
    records = leavers.merge(birth_dates(context, leavers[CHILD_ID]), on=CHILD_ID, how="inner")
    records = records[records["birth_date"].notna() & records["collection_year"].notna()]
    answer = records["in_touch"].str.strip().str.upper()
    records = records[~answer.isin(EXCLUDED_IN_TOUCH).fillna(False).to_numpy(dtype="bool")]
    records = records.assign(
        birthday=birthdays(records["birth_date"], records["collection_year"]),
        in_touch_yes=answer.loc[records.index].eq("YES").fillna(False).to_numpy(dtype="bool"),
    )
    records = within_periods(context, records, "birthday")
    return child_shares(context, records, "birthday", "O5", {"": "in_touch_yes"})
