"""Turning raw SSDA903 cells (from CSV or XML) into typed, checked columns."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from coredata.parsers.base import (
    ProblemCollector,
)
from coredata.parsers.ssda903.tables import (
    _DMY,
    _EARLIEST,
    _INT,
    _ISO,
    _LATEST,
    _SEX,
    TableSpec,
)
from coredata.parsers.ssda903_clean import episodes_overlap_mask

Locate = Callable[[str, str], str]


def _normalise(
    spec: TableSpec,
    raw: pd.DataFrame,
    *,
    locate: Locate,
    problems: ProblemCollector,
    skip: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """The output table from raw text columns (named as in the return), checking each."""
    locs = raw["_loc"]
    out = {}
    for column in spec.kept:
        if column in raw.columns:
            text = _text(raw[column])
        else:
            text = pd.Series(pd.NA, index=raw.index, dtype="string")
        check = column not in skip
        if check and column in spec.required:
            for loc in locs[text.isna()]:
                problems.error(locate(loc, column), column, "", "missing")
        if column in spec.dates:
            value = _dates(text, locs, column, problems, check, locate)
        elif column in spec.ints:
            value = _ints(text, locs, column, problems, check, locate)
        elif column == "SEX":
            value = _coded(text, locs, column, _SEX, problems, check, locate)
        elif column in spec.codes:
            allowed = {code: code for code in spec.codes[column]}
            value = _coded(text, locs, column, allowed, problems, check, locate)
        else:
            value = text
        out[spec.output_name(column)] = value
    return pd.DataFrame(out, index=raw.index)


def _text(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    return text.mask(text.eq(""))


def _dates(
    text: pd.Series,
    locs: pd.Series,
    column: str,
    problems: ProblemCollector,
    check: bool = True,
    locate: Locate = lambda loc, _col: loc,
) -> pd.Series:
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    early = pd.Series(False, index=text.index)
    for pattern, fmt in ((_DMY, "%d/%m/%Y"), (_ISO, "%Y-%m-%d")):
        shaped = text.str.fullmatch(pattern).fillna(False).astype(bool)
        if not shaped.any():
            continue
        found = pd.to_datetime(text[shaped], format=fmt, errors="coerce")
        too_early = found.lt(_EARLIEST)
        usable = found.notna() & ~too_early & found.le(_LATEST)
        parsed.loc[usable.index[usable]] = found[usable].astype("datetime64[ns]")
        early.loc[too_early.index[too_early]] = True
    bad = text.notna() & parsed.isna() & ~early
    if check:
        for loc, value in zip(locs[bad], text[bad], strict=True):
            problems.error(
                locate(loc, column), column, value, "not a date (DD/MM/YYYY or YYYY-MM-DD)"
            )
        for loc, value in zip(locs[early], text[early], strict=True):
            problems.error(locate(loc, column), column, value, "a date before 1900")
    return parsed


def _ints(
    text: pd.Series,
    locs: pd.Series,
    column: str,
    problems: ProblemCollector,
    check: bool = True,
    locate: Locate = lambda loc, _col: loc,
) -> pd.Series:
    good = text.str.fullmatch(_INT).fillna(False).astype(bool)
    bad = text.notna() & ~good
    if check:
        for loc, value in zip(locs[bad], text[bad], strict=True):
            problems.error(locate(loc, column), column, value, "not a whole number")
    return pd.to_numeric(text.where(good), errors="coerce").astype("Int64")


def _coded(
    text: pd.Series,
    locs: pd.Series,
    column: str,
    mapping: dict[str, str],
    problems: ProblemCollector,
    check: bool,
    locate: Locate,
) -> pd.Series:
    upper = text.str.upper()
    value = upper.map(mapping).astype("string")
    bad = text.notna() & value.isna()
    if check:
        for loc, raw in zip(locs[bad], text[bad], strict=True):
            problems.error(locate(loc, column), column, raw, f"not a valid {column} code")
    return value


def _check_episodes(
    episodes: pd.DataFrame,
    raw: pd.DataFrame,
    problems: ProblemCollector,
    *,
    locate: Locate,
    stacked: bool,
) -> None:
    """Checks across an episode's fields and across a child's episodes in one return.

    `raw` holds the text as found (columns as in the return, plus `_loc`), on the same
    index as `episodes`."""
    locs = raw["_loc"]
    ends_early = episodes["dec"].lt(episodes["decom"]).fillna(False).astype(bool)
    for loc, value in zip(locs[ends_early], raw.loc[ends_early, "DEC"], strict=True):
        problems.error(locate(loc, "DEC"), "DEC", value.strip(), "before the episode's DECOM")

    by = [c for c in ("la", "year") if c in episodes.columns] + ["child_id"]
    keyed = episodes[episodes["child_id"].notna() & episodes["decom"].notna()]
    same_start = [*by, "decom"]
    duplicate = keyed.duplicated(same_start, keep="first")
    first = (
        pd.Series(keyed.index, index=keyed.index)
        .groupby([keyed[c] for c in same_start], dropna=False)
        .transform("first")
    )
    for index in keyed.index[duplicate]:
        problems.error(
            locate(locs[index], "DECOM"),
            "DECOM",
            raw.loc[index, "DECOM"].strip(),
            "another episode of this child in this return starts the same day "
            f"({locate(locs[first[index]], 'DECOM')})",
        )
    overlap = episodes_overlap_mask(keyed[~duplicate], by=by)
    for index in overlap.index[overlap]:
        where, value = locate(locs[index], "DECOM"), raw.loc[index, "DECOM"].strip()
        if stacked:
            problems.warning(
                where,
                "DECOM",
                value,
                "starts before an earlier episode of this child in the same return ends; "
                "stitching the returns cuts the earlier one short",
            )
        else:
            problems.error(
                where,
                "DECOM",
                value,
                "starts before an earlier episode of this child in this return ends",
            )
