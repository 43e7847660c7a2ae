"""The local CSV files a case management system exports (INDICATORS.md "Sources").

`parse_local_file(source, file_name=..., kind=None)` reads one of `teams.csv`,
`staff.csv`, `sickness.csv`, `vacancies.csv`, `allocations.csv`, `early_help.csv`,
`visits.csv` or `population.csv`. `kind` is the file's stem; when None it is told from
the header columns (the kind whose columns are all present, the largest such set
winning), falling back to the file name's stem.

The result holds one table named after the kind, with the documented columns:

- teams: team_code, team_name, service_code, service_name (all "string")
- staff: worker_id, name, team_code ("string"), fte (Float64), start_date, end_date
  (datetime64[ns]; end NaT = still in post), agency, case_holding (boolean)
- sickness: worker_id ("string"), start_date, end_date (datetime64[ns]),
  working_days_lost (Float64)
- vacancies: team_code ("string"), date (datetime64[ns]), vacant_fte (Float64)
- allocations: child_id, worker_id, team_code ("string"), start_date, end_date
  (datetime64[ns]; end NaT = open)
- early_help: child_id ("string"), start_date, end_date (datetime64[ns]; NaT = open)
- visits: child_id ("string"), visit_date (datetime64[ns]), seen, seen_alone (boolean;
  seen_alone may be <NA>)
- population: area_code ("string"), year, population_0_17 (Int64)

Rules: UTF-8 (a byte-order mark is allowed), a header row (row 1; data from row 2),
columns in any order and matched ignoring case and surrounding spaces. An unknown column
is a warning; a missing or repeated column an error. Dates are YYYY-MM-DD or DD/MM/YYYY,
flags Y/N, an empty end date is open. Per row (location "row N"): an invalid or missing
value, an end before its start, a negative or non-numeric FTE / vacant FTE / days lost,
an empty id are errors; an FTE above 1.5 is a warning. Across rows: one child's
allocations, or one worker's staff rows, must not share a day (an error naming both rows;
a hand-over ends on day d and the next row starts on d + 1); a repeated team code,
vacancy (team and date) or population year is an error; overlapping sickness absences
of one worker are a warning. A row with an error is left out of the table; fully blank
rows are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from ._csv import (
    RowChecker,
    Source,
    Span,
    clean,
    csv_rows,
    decode_utf8,
    frame,
    is_blank_row,
    overlapping_spans,
    read_bytes,
)
from .base import ParseResult, ProblemCollector

SUSPICIOUS_FTE = 1.5

STRING = "string"
DATE = "datetime64[ns]"
FLOAT = "Float64"
INT = "Int64"
BOOL = "boolean"


@dataclass(frozen=True)
class LocalFileSpec:
    kind: str
    schema: dict[str, str]  # every documented column (all required in the header)
    read_row: Callable[[RowChecker], dict[str, object]]


def _fte(row: RowChecker, field_name: str) -> float | None:
    value = row.decimal(field_name)
    if value is not None and value > SUSPICIOUS_FTE:
        row.warning(field_name, row.raw(field_name), f"an FTE above {SUSPICIOUS_FTE} is unlikely")
    return value


def _span(row: RowChecker) -> dict[str, object]:
    start = row.date("start_date")
    end = row.date("end_date", required=False)
    row.date_order("start_date", start, "end_date", end)
    return {"start_date": start, "end_date": end}


def _teams(row: RowChecker) -> dict[str, object]:
    record: dict[str, object] = {
        "team_code": row.text("team_code", required=True, what="team code"),
        "team_name": row.text("team_name", required=True, what="team name"),
        "service_code": row.text("service_code"),
        "service_name": row.text("service_name"),
    }
    if record["service_code"] is None:
        row.warning(
            "service_code", "", "the team has no service: it counts at organisation level only"
        )
    return record


def _staff(row: RowChecker) -> dict[str, object]:
    return {
        "worker_id": row.text("worker_id", required=True, what="worker id"),
        "name": row.text("name"),
        "team_code": row.text("team_code", required=True, what="team code"),
        "fte": _fte(row, "fte"),
        **_span(row),
        "agency": row.flag("agency"),
        "case_holding": row.flag("case_holding"),
    }


def _sickness(row: RowChecker) -> dict[str, object]:
    return {
        "worker_id": row.text("worker_id", required=True, what="worker id"),
        **_span(row),
        "working_days_lost": row.decimal("working_days_lost"),
    }


def _vacancies(row: RowChecker) -> dict[str, object]:
    return {
        "team_code": row.text("team_code", required=True, what="team code"),
        "date": row.date("date"),
        "vacant_fte": row.decimal("vacant_fte"),
    }


def _allocations(row: RowChecker) -> dict[str, object]:
    return {
        "child_id": row.text("child_id", required=True, what="child id"),
        "worker_id": row.text("worker_id", required=True, what="worker id"),
        "team_code": row.text("team_code", required=True, what="team code"),
        **_span(row),
    }


def _early_help(row: RowChecker) -> dict[str, object]:
    return {"child_id": row.text("child_id", required=True, what="child id"), **_span(row)}


def _visits(row: RowChecker) -> dict[str, object]:
    return {
        "child_id": row.text("child_id", required=True, what="child id"),
        "visit_date": row.date("visit_date"),
        "seen": row.flag("seen"),
        "seen_alone": row.flag("seen_alone", required=False),
    }


def _population(row: RowChecker) -> dict[str, object]:
    year = row.integer("year")
    if year is not None and not 1900 <= year <= 2099:
        row.error("year", str(year), "not a plausible year")
        year = None
    return {
        "area_code": row.text("area_code", required=True, what="area code"),
        "year": year,
        "population_0_17": row.integer("population_0_17", grouped=True),
    }


SPECS: dict[str, LocalFileSpec] = {
    spec.kind: spec
    for spec in [
        LocalFileSpec(
            "teams",
            {"team_code": STRING, "team_name": STRING, "service_code": STRING,
             "service_name": STRING},
            _teams,
        ),
        LocalFileSpec(
            "staff",
            {"worker_id": STRING, "name": STRING, "team_code": STRING, "fte": FLOAT,
             "start_date": DATE, "end_date": DATE, "agency": BOOL, "case_holding": BOOL},
            _staff,
        ),
        LocalFileSpec(
            "sickness",
            {"worker_id": STRING, "start_date": DATE, "end_date": DATE,
             "working_days_lost": FLOAT},
            _sickness,
        ),
        LocalFileSpec(
            "vacancies", {"team_code": STRING, "date": DATE, "vacant_fte": FLOAT}, _vacancies
        ),
        LocalFileSpec(
            "allocations",
            {"child_id": STRING, "worker_id": STRING, "team_code": STRING,
             "start_date": DATE, "end_date": DATE},
            _allocations,
        ),
        LocalFileSpec(
            "early_help", {"child_id": STRING, "start_date": DATE, "end_date": DATE}, _early_help
        ),
        LocalFileSpec(
            "visits",
            {"child_id": STRING, "visit_date": DATE, "seen": BOOL, "seen_alone": BOOL},
            _visits,
        ),
        LocalFileSpec(
            "population", {"area_code": STRING, "year": INT, "population_0_17": INT}, _population
        ),
    ]
}  # fmt: skip

LOCAL_FILE_KINDS = frozenset(SPECS)


def normalise_header(name: str) -> str:
    """`Child ID`, ` child_id ` and `CHILD-ID` all name the column `child_id`."""
    return re.sub(r"[\s\-]+", "_", clean(name).lower())


def detect_kind(header: list[str], file_name: str = "") -> str | None:
    """The local file kind whose columns the header holds, else the file name's stem."""
    columns = {normalise_header(cell) for cell in header}
    matches = [spec for spec in SPECS.values() if set(spec.schema) <= columns]
    if matches:
        return max(matches, key=lambda spec: len(spec.schema)).kind
    stem = normalise_header(PurePath(file_name).stem) if file_name else ""
    return stem if stem in SPECS else None


def parse_local_file(source: Source, *, file_name: str, kind: str | None = None) -> ParseResult:
    """Parse one local CSV file into a table named after its kind (see module docstring)."""
    if kind is not None and kind not in SPECS:
        raise ValueError(f"unknown local file kind {kind!r}; expected one of {sorted(SPECS)}")
    problems = ProblemCollector(file_name)
    result = ParseResult(kind=kind or "local", file_name=file_name)

    text = decode_utf8(read_bytes(source), problems)
    rows = csv_rows(text, problems) if text is not None else None
    if rows is None:
        result.problems = problems.problems
        return result
    header_index = next((i for i, row in enumerate(rows) if not is_blank_row(row)), None)
    if header_index is None:
        problems.error("row 1", "", "", "the file is empty: a header row is needed")
        result.problems = problems.problems
        return result
    header = rows[header_index]

    if kind is None:
        kind = detect_kind(header, file_name)
        if kind is None:
            problems.error(
                f"row {header_index + 1}",
                "",
                ",".join(clean(cell) for cell in header),
                "the header does not match any local file: "
                + "; ".join(f"{k}.csv: {', '.join(s.schema)}" for k, s in SPECS.items()),
            )
            result.problems = problems.problems
            return result
        result.kind = kind
    spec = SPECS[kind]

    positions = _read_header(spec, header, header_index + 1, problems)
    records: list[dict[str, object]] = []
    locations: list[str] = []
    if positions is not None:
        width = len(header)
        for index in range(header_index + 1, len(rows)):
            cells = rows[index]
            if is_blank_row(cells):
                continue
            location = f"row {index + 1}"
            if len(cells) > width and not is_blank_row(cells[width:]):
                problems.error(
                    location,
                    "",
                    ",".join(cells[width:]),
                    f"the row has {len(cells)} cells but the header has {width}",
                )
                continue
            checker = RowChecker(problems, location, _cell_getter(cells, positions))
            record = spec.read_row(checker)
            if checker.ok:
                records.append(record)
                locations.append(location)
        _check_across_rows(kind, records, locations, problems)

    result.tables[kind] = frame(records, spec.schema)
    result.problems = problems.problems
    return result


def _cell_getter(cells: list[str], positions: dict[str, int]) -> Callable[[str], str]:
    """A row's cell by column name; a short row's missing cells read as empty."""

    def get(name: str) -> str:
        position = positions[name]
        return cells[position] if position < len(cells) else ""

    return get


def _read_header(
    spec: LocalFileSpec, header: list[str], line: int, problems: ProblemCollector
) -> dict[str, int] | None:
    location = f"row {line}"
    positions: dict[str, int] = {}
    seen: set[str] = set()
    ok = True
    for position, cell in enumerate(header):
        name = normalise_header(cell)
        if not name:
            problems.warning(location, "", "", f"column {position + 1} has no name; ignored")
            continue
        if name in seen:
            problems.error(location, name, clean(cell), "the column appears more than once")
            ok = False
            continue
        seen.add(name)
        if name in spec.schema:
            positions[name] = position
        else:
            problems.warning(
                location, name, clean(cell), f"unknown column for {spec.kind}.csv; ignored"
            )
    for name in spec.schema:
        if name not in positions:
            problems.error(location, name, "", f"the required column {name} is missing")
            ok = False
    return positions if ok else None


def _check_across_rows(
    kind: str,
    records: list[dict[str, object]],
    locations: list[str],
    problems: ProblemCollector,
) -> None:
    if kind == "allocations":
        _no_overlaps(records, locations, problems, "child_id", "allocation", error=True)
    elif kind == "staff":
        _no_overlaps(records, locations, problems, "worker_id", "staff record", error=True)
    elif kind == "sickness":
        _no_overlaps(records, locations, problems, "worker_id", "absence", error=False)
    elif kind == "teams":
        _unique(records, locations, problems, ("team_code",), "team code")
    elif kind == "vacancies":
        _unique(records, locations, problems, ("team_code", "date"), "vacancy record")
    elif kind == "population":
        _unique(records, locations, problems, ("area_code", "year"), "population year")


def _no_overlaps(
    records: list[dict[str, object]],
    locations: list[str],
    problems: ProblemCollector,
    key: str,
    what: str,
    *,
    error: bool,
) -> None:
    spans = [
        Span(record[key], record["start_date"], record["end_date"], location)  # type: ignore[arg-type]
        for record, location in zip(records, locations, strict=True)
    ]
    report = problems.error if error else problems.warning
    for earlier, later in overlapping_spans(spans):
        report(
            later.location,
            key,
            str(later.key),
            f"this {what} overlaps the one on {earlier.location} "
            f"({earlier.start.isoformat()} to "
            f"{earlier.end.isoformat() if earlier.end else 'open'})"
            + ("; a hand-over ends on day d and the next starts on d + 1" if error else ""),
        )


def _unique(
    records: list[dict[str, object]],
    locations: list[str],
    problems: ProblemCollector,
    keys: tuple[str, ...],
    what: str,
) -> None:
    first: dict[tuple[object, ...], str] = {}
    for record, location in zip(records, locations, strict=True):
        value = tuple(record[k] for k in keys)
        if value in first:
            problems.error(
                location,
                ",".join(keys),
                ",".join(str(v) for v in value),
                f"the {what} repeats the one on {first[value]}",
            )
        else:
            first[value] = location
