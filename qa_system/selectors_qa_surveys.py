"""The "what families, children and staff say" panel of a QA page: the survey indicators
(children feeling safe, parents understanding what needs to happen, staff on caseloads
and supervision...), the response rates and, on a team's or a practitioner's page, what
respondents wrote in the three columns.

Read from the stored `surveys.SurveyUnitResult` rows (surveys/INTERFACE.md), which the
results job writes with suppression already applied: a row for fewer than the
organisation's minimum of responses (5 by default) has no numbers, and the page shows
none. The unit's, its parent's and its children's rows come in one query whatever
their number. Rolling 12-month periods are not summarised by surveys (months, quarters
and financial years are).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q
from django.http import Http404

from coredata.indicator_display import PCT, Period
from coredata.indicators.periods import FINANCIAL_YEAR, MONTH, QUARTER
from coredata.indicators.units import PRACTITIONER, TEAM
from qa_system.selectors_qa_figures import Measure, PeriodChoice, change_text
from qa_system.selectors_qa_units import QaUnit
from surveys.models import FreeTextColumn, SurveyIndicator, SurveySettings, SurveyUnitResult
from surveys.selectors_results import survey_free_text_for_unit

# The core data period kinds the surveys' results are stored for, by their name there.
PERIOD_TYPES = {MONTH: "month", QUARTER: "quarter", FINANCIAL_YEAR: "year"}
MIN_RESPONSES = 5  # SurveySettings' default when an organisation has no row
RATE_FAMILY = "rate:family"
RATE_STAFF = "rate:staff"
AUDIENCES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Children and young people", (
        SurveyIndicator.CHILD_SAFE_HOME, SurveyIndicator.CHILD_SAFE_SCHOOL,
        SurveyIndicator.CHILD_SAFE_COMMUNITY,
    )),
    ("Parents and carers", (
        SurveyIndicator.PARENT_UNDERSTAND, SurveyIndicator.PARENT_SATISFACTION,
    )),
    ("Staff", (
        SurveyIndicator.STAFF_CHILDREN_SAFER, SurveyIndicator.STAFF_CASELOAD,
        SurveyIndicator.STAFF_SUPERVISION, SurveyIndicator.STAFF_TIME,
    )),
)  # fmt: skip
STAFF_MEASURES = frozenset(AUDIENCES[2][1]) | {RATE_STAFF}
RATES = ((RATE_FAMILY, "Families who answered"), (RATE_STAFF, "Staff who answered"))
LABELS = {**dict(SurveyIndicator.choices), **dict(RATES)}
# The measure set beside audits and core data in the timeline and the comparison.
KEY = SurveyIndicator.PARENT_UNDERSTAND.value
COMPARED = (KEY, RATE_FAMILY)
FREE_TEXT_SHOWN = 5  # comments per column (the surveys sort them, so none is "latest")
COMMENT_UNITS = frozenset({TEAM, PRACTITIONER})


@dataclass(frozen=True)
class SurveyRow:
    measure: str
    label: str
    figure: Measure
    respondents: int | None
    change: str
    parent: Measure | None


@dataclass(frozen=True)
class SurveyGroup:
    title: str
    rows: list[SurveyRow]


@dataclass(frozen=True)
class FreeText:
    suppressed: bool
    columns: list[tuple[str, list[str]]]

    @property
    def empty(self) -> bool:
        return not any(comments for _, comments in self.columns)


@dataclass(frozen=True)
class SurveyPanel:
    supported: bool  # the period's kind is one surveys are summarised by
    min_responses: int = MIN_RESPONSES
    groups: list[SurveyGroup] = field(default_factory=list)
    rates: list[SurveyRow] = field(default_factory=list)
    free_text: FreeText | None = None
    key_timeline: list[Measure] = field(default_factory=list)

    @property
    def has_results(self) -> bool:
        rows = [row for group in self.groups for row in group.rows] + self.rates
        return any(not row.figure.no_data or row.figure.suppressed for row in rows)


Key = tuple[str, int, date, str]  # unit type, unit id, period start, measure


class StoredSurveyResults:
    """Survey rows of some units, looked up by unit, period and measure."""

    def __init__(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self.rows: dict[Key, Mapping[str, Any]] = {
            (r["unit_type"], r["unit_id"], r["period_start"], r["measure"]): r for r in rows
        }

    def measure(self, unit: QaUnit, period: Period, measure: str) -> Measure:
        row = self.rows.get((unit.unit_type, unit.pk, period.start, measure))
        if row is None:
            return Measure.missing(PCT)
        if row["suppressed"] or row["value"] is None:
            return Measure.missing(PCT, suppressed=True)
        return Measure(PCT, row["value"], row["numerator"], row["denominator"])

    def respondents(self, unit: QaUnit, period: Period, measure: str) -> int | None:
        row = self.rows.get((unit.unit_type, unit.pk, period.start, measure))
        return row["respondents"] if row else None


def survey_results_read(
    *,
    organisation_id: int,
    choice: PeriodChoice,
    unit: QaUnit,
    parent: QaUnit | None,
    children: list[QaUnit],
) -> StoredSurveyResults:
    """The stored rows a page needs, in one query: the unit's over the timeline, the
    parent's for the chosen period and the children's key measures for it."""
    chosen = choice.chosen
    period_type = PERIOD_TYPES.get(chosen.kind) if chosen else None
    if chosen is None or period_type is None:
        return StoredSurveyResults([])
    # Every measure of the chosen period and the one before, the key measure of the
    # rest of the timeline.
    recent = [chosen.start, *([choice.previous.start] if choice.previous else [])]
    match = Q(unit_type=unit.unit_type, unit_id=unit.pk, period_start__in=recent)
    match |= Q(unit_type=unit.unit_type, unit_id=unit.pk, period_start__in=_starts(choice),
               measure=KEY)  # fmt: skip
    if parent is not None:
        match |= Q(unit_type=parent.unit_type, unit_id=parent.pk, period_start=chosen.start)
    for unit_type in {c.unit_type for c in children}:
        ids = sorted(c.pk for c in children if c.unit_type == unit_type)
        match |= Q(
            unit_type=unit_type, unit_id__in=ids, period_start=chosen.start, measure__in=COMPARED
        )
    rows = SurveyUnitResult.objects.filter(
        match, organisation_id=organisation_id, period_type=period_type
    ).values(
        "unit_type", "unit_id", "period_start", "measure", "respondents", "numerator",
        "denominator", "value", "suppressed",
    )  # fmt: skip
    return StoredSurveyResults(rows)


def _starts(choice: PeriodChoice) -> list[date]:
    return [p.start for p in choice.timeline]


def survey_min_responses(*, organisation_id: int) -> int:
    found = (
        SurveySettings.objects.filter(organisation_id=organisation_id)
        .values_list("min_responses", flat=True)
        .first()
    )
    return found or MIN_RESPONSES


def survey_panel(
    *,
    user: Any,
    unit: QaUnit,
    parent: QaUnit | None,
    choice: PeriodChoice,
    stored: StoredSurveyResults,
    min_responses: int,
    with_comments: bool = True,
) -> SurveyPanel:
    chosen = choice.chosen
    if chosen is None or chosen.kind not in PERIOD_TYPES:
        return SurveyPanel(supported=False, min_responses=min_responses)
    previous = choice.previous

    def row(measure: str) -> SurveyRow:
        figure = stored.measure(unit, chosen, measure)
        before = stored.measure(unit, previous, measure) if previous else Measure.missing()
        return SurveyRow(
            measure=measure,
            label=LABELS[measure],
            figure=figure,
            respondents=stored.respondents(unit, chosen, measure),
            change=change_text(figure, before, period=previous),
            parent=stored.measure(parent, chosen, measure) if parent else None,
        )

    # Staff answer anonymously: their results stop at the team (never a practitioner).
    staff_too = unit.unit_type != PRACTITIONER
    groups = [
        SurveyGroup(title, [row(m) for m in measures])
        for title, measures in AUDIENCES
        if staff_too or not STAFF_MEASURES.issuperset(measures)
    ]
    rates = [row(m) for m, _ in RATES if staff_too or m not in STAFF_MEASURES]
    return SurveyPanel(
        supported=True,
        min_responses=min_responses,
        groups=groups,
        rates=rates,
        free_text=_free_text(user=user, unit=unit, period=chosen) if with_comments else None,
        key_timeline=[stored.measure(unit, p, KEY) for p in choice.timeline],
    )


def _free_text(*, user: Any, unit: QaUnit, period: Period) -> FreeText | None:
    """A few comments per column, as the surveys' selector gives them to this user (it
    applies the stored suppression), for a team or a practitioner: the selector reads
    the unit's shared answers, which a team's page can afford and an organisation's
    could not. None elsewhere, or when the user may not read the comments."""
    if unit.unit_type not in COMMENT_UNITS:
        return None
    try:
        found = survey_free_text_for_unit(
            user=user,
            unit_type=unit.unit_type,
            unit_id=unit.pk,
            period_type=PERIOD_TYPES[period.kind],
            period_start=period.start,
        )
    except Http404:
        return None
    columns: dict[str, list[str]] = {column: [] for column in FreeTextColumn.values}
    suppressed = bool(found)
    for block in found:
        for column in block.columns:
            suppressed = suppressed and column.suppressed
            columns.setdefault(column.column, []).extend(column.comments)
    return FreeText(
        suppressed=suppressed,
        columns=[
            (str(label), columns[value][:FREE_TEXT_SHOWN])
            for value, label in FreeTextColumn.choices
        ],
    )
