"""What every parser returns, and the helpers they share."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import IO

import pandas as pd


class Level(StrEnum):
    ERROR = "error"  # stops the import
    WARNING = "warning"  # reported, the import goes on


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    `location` is "row N" for tabular files (N counts the header as row 1, as a
    spreadsheet does) or an element path such as
    "/Message/Children/Child[3]/CINdetails[1]/CINreferralDate" for XML. `value` is the
    offending value as found (empty when missing). Messages never repeat a child's
    details beyond the field's own value.
    """

    level: Level
    file: str
    location: str
    field: str
    value: str
    reason: str

    def as_row(self) -> dict[str, str]:
        return {
            "level": self.level.value,
            "file": self.file,
            "location": self.location,
            "field": self.field,
            "value": self.value,
            "reason": self.reason,
        }


@dataclass
class ParseResult:
    """The records a file holds, by table name, and what was wrong with it."""

    kind: str
    file_name: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Facts about the file: e.g. {"collection_year": 2024, "la_code": "970",
    # "reference_date": date(2024, 3, 31)}.
    meta: dict[str, object] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == Level.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == Level.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors


class ProblemCollector:
    """Collects problems for one file, with the file name filled in."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.problems: list[Problem] = []

    def error(self, location: str, field_name: str, value: object, reason: str) -> None:
        self.problems.append(
            Problem(Level.ERROR, self.file_name, location, field_name, _text(value), reason)
        )

    def warning(self, location: str, field_name: str, value: object, reason: str) -> None:
        self.problems.append(
            Problem(Level.WARNING, self.file_name, location, field_name, _text(value), reason)
        )

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and pd.isna(value):
        return ""
    return str(value)


def sha256_of(stream: IO[bytes]) -> str:
    """The checksum an import run records, reading the stream in chunks and rewinding."""
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


# Dates before this are not plausible in children's social care records (a parent's date
# of birth is not imported); later than this many days after the file's reference date is
# impossible.
EARLIEST_PLAUSIBLE_DATE = date(1900, 1, 1)
