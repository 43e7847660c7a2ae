"""How a unit's stored survey results are laid out on its page: the indicators in
groups with their trend (a table and a chart of the same numbers), response rates, each
question's share of positive answers, for one period. Pure Python over the stored rows
(the view reads them through the visibility selectors).

A suppressed row (fewer responses than the organisation's minimum, or hidden so that
nothing can be recovered by subtraction) shows "Fewer than N responses", never a
number: the stored row holds none.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from surveys.models import (
    QuestionKind,
    SurveyIndicator,
    SurveyQuestion,
    SurveyTemplate,
    SurveyUnitResult,
)
from surveys.periods import PERIOD_TYPES, QUARTER, period_label, periods_of
from surveys.results_cells import RATE_FAMILY, RATE_STAFF, question_measure

TREND_PERIODS = 8
INDICATOR_GROUPS: list[tuple[str, str, list[str]]] = [
    (
        "children",
        "Children feeling safe",
        [
            SurveyIndicator.CHILD_SAFE_HOME,
            SurveyIndicator.CHILD_SAFE_SCHOOL,
            SurveyIndicator.CHILD_SAFE_COMMUNITY,
        ],
    ),
    (
        "parents",
        "Parents and carers",
        [SurveyIndicator.PARENT_SATISFACTION, SurveyIndicator.PARENT_UNDERSTAND],
    ),
    (
        "staff",
        "Staff",
        [
            SurveyIndicator.STAFF_CHILDREN_SAFER,
            SurveyIndicator.STAFF_CASELOAD,
            SurveyIndicator.STAFF_SUPERVISION,
            SurveyIndicator.STAFF_TIME,
        ],
    ),
]
RATE_LABELS = {RATE_FAMILY: "Families and children", RATE_STAFF: "Staff"}


@dataclass(frozen=True)
class Figure:
    """One cell as the page shows it."""

    text: str
    detail: str = ""
    suppressed: bool = False
    no_data: bool = False


@dataclass
class Line:
    measure: str
    label: str
    figure: Figure


@dataclass
class IndicatorGroup:
    key: str
    title: str
    lines: list[Line]
    trend_labels: list[str] = field(default_factory=list)
    trend_rows: list[tuple[str, list[Figure]]] = field(default_factory=list)
    chart: dict[str, Any] = field(default_factory=dict)

    @property
    def chart_id(self) -> str:
        return f"survey-chart-{self.key}"


@dataclass
class QuestionBlock:
    key: str
    title: str
    lines: list[Line]


@dataclass
class ResultsPage:
    period_type: str
    period_start: date | None
    period_label: str
    periods: list[tuple[str, str]]
    groups: list[IndicatorGroup]
    rates: list[Line]
    questions: list[QuestionBlock]
    not_found: bool = False


def trend_starts(period_type: str, *, first: date, last: date) -> list[date]:
    """The starts of the periods of a trend: every period (with results or not) up to
    and including `last`, at most TREND_PERIODS of them, none before `first`."""
    starts = [last]
    while len(starts) < TREND_PERIODS:
        previous = dict(periods_of(starts[0] - timedelta(days=1)))[period_type]
        if previous < first:
            break
        starts.insert(0, previous)
    return starts


def period_type_or_default(value: str | None) -> str:
    return value if value in PERIOD_TYPES else QUARTER


def _pct(value: float) -> str:
    return f"{value:.0f}%"


def figure_of(row: SurveyUnitResult | None, *, min_responses: int, rate: bool = False) -> Figure:
    if row is None:
        return Figure("No data", no_data=True)
    if row.suppressed or row.value is None:
        return Figure(f"Fewer than {min_responses} responses", suppressed=True)
    if rate:
        detail = f"{row.numerator} of {row.denominator} invited"
    else:
        detail = f"{row.numerator} of {row.denominator} answers"
    return Figure(_pct(row.value), detail)


def _chart_value(row: SurveyUnitResult | None) -> float | None:
    if row is None or row.suppressed or row.value is None:
        return None
    return round(row.value, 1)


def results_page(
    *,
    rows: list[SurveyUnitResult],
    period_type: str,
    period_key: str | None,
    names: dict[str, str],
    titles: dict[str, str],
    min_responses: int,
    free_text: frozenset[str] = frozenset(),
) -> ResultsPage:
    """The page for the rows of one unit and period type, at the period `period_key`
    (an ISO date of a period's start), or the latest with results. `names`: each
    measure's name, questions in page order; `titles`: each survey's title by key;
    `free_text`: the measures of free-text questions (shown in the three columns, not
    as a share of positive answers)."""
    by_measure: dict[str, dict[date, SurveyUnitResult]] = defaultdict(dict)
    for row in rows:
        by_measure[row.measure][row.period_start] = row
    starts = sorted({row.period_start for row in rows})
    chosen = starts[-1] if starts else None
    not_found = False
    if period_key and starts:
        wanted = next((s for s in starts if s.isoformat() == period_key), None)
        not_found = wanted is None
        chosen = wanted or chosen
    if chosen is None:
        return ResultsPage(period_type, None, "", [], [], [], [], not_found=bool(period_key))
    trend = trend_starts(period_type, first=starts[0], last=chosen)
    trend_labels = [period_label(period_type, s) for s in trend]

    groups = []
    for key, title, measures in INDICATOR_GROUPS:
        present = [m for m in measures if m in by_measure]
        if not present:
            continue
        lines = [
            Line(
                m,
                names.get(m, m),
                figure_of(by_measure[m].get(chosen), min_responses=min_responses),
            )
            for m in present
        ]
        trend_rows = [
            (
                period_label(period_type, s),
                [figure_of(by_measure[m].get(s), min_responses=min_responses) for m in present],
            )
            for s in trend
        ]
        chart = {
            "kind": "pct",
            "labels": trend_labels,
            "datasets": [
                {
                    "label": names.get(m, m),
                    "data": [_chart_value(by_measure[m].get(s)) for s in trend],
                }
                for m in present
            ],
        }
        groups.append(IndicatorGroup(key, title, lines, trend_labels, trend_rows, chart))
    rates = [
        Line(
            m,
            label,
            figure_of(by_measure[m].get(chosen), min_responses=min_responses, rate=True),
        )
        for m, label in RATE_LABELS.items()
        if m in by_measure
    ]
    blocks: dict[str, list[Line]] = defaultdict(list)
    # Questions in the order of their surveys' pages (the order of `names`).
    ordered = [m for m in names if m in by_measure]
    ordered += sorted(set(by_measure) - set(ordered))
    for measure in ordered:
        if not measure.startswith("q:"):
            continue
        _, template_key, _code = measure.split(":", 2)
        shown = by_measure[measure].get(chosen)
        if shown is None or measure in free_text:
            continue
        blocks[template_key].append(
            Line(
                measure, names.get(measure, measure), figure_of(shown, min_responses=min_responses)
            )
        )
    return ResultsPage(
        period_type=period_type,
        period_start=chosen,
        period_label=period_label(period_type, chosen),
        periods=[(s.isoformat(), period_label(period_type, s)) for s in reversed(starts)],
        groups=groups,
        rates=rates,
        questions=[
            QuestionBlock(key, titles.get(key, key), lines) for key, lines in blocks.items()
        ],
        not_found=not_found,
    )


def survey_titles(*, organisation_id: int) -> dict[str, str]:
    """Each survey's title (English, latest version) by its key."""
    titles: dict[str, str] = {}
    templates = SurveyTemplate.objects.filter(organisation_id=organisation_id).order_by("version")
    for key, title in templates.values_list("key", "title"):
        titles[key] = str(title.get("en", key))
    return titles


def free_text_measures(*, organisation_id: int) -> frozenset[str]:
    """The measures of the organisation's free-text questions."""
    questions = SurveyQuestion.objects.filter(
        template__organisation_id=organisation_id, kind=QuestionKind.FREE_TEXT
    ).values_list("template__key", "code")
    return frozenset(question_measure(key, code) for key, code in questions)
