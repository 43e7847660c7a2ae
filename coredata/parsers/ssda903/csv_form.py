"""SSDA903 tables as CSV files (one table a file; stacked extracts with LA and YEAR)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import IO

import pandas as pd

from coredata.parsers.base import (
    ParseResult,
    ProblemCollector,
)
from coredata.parsers.ssda903.normalise import _check_episodes, _ints, _normalise, _text
from coredata.parsers.ssda903.tables import KIND, STACK_COLUMNS, TABLES, detect_table


def parse_ssda903_csv(
    source: str | Path | IO[bytes], *, file_name: str, table: str | None = None
) -> ParseResult:
    """Parse one SSDA903 CSV table (the table is detected from the header if not given)."""
    if table is not None and table not in TABLES:
        raise ValueError(f"unknown SSDA903 table {table!r}")
    result = ParseResult(kind=KIND, file_name=file_name)
    problems = ProblemCollector(file_name)
    result.problems = problems.problems

    rows = _read_csv_rows(source, problems)
    if rows is None:
        return result
    if not rows or not any(cell.strip() for cell in rows[0]):
        problems.error("row 1", "", "", "the file has no header row")
        return result
    names = [cell.strip().upper() for cell in rows[0]]
    name = table or detect_table(names)
    if name is None:
        problems.error("row 1", "", ",".join(names), "the columns match no SSDA903 table")
        return result
    spec = TABLES[name]

    for duplicate in sorted({n for n in names if n and names.count(n) > 1}):
        problems.error("row 1", duplicate, duplicate, "the column appears more than once")
    for number, cells in enumerate(rows[1:], start=2):
        # A row of another width means a broken line (a stray line break or delimiter):
        # its cells cannot be trusted to fall under the right columns.
        if any(cell.strip() for cell in cells) and len(cells) != len(names):
            problems.error(
                f"row {number}", "", "",
                f"the row has {len(cells)} cells where the header has {len(names)}",
            )  # fmt: skip
    known = set(spec.columns) | set(STACK_COLUMNS)
    for column in names:
        if column and column not in known:
            problems.warning("row 1", column, column, f"not a column of the {name} table; ignored")
        elif not column:
            problems.warning("row 1", "", "", "a column with no name; ignored")
    for column in spec.columns:
        if column in names:
            continue
        if column in spec.required:
            problems.error("row 1", column, "", f"required column missing from the {name} table")
        elif column in spec.kept:
            problems.warning("row 1", column, "", "column missing; read as empty")
    if result.errors:
        return result

    width = len(names)
    body = rows[1:]
    for number, row in enumerate(body, start=2):
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            problems.error(f"row {number}", "", "", f"{len(row)} values for {width} columns")
    if result.errors:
        return result
    frame = pd.DataFrame(
        [(row + [""] * width)[:width] for row in body],
        columns=[n if n else f"_unnamed{i}" for i, n in enumerate(names)],
        dtype=object,
    )
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    frame = frame[[c for c in names if c in known]]
    blank = frame.apply(lambda column: column.str.strip().eq(""), axis=0).all(axis=1)
    frame = frame[~blank].copy()
    for column in spec.columns:
        if column not in frame.columns:
            frame[column] = ""
    frame["_loc"] = "row " + frame.index.astype(str)

    stacked = "YEAR" in frame.columns
    out = _normalise(spec, frame, locate=_row_location, problems=problems)
    if name == "episodes":
        out["source_row"] = pd.array(frame.index, dtype="Int64")
    if "LA" in frame.columns:
        out["la"] = _text(frame["LA"])
    if stacked:
        year = _text(frame["YEAR"])
        for loc in frame.loc[year.isna(), "_loc"]:
            problems.error(loc, "YEAR", "", "missing")
        out["year"] = _ints(year, frame["_loc"], "YEAR", problems)
    if name == "episodes":
        _check_episodes(out, frame, problems, locate=_row_location, stacked=stacked)

    result.tables[name] = out.reset_index(drop=True)
    result.meta.update({"table": name, "stacked": stacked, "rows": len(out)})
    if stacked:
        result.meta["years"] = sorted(int(y) for y in out["year"].dropna().unique())
    return result


def _row_location(loc: str, _column: str) -> str:
    return loc


def _read_csv_rows(
    source: str | Path | IO[bytes], problems: ProblemCollector
) -> list[list[str]] | None:
    data = Path(source).read_bytes() if isinstance(source, str | Path) else source.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        problems.error(f"row {row}", "", "", "the file is not UTF-8 text")
        return None
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        problems.error("", "", "", f"not a readable CSV file ({exc})")
        return None
