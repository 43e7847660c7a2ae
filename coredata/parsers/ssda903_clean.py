"""Stitching stacked annual SSDA903 returns into one episode history per child.

A 903 return re-submits every episode open during its year, so stacking several years'
returns repeats episodes, and an episode left open in one return is closed, corrected or
replaced in a later one. `clean_stacked_episodes` resolves that; `overlapping_episodes`
finds what still overlaps (the importer reports each as an error).

Input and output are the parser's `episodes` table (coredata/parsers/ssda903.py) with a
`year` column and optionally `la`; a child is (`la`, `child_id`).
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

YearLabels = Literal["auto", "end", "start"]

# Attributes that make two episodes "the same episode" for RULE_3 (liia-tools adds PL_POST,
# which the parser does not keep; it is used when present).
_SAME_EPISODE = ("rne", "ls", "place", "place_provider", "urn", "pl_post")
_PLACEMENT_CHANGES = ("P", "B", "T", "U")
_OPEN = pd.Timestamp.max  # an open episode never ends


def clean_stacked_episodes(
    episodes: pd.DataFrame, *, year_labels: YearLabels = "auto"
) -> pd.DataFrame:
    """Episodes from stacked annual returns, de-duplicated and stitched per child.

    Rules, in the order applied (INDICATORS.md "What the engine must get right at the
    edges" and Resolved detail 2; liia-tools rules from DATA-FORMATS.md §3.4). "Older
    return" means a YEAR before the latest YEAR of the episode's LA.

    0. Rows without child_id, decom or year are dropped (the parser reports them).
    1. RULE_3A, same start: of the episodes of a child starting on the same day, the one
       from the latest return is kept (within one return: the one with the latest DEC,
       a recorded DEC before an open one, as the Social Finance demand model does).
    Then repeatedly, until nothing changes (each pass looks at a child's episodes in
    DECOM order, "next"/"previous" meaning the neighbouring episode):
    2. Deletions (the later return replaces the older one):
       RULE_3A: an open episode of an older return whose previous episode came from a
       later return is deleted; so is any episode of an older return that starts before
       the end of a previous episode from a later return (liia-tools only does this for
       open ones, which leaves overlaps). RULE_3: an open episode of an older return whose
       next episode, from a later return, has the same RNE, LS, PLACE, PLACE_PROVIDER and
       URN (and PL_POST if present) is the same episode re-dated, and is deleted (liia-tools
       also compares with the previous episode whatever its return; here that case is
       RULE_3A or is left to RULE_1).
    3. Closing open episodes that have a next episode, in any return:
       RULE_1A: next RNE is S (a new period of care): DEC = next DECOM - 1 day, REC = E99.
       INDICATORS.md wins over liia-tools, which takes min(31 March of YEAR, next DECOM -
       1 day). RULE_1 otherwise: DEC = next DECOM, REC = X1 (care continuous), and
       REASON_PLACE_CHANGE = LIIAF (reason unknown) if it is empty and the next RNE is P, B,
       T or U.
       RULE_2: an open episode of an older return with no next episode (so the child is in
       no later return, or one that omits this episode): DEC = 31 March of the return's
       year (not before DECOM), REC = E99.
    4. RULE_4: a closed episode ending after the next one starts: DEC = next DECOM, for
       any pair of returns (liia-tools: only when the episode's return is older; the demand
       model truncates every overlap). Overlaps within one return of a stacked extract are
       reported as warnings by the parser and cut here, so the output never overlaps.
       RULE_5 (liia-tools): an episode of an older return ending X1 before the next
       episode, from a later return, starts: DEC = next DECOM.

    The year a return's YEAR names: DfE's "2018 return" covers 1 April 2017 to 31 March
    2018 (YEAR is the year end, as in liia-tools). Some extracts (the cs-demand-model
    sample) label a return by its first year instead. `year_labels="auto"` decides by
    majority over the returns: if most hold an episode starting after 31 March of their
    YEAR, YEAR is the start year and RULE_2 closes on 31 March of YEAR + 1.

    Output: the same columns and dtypes, sorted by (la,) child_id, decom, fresh index.
    Cleaning is idempotent: the result is a fixed point of the rules.
    """
    if "year" not in episodes.columns:
        raise ValueError("stacked episodes need a year column")
    keys = ["la", "child_id"] if "la" in episodes.columns else ["child_id"]
    columns = list(episodes.columns)
    usable = episodes["child_id"].notna() & episodes["decom"].notna() & episodes["year"].notna()
    df = episodes[usable].sort_values(
        [*keys, "decom", "year", "dec"], na_position="first", kind="mergesort"
    )
    df = df.drop_duplicates([*keys, "decom"], keep="last").reset_index(drop=True)
    if df.empty:
        return df[columns]

    year_end = _year_end(df, year_labels)
    if "la" in df.columns:
        latest = df.groupby("la", dropna=False)["year"].transform("max")
    else:
        latest = pd.Series(df["year"].max(), index=df.index)
    df = df.assign(_latest=latest, _year_end=year_end)

    for _ in range(len(df) + 1):
        df, changed = _one_pass(df, keys)
        if not changed:
            break
    return df[columns].reset_index(drop=True)


def _one_pass(df: pd.DataFrame, keys: list[str]) -> tuple[pd.DataFrame, bool]:
    group = df.groupby(keys, dropna=False, sort=False).ngroup()
    has_prev = group.eq(group.shift(1))
    has_next = group.eq(group.shift(-1))
    year = df["year"]
    decom, dec = df["decom"], df["dec"]
    is_open = dec.isna()
    older = year.lt(df["_latest"])
    open_older = is_open & older

    prev_year = year.shift(1).where(has_prev)
    prev_covers = has_prev & (dec.shift(1).isna() | dec.shift(1).gt(decom))
    from_later = prev_year.gt(year).fillna(False).astype(bool)
    rule_3a = from_later & (open_older | prev_covers)

    next_year = year.shift(-1).where(has_next)
    same_as_next = pd.Series(True, index=df.index)
    for column in _SAME_EPISODE:
        if column in df.columns:
            values = df[column].astype("string").fillna("")
            same_as_next &= values.eq(values.shift(-1).fillna(""))
    rule_3 = open_older & has_next & next_year.gt(year).fillna(False).astype(bool) & same_as_next

    delete = rule_3a | rule_3
    if delete.any():
        return df[~delete].reset_index(drop=True), True

    next_decom = decom.shift(-1).where(has_next)
    next_rne = df["rne"].shift(-1).where(has_next)
    next_is_new_care = next_rne.eq("S").fillna(False).astype(bool)
    rule_1a = is_open & has_next & next_is_new_care
    rule_1 = is_open & has_next & ~next_is_new_care
    rule_2 = open_older & ~has_next
    overlaps_next = dec.gt(next_decom).fillna(False).astype(bool)
    rule_4 = ~is_open & has_next & overlaps_next
    rule_5 = (
        ~is_open
        & has_next
        & df["rec"].eq("X1").fillna(False).astype(bool)
        & next_year.gt(year).fillna(False).astype(bool)
        & dec.lt(next_decom).fillna(False).astype(bool)
    )
    if not (rule_1a | rule_1 | rule_2 | rule_4 | rule_5).any():
        return df, False

    df = df.copy()
    df.loc[rule_1a, "dec"] = next_decom[rule_1a] - pd.Timedelta(days=1)
    df.loc[rule_1a, "rec"] = "E99"
    df.loc[rule_1, "dec"] = next_decom[rule_1]
    df.loc[rule_1, "rec"] = "X1"
    unknown_reason = (
        rule_1
        & next_rne.isin(_PLACEMENT_CHANGES).fillna(False).astype(bool)
        & df["reason_place_change"].isna()
    )
    df.loc[unknown_reason, "reason_place_change"] = "LIIAF"
    year_end = df.loc[rule_2, "_year_end"]
    df.loc[rule_2, "dec"] = year_end.where(year_end.ge(decom[rule_2]), decom[rule_2])
    df.loc[rule_2, "rec"] = "E99"
    df.loc[rule_4 | rule_5, "dec"] = next_decom[rule_4 | rule_5]
    return df, True


def year_label_offset(episodes: pd.DataFrame) -> int:
    """1 when a stacked extract labels each return by its first year (2017 for April 2017
    to March 2018), 0 when by its ending year (DfE's and liia-tools' convention): most
    returns holding an episode that starts after 31 March of their YEAR means the former."""
    years = episodes["year"].astype("int64")
    return_keys = ["la", "year"] if "la" in episodes.columns else ["year"]
    late = (
        episodes["decom"]
        .gt(_march_31(years))
        .groupby([episodes[k] for k in return_keys], dropna=False)
        .any()
    )
    return 1 if late.sum() * 2 > len(late) else 0


def _year_end(df: pd.DataFrame, year_labels: YearLabels) -> pd.Series:
    """31 March ending each row's return year."""
    years = df["year"].astype("int64")
    offsets = {"start": 1, "end": 0}
    shift = year_label_offset(df) if year_labels == "auto" else offsets[year_labels]
    return _march_31(years + shift)


def _march_31(years: pd.Series) -> pd.Series:
    parts = pd.DataFrame({"year": years, "month": 3, "day": 31}, index=years.index)
    return pd.to_datetime(parts).astype("datetime64[ns]")


def episodes_overlap_mask(episodes: pd.DataFrame, *, by: list[str]) -> pd.Series:
    """True for each episode that starts before an earlier-starting episode of the same
    `by` group has ended (an open episode never ends; ending on the day the next starts is
    not an overlap). Of two episodes starting the same day, the second in row order is
    marked. Rows without a decom are never marked."""
    usable = episodes["decom"].notna() & episodes["child_id"].notna()
    df = episodes[usable]
    mask = pd.Series(False, index=episodes.index)
    if df.empty:
        return mask
    df = df.sort_values([*by, "decom"], kind="mergesort", na_position="first")
    group = df.groupby(by, dropna=False, sort=False).ngroup()
    ends = df["dec"].fillna(_OPEN)
    latest_end = ends.groupby(group).cummax()
    previous_end = latest_end.groupby(group).shift(1)
    mask[df.index] = df["decom"].lt(previous_end).fillna(False).astype(bool)
    return mask


def overlapping_episodes(episodes: pd.DataFrame) -> pd.DataFrame:
    """The episodes that start before an earlier episode of the same child has ended.

    A child is (`la`, `child_id`) when there is an `la` column. After
    `clean_stacked_episodes` this is empty unless the input broke its assumptions; the
    importer turns each row into an error (its `source_row` says where)."""
    by = ["la", "child_id"] if "la" in episodes.columns else ["child_id"]
    return episodes[episodes_overlap_mask(episodes, by=by)]
