"""The children behind a number (members.py): which children a listed figure counted, for
a unit at R, on hand-built frames. Their agreement with the stored figures on generated
data is in tests/coredata/test_children_lists.py."""

from datetime import date
from typing import Any

import pandas as pd
import pytest

from coredata.indicators.members import is_listed, members
from tests.coredata.indicators.plan_frames import LA, alloc, cp, eh, ep, inputs, ref, visit

R = date(2024, 3, 31)


def listed(indicator: str, breakdown: str, unit: tuple[str, str], **frames: Any) -> list[Any]:
    found = members(
        inputs(**frames), indicator=indicator, breakdown=breakdown,
        unit_type=unit[0], unit_code=unit[1], reference_date=R,
    )  # fmt: skip
    return [
        (row.child_id, row.worker_id if pd.notna(row.worker_id) else None, row.counted,
         row.tier if pd.notna(row.tier) else None, row.since.date())
        for row in found.itertuples()
    ]  # fmt: skip


PLANS: dict[str, Any] = {
    "referrals": [ref("A", "2023-05-01"), ref("B", "2023-06-01"), ref("C", "2023-07-01")],
    "cp_plans": [cp("A", "2023-09-30")],
    "early_help": [eh("D", "2024-01-15")],
    "allocations": [
        alloc("A", "W1", "T1", "2023-05-01"),
        alloc("B", "W1", "T1", "2023-06-01", "2024-03-31"),  # ends on R: still held
        alloc("C", "W2", "T2", "2023-07-01"),
    ],
}


def test_p1_lists_each_child_in_their_highest_tier_for_the_unit_holding_them() -> None:
    assert listed("P1", "tier=total", ("team", "T1"), **PLANS) == [
        ("A", "W1", True, "CP", date(2023, 9, 30)),
        ("B", "W1", True, "CIN", date(2023, 6, 1)),
    ]
    assert listed("P1", "tier=CP", ("practitioner", "W1"), **PLANS) == [
        ("A", "W1", True, "CP", date(2023, 9, 30))
    ]
    assert listed("P1", "tier=CIN_DFE", ("service", "S2"), **PLANS) == [
        ("C", "W2", True, "CIN", date(2023, 7, 1))
    ]
    assert listed("P1", "tier=EH", ("unallocated", LA), **PLANS) == [
        ("D", None, True, "EH", date(2024, 1, 15))
    ]


def test_p2_lists_the_open_plans_and_marks_those_open_long_enough() -> None:
    frames = {
        "cp_plans": [cp("A", "2023-09-30"), cp("B", "2023-10-01")],  # 6 months on R, or not
        "allocations": [alloc("A", "W1", "T1", "2023-01-01"), alloc("B", "W1", "T1", "2023-01-01")],
    }

    assert listed("P2", "tier=CP;view=open;min=6m", ("team", "T1"), **frames) == [
        ("A", "W1", True, "CP", date(2023, 9, 30)),
        ("B", "W1", False, "CP", date(2023, 10, 1)),
    ]


def test_p4_lists_the_children_judged_on_the_tier_and_marks_those_seen() -> None:
    frames = {
        **PLANS,
        "visits": [visit("A", "2024-03-25"), visit("B", "2024-01-02"), visit("C", "2024-03-28")],
    }

    assert listed("P4", "tier=CIN", ("organisation", LA), **frames) == [
        ("B", "W1", False, "CIN", date(2023, 6, 1)),
        ("C", "W2", True, "CIN", date(2023, 7, 1)),
    ]


def test_o2_lists_the_children_looked_after_with_their_placements() -> None:
    care = [
        ep("A", "2023-06-01", "2023-09-01"),
        ep("A", "2023-09-01", "2023-12-01", rne="P"),
        ep("A", "2023-12-01", rne="P"),
        ep("B", "2024-01-10"),
    ]
    found = members(
        inputs(care=care), indicator="O2", breakdown="", unit_type="organisation",
        unit_code=LA, reference_date=R,
    )  # fmt: skip

    assert found[["child_id", "counted", "placements"]].to_numpy().tolist() == [
        ["A", True, 3],
        ["B", False, 1],
    ]


def test_w5_lists_the_children_allocated_at_r() -> None:
    assert listed("W5", "", ("team", "T1"), **PLANS) == [
        ("A", "W1", True, "CP", date(2023, 5, 1)),
        ("B", "W1", True, "CIN", date(2023, 6, 1)),
    ]


def test_only_stock_measures_with_children_are_listed() -> None:
    assert is_listed("P1", "tier=CP")
    assert is_listed("P2", "tier=EH;view=open;min=2y")
    assert not is_listed("P2", "tier=EH;view=ended;min=2y")
    assert not is_listed("P1", "tier=CP;measure=rate_10k")
    assert not is_listed("A1", "")
    with pytest.raises(ValueError, match="month end"):
        members(inputs(), indicator="P1", breakdown="tier=CP", unit_type="organisation",
                unit_code=LA, reference_date=date(2024, 3, 30))  # fmt: skip
