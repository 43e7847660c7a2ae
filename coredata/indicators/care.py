"""Periods of care and placements, from stitched SSDA903 episodes (whole columns).

- A **period of care** starts with an episode whose RNE is S (or a child's first
  episode) and runs to the DEC of its last episode (open while that has none). It is a
  **short-breaks-only** period when every episode in it has legal status V3 or V4; those
  never count as looked after (Resolved detail 14).
- A **placement** (INDICATORS.md O2) is a run of a child's episodes in which each episode
  after the first has RNE L, T or U and starts on the previous episode's DEC; an episode
  with RNE S, P or B, or one not starting on the previous DEC, starts a new placement.
"""

from __future__ import annotations

import pandas as pd

from coredata.indicators.inputs import CHILD_ID

SHORT_BREAKS = ("V3", "V4")
SAME_PLACEMENT_RNE = ("L", "T", "U")


def _ordered(episodes: pd.DataFrame) -> pd.DataFrame:
    ordered = episodes[episodes["decom"].notna()].sort_values([CHILD_ID, "decom"], kind="stable")
    return ordered.reset_index(drop=True)


def _same_child_as_previous(ordered: pd.DataFrame) -> pd.Series:
    """True where a row's child is the previous row's. (With the string dtype, comparing
    the first row to the missing one before it gives <NA>, not False: filled here, or
    the first child's rows would drop out of every grouping.)"""
    same = ordered[CHILD_ID].eq(ordered[CHILD_ID].shift())
    return same.fillna(False).astype(bool)


def _flag(values: pd.Series) -> pd.Series:
    return values.fillna(False).astype(bool)


def periods_of_care(episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per period of care: child_id, start, end (NaT while open), rec (the REC of
    its last episode), short_breaks (True when made only of V3/V4 episodes)."""
    ordered = _ordered(episodes)
    if ordered.empty:
        return pd.DataFrame(
            {
                CHILD_ID: pd.Series(dtype="string"),
                "start": pd.Series(dtype="datetime64[ns]"),
                "end": pd.Series(dtype="datetime64[ns]"),
                "rec": pd.Series(dtype="string"),
                "short_breaks": pd.Series(dtype="bool"),
            }
        )
    starts = ~_same_child_as_previous(ordered) | _flag(ordered["rne"].eq("S"))
    ordered["period"] = starts.cumsum()
    ordered["short"] = _flag(ordered["ls"].isin(SHORT_BREAKS))
    first_rows = ordered.groupby("period", sort=False).head(1).set_index("period")
    last_rows = ordered.groupby("period", sort=False).tail(1).set_index("period")
    periods = pd.DataFrame(
        {
            CHILD_ID: first_rows[CHILD_ID],
            "start": first_rows["decom"],
            # The last episode's DEC: NaT (still open) when the last episode has none.
            "end": last_rows["dec"],
            "rec": last_rows["rec"],
            "short_breaks": ordered.groupby("period", sort=False)["short"].all(),
        }
    )
    return periods.reset_index(drop=True)


def placements(episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per placement: child_id, start, end (NaT while open), period_start (the
    start of the period of care it belongs to), short_breaks (of that period)."""
    ordered = _ordered(episodes)
    if ordered.empty:
        return pd.DataFrame(
            {
                CHILD_ID: pd.Series(dtype="string"),
                "start": pd.Series(dtype="datetime64[ns]"),
                "end": pd.Series(dtype="datetime64[ns]"),
                "period_start": pd.Series(dtype="datetime64[ns]"),
                "short_breaks": pd.Series(dtype="bool"),
            }
        )
    same_child = _same_child_as_previous(ordered)
    continues = (
        same_child
        & _flag(ordered["rne"].isin(SAME_PLACEMENT_RNE))
        & _flag(ordered["decom"].eq(ordered["dec"].shift()))
    )
    period_starts = ~same_child | _flag(ordered["rne"].eq("S"))
    ordered["period"] = period_starts.cumsum()
    ordered["placement"] = (~continues).cumsum()
    ordered["short"] = _flag(ordered["ls"].isin(SHORT_BREAKS))
    ordered["period_start"] = ordered.groupby("period")["decom"].transform("first")
    ordered["period_short"] = ordered.groupby("period")["short"].transform("all")
    last_rows = ordered.groupby("placement", sort=False).tail(1).set_index("placement")
    first_rows = ordered.groupby("placement", sort=False).head(1).set_index("placement")
    result = pd.DataFrame(
        {
            CHILD_ID: first_rows[CHILD_ID],
            "start": first_rows["decom"],
            "end": last_rows["dec"],
            "period_start": first_rows["period_start"],
            "short_breaks": first_rows["period_short"],
        }
    )
    return result.reset_index(drop=True)
