"""The core data panel of a QA page: the headline indicators of each group (activity,
plans, outcomes, workforce) for the unit and period, with the change since the period
before, the parent unit's figure and England's, and the key measure over the timeline.

Read from the organisation's current refresh (`coredata.selectors.refresh_current`):
the unit's, its parent's and its children's stored `UnitResults` rows come in one query
whatever their number, and only the headline values are picked out of them (no engine,
no DataFrame); those values are cached under the run, whose results never change.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Q

from coredata.indicator_display import COUNT, PCT, Figure, Period
from coredata.indicators.units import PRACTITIONER
from coredata.models import RefreshRun, UnitResults
from coredata.national import national_figure_for
from qa_system.selectors_qa_figures import RATIO, Measure, PeriodChoice, change_text
from qa_system.selectors_qa_units import QaUnit

GROUPS = (
    ("activity", "Activity"),
    ("plans", "Plans"),
    ("outcomes", "Outcomes"),
    ("workforce", "Workforce"),
)
# Never computed for a practitioner (resolved detail 8 of INDICATORS.md).
NOT_FOR_PRACTITIONERS = frozenset({"W1", "W2", "W3", "W4"})


@dataclass(frozen=True)
class Headline:
    group: str
    code: str
    breakdown: str
    kind: str
    label: str
    direction: str


# The headline indicators of each group: what a QA board reads first. Codes and
# breakdowns as INDICATORS.md and the stored results name them.
HEADLINES: tuple[Headline, ...] = (
    Headline("activity", "A1", "", COUNT, "Referrals", "context"),
    Headline("activity", "A3", "outcome=NFA", PCT, "Referrals ending in no further action",
             "context"),
    Headline("plans", "P1", "tier=CP", COUNT, "Children on a child protection plan", "context"),
    Headline("plans", "P2", "tier=CP;view=open;min=2y", PCT,
             "Child protection plans open 2 years or more", "lower_better"),
    Headline("plans", "P4", "tier=CP", PCT,
             "Children on a child protection plan seen as the plan says", "higher_better"),
    Headline("outcomes", "O1", "", PCT, "Re-referrals within 12 months", "lower_better"),
    Headline("outcomes", "O2", "", PCT, "Children looked after with 3 or more placements",
             "lower_better"),
    Headline("workforce", "W5", "", RATIO, "Average caseload (children per worker)", "context"),
    Headline("workforce", "W2", "", PCT, "Staff turnover", "lower_better"),
)  # fmt: skip
# The one core data measure set beside audits and surveys in the timeline and the
# comparison: are children on plans seen as their plan says.
KEY = HEADLINES[4]
CASELOAD = HEADLINES[7]
# In the timeline, re-referrals too: children on plans are few in an assessment team,
# referrals few in a child protection team.
TIMELINE = (KEY, HEADLINES[5])
DIRECTIONS = {
    "higher_better": "Higher is better",
    "lower_better": "Lower is better",
    "context": "",
}


@dataclass(frozen=True)
class CoreRow:
    headline: Headline
    figure: Measure
    change: str
    parent: Measure | None
    national: str

    @property
    def direction_text(self) -> str:
        return DIRECTIONS.get(self.headline.direction, "")


@dataclass(frozen=True)
class CoreGroup:
    key: str
    title: str
    rows: list[CoreRow]


@dataclass(frozen=True)
class CorePanel:
    refreshed_at: datetime | None
    groups: list[CoreGroup] = field(default_factory=list)
    # (headline, its measures over the timeline's periods) for TIMELINE
    timelines: list[tuple[Headline, list[Measure]]] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return self.refreshed_at is not None


Key = tuple[str, str, str, str]  # indicator, breakdown, period start, period end (ISO)


class StoredValues:
    """The values of some indicators and periods picked out of one unit's stored row."""

    def __init__(
        self,
        results: dict[str, list[Any]],
        wanted: set[tuple[str, str]],
        spans: set[tuple[str, str]] | None = None,
    ) -> None:
        self.values: dict[Key, tuple[Any, Any, Any]] = {}
        # (indicator, start, end) with any row: a count with rows in the period but not
        # for this breakdown counted nothing (the core data pages' rule).
        self.present: set[tuple[str, str, str]] = set()
        codes = {code for code, _ in wanted}
        columns = (
            results.get(name, [])
            for name in (
                "indicator", "breakdown", "period_start", "period_end",
                "numerator", "denominator", "value",
            )
        )  # fmt: skip
        for indicator, breakdown, start, end, numerator, denominator, value in zip(
            *columns, strict=True
        ):
            if indicator not in codes or (spans is not None and (start, end) not in spans):
                continue
            self.present.add((indicator, start, end))
            if (indicator, breakdown) in wanted:
                self.values[(indicator, breakdown, start, end)] = (numerator, denominator, value)

    def measure(self, headline: Headline, period: Period) -> Measure:
        start, end = period.start.isoformat(), period.end.isoformat()
        found = self.values.get((headline.code, headline.breakdown, start, end))
        if found is None:
            if headline.kind == COUNT and (headline.code, start, end) in self.present:
                return Measure(COUNT, 0.0)
            return Measure.missing(headline.kind)
        numerator, denominator, value = found
        return Measure(headline.kind, _number(value), _number(numerator), _number(denominator))


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


EMPTY = StoredValues({}, set())
CACHE_SECONDS = 7 * 24 * 3600


def stored_values_for_units(
    *, run: RefreshRun | None, units: Iterable[QaUnit], periods: list[Period]
) -> dict[tuple[str, str], StoredValues]:
    """The headline values of each unit for the periods, by (unit type, code).

    A refresh run's results never change, so the values picked out of a unit's row are
    kept under the run (a new refresh is a new key): in this process, then in the cache
    (shared by the web processes when it is Redis). A page reads the rows of the units
    found in neither, in one query."""
    units = list(units)
    if run is None or not units or not periods:
        return {}
    spans = {(p.start.isoformat(), p.end.isoformat()) for p in periods}
    keys = {(u.unit_type, u.code): _cache_key(run, u.unit_type, u.code, spans) for u in units}
    found = {unit: _LOCAL[key] for unit, key in keys.items() if key in _LOCAL}
    if len(found) < len(keys):
        cached = cache.get_many([key for unit, key in keys.items() if unit not in found])
        found.update({unit: cached[key] for unit, key in keys.items() if key in cached})
    missing = [unit for unit in keys if unit not in found]
    if missing:
        match = Q()
        for unit_type in {t for t, _ in missing}:
            codes = sorted({c for t, c in missing if t == unit_type})
            match |= Q(unit_type=unit_type, unit_code__in=codes)
        wanted = {(h.code, h.breakdown) for h in HEADLINES}
        rows = UnitResults.objects.filter(match, run=run).values_list(
            "unit_type", "unit_code", "results"
        )
        read = {(t, c): StoredValues(results, wanted, spans) for t, c, results in rows}
        read.update({unit: EMPTY for unit in missing if unit not in read})
        cache.set_many({keys[unit]: values for unit, values in read.items()}, CACHE_SECONDS)
        found.update(read)
    for unit, values in found.items():
        _LOCAL[keys[unit]] = values
    return found


class _Recent(OrderedDict[str, StoredValues]):
    """The last few thousand units' values read in this process (each a few hundred
    numbers), so that most pages neither query nor unpickle them."""

    size = 4096

    def __setitem__(self, key: str, value: StoredValues) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


_LOCAL = _Recent()


def stored_values_forget() -> None:
    """Empty this process's copy (the Django cache is cleared on its own)."""
    _LOCAL.clear()


def _cache_key(run: RefreshRun, unit_type: str, code: str, spans: set[tuple[str, str]]) -> str:
    stamp = run.finished_at.timestamp() if run.finished_at else 0
    names = f"{unit_type}:{code}:{sorted(spans)}"
    return f"qa:core:{run.pk}:{stamp}:{hashlib.sha256(names.encode()).hexdigest()[:32]}"


def _headlines_for(unit: QaUnit) -> list[Headline]:
    if unit.unit_type == PRACTITIONER:
        return [h for h in HEADLINES if h.code not in NOT_FOR_PRACTITIONERS]
    return list(HEADLINES)


def core_panel(
    *,
    run: RefreshRun | None,
    unit: QaUnit,
    parent: QaUnit | None,
    choice: PeriodChoice,
    stored: dict[tuple[str, str], StoredValues],
) -> CorePanel:
    """The panel from values already read (`stored_values_for_units`)."""
    chosen = choice.chosen
    if run is None or chosen is None:
        return CorePanel(refreshed_at=None)
    own = stored.get((unit.unit_type, unit.code), EMPTY)
    above = stored.get((parent.unit_type, parent.code), EMPTY) if parent else None
    previous = choice.previous
    groups = []
    for key, title in GROUPS:
        rows = []
        for headline in _headlines_for(unit):
            if headline.group != key:
                continue
            figure = own.measure(headline, chosen)
            before = own.measure(headline, previous) if previous else Measure.missing()
            national = national_figure_for(
                indicator=headline.code,
                breakdown=headline.breakdown,
                kind=headline.kind,
                period_start=chosen.start,
                period_end=chosen.end,
            )
            rows.append(
                CoreRow(
                    headline=headline,
                    figure=figure,
                    change=change_text(figure, before, period=previous),
                    parent=above.measure(headline, chosen) if above else None,
                    national=Figure(headline.kind, national.value).text if national else "",
                )
            )
        groups.append(CoreGroup(key, title, rows))
    return CorePanel(
        refreshed_at=run.finished_at,
        groups=groups,
        timelines=[(h, [own.measure(h, p) for p in choice.timeline]) for h in TIMELINE],
    )
