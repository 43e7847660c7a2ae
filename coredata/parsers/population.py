"""ONS MYE2 mid-year population estimates, persons by single year of age (DATA-FORMATS §1.5).

`parse_ons_mye2(source, file_name=..., area_code=None)` reads the CSV export of the MYE2
table: any preamble lines (ONS puts 7 above the table), then the header row, the first
whose cells begin `Code, Name, Geography`, then one row per geography with `All ages`,
`0` ... `90+`. Numbers may be quoted strings with thousands separators and spaces
(`"573,100"`, `" 57,690,323 "`). The children's population is the sum of ages 0 to 17.

The mid-year comes from the preamble ("Mid-2023", "mid 2023") or, failing that, the file
name ("..._mid2023_...", "mye23tablesew..."); without either the file is refused.

Table population: area_code, area_name, geography ("string"), year, population_0_17
(Int64); one row per geography, or only `area_code`'s row when given (an error when it
is not in the file; a warning when it is a district rather than an upper-tier area).

Problems are located "row N" (the file's row, preamble included). Errors: no header row,
a missing age column 0-17, a non-numeric or negative count, a repeated area code, no
mid-year. A derived 0-17 total column (e.g. "Total 0-17 (derived)") that disagrees with
the sum is a warning. Rows with no code are skipped (notes below the table).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath

from ._csv import (
    CellError,
    RowChecker,
    Source,
    clean,
    csv_rows,
    frame,
    is_blank_row,
    parse_integer,
    read_bytes,
)
from .base import ParseResult, ProblemCollector

KIND = "ons_mye2"
AGES = [str(age) for age in range(18)]
SCHEMA = {
    "area_code": "string",
    "area_name": "string",
    "geography": "string",
    "year": "Int64",
    "population_0_17": "Int64",
}
_MID_YEAR_TEXT = re.compile(r"\bmid[-\s]?(\d{4})\b", re.IGNORECASE)
_MID_YEAR_NAME = re.compile(r"mid[-_\s]?(\d{4})(?!\d)", re.IGNORECASE)
_MYE_SHORT_NAME = re.compile(r"mye(\d{2})(?!\d)", re.IGNORECASE)
_DERIVED_TOTAL = re.compile(r"^total\s*0\s*[-–to ]+\s*17\b", re.IGNORECASE)
_LOWER_TIER = ("non-metropolitan district",)


def _column_name(cell: str) -> str:
    name = clean(cell).lower()
    return re.sub(r"^age\s+", "", name)


def mid_year(preamble: list[list[str]], file_name: str) -> int | None:
    """The estimate's mid-year, from the text above the table or else the file name."""
    for row in preamble:
        for cell in row:
            if match := _MID_YEAR_TEXT.search(cell):
                return int(match.group(1))
    stem = PurePath(file_name).name
    if match := _MID_YEAR_NAME.search(stem):
        return int(match.group(1))
    if match := _MYE_SHORT_NAME.search(stem):
        return 2000 + int(match.group(1))
    return None


def parse_ons_mye2(source: Source, *, file_name: str, area_code: str | None = None) -> ParseResult:
    """Parse an ONS MYE2 CSV into the population table (see module docstring)."""
    problems = ProblemCollector(file_name)
    result = ParseResult(kind=KIND, file_name=file_name)
    result.tables["population"] = frame([], SCHEMA)
    data = read_bytes(source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # ONS exports from Excel are often Windows-1252; only the preamble has such text.
        text = data.decode("cp1252", errors="replace")
    rows = csv_rows(text, problems)
    if rows is None:
        result.problems = problems.problems
        return result

    header_index = next(
        (
            i
            for i, row in enumerate(rows)
            if [_column_name(c) for c in row[:3]] == ["code", "name", "geography"]
        ),
        None,
    )
    if header_index is None:
        problems.error(
            "row 1", "", "", "no header row beginning Code, Name, Geography: not an MYE2 table"
        )
        result.problems = problems.problems
        return result
    header_location = f"row {header_index + 1}"
    positions: dict[str, int] = {}
    for position, cell in enumerate(rows[header_index]):
        positions.setdefault(_column_name(cell), position)
    missing = [age for age in AGES if age not in positions]
    for age in missing:
        problems.error(header_location, age, "", f"the age {age} column is missing")
    derived = next(
        (i for i, c in enumerate(rows[header_index]) if _DERIVED_TOTAL.match(clean(c))), None
    )

    year = mid_year(rows[:header_index], file_name)
    if year is None:
        problems.error(
            header_location,
            "year",
            "",
            "the mid-year is not in the text above the table (e.g. 'Mid-2023') "
            "nor in the file name",
        )
    else:
        result.meta["mid_year"] = year
    if missing or year is None:
        result.problems = problems.problems
        return result

    wanted = clean(area_code).upper() if area_code else None
    records: list[dict[str, object]] = []
    first_row: dict[str, str] = {}
    matched = False
    for index in range(header_index + 1, len(rows)):
        cells = rows[index]
        code = clean(cells[0]) if cells else ""
        if is_blank_row(cells) or not code:
            continue
        if wanted is not None and code.upper() != wanted:
            continue
        matched = True
        location = f"row {index + 1}"

        def get(name: str, cells: list[str] = cells) -> str:
            position = derived if name == "derived" else positions.get(name)
            return cells[position] if position is not None and position < len(cells) else ""

        row = RowChecker(problems, location, get)
        counts = [row.integer(age, grouped=True) for age in AGES]
        if not row.ok:
            continue
        total = sum(c for c in counts if c is not None)
        if derived is not None and clean(get("derived")):
            _check_derived(problems, location, clean(rows[header_index][derived]), get, total)
        if code in first_row:
            problems.error(location, "Code", code, f"the area repeats row {first_row[code]}")
            continue
        first_row[code] = location.removeprefix("row ")
        records.append(
            {
                "area_code": code,
                "area_name": clean(get("name")) or None,
                "geography": clean(get("geography")) or None,
                "year": year,
                "population_0_17": total,
            }
        )
        geography = clean(get("geography")).lower()
        if wanted is not None and geography in _LOWER_TIER:
            problems.warning(
                location,
                "Geography",
                clean(get("geography")),
                "a district: children's services use the upper-tier (county or unitary) area",
            )

    if wanted is not None and not matched:
        problems.error("file", "Code", area_code, "the area code is not in the file")
    result.tables["population"] = frame(records, SCHEMA)
    result.problems = problems.problems
    return result


def _check_derived(
    problems: ProblemCollector,
    location: str,
    column: str,
    get: Callable[[str], str],
    total: int,
) -> None:
    """A stated 0-17 total (not used) must agree with the sum of the ages."""
    try:
        stated = parse_integer(get("derived"), grouped=True)
    except CellError as exc:
        problems.warning(location, column, clean(get("derived")), str(exc))
        return
    if stated != total:
        problems.warning(
            location, column, str(stated), f"differs from the sum of ages 0-17 ({total})"
        )
