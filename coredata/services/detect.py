"""Which format a file is in, and the parser that reads it."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import IO

from coredata.models.imports import ImportKind
from coredata.parsers.base import Level, ParseResult, Problem

LOCAL_KINDS = {
    ImportKind.TEAMS,
    ImportKind.STAFF,
    ImportKind.SICKNESS,
    ImportKind.VACANCIES,
    ImportKind.ALLOCATIONS,
    ImportKind.EARLY_HELP,
    ImportKind.VISITS,
    ImportKind.POPULATION,
}


def detect_kind(*, name: str, head: bytes) -> str | None:
    """Tell the kind from the file name and its first few kilobytes, or None."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        return ImportKind.ANNEX_A
    text = head.decode("utf-8-sig", errors="replace")
    if suffix == ".xml" or text.lstrip().startswith("<"):
        if "EXPSSDA903" in text:
            return ImportKind.SSDA903
        if re.search(r"<Collection>\s*CSWW", text) or "CSWWWorker" in text:
            return ImportKind.WORKFORCE_CENSUS
        if re.search(r"<Collection>\s*CIN", text) or "CINdetails" in text:
            return ImportKind.CIN_CENSUS
        return None
    first_line = text.splitlines()[0] if text else ""
    columns = {c.strip().strip('"').lower() for c in first_line.split(",")}
    if "code,name,geography" in text.lower().replace(" ", "") or "mid-" in first_line.lower():
        return ImportKind.ONS_MYE2
    if "child" in columns or {"decom", "rne"} <= columns:
        return ImportKind.SSDA903
    stem = Path(name).stem.lower()
    if stem in LOCAL_KINDS:
        return stem
    local_signatures = {
        ImportKind.TEAMS: {"team_code", "team_name", "service_code"},
        ImportKind.STAFF: {"worker_id", "fte", "case_holding"},
        ImportKind.SICKNESS: {"worker_id", "working_days_lost"},
        ImportKind.VACANCIES: {"team_code", "vacant_fte"},
        ImportKind.ALLOCATIONS: {"child_id", "worker_id", "team_code"},
        ImportKind.EARLY_HELP: {"child_id", "start_date", "end_date"},
        ImportKind.VISITS: {"child_id", "visit_date", "seen"},
        ImportKind.POPULATION: {"area_code", "population_0_17"},
    }
    for kind, signature in local_signatures.items():
        if signature <= columns:
            return kind
    return None


def parser_for(kind: str) -> Callable[[IO[bytes], str], ParseResult]:
    """The function that parses a file of this kind (its module imported on first use)."""
    if kind == ImportKind.CIN_CENSUS:
        from coredata.parsers.cin_census import parse_cin_census

        return lambda stream, name: parse_cin_census(stream, file_name=name)
    if kind == ImportKind.SSDA903:
        from coredata.parsers.ssda903 import parse_ssda903_csv, parse_ssda903_xml

        def parse_903(stream: IO[bytes], name: str) -> ParseResult:
            head = stream.read(512)
            stream.seek(0)
            if head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<"):
                return parse_ssda903_xml(stream, file_name=name)
            return parse_ssda903_csv(stream, file_name=name)

        return parse_903
    if kind == ImportKind.ANNEX_A:
        from coredata.parsers.annex_a import parse_annex_a

        return lambda stream, name: parse_annex_a(stream, file_name=name)
    if kind == ImportKind.WORKFORCE_CENSUS:
        from coredata.parsers.workforce import parse_workforce_census

        return lambda stream, name: parse_workforce_census(stream, file_name=name)
    if kind == ImportKind.ONS_MYE2:
        from coredata.parsers.population import parse_ons_mye2

        return lambda stream, name: parse_ons_mye2(stream, file_name=name)
    if kind in LOCAL_KINDS:
        from coredata.parsers.local_files import parse_local_file

        return lambda stream, name: parse_local_file(stream, file_name=name, kind=kind)
    raise ValueError(f"No parser for {kind!r}")


def unknown_kind_problem(name: str) -> Problem:
    return Problem(
        Level.ERROR,
        name,
        "file",
        "kind",
        Path(name).suffix,
        "The format of this file was not recognised: it is not a CIN census, SSDA903, "
        "Annex A, workforce census, ONS population or one of the local files.",
    )
