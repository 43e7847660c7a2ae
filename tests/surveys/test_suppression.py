"""Suppression: nothing shown under the minimum, and no hidden number recoverable by
subtracting (or adding) shown ones, across a unit and its children."""

from collections.abc import Hashable
from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.results_cells import QuestionSpec, ResponseRow, cells_from_responses, groups_for
from surveys.suppression import Group, group_is_safe, suppress

MINIMUM = 5


def determined(
    groups: list[Group], counts: dict[Hashable, int], hidden: set[Hashable]
) -> set[Hashable]:
    """The hidden cells whose value a reader can work out from the shown ones: those in
    the span of the groups' equations (parent - children - residual = 0), with shown
    cells as constants and hidden cells and non-zero residuals as unknowns."""
    unknowns: list[Hashable] = sorted(hidden, key=repr)
    residuals = [("residual", i) for i, g in enumerate(groups) if g.residual > 0]
    columns = {key: i for i, key in enumerate(unknowns + residuals)}
    rows = []
    for index, group in enumerate(groups):
        row = np.zeros(len(columns))
        for key, sign in [(group.parent, 1), *((child, -1) for child in group.children)]:
            if key in columns:
                row[columns[key]] += sign
        if group.residual > 0:
            row[columns[("residual", index)]] -= 1
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    # A hidden cell is determined when every solution agrees on it: when the null space
    # of the equations is zero in its coordinate.
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:]
    return {
        key
        for key in unknowns
        if null_space.shape[0] == 0 or np.all(np.abs(null_space[:, columns[key]]) < 1e-9)
    }


@st.composite
def unit_trees(draw: st.DrawFn) -> tuple[dict[Hashable, int], list[Group]]:
    """An organisation, its services, their teams and their practitioners, each with a
    count; a parent's count is its children's plus a residual (not attributed)."""
    counts: dict[Hashable, int] = {}
    groups: list[Group] = []

    def node(path: tuple[int, ...], depth: int) -> int:
        if depth == 3:
            counts[path] = draw(st.integers(1, 14))
            return counts[path]
        children = [path + (i,) for i in range(draw(st.integers(1 if depth < 2 else 0, 4)))]
        totals = [node(child, depth + 1) for child in children]
        residual = draw(st.sampled_from([0, 0, 0, 1, 2, 6]))
        counts[path] = sum(totals) + residual
        if counts[path] == 0:
            counts[path] = residual = 1
        groups.append(Group(parent=path, children=children, residual=residual))
        return counts[path]

    node((), 0)
    return counts, groups


@given(unit_trees())
def test_no_hidden_count_is_recoverable_across_a_unit_and_its_children(
    tree: tuple[dict[Hashable, int], list[Group]],
) -> None:
    counts, groups = tree

    hidden = suppress(counts, groups, MINIMUM)

    assert all(counts[key] >= MINIMUM for key in counts if key not in hidden)
    assert all(group_is_safe(group, counts, hidden, MINIMUM) for group in groups)
    assert determined(groups, counts, hidden) == set()


def test_one_small_team_hides_a_second_team_too() -> None:
    counts: dict[Hashable, int] = {"service": 30, "a": 3, "b": 12, "c": 15}
    groups = [Group("service", ["a", "b", "c"])]

    hidden = suppress(counts, groups, MINIMUM)

    assert hidden == {"a", "b"}  # the smallest shown team joins the small one
    assert determined(groups, counts, hidden) == set()


def test_two_tiny_teams_are_not_enough_on_their_own() -> None:
    counts: dict[Hashable, int] = {"service": 30, "a": 1, "b": 2, "c": 12, "d": 15}
    groups = [Group("service", ["a", "b", "c", "d"])]

    hidden = suppress(counts, groups, MINIMUM)

    # 1 + 2 = 3 would be a group under the minimum, shown by subtraction: add "c".
    assert hidden == {"a", "b", "c"}


def test_a_parent_hidden_as_a_complement_hides_its_children() -> None:
    counts: dict[Hashable, int] = {"org": 40, "s1": 6, "s2": 3, "s3": 31, "t1": 6}
    groups = [Group("org", ["s1", "s2", "s3"]), Group("s1", ["t1"])]

    hidden = suppress(counts, groups, MINIMUM)

    # s2 is small, so s1 (the smallest shown) joins it; t1 alone would give s1 back.
    assert hidden == {"s1", "s2", "t1"}
    assert determined(groups, counts, hidden) == set()


@st.composite
def responses(draw: st.DrawFn) -> list[ResponseRow]:
    question = (QuestionSpec("q", "agree5", "parent_satisfaction"),)
    rows = []
    for _ in range(draw(st.integers(1, 60))):
        service = draw(st.integers(1, 2))
        team = service * 10 + draw(st.integers(0, 2))
        worker = team * 10 + draw(st.integers(0, 3))
        path = draw(
            st.sampled_from([(service, team, worker)] * 6 + [(service, team), (service,), ()])
        )
        day = date(2025, 4, 1) + timedelta(days=draw(st.integers(0, 364)))
        answer = draw(st.integers(1, 5))
        rows.append(ResponseRow("parents", path, day, {"q": answer}, True, question))
    return rows


@settings(max_examples=12)  # each example solves a system of ~1,000 equations
@given(responses())
def test_stored_results_hide_nothing_recoverable_across_units_periods_and_indicators(
    rows: list[ResponseRow],
) -> None:
    cells, made_of = cells_from_responses(rows)
    counts: dict[Hashable, int] = {cell: agg.count for cell, agg in cells.items()}
    groups = groups_for(cells, made_of)

    hidden = suppress(counts, groups, MINIMUM)

    assert all(counts[key] >= MINIMUM for key in counts if key not in hidden)
    assert all(group_is_safe(group, counts, hidden, MINIMUM) for group in groups)
    assert determined(groups, counts, hidden) == set()
