"""Days as integers, working days, collection years and fast date formatting.

Every date in the generator is an int64 count of days since 1970-01-01 (numpy's
`datetime64[D]` as an integer), so whole columns are compared and shifted with plain
arithmetic. `NONE` (-1) marks a date that does not exist (a module that never happened,
an end not reached by the data's end).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import numpy as np
import numpy.typing as npt

NONE = -1
_EPOCH = date(1970, 1, 1)
Days = np.ndarray  # int64 days since the epoch


def day(value: date) -> int:
    return (value - _EPOCH).days


def to_date(value: int) -> date:
    return _EPOCH + timedelta(days=int(value))


def _easter(year: int) -> date:
    """Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day_of_month = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day_of_month + 1)


def _weekday_on_or_before(last: date, weekday: int) -> date:
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _substitute(holiday: date, taken: set[date]) -> date:
    """A holiday falling at a weekend (or on another holiday) moves to the next free weekday."""
    while holiday.weekday() >= 5 or holiday in taken:
        holiday += timedelta(days=1)
    return holiday


# One-off changes to the England and Wales bank holidays (gov.uk/bank-holidays).
_MOVED = {
    date(2012, 5, 28): date(2012, 6, 4),
    date(2020, 5, 4): date(2020, 5, 8),
    date(2022, 5, 30): date(2022, 6, 2),
}
_EXTRA = [
    date(2011, 4, 29),
    date(2012, 6, 5),
    date(2022, 6, 3),
    date(2022, 9, 19),
    date(2023, 5, 8),
]


@cache
def bank_holidays(first_year: int = 1995, last_year: int = 2040) -> np.ndarray:
    """England and Wales bank holidays, as datetime64[D], by the standing rules."""
    found: list[date] = []
    for year in range(first_year, last_year + 1):
        taken: set[date] = set()
        easter = _easter(year)
        fixed = [
            _substitute(date(year, 1, 1), taken),
            easter - timedelta(days=2),
            easter + timedelta(days=1),
            _weekday_on_or_before(date(year, 5, 7), 0),
            _weekday_on_or_before(date(year, 5, 31), 0),
            _weekday_on_or_before(date(year, 8, 31), 0),
        ]
        taken.update(fixed)
        christmas = _substitute(date(year, 12, 25), taken)
        taken.add(christmas)
        boxing = _substitute(date(year, 12, 26), taken)
        found += [_MOVED.get(h, h) for h in fixed] + [christmas, boxing]
    found += [h for h in _EXTRA if first_year <= h.year <= last_year]
    return np.array(sorted(set(found)), dtype="datetime64[D]")


def working_days_after(days: Days, count: Days | int) -> Days:
    """The working day `count` working days after each day (a weekend or bank holiday is
    first moved forward to the next working day, so 0 gives that day or the next)."""
    moved = np.busday_offset(
        np.asarray(days, dtype="int64").astype("datetime64[D]"),
        np.asarray(count, dtype="int64"),
        roll="forward",
        holidays=bank_holidays(),
    )
    return moved.astype("int64")


def add_years(days: Days, years: int | Days) -> Days:
    """The same calendar day `years` later (29 February becomes 1 March in a common year)."""
    as_dates = np.asarray(days, dtype="int64").astype("datetime64[D]")
    month_start = as_dates.astype("datetime64[M]")
    in_month = (as_dates - month_start.astype("datetime64[D]")).astype("int64")
    target = month_start + (np.asarray(years, dtype="int64") * 12).astype("timedelta64[M]")
    return target.astype("datetime64[D]").astype("int64") + in_month


def year_start(collection_year: int) -> int:
    """The first day of the collection year ending 31 March `collection_year`."""
    return day(date(collection_year - 1, 4, 1))


def reference_day(collection_year: int) -> int:
    return day(date(collection_year, 3, 31))


def collection_year_of(value: date) -> int:
    return value.year + 1 if value >= date(value.year, 4, 1) else value.year


class DateText:
    """Dates as text by table look-up: far faster than strftime on large columns."""

    def __init__(self, first: int, last: int) -> None:
        self.first = first
        span = np.arange(first, last + 1, dtype="int64").astype("datetime64[D]")
        iso: list[str] = np.datetime_as_string(span, unit="D").tolist()
        dmy = [f"{text[8:10]}/{text[5:7]}/{text[0:4]}" for text in iso]
        self.iso = np.array([*iso, ""], dtype=object)
        self.dmy = np.array([*dmy, ""], dtype=object)

    def _index(self, days: npt.ArrayLike) -> np.ndarray:
        values = np.asarray(days, dtype="int64")
        index = values - self.first
        return np.where(values == NONE, len(self.iso) - 1, index)

    def as_iso(self, days: npt.ArrayLike) -> np.ndarray:
        """YYYY-MM-DD, or "" for NONE."""
        return self.iso[self._index(days)]

    def as_dmy(self, days: npt.ArrayLike) -> np.ndarray:
        """DD/MM/YYYY, or "" for NONE."""
        return self.dmy[self._index(days)]
