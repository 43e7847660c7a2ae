"""Helpers shared by the local-file, Annex A, workforce and population parsers.

Reading a source (a path, bytes or an open file), decoding CSV text, parsing one cell
(dates, Y/N flags, numbers) and checking that date ranges do not overlap. The cell
parsers raise `CellError` with a reason fit for a `Problem`; `RowChecker` turns those
into problems for one row, so that a bad cell is always reported and never raised.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, cast

import pandas as pd

from .base import EARLIEST_PLAUSIBLE_DATE, ProblemCollector

Source = str | os.PathLike[str] | bytes | IO[bytes] | IO[str]

Date = date  # for annotations inside RowChecker, whose `date` method shadows the name

# Past this a date is a typing slip or a "no end" sentinel such as 9999-12-31.
LATEST_PLAUSIBLE_DATE = date(2099, 12, 31)

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_INTEGER = re.compile(r"[+-]?\d+")
_GROUPED_INTEGER = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+")
_FLAGS = {"y": True, "yes": True, "n": False, "no": False}


class CellError(ValueError):
    """A cell's value cannot be used; the message is the reason to report."""


# --- reading ---------------------------------------------------------------------------


def read_bytes(source: Source) -> bytes:
    """The whole of a source: a path, bytes, or a binary or text file object."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | os.PathLike):
        return Path(source).read_bytes()
    data = source.read()
    if isinstance(data, str):
        return data.encode("utf-8")
    return bytes(data)


def decode_utf8(data: bytes, problems: ProblemCollector) -> str | None:
    """UTF-8 text without a byte-order mark, or None (with an error) when not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.error(
            f"row {line}",
            "",
            data[exc.start : exc.start + 4].hex(" "),
            "the file is not UTF-8 text (save it as CSV UTF-8)",
        )
        return None


def csv_rows(text: str, problems: ProblemCollector) -> list[list[str]] | None:
    """Every row of CSV text, or None (with an error) when the CSV is malformed."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as exc:
        problems.error(f"row {reader.line_num}", "", "", f"the CSV is malformed: {exc}")
        return None
    return rows


def is_blank_row(cells: Sequence[str]) -> bool:
    return all(not cell.strip() for cell in cells)


# --- cells -----------------------------------------------------------------------------


def clean(value: object) -> str:
    """A cell's text with surrounding (including non-breaking) whitespace removed."""
    if value is None:
        return ""
    return str(value).replace("\xa0", " ").strip()


def check_plausible(value: date) -> date:
    if value < EARLIEST_PLAUSIBLE_DATE:
        raise CellError(f"the date is before {EARLIEST_PLAUSIBLE_DATE.isoformat()}")
    if value > LATEST_PLAUSIBLE_DATE:
        raise CellError(
            f"the date is after {LATEST_PLAUSIBLE_DATE.isoformat()} "
            "(leave the cell empty for an open end date)"
        )
    return value


def parse_date(text: str) -> date:
    """A date written YYYY-MM-DD or DD/MM/YYYY."""
    value = clean(text)
    if match := _ISO_DATE.fullmatch(value):
        year, month, day = (int(part) for part in match.groups())
    elif match := _UK_DATE.fullmatch(value):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise CellError("not a date: write YYYY-MM-DD or DD/MM/YYYY")
    try:
        parsed = date(year, month, day)
    except ValueError as exc:
        raise CellError(f"not a real date ({exc})") from None
    return check_plausible(parsed)


def parse_date_cell(value: object) -> date:
    """A spreadsheet cell that should hold a date: a date, a datetime or date text."""
    if isinstance(value, datetime):
        return check_plausible(value.date())
    if isinstance(value, date):
        return check_plausible(value)
    if isinstance(value, bool) or not isinstance(value, str):
        raise CellError("not a date")
    return parse_date(value)


def parse_flag(text: str) -> bool:
    """Y or N (also Yes/No), in any case."""
    value = clean(text).lower()
    if value not in _FLAGS:
        raise CellError("not a flag: write Y or N")
    return _FLAGS[value]


def parse_decimal(text: str) -> float:
    """A plain decimal number such as 1, 0.5 or .75 (no exponents, no separators)."""
    value = clean(text)
    if not _DECIMAL.fullmatch(value):
        raise CellError("not a number")
    return float(value)


def parse_integer(text: str, *, grouped: bool = False) -> int:
    """A whole number; with `grouped`, thousands separators (1,234) and inner spaces too."""
    value = clean(text)
    if grouped:
        value = value.replace(" ", "")
        if _GROUPED_INTEGER.fullmatch(value):
            value = value.replace(",", "")
    if not _INTEGER.fullmatch(value):
        raise CellError("not a whole number")
    return int(value)


# --- one row ---------------------------------------------------------------------------


class RowChecker:
    """Reads the cells of one record, reporting each bad one against its location.

    `get(field)` gives a cell's raw value (None or "" when empty); `label(field)` the
    field name a problem shows (e.g. the header as written).

    `ok` turns false when an error was reported, so the caller can leave the record out.
    """

    def __init__(
        self,
        problems: ProblemCollector,
        location: str | Callable[[str], str],
        get: Callable[[str], object],
        label: Callable[[str], str] = str,
    ) -> None:
        self.problems = problems
        self.location = location
        self._get = get
        self._label = label
        self.ok = True

    def where(self, field_name: str) -> str:
        """The location of a field: the row's, or per field (an XML element's path)."""
        return self.location if isinstance(self.location, str) else self.location(field_name)

    def error(self, field_name: str, value: object, reason: str) -> None:
        self.ok = False
        self.problems.error(self.where(field_name), self._label(field_name), value, reason)

    def warning(self, field_name: str, value: object, reason: str) -> None:
        self.problems.warning(self.where(field_name), self._label(field_name), value, reason)

    def raw(self, field_name: str) -> object:
        return self._get(field_name)

    def text(self, field_name: str, *, required: bool = False, what: str = "value") -> str | None:
        value = clean(self._get(field_name))
        if not value:
            if required:
                self.error(field_name, "", f"the {what} is missing")
            return None
        return value

    def parsed(
        self, field_name: str, parser: Callable[[Any], Any], *, required: bool, what: str
    ) -> Any:
        """`parser(raw)` for a non-empty cell, None (reporting it) for a bad or empty one."""
        raw = self._get(field_name)
        if raw is None or (isinstance(raw, str) and not clean(raw)):
            if required:
                self.error(field_name, "", f"the {what} is missing")
            return None
        try:
            return parser(raw)
        except CellError as exc:
            self.error(field_name, clean(raw), str(exc))
            return None

    def date(self, field_name: str, *, required: bool = True) -> Date | None:
        return self.parsed(field_name, parse_date_cell, required=required, what="date")

    def flag(self, field_name: str, *, required: bool = True) -> bool | None:
        return self.parsed(field_name, parse_flag, required=required, what="flag")

    def decimal(
        self, field_name: str, *, required: bool = True, minimum: float | None = 0.0
    ) -> float | None:
        value = self.parsed(field_name, parse_decimal, required=required, what="number")
        if value is not None and minimum is not None and value < minimum:
            self.error(field_name, clean(self._get(field_name)), "the number is negative")
            return None
        return value

    def integer(
        self,
        field_name: str,
        *,
        required: bool = True,
        minimum: int | None = 0,
        grouped: bool = False,
    ) -> int | None:
        value = self.parsed(
            field_name,
            lambda raw: parse_integer(clean(raw), grouped=grouped),
            required=required,
            what="number",
        )
        if value is not None and minimum is not None and value < minimum:
            self.error(field_name, clean(self._get(field_name)), "the number is negative")
            return None
        return value

    def date_order(
        self, start_field: str, start: Date | None, end_field: str, end: Date | None
    ) -> None:
        if start is not None and end is not None and end < start:
            self.error(
                end_field,
                end.isoformat(),
                f"the {self._label(end_field)} is before the {self._label(start_field)} "
                f"({start.isoformat()})",
            )


# --- across rows -----------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A date range (both ends inclusive; `end` None = open) from one source row."""

    key: Hashable
    start: date
    end: date | None
    location: str


def overlapping_spans(spans: Iterable[Span]) -> Iterator[tuple[Span, Span]]:
    """Pairs (earlier, later) of spans with the same key that share at least one day.

    Each later span is paired with the earlier span reaching furthest, so every overlap
    is reported once. A span ending on day d and the next starting on d + 1 do not
    overlap.
    """
    by_key: dict[Hashable, list[Span]] = {}
    for span in spans:
        by_key.setdefault(span.key, []).append(span)
    for group in by_key.values():
        group.sort(key=lambda s: (s.start, s.end or date.max))
        reach: Span | None = None
        for span in group:
            if reach is not None and (reach.end is None or span.start <= reach.end):
                yield reach, span
            if reach is None or (reach.end is not None and (span.end or date.max) > reach.end):
                reach = span


# --- tables ----------------------------------------------------------------------------


def frame(records: list[dict[str, object]], schema: dict[str, str]) -> pd.DataFrame:
    """A DataFrame of `records` with exactly the columns and dtypes of `schema`.

    Dtypes: "string", "datetime64[ns]" (from `date` values, None = NaT), "Int64",
    "Float64", "boolean".
    """
    columns: dict[str, pd.Series] = {}
    for name, dtype in schema.items():
        values = [record.get(name) for record in records]
        if dtype == "datetime64[ns]":
            stamps = [pd.NaT if v is None else pd.Timestamp(cast(date, v)) for v in values]
            columns[name] = pd.Series(
                pd.DatetimeIndex(stamps, dtype="datetime64[ns]"), dtype="datetime64[ns]"
            )
        else:
            columns[name] = pd.Series(
                [pd.NA if v is None else v for v in values], dtype=dtype, index=None
            )
    result = pd.DataFrame(columns, columns=list(schema))
    return result.reset_index(drop=True)
