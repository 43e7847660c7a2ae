"""Ofsted Annex A workbooks (DATA-FORMATS.md §1.3): allocations, early help and visits.

`parse_annex_a(source, file_name=...)` reads the workbook with openpyxl (read-only,
cached formula values). A sheet is taken as list N when its title starts "List N"
("List 6", "list_6 CIN", "List6 - Children in need"), otherwise when its header holds
the list's tell-tale column (e.g. "Date child was last seen" for list 6). The header row
is the first of the sheet's first 10 rows holding a child ID column; columns are matched
by pattern on the header text, ignoring case, spacing and punctuation (as liia-tools'
data map does), so "Child Unique ID", "Allocated Team", "Allocated Worker", "Date Child
Was Last Seen", "Date of the Last Statutory Visit", "Date of Last Social Work Visit",
"Assessment start date", "Assessment completion date" are found in any column.

Tables:

- allocations_snapshot: child_id, team_name, worker_name, list_name ("string"),
  source_row (Int64): one row per child row of lists 3-9 (team/worker <NA> when the cell
  is empty or "#N/A", with a warning).
- early_help: child_id ("string"), start_date, end_date (datetime64[ns]; NaT = open)
  from list 2's early help assessment start and completion dates.
- visits: child_id ("string"), visit_date (datetime64[ns]), seen (boolean, always True),
  seen_alone (boolean, from list 7's "Was the child seen alone?", else <NA>) from list 6
  "Date child was last seen", list 7 "Date of last statutory visit" and list 8 "Date of
  last social work visit"; one row per child and date.

Problems are located "sheet 'List 6' row N" (N as Excel numbers rows). A file that is
not an xlsx workbook, a workbook without any of lists 2-9, a list without a child ID
column, a row without a child ID, and a bad date are errors; a list missing its team,
worker or visit columns, an unallocated child and an unreadable "seen alone" are
warnings. Lists 1, 10 and 11 are not read.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException

from ._csv import CellError, RowChecker, Source, check_plausible, clean, frame, parse_date
from .base import ParseResult, ProblemCollector

KIND = "annex_a"
HEADER_SEARCH_ROWS = 10
# Formatted but empty rows can run to the sheet's end; this many in a row ends the list.
MAX_BLANK_RUN = 1000

ALLOCATIONS_SCHEMA = {
    "child_id": "string",
    "team_name": "string",
    "worker_name": "string",
    "list_name": "string",
    "source_row": "Int64",
}
EARLY_HELP_SCHEMA = {
    "child_id": "string",
    "start_date": "datetime64[ns]",
    "end_date": "datetime64[ns]",
}
VISITS_SCHEMA = {
    "child_id": "string",
    "visit_date": "datetime64[ns]",
    "seen": "boolean",
    "seen_alone": "boolean",
}

# Column patterns, searched in the normalised header text (see `normalise_header`).
CHILD_ID = re.compile(
    r"^(child('s)? )?unique (child )?(id|identifier)$|^child (id|identifier)$"
)  # fmt: skip
TEAM = re.compile(r"^allocated (social work )?team( name)?$")
WORKER = re.compile(r"^allocated (social )?worker( name)?$")
LAST_SEEN = re.compile(r"^date (the )?child (was )?last seen")
STATUTORY_VISIT = re.compile(r"^date of (the )?last statutory visit")
SOCIAL_WORK_VISIT = re.compile(r"^date of (the )?last social work(er)? visit")
SEEN_ALONE = re.compile(r"^(was )?(the )?child seen alone")
EH_START = re.compile(r"^(early help )?assessment start date$")
EH_END = re.compile(r"^(early help )?assessment (completion|completed|end) date$")

# A column only one list has, for sheets whose titles do not say which list they are.
SIGNATURES: dict[int, re.Pattern[str]] = {
    1: re.compile(r"^date of contact$"),
    2: re.compile(r"^organisation completing (the )?assessment$"),
    3: re.compile(r"^date of referral$"),
    4: re.compile(r"^continuous assessment start date$"),
    5: re.compile(r"section 47 enquiry start date$"),
    6: LAST_SEEN,
    7: STATUTORY_VISIT,
    8: SOCIAL_WORK_VISIT,
    9: re.compile(r"^la in touch$"),
    10: re.compile(r"^date of placement order$"),
    11: re.compile(r"^individual adopter identifier$"),
}
SHEET_TITLE = re.compile(r"^\s*list\s*[_\-.]?\s*(\d{1,2})(?!\d)", re.IGNORECASE)
ALLOCATION_LISTS = range(3, 10)
VISIT_COLUMNS = {6: LAST_SEEN, 7: STATUTORY_VISIT, 8: SOCIAL_WORK_VISIT}
# The names problems give fields when the sheet has no such column.
DEFAULT_LABELS = {
    "child": "Child Unique ID",
    "team": "Allocated Team",
    "worker": "Allocated Worker",
    "start": "Assessment start date",
    "end": "Assessment completion date",
    "visit": "Date of last visit",
    "alone": "Was the child seen alone?",
}
# What a cell holds when it has nothing: empty, or an Excel lookup's failure.
EMPTY_MARKERS = frozenset(["", "#n/a", "n/a", "na", "null", "-"])
_OPTION_PREFIX = re.compile(r"^[a-z]\)\s*", re.IGNORECASE)
_YES_NO = {"yes": True, "y": True, "no": False, "n": False}

Rows = Iterator[tuple[object, ...]]
T = TypeVar("T")


def normalise_header(value: object) -> str:
    """Header text lower-cased, punctuation dropped, spaces collapsed."""
    text = clean(value).lower().replace("’", "'")
    text = re.sub(r"\(y/n\)", " ", text)
    text = re.sub(r"[^\w'/]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and clean(value).lower() in EMPTY_MARKERS)


def _identifier(value: object) -> str | None:
    if _is_empty(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(value)


def _name(value: object) -> str | None:
    """A team or worker name with its spaces normalised (the sample uses U+00A0)."""
    return None if _is_empty(value) else re.sub(r"\s+", " ", clean(value))


def _date_cell(value: object) -> date:
    if isinstance(value, datetime):
        return check_plausible(value.date())
    if isinstance(value, date):
        return check_plausible(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A date typed into an unformatted cell arrives as Excel's day serial.
        if not 1 <= value < 2958466:
            raise CellError("not a date")
        return check_plausible(from_excel(value).date())
    if isinstance(value, str):
        return parse_date(value)
    raise CellError("not a date")


def _yes_no(value: object) -> bool | None:
    text = _OPTION_PREFIX.sub("", clean(value)).lower()
    if text not in _YES_NO:
        raise CellError("not yes or no; treated as unknown")
    return _YES_NO[text]


@dataclass
class _Sheet:
    title: str
    number: int
    header_row: int  # 1-based
    columns: dict[str, int]  # normalised header -> position
    headers: list[str]  # the header cells as written


def _find(columns: dict[str, int], pattern: re.Pattern[str]) -> int | None:
    for name, position in columns.items():
        if pattern.search(name):
            return position
    return None


def parse_annex_a(source: Source, *, file_name: str) -> ParseResult:
    """Parse an Annex A workbook into allocations_snapshot, early_help and visits."""
    problems = ProblemCollector(file_name)
    result = ParseResult(kind=KIND, file_name=file_name)
    allocations: list[dict[str, object]] = []
    early_help: list[dict[str, object]] = []
    visits: dict[tuple[str, date], dict[str, object]] = {}
    found: dict[int, str] = {}

    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    with warnings.catch_warnings():
        # openpyxl warns about spreadsheet features it drops (data validation, styles).
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        try:
            workbook = load_workbook(stream, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
            problems.error("file", "", "", f"not an xlsx workbook: {exc}")
            result.problems = problems.problems
            _empty_tables(result)
            return result
        try:
            for worksheet in workbook.worksheets:
                rows = worksheet.iter_rows(values_only=True)
                sheet = _read_header(worksheet.title, rows, problems)
                if sheet is None or sheet.number not in range(2, 10):
                    continue
                if sheet.number in found:
                    problems.warning(
                        f"sheet '{sheet.title}'",
                        "",
                        "",
                        f"list {sheet.number} was already read from sheet "
                        f"'{found[sheet.number]}'; this sheet is ignored",
                    )
                    continue
                found[sheet.number] = sheet.title
                _read_list(sheet, rows, problems, allocations, early_help, visits)
        finally:
            workbook.close()

    if not found:
        problems.error(
            "file", "", "", "no Annex A list 2-9 found (sheets titled 'List 2' ... 'List 9')"
        )
    result.meta["lists"] = {number: found[number] for number in sorted(found)}
    result.tables["allocations_snapshot"] = frame(allocations, ALLOCATIONS_SCHEMA)
    result.tables["early_help"] = frame(early_help, EARLY_HELP_SCHEMA)
    result.tables["visits"] = frame(list(visits.values()), VISITS_SCHEMA)
    result.problems = problems.problems
    return result


def _empty_tables(result: ParseResult) -> None:
    result.tables["allocations_snapshot"] = frame([], ALLOCATIONS_SCHEMA)
    result.tables["early_help"] = frame([], EARLY_HELP_SCHEMA)
    result.tables["visits"] = frame([], VISITS_SCHEMA)


def _read_header(title: str, rows: Rows, problems: ProblemCollector) -> _Sheet | None:
    """The sheet's list number and header, reading up to its header row from `rows`."""
    titled = SHEET_TITLE.match(title)
    for index in range(HEADER_SEARCH_ROWS):
        cells: Sequence[object] | None = next(rows, None)
        if cells is None:
            break
        names = [normalise_header(cell) for cell in cells]
        if not any(CHILD_ID.search(name) or SIGNATURES[11].search(name) for name in names):
            continue
        columns: dict[str, int] = {}
        for position, name in enumerate(names):
            if name and name not in columns:
                columns[name] = position
        number = int(titled.group(1)) if titled else None
        if number is None:
            number = next(
                (n for n, pattern in SIGNATURES.items() if _find(columns, pattern) is not None),
                None,
            )
        if number is None or not 1 <= number <= 11:
            return None
        sheet = _Sheet(title, number, index + 1, columns, [clean(c) for c in cells])
        if _find(columns, CHILD_ID) is None and number in range(2, 10):
            problems.error(
                f"sheet '{title}' row {index + 1}",
                "Child Unique ID",
                "",
                "the list has no child ID column; it is not read",
            )
            return None
        return sheet
    if titled and 2 <= int(titled.group(1)) <= 9:
        problems.error(
            f"sheet '{title}'",
            "Child Unique ID",
            "",
            f"no header row with a child ID column in the first {HEADER_SEARCH_ROWS} rows; "
            "the list is not read",
        )
    return None


def _read_list(
    sheet: _Sheet,
    rows: Rows,
    problems: ProblemCollector,
    allocations: list[dict[str, object]],
    early_help: list[dict[str, object]],
    visits: dict[tuple[str, date], dict[str, object]],
) -> None:
    number = sheet.number
    where = f"sheet '{sheet.title}'"
    child_col = _find(sheet.columns, CHILD_ID)
    if child_col is None:  # _read_header has reported it
        return
    wanted: dict[str, int | None] = {}
    if number in ALLOCATION_LISTS:
        wanted["team"] = _find(sheet.columns, TEAM)
        wanted["worker"] = _find(sheet.columns, WORKER)
        for column in ("team", "worker"):
            if wanted[column] is None:
                name = DEFAULT_LABELS[column]
                problems.warning(where, name, "", f"list {number} has no {name} column")
    if number == 2:
        wanted["start"] = _find(sheet.columns, EH_START)
        wanted["end"] = _find(sheet.columns, EH_END)
        if wanted["start"] is None:
            problems.error(
                where, "Assessment start date", "", "list 2 has no assessment start date column"
            )
            return
        if wanted["end"] is None:
            problems.warning(
                where,
                "Assessment completion date",
                "",
                "list 2 has no assessment completion date column; all early help is open",
            )
    if number in VISIT_COLUMNS:
        wanted["visit"] = _find(sheet.columns, VISIT_COLUMNS[number])
        if wanted["visit"] is None:
            problems.warning(where, "", "", f"list {number} has no last-visit date column")
    if number == 7:
        wanted["alone"] = _find(sheet.columns, SEEN_ALONE)

    def label(key: str) -> str:
        position = wanted.get(key) if key != "child" else child_col
        return sheet.headers[position] if position is not None else DEFAULT_LABELS[key]

    blank_run = 0
    for offset, cells in enumerate(rows):
        row_number = sheet.header_row + 1 + offset
        if all(_is_empty(cell) for cell in cells):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break
            continue
        blank_run = 0

        def get(key: str, cells: Sequence[object] = cells) -> object:
            position = child_col if key == "child" else wanted.get(key)
            if position is None or position >= len(cells):
                return None
            value = cells[position]
            return None if _is_empty(value) else value

        location = f"{where} row {row_number}"
        row = RowChecker(problems, location, get, label)
        child_id = _identifier(get("child"))
        if child_id is None:
            row.error("child", "", "the child ID is missing; the row is not read")
            continue

        if number in ALLOCATION_LISTS:
            team, worker = _name(get("team")), _name(get("worker"))
            has_columns = wanted["team"] is not None or wanted["worker"] is not None
            if team is None and worker is None and has_columns:
                position = wanted["team"]
                as_found = cells[position] if position is not None and position < len(cells) else ""
                row.warning("team", clean(as_found), "no allocated team or worker")
            allocations.append(
                {
                    "child_id": child_id,
                    "team_name": team,
                    "worker_name": worker,
                    "list_name": sheet.title,
                    "source_row": row_number,
                }
            )
        if number == 2:
            start = _checked(row, "start", _date_cell)
            end = _checked(row, "end", _date_cell)
            if start is None and row.ok and get("start") is None:
                row.error("start", "", "the assessment start date is missing")
            row.date_order("start", start, "end", end)
            if row.ok:
                early_help.append({"child_id": child_id, "start_date": start, "end_date": end})
        if wanted.get("visit") is not None:
            visit_date = _checked(row, "visit", _date_cell)
            if visit_date is not None:
                alone = _checked(row, "alone", _yes_no, level="warning") if number == 7 else None
                visit_key = (child_id, visit_date)
                known = visits.get(visit_key)
                if known is None:
                    visits[visit_key] = {
                        "child_id": child_id,
                        "visit_date": visit_date,
                        "seen": True,
                        "seen_alone": alone,
                    }
                elif known["seen_alone"] is None:
                    known["seen_alone"] = alone


def _checked(
    row: RowChecker, key: str, parser: Callable[[object], T], *, level: str = "error"
) -> T | None:
    """The parsed value of an optional cell, or None (reporting a bad one)."""
    value = row.raw(key)
    if value is None:
        return None
    try:
        return parser(value)
    except CellError as exc:
        if level == "error":
            row.error(key, clean(value), str(exc))
        else:
            row.warning(key, clean(value), str(exc))
        return None
