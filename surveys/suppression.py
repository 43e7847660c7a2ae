"""Small-number suppression, with complementary suppression so that nothing hidden can
be recovered by subtracting (or adding) numbers that are shown. Pure Python: no Django.

Cells are counts (respondents, or answers to a question) keyed by anything hashable.
Groups say which cells add up: `parent = sum(children) + residual`, where the residual
is a part of the parent that is never shown as a cell of its own (for example the
responses whose worker is not known). Groups come from every way the numbers add up:
a unit and its child units, a year and its quarters, a quarter and its months, an
indicator and the questions it is made of.

The rules, applied until nothing changes (each step only hides more, so it ends):

1. **Primary**: a cell with fewer than `minimum` is hidden.
2. **Complementary**: in a group whose parent is shown, the hidden part (hidden
   children, plus the residual when it is not zero) must be empty, or hold at least
   two cells *and* at least `minimum` in total; otherwise the smallest shown child is
   hidden too (ties: the first by key), again and again. When no shown child is left,
   the parent is hidden.
3. **Hidden parents**: when a parent is hidden, the hidden part of its group must not
   be empty (else adding up the children gives the parent back) and must meet the
   same rule: the smallest shown children are hidden until it does, or all of them.

So what a reader can work out by subtraction in any group is only the total of two or
more hidden cells, and that total is itself at least the minimum: never a single
hidden cell, never a group smaller than the minimum; and a hidden parent cannot be
rebuilt by adding. The property tests check this with linear algebra: across units,
periods and indicators together, no hidden cell is determined by the shown ones.
"""

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass


@dataclass
class Group:
    parent: Hashable
    children: Sequence[Hashable]
    residual: int = 0


def _order(key: Hashable) -> str:
    return repr(key)


def _fix_group(
    group: Group, counts: dict[Hashable, int], hidden: set[Hashable], minimum: int
) -> bool:
    """Apply rules 2 and 3 to one group; True when something more was hidden."""
    parent_hidden = group.parent in hidden
    block = [counts[child] for child in group.children if child in hidden]
    if group.residual > 0:
        block.append(group.residual)
    if not block and not parent_hidden:
        return False
    changed = False
    while len(block) < 2 or sum(block) < minimum:
        shown = [child for child in group.children if child not in hidden]
        if not shown:
            if parent_hidden:
                return changed  # every child is hidden with it
            hidden.add(group.parent)
            return True
        smallest = min(shown, key=lambda child: (counts[child], _order(child)))
        hidden.add(smallest)
        block.append(counts[smallest])
        changed = True
    return changed


def suppress(counts: dict[Hashable, int], groups: Iterable[Group], minimum: int) -> set[Hashable]:
    """The keys of the cells to hide."""
    group_list = list(groups)
    hidden = {key for key, count in counts.items() if count < minimum}
    changed = True
    while changed:
        changed = False
        for group in group_list:
            if _fix_group(group, counts, hidden, minimum):
                changed = True
    return hidden


def group_is_safe(
    group: Group, counts: dict[Hashable, int], hidden: set[Hashable], minimum: int
) -> bool:
    """The rule's promise for one group (used by the tests)."""
    block = [counts[child] for child in group.children if child in hidden]
    if group.residual > 0:
        block.append(group.residual)
    meets = len(block) >= 2 and sum(block) >= minimum
    if group.parent in hidden:
        return meets or all(child in hidden for child in group.children)
    return not block or meets
