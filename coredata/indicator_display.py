"""How indicator results are shown: the periods a page offers, one figure, breakdown labels,
and which breakdowns each indicator lists and charts.

Periods come from a refresh run's first and last month ends (the engine's own periods),
each with a stable key for the `period` query parameter:

- financial year `2024-25` (1 April 2024 to 31 March 2025);
- quarter of a financial year `2025-26-q1` (April to June 2025);
- month `2025-06`;
- the 12 months to a month end `12m-2025-06` (the one ending in March is the financial
  year).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coredata.indicators.periods import (
    FINANCIAL_YEAR,
    MONTH,
    QUARTER,
    ROLLING_12M,
    months_spanned,
    periods_between,
)

COUNT = "count"
PCT = "pct"
RATE_10K = "rate_10k"
RATIO = "ratio"
LOW_BASE = 5  # a percentage of fewer than this many is marked (INDICATORS.md "Low base")
KIND_ORDER = (FINANCIAL_YEAR, QUARTER, ROLLING_12M, MONTH)
KIND_LABELS = {
    FINANCIAL_YEAR: "Financial years",
    QUARTER: "Quarters",
    ROLLING_12M: "12 months to a month end",
    MONTH: "Months",
}


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date

    @property
    def _financial_year(self) -> str:
        last = self.end.year + (1 if self.end.month > 3 else 0)
        return f"{last - 1}-{last % 100:02d}"

    @property
    def key(self) -> str:
        if self.kind == FINANCIAL_YEAR:
            return self._financial_year
        if self.kind == QUARTER:
            return f"{self._financial_year}-q{self.quarter}"
        if self.kind == MONTH:
            return f"{self.end:%Y-%m}"
        return f"12m-{self.end:%Y-%m}"

    @property
    def quarter(self) -> int:
        """Quarter of the financial year: April to June is 1."""
        return (self.end.month - 4) % 12 // 3 + 1

    @property
    def short_label(self) -> str:
        if self.kind == FINANCIAL_YEAR:
            return self._financial_year
        if self.kind == QUARTER:
            return f"Q{self.quarter} {self._financial_year}"
        if self.kind == MONTH:
            return f"{self.end:%b %Y}"
        return f"12m to {self.end:%b %Y}"

    @property
    def label(self) -> str:
        span = f"{self.start.day} {self.start:%B %Y} to {self.end.day} {self.end:%B %Y}"
        if self.kind == FINANCIAL_YEAR:
            return f"Financial year {self._financial_year} ({span})"
        if self.kind == QUARTER:
            return f"Quarter {self.quarter} of {self._financial_year} ({span})"
        if self.kind == MONTH:
            return f"{self.end:%B %Y}"
        return f"12 months to {self.end.day} {self.end:%B %Y}"

    @property
    def months(self) -> int:
        return months_spanned(self.start, self.end)


def period_list(first_month_end: date | None, last_month_end: date | None) -> list[Period]:
    """Every period a refresh computed: financial years, quarters, rolling 12 months and
    months, each kind latest first."""
    if first_month_end is None or last_month_end is None:
        return []
    frame = periods_between(first_month_end, last_month_end)
    periods = [
        Period(str(kind), start.date(), end.date())
        for kind, start, end in zip(
            frame["period_type"], frame["period_start"], frame["period_end"], strict=True
        )
    ]
    return sorted(periods, key=lambda p: (KIND_ORDER.index(p.kind), -p.end.toordinal()))


def period_groups(periods: list[Period]) -> list[tuple[str, list[Period]]]:
    """The periods grouped by kind, for the period picker."""
    return [
        (KIND_LABELS[kind], [p for p in periods if p.kind == kind])
        for kind in KIND_ORDER
        if any(p.kind == kind for p in periods)
    ]


def latest_quarter(periods: list[Period]) -> Period | None:
    """The unit pages' default: the latest complete quarter (stock measures at the most
    recent quarter end; quarters are what a QA board reviews)."""
    quarters = [p for p in periods if p.kind == QUARTER]
    return max(quarters, key=lambda p: p.end) if quarters else _latest(periods)


def latest_twelve_months(periods: list[Period]) -> Period | None:
    """My core data's default: the 12 months to the latest month end (the caseload at the
    latest date the data allows; re-referrals over a whole year)."""
    year_long = [p for p in periods if p.months == 12]
    return max(year_long, key=lambda p: p.end) if year_long else _latest(periods)


def _latest(periods: list[Period]) -> Period | None:
    return max(periods, key=lambda p: (p.end, p.months)) if periods else None


def trend_periods(periods: list[Period], chosen: Period, length: int = 12) -> list[Period]:
    """The periods of the chosen one's kind ending on or before it, oldest first: the last
    `length`. The 12 months to each month end include the financial years (the same
    periods ending in March)."""
    if chosen.kind == ROLLING_12M:
        same = [p for p in periods if p.months == 12]
    else:
        same = [p for p in periods if p.kind == chosen.kind]
    earlier = sorted((p for p in same if p.end <= chosen.end), key=lambda p: p.end)
    return earlier[-length:]


@dataclass(frozen=True)
class Figure:
    """One value of one measure, as shown: `value` is None when there is no data (no row,
    or a zero denominator)."""

    kind: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None

    @property
    def no_data(self) -> bool:
        return self.value is None

    @property
    def low_base(self) -> bool:
        return (
            self.kind == PCT
            and self.value is not None
            and self.denominator is not None
            and self.denominator < LOW_BASE
        )

    @property
    def text(self) -> str:
        return "No data" if self.value is None else format_value(self.kind, self.value)

    @property
    def of_text(self) -> str:
        """'3 of 12' for a percentage, empty otherwise."""
        if self.kind != PCT or self.numerator is None or self.denominator is None:
            return ""
        return f"{_number(self.numerator)} of {_number(self.denominator)}"

    @property
    def chart_value(self) -> float | None:
        return None if self.value is None else round(self.value, 1)


def format_value(kind: str, value: float) -> str:
    """Counts whole; percentages, rates and ratios to 1 decimal place (INDICATORS.md)."""
    if kind == COUNT:
        return f"{value:,.0f}"
    if kind == PCT:
        return f"{value:.1f}%"
    return f"{value:,.1f}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def breakdown_parts(breakdown: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in breakdown.split(";") if "=" in part)


def measure_kind(unit: str, breakdown: str) -> str:
    """The kind of one breakdown's value: a rate or count variant, or the indicator's unit."""
    measure = breakdown_parts(breakdown).get("measure")
    if measure == RATE_10K:
        return RATE_10K
    if measure == COUNT:
        return COUNT
    return unit


TIERS = ("LAC", "CP", "CIN", "EH")  # highest tier first
A2_GROUPS = (
    "individual", "education", "health", "housing", "la_services", "police", "other_legal",
    "other", "anonymous", "unknown",
)  # fmt: skip
A3_OUTCOMES = ("LAC", "CP", "CIN", "EH", "NFA", "pending")
VALUE_LABELS: dict[str, dict[str, str]] = {
    "tier": {
        "EH": "Early help", "CIN": "Child in need", "CP": "Child protection",
        "LAC": "Looked after", "total": "All tiers",
        "CIN_DFE": "Children in need as DfE counts them (any open episode, CP or care)",
    },
    "view": {"ended": "plans ended in the period", "open": "plans open at the end"},
    "min": {"6m": "6 months or more", "1y": "1 year or more", "2y": "2 years or more"},
    "window": {
        "12m": "previous plan ended within 12 months",
        "24m": "previous plan ended within 24 months",
        "ever": "second or subsequent plan",
    },
    "group": {
        "individual": "Individual", "education": "Schools and education", "health": "Health",
        "housing": "Housing", "la_services": "Local authority services", "police": "Police",
        "other_legal": "Other legal agency", "other": "Other", "anonymous": "Anonymous",
        "unknown": "Unknown",
    },
    "outcome": {
        "LAC": "Became looked after", "CP": "Child protection plan", "CIN": "Child in need",
        "EH": "Early help", "NFA": "No further action", "pending": "Assessment pending",
    },
    "dfe": {
        "referral_nfa": "DfE: referral no further action",
        "not_in_need": "DfE: assessed not in need",
    },
    "route": {"adoption": "Adoption", "sgo": "Special guardianship order"},
    "measure": {RATE_10K: "per 10,000 children", COUNT: "number"},
}  # fmt: skip


def breakdown_label(breakdown: str, *, name: str) -> str:
    """Plain words for a breakdown: 'Child protection, plans open at the end, 1 year or
    more'. The indicator's name stands for the empty breakdown."""
    parts = breakdown_parts(breakdown)
    words = [
        VALUE_LABELS.get(key, {}).get(value, f"{key} {value}")
        for key, value in parts.items()
        if key != "measure"
    ]
    if "source" in parts:
        words = [f"Referral source {parts['source']}"]
    if not words:
        words = [name]
    if "measure" in parts:
        words.append(VALUE_LABELS["measure"].get(parts["measure"], parts["measure"]))
    return ", ".join(words)


def trend_labels(breakdowns: list[str], *, name: str) -> tuple[str, list[str]]:
    """Labels for the lines of one chart: what they share ('plans open at the end, 6
    months or more'), and each line by what sets it apart ('Child protection')."""
    parts = [breakdown_parts(b) for b in breakdowns]
    if len(parts) < 2:
        return "", [breakdown_label(b, name=name) for b in breakdowns]
    shared = {k: v for k, v in parts[0].items() if all(p.get(k) == v for p in parts[1:])}

    def text(pairs: dict[str, str]) -> str:
        return ";".join(f"{k}={v}" for k, v in pairs.items())

    own = [text({k: v for k, v in p.items() if k not in shared}) for p in parts]
    return (
        breakdown_label(text(shared), name="") if shared else "",
        [breakdown_label(b, name=name) for b in own],
    )


def _with_rates(*breakdowns: str) -> tuple[str, ...]:
    rates = tuple(f"{b};measure={RATE_10K}" if b else f"measure={RATE_10K}" for b in breakdowns)
    return (*breakdowns, *rates)


# The breakdowns each indicator lists, in order (INDICATORS.md "The results format"), and
# the few it charts over time. An indicator missing here lists what its results hold.
ROWS: dict[str, tuple[str, ...]] = {
    "A1": _with_rates(""),
    "A2": tuple(f"group={group}" for group in A2_GROUPS),
    "A3": (
        *(f"outcome={outcome}" for outcome in A3_OUTCOMES),
        "dfe=referral_nfa",
        "dfe=not_in_need",
    ),
    "A4": _with_rates(""),
    "A5": _with_rates(""),
    "A6": _with_rates(""),
    "P1": _with_rates(*(f"tier={t}" for t in (*TIERS, "total", "CIN_DFE"))),
    "P2": tuple(
        f"tier={tier};view={view};min={minimum}"
        for view in ("open", "ended")
        for tier in TIERS
        for minimum in ("6m", "1y", "2y")
    ),
    "P3": tuple(f"tier={t};window={w}" for t in TIERS for w in ("12m", "24m", "ever")),
    "P4": tuple(f"tier={t}" for t in ("LAC", "CP", "CIN")),
    "O1": ("", "measure=count", f"measure={RATE_10K}"),
    "O4": ("route=adoption", "route=sgo"),
}
CHARTED: dict[str, tuple[str, ...]] = {
    "A2": tuple(f"group={g}" for g in ("police", "education", "health", "la_services")),
    "A3": tuple(f"outcome={o}" for o in ("NFA", "EH", "CIN", "CP", "LAC")),
    "P1": tuple(f"tier={t}" for t in TIERS),
    "P2": tuple(f"tier={t};view=open;min=6m" for t in TIERS),
    "P3": tuple(f"tier={t};window=12m" for t in TIERS),
    "P4": ROWS["P4"],
    "O4": ROWS["O4"],
}
# Resolved detail 8: W1–W4 are never computed for a practitioner.
NOT_FOR_PRACTITIONERS = frozenset({"W1", "W2", "W3", "W4"})
