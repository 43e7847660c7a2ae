"""What the core data pages show: a unit's indicators for a period with their trend, the
parent unit's value and England's, and the state of the refresh behind them (my core
data's caseload figures and children are in `coredata.selectors_caseload`).

Results are read through `refresh_current` and `unit_results_frame`: one query for the
unit and one for its parent, so a page's queries do not grow with the number of units or
indicators. Callers pass units the user may see (the organisation selectors decide).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from django.utils import timezone

from coredata.indicator_display import (
    CHARTED,
    COUNT,
    NOT_FOR_PRACTITIONERS,
    RATE_10K,
    ROWS,
    Figure,
    Period,
    breakdown_label,
    latest_quarter,
    measure_kind,
    period_groups,
    period_list,
    trend_labels,
    trend_periods,
)
from coredata.indicators.members import is_listed
from coredata.indicators.registry import INDICATORS, Indicator
from coredata.indicators.units import ORGANISATION, PRACTITIONER, SERVICE, TEAM
from coredata.models import ImportRun, RefreshRun
from coredata.models.imports import ImportKind
from coredata.national import NationalFigure, national_figure_for
from coredata.selectors import refresh_current, unit_results_frame
from organisation.models import Organisation, Service, StaffMember, Team

GROUPS = (
    ("activity", "Activity"),
    ("plans", "Plans"),
    ("outcomes", "Outcomes"),
    ("workforce", "Workforce"),
)
STALE_AFTER = timedelta(days=1)
IMPORTS_SHOWN = 5
RESULT_FIELDS = [
    "indicator", "breakdown", "period_start", "period_end", "numerator", "denominator", "value",
]  # fmt: skip


@dataclass(frozen=True)
class Unit:
    unit_type: str
    unit_code: str
    name: str


def unit_for_organisation(organisation: Organisation) -> Unit:
    return Unit(ORGANISATION, organisation.la_code, organisation.name)


def unit_for_service(service: Service) -> Unit:
    return Unit(SERVICE, service.code, service.name)


def unit_for_team(team: Team) -> Unit:
    return Unit(TEAM, team.code, team.name)


def unit_for_staff(staff: StaffMember) -> Unit:
    return Unit(PRACTITIONER, staff.worker_id, staff.name)


@dataclass(frozen=True)
class ImportSummary:
    created_at: datetime
    kinds: list[str]


@dataclass(frozen=True)
class RefreshState:
    """When the results shown were computed, from which imports, and whether they are old."""

    run: RefreshRun | None
    stale: bool
    in_progress: bool
    imports: list[ImportSummary] = field(default_factory=list)
    import_count: int = 0

    @property
    def earlier_import_count(self) -> int:
        """Imports the run used beyond those listed."""
        return self.import_count - len(self.imports)


def refresh_state_for(*, organisation_id: int, run: RefreshRun | None) -> RefreshState:
    """The refresh state of an organisation's current results (`run`: `refresh_current`)."""
    in_progress = RefreshRun.objects.filter(
        organisation_id=organisation_id,
        status__in=[RefreshRun.Status.QUEUED, RefreshRun.Status.RUNNING],
    ).exists()
    if run is None:
        return RefreshState(run=None, stale=False, in_progress=in_progress)
    finished = run.finished_at or run.created_at
    latest = ImportRun.objects.filter(
        organisation_id=organisation_id, pk__in=run.import_run_ids
    ).order_by("-created_at", "-pk")[:IMPORTS_SHOWN]
    return RefreshState(
        run=run,
        stale=timezone.now() - finished > STALE_AFTER,
        in_progress=in_progress,
        imports=[
            ImportSummary(
                created_at=r.created_at,
                kinds=[_kind_label(f.get("kind", "")) for f in r.files],
            )
            for r in latest
        ],
        import_count=len(run.import_run_ids),
    )


def _kind_label(kind: str) -> str:
    return ImportKind(kind).label if kind in ImportKind.values else "file"


class ResultsLookup:
    """A unit's results for some periods, looked up by indicator, breakdown and period."""

    def __init__(self, frame: pd.DataFrame, periods: list[Period]) -> None:
        self.values: dict[tuple[str, str, date, date], tuple[Any, Any, Any]] = {}
        self.present: set[tuple[str, date, date]] = set()
        self.breakdowns: dict[str, set[str]] = {}
        self.with_rates: set[str] = set()
        if frame.empty or not periods:
            return
        is_rate = frame["breakdown"].str.contains(f"measure={RATE_10K}", regex=False)
        self.with_rates = set(frame.loc[is_rate.fillna(False), "indicator"].unique())
        wanted = pd.DataFrame(
            {
                "period_start": pd.to_datetime([p.start for p in periods]),
                "period_end": pd.to_datetime([p.end for p in periods]),
            }
        ).astype({"period_start": "datetime64[ns]", "period_end": "datetime64[ns]"})
        rows = frame.merge(wanted, on=["period_start", "period_end"], how="inner")
        columns: dict[Any, list[Any]] = rows.to_dict("list")
        for indicator, breakdown, start, end, numerator, denominator, value in zip(
            *(columns[c] for c in RESULT_FIELDS), strict=True
        ):
            key = (str(indicator), str(breakdown), start.date(), end.date())
            self.values[key] = (_plain(numerator), _plain(denominator), _plain(value))
            self.present.add((key[0], key[2], key[3]))
            self.breakdowns.setdefault(key[0], set()).add(key[1])

    def has(self, indicator: str, breakdown: str, period: Period) -> bool:
        return (indicator, breakdown, period.start, period.end) in self.values

    def figure(self, indicator: str, breakdown: str, kind: str, period: Period) -> Figure:
        found = self.values.get((indicator, breakdown, period.start, period.end))
        if found is None:
            # A count the indicator has rows for in the period, but not this breakdown,
            # counted nothing (a tier with no children); anything else has no data.
            if kind == COUNT and (indicator, period.start, period.end) in self.present:
                return Figure(kind, 0.0)
            return Figure(kind, None)
        numerator, denominator, value = found
        return Figure(kind, value, numerator, denominator)


def _plain(value: Any) -> float | None:
    return None if value is pd.NA or pd.isna(value) else float(value)


@dataclass(frozen=True)
class Row:
    breakdown: str
    label: str
    figure: Figure
    parent: Figure | None
    national: NationalFigure | None
    # The query string of the list of children behind the figure ("" when there is none;
    # whether the viewer may open it is the page's to say).
    children_query: str = ""

    @property
    def national_text(self) -> str:
        return Figure(self.figure.kind, self.national.value).text if self.national else ""


@dataclass(frozen=True)
class Series:
    label: str
    figures: list[Figure]


@dataclass(frozen=True)
class Card:
    """One indicator on a unit's page."""

    code: str
    name: str
    direction: str
    definition: str
    rows: list[Row]
    trend: list[Period]
    series: list[Series]
    trend_caption: str = "Trend"

    @property
    def chart_id(self) -> str:
        return f"chart-{self.code}"

    @property
    def chart(self) -> dict[str, Any]:
        """What static/js/charts.js draws (passed with json_script)."""
        return {
            "kind": self.series[0].figures[0].kind if self.series else "",
            "labels": [p.short_label for p in self.trend],
            "datasets": [
                {"label": s.label, "data": [f.chart_value for f in s.figures]} for s in self.series
            ],
        }

    @property
    def wide(self) -> bool:
        """Several lines: the chart and its table each take the card's width."""
        return len(self.series) > 1

    @property
    def trend_rows(self) -> list[tuple[Period, list[Figure]]]:
        return [(p, [s.figures[i] for s in self.series]) for i, p in enumerate(self.trend)]

    @property
    def national_sources(self) -> list[NationalFigure]:
        return [row.national for row in self.rows if row.national]


@dataclass(frozen=True)
class Section:
    group: str
    title: str
    cards: list[Card]


@dataclass(frozen=True)
class IndicatorPage:
    refresh: RefreshState
    period: Period | None
    period_groups: list[tuple[str, list[Period]]]
    period_not_found: bool
    sections: list[Section]


def _code_order(code: str) -> tuple[str, int]:
    return (code[:1], int(code[1:]) if code[1:].isdigit() else 0)


def period_choose(
    periods: list[Period], key: str | None, default: Callable[[list[Period]], Period | None]
) -> tuple[Period | None, bool]:
    """The period the `period` parameter names, else the default (and whether a key
    named a period the results do not have)."""
    if key:
        for period in periods:
            if period.key == key:
                return period, False
    return default(periods), bool(key)


def indicator_page_for_unit(
    *, organisation_id: int, unit: Unit, parent: Unit | None, period_key: str | None
) -> IndicatorPage:
    """Every registered indicator of a unit for the chosen period (default: the latest
    complete quarter), by group, with the trend over earlier periods of the same kind,
    the parent unit's value and the national figure where DfE publishes one."""
    run = refresh_current(organisation_id=organisation_id)
    refresh = refresh_state_for(organisation_id=organisation_id, run=run)
    periods = period_list(run.first_month_end, run.last_month_end) if run else []
    chosen, not_found = period_choose(periods, period_key, latest_quarter)
    groups = period_groups(periods)
    if run is None or chosen is None:
        return IndicatorPage(refresh, chosen, groups, not_found, [])
    trend = trend_periods(periods, chosen)
    results = ResultsLookup(
        unit_results_frame(run=run, unit_type=unit.unit_type, unit_code=unit.unit_code), trend
    )
    parent_results = (
        ResultsLookup(
            unit_results_frame(run=run, unit_type=parent.unit_type, unit_code=parent.unit_code),
            [chosen],
        )
        if parent
        else None
    )
    from coredata.indicators import catalogue  # noqa: F401 - registers the indicators

    indicators = sorted(INDICATORS.values(), key=lambda i: _code_order(i.code))
    if unit.unit_type == PRACTITIONER:
        indicators = [i for i in indicators if i.code not in NOT_FOR_PRACTITIONERS]
    sections = [
        Section(
            group,
            title,
            [
                _card(indicator, results, parent_results, chosen, trend)
                for indicator in indicators
                if indicator.group == group
            ],
        )
        for group, title in GROUPS
    ]
    return IndicatorPage(refresh, chosen, groups, not_found, sections)


def _card(
    indicator: Indicator,
    results: ResultsLookup,
    parent: ResultsLookup | None,
    chosen: Period,
    trend: list[Period],
) -> Card:
    code = indicator.code
    listed = ROWS.get(code) or tuple(sorted(results.breakdowns.get(code, set()))) or ("",)
    # Rates exist only for units with a population; elsewhere their rows would all be empty.
    if code not in results.with_rates:
        listed = tuple(b for b in listed if f"measure={RATE_10K}" not in b)
    rows = []
    for breakdown in listed:
        kind = measure_kind(indicator.unit, breakdown)
        rows.append(
            Row(
                breakdown=breakdown,
                label=breakdown_label(breakdown, name=indicator.name),
                figure=results.figure(code, breakdown, kind, chosen),
                parent=parent.figure(code, breakdown, kind, chosen) if parent else None,
                national=national_figure_for(
                    indicator=code,
                    breakdown=breakdown,
                    kind=kind,
                    period_start=chosen.start,
                    period_end=chosen.end,
                ),
                children_query=(
                    urlencode({"indicator": code, "breakdown": breakdown, "period": chosen.key})
                    if is_listed(code, breakdown)
                    else ""
                ),
            )
        )
    charted = [b for b in CHARTED.get(code, listed[:1]) if b in listed]
    shared, labels = trend_labels(charted, name=indicator.name)
    kinds = [measure_kind(indicator.unit, b) for b in charted]
    # The trend starts at the first period with data; without any, there is no chart.
    with_data = [i for i, p in enumerate(trend) if any(results.has(code, b, p) for b in charted)]
    trend = trend[with_data[0] :] if with_data else []
    series = [
        Series(label, [results.figure(code, b, kind, p) for p in trend])
        for b, label, kind in zip(charted, labels, kinds, strict=True)
        if trend
    ]
    return Card(
        code=code,
        name=indicator.name,
        direction=indicator.direction,
        definition=inspect.cleandoc(indicator.definition),
        rows=rows,
        trend=trend,
        series=series,
        trend_caption=f"Trend: {shared}" if shared else "Trend",
    )
