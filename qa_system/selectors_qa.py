"""A unit's QA page: audits, what families, children and staff say, and core data side
by side for one period, a shared timeline of the same periods, the flags where the
measures disagree and, for managers, the units below compared in one table.

Everything is read from what the refresh jobs stored per unit and period (core data
`UnitResults`, `AuditUnitResult`, `SurveyUnitResult`, flags): nothing is computed from
child-level records at request time, and the page's queries are a fixed number whatever
the number of practitioners, children, audits or responses (each element's rows for the
unit, its parent and its children come in one query).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from coredata.indicator_display import PCT, Period
from coredata.indicators.units import ORGANISATION
from coredata.selectors import refresh_current
from qa_system import selectors_qa_audits as audits
from qa_system import selectors_qa_coredata as core
from qa_system import selectors_qa_surveys as surveys
from qa_system.selectors_flags import flag_list_for_unit
from qa_system.selectors_qa_figures import Measure, PeriodChoice, period_choice
from qa_system.selectors_qa_units import QaUnit, UnitPlace

TIMELINE_CHART_ID = "chart-timeline"


@dataclass(frozen=True)
class TimelineRow:
    element: str
    label: str
    figures: list[Measure]


@dataclass(frozen=True)
class Timeline:
    """The same periods across the three elements: one key measure of each per row."""

    periods: list[Period]
    rows: list[TimelineRow]

    @property
    def chart_id(self) -> str:
        return TIMELINE_CHART_ID

    @property
    def chart(self) -> dict[str, Any]:
        """What static/js/charts.js draws (passed with json_script); every key measure is
        a percentage, so they share one axis."""
        return {
            "kind": PCT,
            "labels": [p.short_label for p in self.periods],
            "datasets": [
                {"label": f"{r.element}: {r.label}", "data": [f.chart_value for f in r.figures]}
                for r in self.rows
            ],
        }

    @property
    def has_data(self) -> bool:
        return any(not f.no_data for r in self.rows for f in r.figures)


@dataclass(frozen=True)
class CompareColumn:
    key: str
    element: str
    label: str
    # Filled per request: the link that sorts by this column, and the current order.
    sort_url: str = ""
    aria_sort: str = "none"


@dataclass(frozen=True)
class CompareRow:
    unit: QaUnit
    url: str
    cells: list[Measure]


@dataclass(frozen=True)
class Comparison:
    title: str
    name_column: CompareColumn
    columns: list[CompareColumn]
    rows: list[CompareRow]


@dataclass(frozen=True)
class QaPage:
    place: UnitPlace
    choice: PeriodChoice
    refreshed_at: datetime | None
    audits: audits.AuditPanel
    surveys: surveys.SurveyPanel
    core: core.CorePanel
    timeline: Timeline
    comparison: Comparison | None
    flags: list[Any] = field(default_factory=list)
    core_data_url: str = ""

    @property
    def unit(self) -> QaUnit:
        return self.place.unit

    @property
    def period(self) -> Period | None:
        return self.choice.chosen


# The comparison's columns: a key measure or two of each element, and how to read each
# from the stored values of one child unit.
Reader = Callable[[QaUnit], Measure]


def _columns(
    chosen: Period,
    audit_rows: audits.StoredAuditResults,
    survey_rows: surveys.StoredSurveyResults,
    core_rows: dict[tuple[str, str], core.StoredValues],
) -> list[tuple[CompareColumn, Reader]]:
    def core_measure(headline: core.Headline) -> Reader:
        return lambda u: core_rows.get((u.unit_type, u.code), core.EMPTY).measure(headline, chosen)

    return [
        (
            CompareColumn("audits_good", "Audits", "Graded good or outstanding"),
            lambda u: audit_rows.measure(u, chosen, audits.KEY),
        ),
        (
            CompareColumn("actions_overdue", "Audits", "Actions overdue"),
            lambda u: audit_rows.measure(u, chosen, "actions_overdue"),
        ),
        (
            CompareColumn("parents_understand", "Families", "Parents who understand the plan"),
            lambda u: survey_rows.measure(u, chosen, surveys.KEY),
        ),
        (
            CompareColumn("family_response", "Families", "Families who answered"),
            lambda u: survey_rows.measure(u, chosen, surveys.RATE_FAMILY),
        ),
        (
            CompareColumn("seen_as_planned", "Core data", "Children on CP plans seen as planned"),
            core_measure(core.KEY),
        ),
        (
            CompareColumn("caseload", "Core data", "Average caseload"),
            core_measure(core.CASELOAD),
        ),
    ]


def _sorted(rows: list[CompareRow], index: int | None, descending: bool) -> list[CompareRow]:
    by_name = sorted(rows, key=lambda r: r.unit.name.casefold(), reverse=descending)
    if index is None:
        return by_name
    present = [r for r in by_name if r.cells[index].sort_value is not None]
    missing = [r for r in by_name if r.cells[index].sort_value is None]
    present.sort(key=lambda r: r.cells[index].sort_value or 0.0, reverse=descending)
    return present + missing


def comparison_for(
    *,
    place: UnitPlace,
    choice: PeriodChoice,
    sort: str,
    base_url: str,
    audit_rows: audits.StoredAuditResults,
    survey_rows: surveys.StoredSurveyResults,
    core_rows: dict[tuple[str, str], core.StoredValues],
) -> Comparison | None:
    """The units below in one table, sorted by `sort` (a column key, '-' first for
    largest first; missing and suppressed values always last)."""
    chosen = choice.chosen
    if not place.children or chosen is None:
        return None
    columns = _columns(chosen, audit_rows, survey_rows, core_rows)
    rows = [
        CompareRow(unit=u, url=u.url, cells=[read(u) for _, read in columns])
        for u in place.children
    ]
    keys = [column.key for column, _ in columns]
    wanted = sort.removeprefix("-")
    valid = wanted in keys or wanted == "name"
    current = wanted if valid else "name"
    descending = valid and sort.startswith("-")
    index = keys.index(current) if current in keys else None
    rows = _sorted(rows, index, descending)

    def link(key: str) -> tuple[str, str]:
        if key == current:
            order = "descending" if descending else "ascending"
            new = key if descending else f"-{key}"
        else:
            order, new = "none", key
        query = urlencode({"period": chosen.key, "sort": new})
        return f"{base_url}?{query}#compare", order

    def column(template: CompareColumn) -> CompareColumn:
        url, order = link(template.key)
        return CompareColumn(template.key, template.element, template.label, url, order)

    return Comparison(
        title=f"{place.children_title} compared",
        name_column=column(CompareColumn("name", "", place.children_title[:-1] or "Unit")),
        columns=[column(c) for c, _ in columns],
        rows=rows,
    )


def _core_data_url(unit: QaUnit, period: Period | None) -> str:
    if unit.unit_type == ORGANISATION:
        url = reverse("coredata:indicators_organisation")
    else:
        url = reverse(f"coredata:indicators_{unit.unit_type}", args=[unit.pk])
    return f"{url}?{urlencode({'period': period.key})}" if period else url


def _flags(*, user: Any, unit: QaUnit, period: Period | None) -> list[Any]:
    """The flags stored for the unit whose quarter overlaps the period
    (qa_system/FLAGS_INTERFACE.md)."""
    return list(
        flag_list_for_unit(
            user=user,
            unit_type=unit.unit_type,
            unit_id=unit.pk,
            period_start=period.start if period else None,
            period_end=period.end if period else None,
        )
    )


def qa_page_for(
    *,
    user: Any,
    place: UnitPlace,
    period_key: str | None,
    sort: str = "",
    today: date | None = None,
    aggregates_only: bool = False,
) -> QaPage:
    """The QA page of a unit the user may see (`place` from selectors_qa_units).
    `aggregates_only` leaves out what quotes single audits or responses (the audits'
    themes and the survey comments): the API gives figures only."""
    unit, parent = place.unit, place.parent
    organisation_id = place.organisation.pk
    run = refresh_current(organisation_id=organisation_id)
    choice = period_choice(run=run, key=period_key, today=today or timezone.localdate())
    chosen = choice.chosen
    core_rows = core.stored_values_for_units(
        run=run,
        units=[unit, *([parent] if parent else []), *place.children],
        periods=choice.timeline,
    )
    audit_rows = audits.audit_results_read(
        organisation_id=organisation_id,
        choice=choice,
        unit=unit,
        parent=parent,
        children=place.children,
    )
    survey_rows = surveys.survey_results_read(
        organisation_id=organisation_id,
        choice=choice,
        unit=unit,
        parent=parent,
        children=place.children,
    )
    audit_panel = audits.audit_panel(
        unit=unit,
        parent=parent,
        choice=choice,
        stored=audit_rows,
        section_titles=audits.audit_section_titles(organisation_id=organisation_id),
        themes=None
        if aggregates_only or chosen is None or chosen.kind not in audits.PERIOD_TYPES
        else audits.audit_themes_latest(user=user, unit=unit, period=chosen),
    )
    survey_panel = surveys.survey_panel(
        user=user,
        unit=unit,
        parent=parent,
        choice=choice,
        stored=survey_rows,
        min_responses=surveys.survey_min_responses(organisation_id=organisation_id),
        with_comments=not aggregates_only,
    )
    core_panel = core.core_panel(run=run, unit=unit, parent=parent, choice=choice, stored=core_rows)
    rows = []
    if audit_panel.supported:
        rows.append(TimelineRow("Audits", "Graded good or outstanding", audit_panel.key_timeline))
    if survey_panel.supported:
        rows.append(TimelineRow("Families", surveys.LABELS[surveys.KEY], survey_panel.key_timeline))
    if core_panel.available:
        rows += [TimelineRow("Core data", h.label, m) for h, m in core_panel.timelines]
    return QaPage(
        place=place,
        choice=choice,
        refreshed_at=run.finished_at if run else None,
        audits=audit_panel,
        surveys=survey_panel,
        core=core_panel,
        timeline=Timeline(choice.timeline, rows),
        comparison=comparison_for(
            place=place,
            choice=choice,
            sort=sort,
            base_url=unit.url,
            audit_rows=audit_rows,
            survey_rows=survey_rows,
            core_rows=core_rows,
        ),
        flags=_flags(user=user, unit=unit, period=chosen),
        core_data_url=_core_data_url(unit, chosen),
    )
