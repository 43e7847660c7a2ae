"""SSDA903 as XML (EXPSSDA903/CHILD/{HEADER, EPISODE}), streamed with a locked-down parser."""

from __future__ import annotations

from pathlib import Path
from typing import IO

import pandas as pd
from lxml import etree

from coredata.parsers import _xml
from coredata.parsers.base import (
    ParseResult,
    ProblemCollector,
)
from coredata.parsers.ssda903.normalise import _check_episodes, _normalise
from coredata.parsers.ssda903.tables import _COMMON, _EPISODE_COLUMNS, KIND, TABLES

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
