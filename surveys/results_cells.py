"""Turning responses into the cells of the results tables, the groups that say how
they add up, and the rows stored per unit. Pure Python (the service loads and stores).

A cell is `(measure, node, period)`. Nodes are paths down the organisation as the
responses were attributed at the time: `()` the organisation, `(service,)`,
`(service, team)`, `(service, team, worker)` (pks). A team that moved service, or a
worker who moved team, has several nodes; a unit's result is the sum of its nodes,
and it is shown only when every one of them is shown (a sum of shown cells reveals
nothing new). A response whose team or worker is not known counts in the parent node
only: the residual of that node's group, never shown on its own.
"""

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date

from surveys.periods import QUARTER, YEAR, Period, period_end, periods_of, sub_periods
from surveys.questions import is_positive
from surveys.suppression import Group, suppress

Node = tuple[int, ...]
Cell = tuple[str, Node, Period]

ORGANISATION, SERVICE, TEAM, PRACTITIONER = "organisation", "service", "team", "practitioner"
UNIT_OF_DEPTH = {0: ORGANISATION, 1: SERVICE, 2: TEAM, 3: PRACTITIONER}
RATE_FAMILY, RATE_STAFF = "rate:family", "rate:staff"


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    kind: str
    indicator: str = ""


@dataclass(frozen=True)
class ResponseRow:
    """One response as the results need it."""

    template_key: str
    node: Node
    day: date
    answers: dict[str, object]
    share_comments: bool
    questions: tuple[QuestionSpec, ...]


@dataclass
class Agg:
    count: int = 0
    numerator: int | None = None
    denominator: int | None = None
    distribution: Counter[int] = field(default_factory=Counter)

    def add(self, other: "Agg") -> None:
        self.count += other.count
        if other.numerator is not None:
            self.numerator = (self.numerator or 0) + other.numerator
        if other.denominator is not None:
            self.denominator = (self.denominator or 0) + other.denominator
        self.distribution.update(other.distribution)


@dataclass(frozen=True)
class UnitRow:
    unit_type: str
    unit_id: int
    period_type: str
    period_start: date
    period_end: date
    measure: str
    respondents: int | None
    numerator: int | None
    denominator: int | None
    value: float | None
    distribution: dict[str, int]
    suppressed: bool


def question_measure(template_key: str, code: str) -> str:
    return f"q:{template_key}:{code}"


def _ancestors(node: Node) -> list[Node]:
    return [node[:depth] for depth in range(len(node) + 1)]


def cells_from_responses(
    rows: Iterable[ResponseRow],
) -> tuple[dict[Cell, Agg], dict[str, set[str]]]:
    """The cells every response counts in (its node and every node above it, each of
    its three periods), and for each indicator the question measures it is made of.

    Answered questions count their answer, positives (QuestionKind) and distribution;
    free text counts the comment only when the respondent chose to share comments.
    """
    cells: dict[Cell, Agg] = defaultdict(Agg)
    made_of: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        periods = periods_of(row.day)
        nodes = _ancestors(row.node)
        for question in row.questions:
            value = row.answers.get(question.code)
            if value is None or value == "":
                continue
            measure = question_measure(row.template_key, question.code)
            if question.kind == "free_text":
                if not row.share_comments:
                    continue
                one = Agg(count=1)
                measures = [measure]
            else:
                if not isinstance(value, int):
                    continue
                one = Agg(
                    count=1,
                    numerator=int(is_positive(question.kind, value)),
                    denominator=1,
                    distribution=Counter({value: 1}),
                )
                measures = [measure]
                if question.indicator:
                    measures.append(question.indicator)
                    made_of[question.indicator].add(measure)
            for measure_name in measures:
                for node in nodes:
                    for period in periods:
                        cells[(measure_name, node, period)].add(one)
    return dict(cells), dict(made_of)


def rate_cells(measure: str, invited: Iterable[tuple[Node, date, bool]]) -> dict[Cell, Agg]:
    """Response-rate cells from (node, date, responded) per invitation: the count is the
    responses (what is protected), the denominator the invitations. Cells with no
    response are left out (a unit with none shows no rate)."""
    cells: dict[Cell, Agg] = defaultdict(Agg)
    for node, day, responded in invited:
        one = Agg(count=int(responded), numerator=int(responded), denominator=1)
        for ancestor in _ancestors(node):
            for period in periods_of(day):
                cells[(measure, ancestor, period)].add(one)
    return {cell: agg for cell, agg in cells.items() if agg.count > 0}


def groups_for(cells: dict[Cell, Agg], made_of: dict[str, set[str]]) -> list[Group]:
    """How the cells add up: each node and its child nodes (with the residual), each
    year and its quarters, each quarter and its months, each indicator and its
    questions."""
    groups: list[Group] = []
    children: dict[tuple[str, Node, Period], list[Cell]] = defaultdict(list)
    for measure, node, period in cells:
        if node:
            children[(measure, node[:-1], period)].append((measure, node, period))
    for parent, kids in children.items():
        residual = cells[parent].count - sum(cells[kid].count for kid in kids)
        groups.append(Group(parent=parent, children=sorted(kids, key=repr), residual=residual))
    for measure, node, period in cells:
        if period[0] in (YEAR, QUARTER):
            kids = [
                (measure, node, sub) for sub in sub_periods(period) if (measure, node, sub) in cells
            ]
            groups.append(Group(parent=(measure, node, period), children=kids))
    for indicator, measures in made_of.items():
        for measure, node, period in cells:
            if measure != indicator:
                continue
            kids = [(m, node, period) for m in sorted(measures) if (m, node, period) in cells]
            groups.append(Group(parent=(indicator, node, period), children=kids))
    return groups


def hidden_cells(
    cells: dict[Cell, Agg], made_of: dict[str, set[str]], minimum: int
) -> set[Hashable]:
    counts: dict[Hashable, int] = {cell: agg.count for cell, agg in cells.items()}
    return suppress(counts, groups_for(cells, made_of), minimum)


def _unit_of(node: Node) -> tuple[str, int | None]:
    return UNIT_OF_DEPTH[len(node)], (node[-1] if node else None)


def unit_rows(
    cells: dict[Cell, Agg], hidden: set[Hashable], *, organisation_id: int
) -> list[UnitRow]:
    """One row per unit, measure and period: the sum of the unit's nodes, hidden when
    any of them is hidden (then every number is empty)."""
    units: dict[tuple[str, int, str, Period], tuple[Agg, bool]] = {}
    for cell, agg in cells.items():
        measure, node, period = cell
        unit_type, unit_id = _unit_of(node)
        key = (unit_type, unit_id if unit_id is not None else organisation_id, measure, period)
        total, any_hidden = units.get(key, (Agg(), False))
        total.add(agg)
        units[key] = (total, any_hidden or cell in hidden)
    rows = []
    for (unit_type, unit_id, measure, (period_type, start)), (agg, is_hidden) in units.items():
        value = None
        if not is_hidden and agg.denominator:
            value = round(100 * (agg.numerator or 0) / agg.denominator, 1)
        rows.append(
            UnitRow(
                unit_type=unit_type,
                unit_id=unit_id,
                period_type=period_type,
                period_start=start,
                period_end=period_end(period_type, start),
                measure=measure,
                respondents=None if is_hidden else agg.count,
                numerator=None if is_hidden else agg.numerator,
                denominator=None if is_hidden else agg.denominator,
                value=value,
                distribution={}
                if is_hidden
                else {str(k): v for k, v in sorted(agg.distribution.items())},
                suppressed=is_hidden,
            )
        )
    return rows
