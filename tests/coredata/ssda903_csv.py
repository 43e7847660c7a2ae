"""Builders of small SSDA903 files for the parser tests."""

import io
from pathlib import Path

from coredata.parsers.ssda903 import parse_ssda903_csv

EXTERNAL = Path(__file__).resolve().parent.parent / "fixtures" / "external"
VALIDATOR = EXTERNAL / "csc-validator-be-903"
DEMAND = EXTERNAL / "cs-demand-model-regional"
LIIA = EXTERNAL / "liia-tools"

EPISODE_HEADER = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,URN"


def parse(text: str, table: str | None = None, encoding: str = "utf-8"):
    return parse_ssda903_csv(io.BytesIO(text.encode(encoding)), file_name="t.csv", table=table)


def episodes_csv(*rows: str) -> str:
    return "\n".join([EPISODE_HEADER, *rows]) + "\n"


def problems_of(result) -> list[tuple[str, str, str, str]]:
    return [(p.level.value, p.location, p.field, p.value) for p in result.problems]
