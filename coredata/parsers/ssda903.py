"""SSDA903 (children looked after) parser: the CSV tables and the XML form.

`parse_ssda903_csv` reads one CSV table, `parse_ssda903_xml` one XML return; both return a
`ParseResult` of kind "ssda903" whose tables are:

* header: child_id, sex (M/F, from the return's 1/2), birth_date
* episodes: child_id, decom, rne, ls, cin, place, place_provider, dec, rec,
  reason_place_change, urn, source_row (the CSV row; <NA> for XML)
* uasc: child_id, sex, dob, duc
* oc2: child_id, dob, sdq_score, sdq_reason, convicted, health_check, immunisations,
  teeth_check, health_assessment, substance_misuse, intervention_received,
  intervention_offered (the scores and 0/1 flags Int64)
* oc3: child_id, birth_date, in_touch, activ, accom
* ad1: child_id, dob, date_int, date_match, foster_care, nb_adoptr, sex_adoptr, ls_adoptr
* placed_for_adoption: child_id, dob, date_placed, date_placed_ceased, reason_placed_ceased
* reviews: child_id, dob, review, review_code
* missing: child_id, dob, missing, mis_start, mis_end
* previous_permanence: child_id, dob, prev_perm, la_perm, date_perm (kept as text: the
  return allows partly unknown dates such as "zz/zz/2010")
* sw_episodes: child_id, sw_id, sw_decom, sw_dec, sw_reason
* dolo: child_id, dob, dolo_start, dolo_end

Stacked multi-year extracts add `la` (string) and `year` (Int64). Dates are
datetime64[ns], counts and flags Int64, everything else "string"; empty cells are
<NA>/NaT. UPN, ethnicity, mother and postcode columns are read but not kept.

Checks (errors stop the import, warnings do not): unreadable file or unknown table;
a missing required column; a missing CHILD anywhere, or DECOM/RNE/LS/PLACE in an episode;
a date that is not DD/MM/YYYY or YYYY-MM-DD, or is before 1900; a code outside the DfE
lists (RNE, LS, CIN, PLACE, PLACE_PROVIDER, REC, REASON_PLACE_CHANGE, SEX, IN_TOUCH); an
episode ending before it starts; within one return, two episodes of a child starting on
the same date, or one starting before an earlier one has ended (an open episode never
ends). In a stacked extract (YEAR column) the overlap check runs within each LA and YEAR
and gives warnings, because `ssda903_clean.clean_stacked_episodes` resolves overlaps.
Unknown columns and XML elements are warnings, one per name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pandas as pd
from lxml import etree

from coredata import codes
from coredata.parsers import _xml
from coredata.parsers.base import (
    EARLIEST_PLAUSIBLE_DATE,
    ParseResult,
    ProblemCollector,
)
from coredata.parsers.ssda903_clean import episodes_overlap_mask

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


# --------------------------------------------------------------------------- CSV


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


# --------------------------------------------------------------------------- XML

_XML_ROOT = "EXPSSDA903"
# Tags of the XML form by CSV column, where they differ.
_XML_TAGS = {"PLACE": "PL", "CHILD": "CHILDID"}
_HEADER_FIELDS = frozenset(
    [
        "CHILDID",
        "UPN",
        "SEX",
        "DOB",
        "ETHNIC",
        "UASC",
        "DUC",
        "MOTHER",
        "MC_DOB",
        "IN_TOUCH",
        "ACTIV",
        "ACCOM",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
    ]
)
# Repeating (or single) groups inside HEADER, and the table each fills.
_HEADER_GROUPS = {
    "AREVIEW": "reviews",
    "AMISSING": "missing",
    "AD_PLACED": "placed_for_adoption",
    "PERMANENCE": "previous_permanence",
    "OC2": "oc2",
}
# Tables made of HEADER fields, present for a child when any of these has a value.
_HEADER_TABLES = {
    "uasc": ("DUC",),
    "oc3": ("IN_TOUCH", "ACTIV", "ACCOM"),
    "ad1": ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
}
_EPISODE_FIELDS = frozenset(_XML_TAGS.get(c, c) for c in _EPISODE_COLUMNS if c != "CHILD")


def parse_ssda903_xml(source: str | Path | IO[bytes], *, file_name: str) -> ParseResult:
    """Parse an SSDA903 XML return (EXPSSDA903/CHILD/{HEADER, EPISODE}), streaming.

    The parser loads no DTD, expands no entities and opens no network connection; a
    document declaring a DOCTYPE or ENTITY is refused unread (coredata/parsers/_xml.py).
    """
    result = ParseResult(kind=KIND, file_name=file_name)
    problems = ProblemCollector(file_name)
    result.problems = problems.problems
    records: dict[str, list[dict[str, str]]] = {name: [] for name in TABLES}
    unknown: set[str] = set()
    children = 0
    try:
        with _xml.open_checked(source) as stream:
            depth = 0
            for event, element in etree.iterparse(
                stream,
                events=("start", "end"),
                resolve_entities=False,
                load_dtd=False,
                dtd_validation=False,
                no_network=True,
                huge_tree=False,
                remove_comments=True,
                remove_pis=True,
            ):
                if event == "start":
                    depth += 1
                    if depth == 1:
                        docinfo = element.getroottree().docinfo
                        if docinfo.doctype or docinfo.internalDTD is not None:
                            raise _xml.DoctypeRefused
                        if _xml.local_name(element) != _XML_ROOT:
                            root = _xml.local_name(element)
                            problems.error(f"/{root}", root, "", f"the root is not {_XML_ROOT}")
                            return result
                    continue
                depth -= 1
                if depth != 1:
                    continue
                tag = _xml.local_name(element)
                if tag == "CHILD":
                    children += 1
                    where = f"/{_XML_ROOT}/CHILD[{children}]"
                    _read_child(element, where, records, problems, unknown)
                elif tag not in unknown:
                    unknown.add(tag)
                    problems.warning(f"/{_XML_ROOT}/{tag}", tag, "", "unknown element; ignored")
                _xml.release(element)
    except _xml.DoctypeRefused:
        problems.error("/", "DOCTYPE", "", _xml.DOCTYPE_REASON)
        return result
    except etree.XMLSyntaxError as exc:
        problems.error(f"line {max(exc.lineno, 1)}", "", "", f"not well-formed XML ({exc.msg})")
        return result

    for name, spec in TABLES.items():
        rows = records[name]
        if not rows and name not in ("header", "episodes"):
            continue
        frame = pd.DataFrame(rows, columns=[*spec.columns, "_loc"], dtype=object)
        # A child's id, date of birth and sex are checked once, in the header table.
        skip = frozenset() if name == "header" else _COMMON
        out = _normalise(spec, frame, locate=_element_path, problems=problems, skip=skip)
        if name == "episodes":
            out["source_row"] = pd.array([pd.NA] * len(out), dtype="Int64")
            _check_episodes(out, frame, problems, locate=_element_path, stacked=False)
        result.tables[name] = out.reset_index(drop=True)
    result.meta.update({"children": children})
    return result


def _element_path(loc: str, column: str) -> str:
    return f"{loc}/{_XML_TAGS.get(column, column)}"


def _read_child(
    child: etree._Element,
    path: str,
    records: dict[str, list[dict[str, str]]],
    problems: ProblemCollector,
    unknown: set[str],
) -> None:
    def warn_unknown(where: str, tag: str) -> None:
        if tag not in unknown:
            unknown.add(tag)
            problems.warning(f"{where}/{tag}", tag, "", "unknown element; ignored")

    header: dict[str, str] = {}
    groups: list[tuple[str, str, dict[str, str]]] = []
    episodes: list[tuple[str, dict[str, str]]] = []
    header_path = f"{path}/HEADER"
    headers = 0
    for part in child:
        tag = _xml.local_name(part)
        if tag == "HEADER":
            headers += 1
            if headers > 1:
                problems.error(f"{path}/HEADER[{headers}]", "HEADER", "", "more than one HEADER")
                continue
            counts: dict[str, int] = {}
            for item in part:
                item_tag = _xml.local_name(item)
                if item_tag in _HEADER_FIELDS:
                    header[item_tag] = item.text or ""
                elif item_tag in _HEADER_GROUPS:
                    counts[item_tag] = counts.get(item_tag, 0) + 1
                    values = {}
                    for leaf in item:
                        leaf_tag = _xml.local_name(leaf)
                        if leaf_tag in TABLES[_HEADER_GROUPS[item_tag]].columns:
                            values[leaf_tag] = leaf.text or ""
                        else:
                            warn_unknown(f"{header_path}/{item_tag}", leaf_tag)
                    repeats = item_tag in ("AREVIEW", "AMISSING", "AD_PLACED")
                    where = f"{header_path}/{item_tag}"
                    where += f"[{counts[item_tag]}]" if repeats else ""
                    groups.append((_HEADER_GROUPS[item_tag], where, values))
                else:
                    warn_unknown(header_path, item_tag)
        elif tag == "EPISODE":
            values = {}
            for item in part:
                item_tag = _xml.local_name(item)
                if item_tag in _EPISODE_FIELDS:
                    values["PLACE" if item_tag == "PL" else item_tag] = item.text or ""
                else:
                    warn_unknown(f"{path}/EPISODE", item_tag)
            episodes.append((f"{path}/EPISODE[{len(episodes) + 1}]", values))
        else:
            warn_unknown(path, tag)

    child_id = header.get("CHILDID", "").strip()
    if not child_id:
        problems.error(f"{header_path}/CHILDID", "CHILDID", "", "missing: the child is skipped")
        return
    common = {"CHILD": child_id, "DOB": header.get("DOB", ""), "SEX": header.get("SEX", "")}
    records["header"].append({**header, "CHILD": child_id, "_loc": header_path})
    for name, fields in _HEADER_TABLES.items():
        if any(header.get(f, "").strip() for f in fields):
            records[name].append({**header, **common, "_loc": header_path})
    for name, where, values in groups:
        records[name].append({**values, **common, "_loc": where})
    for where, values in episodes:
        records["episodes"].append({**values, "CHILD": child_id, "_loc": where})


# --------------------------------------------------------------------------- shared


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
