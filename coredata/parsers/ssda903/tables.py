"""The SSDA903 tables: their columns, code lists and how each is told from its header."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from coredata import codes
from coredata.parsers.base import (
    EARLIEST_PLAUSIBLE_DATE,
)

KIND = "ssda903"
STACK_COLUMNS = ("LA", "YEAR")


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[str, ...]  # as in the return, in order
    kept: tuple[str, ...]  # the columns the output keeps, in order
    dates: frozenset[str] = frozenset()
    ints: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset({"CHILD"})
    codes: dict[str, frozenset[str]] = field(default_factory=dict)
    renames: dict[str, str] = field(default_factory=dict)

    def output_name(self, column: str) -> str:
        return self.renames.get(column, "child_id" if column == "CHILD" else column.lower())


_SEX = {"1": "M", "2": "F", "M": "M", "F": "F"}
_OC2_FLAGS = (
    "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT",
    "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED",
)  # fmt: skip
_EPISODE_COLUMNS = (
    "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
)  # fmt: skip


def _spec(
    name: str,
    columns: str,
    *,
    drop: str = "",
    dates: str = "",
    ints: frozenset[str] = frozenset(),
    required: str = "CHILD",
    code_lists: dict[str, frozenset[str]] | None = None,
    renames: dict[str, str] | None = None,
) -> TableSpec:
    cols = tuple(columns.split())
    dropped = set(drop.split())
    return TableSpec(
        name,
        cols,
        kept=tuple(c for c in cols if c not in dropped),
        dates=frozenset(dates.split()),
        ints=ints,
        required=frozenset(required.split()),
        codes=code_lists or {},
        renames=renames or {},
    )


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in [
        _spec(
            "header",
            "CHILD SEX DOB ETHNIC UPN MOTHER MC_DOB",
            drop="ETHNIC UPN MOTHER MC_DOB",
            dates="DOB",
            renames={"DOB": "birth_date"},
        ),
        _spec(
            "episodes",
            " ".join(_EPISODE_COLUMNS),
            drop="HOME_POST PL_POST",
            dates="DECOM DEC",
            required="CHILD DECOM RNE LS PLACE",
            code_lists={
                "RNE": codes.RNE_CODES,
                "LS": codes.LEGAL_STATUSES,
                "CIN": codes.CIN_CATEGORIES,
                "PLACE": codes.PLACEMENT_TYPES,
                "PLACE_PROVIDER": codes.PLACEMENT_PROVIDERS,
                "REC": codes.REASONS_EPISODE_CEASED,
                "REASON_PLACE_CHANGE": codes.REASONS_PLACE_CHANGE,
            },
        ),
        _spec("uasc", "CHILD SEX DOB DUC", dates="DOB DUC"),
        _spec(
            "oc2",
            "CHILD DOB SDQ_SCORE SDQ_REASON " + " ".join(_OC2_FLAGS),
            dates="DOB",
            ints=frozenset({"SDQ_SCORE", *_OC2_FLAGS}),
        ),
        _spec(
            "oc3",
            "CHILD DOB IN_TOUCH ACTIV ACCOM",
            dates="DOB",
            code_lists={"IN_TOUCH": codes.IN_TOUCH_CODES},
            renames={"DOB": "birth_date"},
        ),
        _spec(
            "ad1",
            "CHILD DOB DATE_INT DATE_MATCH FOSTER_CARE NB_ADOPTR SEX_ADOPTR LS_ADOPTR",
            dates="DOB DATE_INT DATE_MATCH",
            ints=frozenset({"FOSTER_CARE", "NB_ADOPTR"}),
        ),
        _spec(
            "placed_for_adoption",
            "CHILD DOB DATE_PLACED DATE_PLACED_CEASED REASON_PLACED_CEASED",
            dates="DOB DATE_PLACED DATE_PLACED_CEASED",
        ),
        _spec("reviews", "CHILD DOB REVIEW REVIEW_CODE", dates="DOB REVIEW"),
        _spec(
            "missing",
            "CHILD DOB MISSING MIS_START MIS_END",
            dates="DOB MIS_START MIS_END",
        ),
        _spec(
            "previous_permanence",
            "CHILD DOB PREV_PERM LA_PERM DATE_PERM",
            dates="DOB",
        ),
        _spec(
            "sw_episodes",
            "CHILD DOB SW_ID SW_DECOM SW_DEC SW_REASON",
            drop="DOB",
            dates="SW_DECOM SW_DEC",
        ),
        _spec("dolo", "CHILD DOB DOLO_START DOLO_END", dates="DOB DOLO_START DOLO_END"),
    ]
}
# Columns shared by several tables, which say nothing about which table a file is.
_COMMON = frozenset({"CHILD", "DOB", "SEX"})

_DMY = r"\d{1,2}/\d{1,2}/\d{4}"
_ISO = r"\d{4}-\d{1,2}-\d{1,2}"
_INT = r"[+-]?\d+"
_EARLIEST = pd.Timestamp(EARLIEST_PLAUSIBLE_DATE)
_LATEST = pd.Timestamp("2262-04-11")  # the last day datetime64[ns] holds


def detect_table(columns: list[str] | tuple[str, ...]) -> str | None:
    """The table whose columns best match these header names, or None if unclear."""
    found = {c.strip().upper() for c in columns} - set(STACK_COLUMNS)
    scores = []
    for spec in TABLES.values():
        if not (found & (set(spec.columns) - _COMMON)):
            continue
        wanted = set(spec.columns)
        scores.append((len(found & wanted) / len(found | wanted), spec.name))
    scores.sort(reverse=True)
    if not scores or (len(scores) > 1 and scores[0][0] == scores[1][0]):
        return None
    return scores[0][1]
