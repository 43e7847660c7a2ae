"""The children's social work workforce census (CSWW) XML (DATA-FORMATS.md §1.4).

`parse_workforce_census(source, file_name=...)` streams the file with lxml's iterparse
(each worker is dropped from memory once read) and a locked-down parser: no DTD loading,
no entity expansion, no network; a document with a DOCTYPE is refused outright.

Expected layout: `Message/Header/CollectionDetails` (Collection "CSWW", Year,
ReferenceDate, normally 30 September), `Message/Header/Source/LEA`,
`Message/LALevelVacancies` (NumberOfVacancies, NoAgencyFTE, NoAgencyHeadcount) and
repeating `Message/CSWWWorker`. Elements are matched by local name, so a namespaced file
reads the same.

Tables:

- workers: swe_no ("string"), agency (boolean), fte (Float64), role_start_date,
  role_end_date (datetime64[ns]), org_role ("string"), working_days_lost (Float64),
  cases_30 (Int64); one row per CSWWWorker.
- vacancies: reference_date (datetime64[ns]), vacancies_fte, agency_fte (Float64),
  agency_headcount (Int64); one row from LALevelVacancies.

meta: collection_year, reference_date, la_code.

Problems are located by element path, e.g. "/Message/CSWWWorker[3]/FTE". Errors: a
DOCTYPE, malformed XML, a root other than Message, a collection other than CSWW, no
reference date or year, a missing SWENo or AgencyWorker, a bad date, number or flag, a
negative FTE / days lost / caseload, a role ending before it starts. Warnings: an FTE
above 1.5, a repeated SWENo, a reference date not on 30 September, role dates after the
reference date, no LALevelVacancies. A worker with an error is left out of the table.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import date
from typing import Any

from lxml import etree

from ._csv import CellError, RowChecker, Source, clean, frame, parse_date
from .base import ParseResult, ProblemCollector

KIND = "workforce_census"
SUSPICIOUS_FTE = 1.5

WORKERS_SCHEMA = {
    "swe_no": "string",
    "agency": "boolean",
    "fte": "Float64",
    "role_start_date": "datetime64[ns]",
    "role_end_date": "datetime64[ns]",
    "org_role": "string",
    "working_days_lost": "Float64",
    "cases_30": "Int64",
}
VACANCIES_SCHEMA = {
    "reference_date": "datetime64[ns]",
    "vacancies_fte": "Float64",
    "agency_fte": "Float64",
    "agency_headcount": "Int64",
}
_BOOLEANS = {"1": True, "true": True, "0": False, "false": False}


class _Refused(Exception):
    """The document must not be read further (the problem is already recorded)."""


def _local(element: Any) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(element: Any) -> dict[str, str]:
    """The text of each child element by local name (the first of each)."""
    values: dict[str, str] = {}
    for child in element:
        name = _local(child)
        if name and name not in values:
            values[name] = clean(child.text)
    return values


def _agency(value: object) -> bool:
    text = clean(value).lower()
    if text not in _BOOLEANS:
        raise CellError("not a flag: write 0 or 1")
    return _BOOLEANS[text]


def _events(source: Source) -> Iterator[tuple[str, Any]]:
    if isinstance(source, bytes | bytearray):
        stream: Any = io.BytesIO(source)
    elif isinstance(source, str | os.PathLike):
        stream = os.fspath(source)
    else:
        stream = source
    return etree.iterparse(
        stream,
        events=("start", "end"),
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_workforce_census(source: Source, *, file_name: str) -> ParseResult:
    """Parse a CSWW XML return into workers and vacancies (see module docstring)."""
    problems = ProblemCollector(file_name)
    result = ParseResult(kind=KIND, file_name=file_name)
    header: dict[str, str] = {}
    vacancies: dict[str, str] | None = None
    workers: list[dict[str, object]] = []
    worker_paths: list[str] = []
    swe_seen: dict[str, str] = {}
    depth = 0
    worker_count = 0
    readable = True

    try:
        for event, element in _events(source):
            if event == "start":
                depth += 1
                if depth == 1:
                    _check_root(element, problems)
                continue
            depth -= 1
            if depth != 1:
                continue
            name = _local(element)
            if name == "Header":
                for part in element:
                    if _local(part) in ("CollectionDetails", "Source"):
                        header.update(_children(part))
            elif name == "LALevelVacancies":
                vacancies = _children(element)
            elif name == "CSWWWorker":
                worker_count += 1
                path = f"/Message/CSWWWorker[{worker_count}]"
                record = _read_worker(_children(element), path, problems, swe_seen)
                if record is not None:
                    workers.append(record)
                    worker_paths.append(path)
            # Free what has been read: the element and any siblings before it.
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except _Refused:
        readable = False
    except etree.XMLSyntaxError as exc:
        readable = False
        problems.error(
            f"line {exc.lineno}" if exc.lineno else "file", "", "", f"malformed XML: {exc.msg}"
        )

    if readable:
        reference = _read_header(header, problems, result)
        if reference is not None:
            _late_dates(workers, worker_paths, reference, problems)
        result.tables["vacancies"] = _read_vacancies(vacancies, reference, problems)
        result.tables["workers"] = frame(workers, WORKERS_SCHEMA)
    else:
        result.tables["vacancies"] = frame([], VACANCIES_SCHEMA)
        result.tables["workers"] = frame([], WORKERS_SCHEMA)
    result.meta["workers_in_file"] = worker_count
    result.problems = problems.problems
    return result


def _check_root(root: Any, problems: ProblemCollector) -> None:
    info = root.getroottree().docinfo
    if info.doctype:
        problems.error(
            "/",
            "DOCTYPE",
            info.doctype,
            "a document type declaration is not allowed (refused for safety)",
        )
        raise _Refused
    if _local(root) != "Message":
        problems.error(
            f"/{_local(root)}", "", "", "not a workforce census: the root element is not Message"
        )
        raise _Refused


def _read_worker(
    values: dict[str, str], path: str, problems: ProblemCollector, swe_seen: dict[str, str]
) -> dict[str, object] | None:
    row = RowChecker(problems, lambda field: f"{path}/{field}", values.get)
    swe_no = row.text("SWENo", required=True, what="social worker number")
    agency = row.parsed("AgencyWorker", _agency, required=True, what="flag")
    fte = row.decimal("FTE", required=False)
    if fte is not None and fte > SUSPICIOUS_FTE:
        row.warning("FTE", values.get("FTE"), f"an FTE above {SUSPICIOUS_FTE} is unlikely")
    start = row.date("RoleStartDate", required=False)
    end = row.date("RoleEndDate", required=False)
    row.date_order("RoleStartDate", start, "RoleEndDate", end)
    record: dict[str, object] = {
        "swe_no": swe_no,
        "agency": agency,
        "fte": fte,
        "role_start_date": start,
        "role_end_date": end,
        "org_role": row.text("OrgRole"),
        "working_days_lost": row.decimal("WorkingDaysLost", required=False),
        "cases_30": row.integer("Cases30", required=False),
    }
    if swe_no is not None:
        if swe_no in swe_seen:
            row.warning("SWENo", swe_no, f"the same worker is also at {swe_seen[swe_no]}")
        else:
            swe_seen[swe_no] = path
    return record if row.ok else None


def _read_header(
    header: dict[str, str], problems: ProblemCollector, result: ParseResult
) -> date | None:
    base = "/Message/Header/CollectionDetails"
    collection = header.get("Collection", "")
    if collection and collection.upper() != "CSWW":
        problems.error(
            f"{base}/Collection", "Collection", collection, "not a CSWW (workforce) return"
        )
    if lea := header.get("LEA"):
        result.meta["la_code"] = lea
    year: int | None = None
    if year_text := header.get("Year"):
        if year_text.isdigit() and 1990 <= int(year_text) <= 2099:
            year = int(year_text)
            result.meta["collection_year"] = year
        else:
            problems.error(f"{base}/Year", "Year", year_text, "not a year")
    reference: date | None = None
    if reference_text := header.get("ReferenceDate"):
        try:
            reference = parse_date(reference_text)
        except CellError as exc:
            problems.error(f"{base}/ReferenceDate", "ReferenceDate", reference_text, str(exc))
    if reference is None and year is not None:
        reference = date(year, 9, 30)
        if not header.get("ReferenceDate"):
            problems.warning(
                f"{base}/ReferenceDate",
                "ReferenceDate",
                "",
                f"no reference date; 30 September {year} is assumed",
            )
    elif reference is None and not header.get("ReferenceDate"):
        problems.error(
            f"{base}/ReferenceDate", "ReferenceDate", "", "the return has no reference date or year"
        )
    if reference is not None and (reference.month, reference.day) != (9, 30):
        problems.warning(
            f"{base}/ReferenceDate",
            "ReferenceDate",
            reference.isoformat(),
            "the census reference date is normally 30 September",
        )
    if reference is not None and year is not None and reference.year != year:
        problems.warning(
            f"{base}/Year", "Year", str(year), f"the reference date is in {reference.year}"
        )
    if reference is not None:
        result.meta["reference_date"] = reference
    return reference


def _late_dates(
    workers: list[dict[str, object]],
    paths: list[str],
    reference: date,
    problems: ProblemCollector,
) -> None:
    for record, path in zip(workers, paths, strict=True):
        for key, field in (("role_start_date", "RoleStartDate"), ("role_end_date", "RoleEndDate")):
            value = record[key]
            if isinstance(value, date) and value > reference:
                problems.warning(
                    f"{path}/{field}",
                    field,
                    value.isoformat(),
                    f"the date is after the census reference date ({reference.isoformat()})",
                )


def _read_vacancies(
    values: dict[str, str] | None, reference: date | None, problems: ProblemCollector
) -> Any:
    if values is None:
        problems.warning("/Message/LALevelVacancies", "", "", "the return has no vacancy figures")
        return frame([], VACANCIES_SCHEMA)
    row = RowChecker(problems, lambda field: f"/Message/LALevelVacancies/{field}", values.get)
    record: dict[str, object] = {
        "reference_date": reference,
        "vacancies_fte": row.decimal("NumberOfVacancies", required=False),
        "agency_fte": row.decimal("NoAgencyFTE", required=False),
        "agency_headcount": row.integer("NoAgencyHeadcount", required=False),
    }
    return frame([record] if row.ok else [], VACANCIES_SCHEMA)
