"""Outcomes O2–O5: placements, long-term stability, adoption and SGO, care leavers."""

from collections.abc import Sequence
from datetime import date

import pandas as pd
import pytest

from coredata.indicators.inputs import CHILD_ID, EngineInputs
from coredata.indicators.registry import compute_all
from coredata.indicators.results import RESULT_DTYPES

LA = "970"
FY = ("2023-04-01", "2024-03-31")
Q1 = ("2023-04-01", "2023-06-30")
Q3 = ("2023-10-01", "2023-12-31")
Q4 = ("2024-01-01", "2024-03-31")
MARCH = ("2024-03-01", "2024-03-31")
ORG = ("organisation", LA)
TEAMS = pd.DataFrame({"team_code": ["T1", "T2"], "service_code": ["S1", "S2"]})
Row = tuple[str | None, ...]


def ep(
    child: str, decom: str, dec: str | None = None, rne: str = "S", ls: str = "C2",
    rec: str | None = None,
) -> Row:  # fmt: skip
    """An SSDA903 episode."""
    return (child, decom, dec, rne, ls, rec)


def run(
    codes: list[str], *, care: Sequence[Row] = (), children: Sequence[Row] = (),
    leavers: Sequence[tuple[str, int, str]] = (), allocations: Sequence[Row] = (),
    first: str = "2024-03-31", last: str = "2024-03-31",
) -> pd.DataFrame:  # fmt: skip
    frames = {
        "care_episodes": pd.DataFrame(
            list(care), columns=[CHILD_ID, "decom", "dec", "rne", "ls", "rec"]
        ).assign(place="U1"),
        "children": pd.DataFrame(list(children), columns=[CHILD_ID, "birth_date"]),
        "care_leavers": pd.DataFrame(
            list(leavers), columns=[CHILD_ID, "collection_year", "in_touch"]
        ),
        "allocations": pd.DataFrame(
            list(allocations),
            columns=[CHILD_ID, "worker_id", "team_code", "start_date", "end_date"],
        ),
        "teams": TEAMS,
    }
    inputs = EngineInputs(
        LA, frames, date.fromisoformat(first), date.fromisoformat(last)
    )  # fmt: skip
    return compute_all(inputs, codes=codes)


def pick(
    results: pd.DataFrame, period: tuple[str, str], unit: tuple[str, str] = ORG,
    breakdown: str = "", indicator: str | None = None,
) -> tuple[float, float] | None:  # fmt: skip
    """(numerator, denominator) of one row, or None when there is no row."""
    rows = results[
        (results["unit_type"] == unit[0]) & (results["unit_code"] == unit[1])
        & (results["period_start"] == pd.Timestamp(period[0]))
        & (results["period_end"] == pd.Timestamp(period[1]))
        & (results["breakdown"] == breakdown)
        & ((results["indicator"] == indicator) if indicator else True)
    ]  # fmt: skip
    if rows.empty:
        return None
    assert len(rows) == 1
    return (float(rows["numerator"].iloc[0]), float(rows["denominator"].iloc[0]))


def expected(indicator: str, rows: list[tuple]) -> pd.DataFrame:
    """Organisation rows: (breakdown, start, end, numerator, denominator, value)."""
    frame = pd.DataFrame(
        [("organisation", LA, indicator, *row) for row in rows], columns=list(RESULT_DTYPES)
    )
    return frame.astype(RESULT_DTYPES)


def organisation_rows(results: pd.DataFrame) -> pd.DataFrame:
    rows = results[results["unit_type"] == "organisation"]
    return rows.sort_values(["breakdown", "period_start"]).reset_index(drop=True)


def in_year(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of the financial year 2023-24 alone."""
    start, end = (pd.Timestamp(day) for day in FY)
    chosen = (rows["period_start"] == start) & (rows["period_end"] == end)
    return rows[chosen].reset_index(drop=True)


# O2: three or more placements in the 12 months ending at R


def test_o2_counts_placements_in_the_12_months_including_the_one_at_their_start() -> None:
    care = [
        # A: in placement before the 12 months, then two moves: 3 placements.
        ep("A", "2022-01-10", "2023-06-01", rec="X1"),
        ep("A", "2023-06-01", "2023-11-15", rne="P", rec="X1"),
        ep("A", "2023-11-15", rne="P"),
        # B: 2 placements.
        ep("B", "2023-05-01", "2023-09-01", rec="X1"),
        ep("B", "2023-09-01", rne="B"),
    ]
    result = organisation_rows(run(["O2"], care=care))
    want = expected("O2", [("", *FY, 1, 2, 50.0), ("", *Q4, 1, 2, 50.0), ("", *MARCH, 1, 2, 50.0)])
    pd.testing.assert_frame_equal(result, want)


def test_o2_a_placement_ending_on_the_first_day_of_the_12_months_counts() -> None:
    care = [
        ep("C", "2022-01-01", "2023-04-01", rec="X1"),  # ends on 1 April 2023: counts
        ep("C", "2023-04-01", "2023-10-01", rne="P", rec="X1"),
        ep("C", "2023-10-01", rne="P"),
        ep("D", "2022-01-01", "2023-03-31", rec="X1"),  # ends the day before: does not
        ep("D", "2023-03-31", "2023-10-01", rne="P", rec="X1"),
        ep("D", "2023-10-01", rne="P"),
    ]
    assert pick(run(["O2"], care=care), FY) == (1, 2)


def test_o2_a_placement_starting_on_r_counts() -> None:
    care = [
        ep("E", "2023-06-01", "2023-12-01", rec="X1"),
        ep("E", "2023-12-01", "2024-03-31", rne="P", rec="X1"),
        ep("E", "2024-03-31", rne="P"),
    ]
    assert pick(run(["O2"], care=care), FY) == (1, 1)


def test_o2_changes_of_legal_status_or_with_the_same_carer_are_one_placement() -> None:
    care = [
        # F: S then L, T, U on the previous DEC: one placement.
        ep("F", "2023-05-01", "2023-07-01", rec="X1"),
        ep("F", "2023-07-01", "2023-09-01", rne="L", rec="X1"),
        ep("F", "2023-09-01", "2023-11-01", rne="T", rec="X1"),
        ep("F", "2023-11-01", rne="U"),
        # G: S, P, L, B: S, P and B start placements: three.
        ep("G", "2023-05-01", "2023-07-01", rec="X1"),
        ep("G", "2023-07-01", "2023-09-01", rne="P", rec="X1"),
        ep("G", "2023-09-01", "2023-11-01", rne="L", rec="X1"),
        ep("G", "2023-11-01", rne="B"),
    ]
    assert pick(run(["O2"], care=care), FY) == (1, 2)


def test_o2_a_placement_starting_and_ending_on_the_same_day_counts() -> None:
    care = [
        ep("P", "2023-05-01", "2023-06-01", rec="X1"),
        ep("P", "2023-06-01", "2023-06-01", rne="P", rec="X1"),  # 0 days
        ep("P", "2023-06-01", rne="P"),
    ]
    assert pick(run(["O2"], care=care), FY) == (1, 1)


def test_o2_placements_from_an_earlier_period_of_care_in_the_12_months_count() -> None:
    care = [
        ep("H", "2023-05-01", "2023-08-01", rec="E13"),
        ep("H", "2023-10-01", "2024-01-01", rec="X1"),
        ep("H", "2024-01-01", rne="P"),
    ]
    assert pick(run(["O2"], care=care), FY) == (1, 1)


def test_o2_short_breaks_are_not_looked_after_and_their_placements_do_not_count() -> None:
    care = [
        ep("J", "2023-01-01", ls="V3"),  # only short breaks: not looked after
        ep("K", "2023-05-01", "2023-05-03", ls="V3", rec="E8"),
        ep("K", "2023-06-01", "2023-06-02", ls="V4", rec="E8"),
        ep("K", "2023-07-01", "2023-09-01", rec="X1"),
        ep("K", "2023-09-01", rne="P"),
    ]
    assert pick(run(["O2"], care=care), FY) == (0, 1)


def test_o2_care_ending_on_r_is_not_open_at_r_and_a_zero_denominator_gives_no_row() -> None:
    care = [ep("L", "2023-01-01", "2024-03-31", rec="E13"), ep("M", "2023-01-01", ls="V4")]
    assert run(["O2"], care=care).empty


def test_o2_goes_to_the_team_holding_the_child_at_r_or_to_unallocated() -> None:
    care = [
        ep("A", "2023-05-01", "2023-07-01", rec="X1"),
        ep("A", "2023-07-01", "2023-09-01", rne="P", rec="X1"),
        ep("A", "2023-09-01", rne="P"),
        ep("B", "2023-05-01"),
    ]
    allocations = [
        ("A", "W1", "T1", "2023-05-01", "2024-02-15"),
        ("A", "W2", "T2", "2024-02-16", None),
        ("B", "W1", "T1", "2023-05-01", "2024-03-30"),
    ]
    result = run(["O2"], care=care, allocations=allocations)
    assert pick(result, FY, ("team", "T2")) == (1, 1)
    assert pick(result, FY, ("service", "S2")) == (1, 1)
    assert pick(result, FY, ("practitioner", "W2")) == (1, 1)
    assert pick(result, FY, ("team", "T1")) is None
    assert pick(result, FY, ("practitioner", "W1")) is None
    assert pick(result, FY, ("unallocated", LA)) == (0, 1)
    assert pick(result, FY) == (1, 2)


def test_o2_a_child_with_overlapping_periods_of_care_counts_once() -> None:
    care = [ep("N", "2023-01-01"), ep("N", "2023-06-01")]  # two periods open at R
    assert pick(run(["O2"], care=care), FY) == (0, 1)


# O3: long-term placement stability


def test_o3_share_of_long_term_children_in_a_placement_of_two_years() -> None:
    care = [
        ep("A", "2020-01-01"),  # same placement since 2020: stable
        ep("B", "2020-01-01", "2023-01-01", rec="X1"),
        ep("B", "2023-01-01", rne="P"),  # moved 15 months ago: not stable
        ep("C", "2023-01-01"),  # looked after for 15 months: not counted
    ]
    children = [("A", "2012-01-01"), ("B", "2012-01-01"), ("C", "2012-01-01")]
    result = organisation_rows(run(["O3"], care=care, children=children))
    want = expected("O3", [("", *FY, 1, 2, 50.0), ("", *Q4, 1, 2, 50.0), ("", *MARCH, 1, 2, 50.0)])
    pd.testing.assert_frame_equal(result, want)


def test_o3_a_child_is_16_on_their_16th_birthday() -> None:
    care = [ep("D", "2020-01-01"), ep("E", "2020-01-01")]
    children = [("D", "2008-03-31"), ("E", "2008-04-01")]  # D turns 16 on R
    assert pick(run(["O3"], care=care, children=children), FY) == (1, 1)


def test_o3_a_child_without_a_birth_date_is_left_out_of_o3_only() -> None:
    care = [ep("E", "2020-01-01"), ep("F", "2020-01-01")]
    children = [("E", "2012-01-01"), ("F", None)]
    result = run(["O2", "O3"], care=care, children=children)
    assert pick(result, FY, indicator="O3") == (1, 1)
    assert pick(result, FY, indicator="O2") == (0, 2)


def test_o3_looked_after_for_exactly_2_years_6_months_counts() -> None:
    care = [ep("G", "2021-07-31"), ep("H", "2021-08-01")]  # + 30 months: R, R + 1 day
    children = [("G", "2012-01-01"), ("H", "2012-01-01")]
    month = ("2024-01-01", "2024-01-31")
    result = run(["O3"], care=care, children=children, first="2024-01-31", last="2024-01-31")
    assert pick(result, month) == (1, 1)


def test_o3_a_placement_that_started_exactly_2_years_before_r_is_stable() -> None:
    care = [
        ep("I", "2020-01-01", "2022-03-31", rec="X1"),
        ep("I", "2022-03-31", rne="P"),  # + 24 months = R
        ep("J", "2020-01-01", "2022-04-01", rec="X1"),
        ep("J", "2022-04-01", rne="P"),  # + 24 months = R + 1 day
    ]
    children = [("I", "2012-01-01"), ("J", "2012-01-01")]
    assert pick(run(["O3"], care=care, children=children), FY) == (1, 2)


def test_o3_a_new_period_restarts_the_clock_a_change_of_legal_status_does_not() -> None:
    care = [
        ep("K", "2015-01-01", "2023-06-01", rec="E13"),
        ep("K", "2023-06-02"),  # new period 10 months ago: not counted
        ep("L", "2020-01-01", "2023-05-01", rec="X1"),
        ep("L", "2023-05-01", rne="L"),  # same placement since 2020
    ]
    children = [("K", "2012-01-01"), ("L", "2012-01-01")]
    assert pick(run(["O3"], care=care, children=children), FY) == (1, 1)


def test_o3_excludes_short_breaks() -> None:
    care = [ep("M", "2020-01-01", ls="V3")]
    assert run(["O3"], care=care, children=[("M", "2012-01-01")]).empty


# O4: adoption and special guardianship


def o4(care: list[Row], allocations: Sequence[Row] = ()) -> pd.DataFrame:
    return run(["O4"], care=care, allocations=allocations, first="2023-04-30")


def test_o4_shares_of_children_ceasing_by_adoption_and_by_sgo() -> None:
    care = [
        ep("A", "2020-01-01", "2023-05-10", rec="E11"),
        ep("B", "2020-01-01", "2023-06-10", rec="E45"),
        ep("C", "2020-01-01", "2023-07-10", rec="E13"),
        ep("D", "2020-01-01", "2023-08-10", rec="E12"),
    ]
    year = organisation_rows(o4(care))
    year = in_year(year)
    want = expected("O4", [("route=adoption", *FY, 2, 4, 50.0), ("route=sgo", *FY, 1, 4, 25.0)])
    pd.testing.assert_frame_equal(year, want)


def test_o4_a_child_ceasing_twice_counts_once_per_period_on_the_last_occasion() -> None:
    care = [
        ep("A", "2020-01-01", "2023-05-10", rec="E11"),
        ep("A", "2023-07-01", "2023-11-10", rec="E13"),
    ]
    result = o4(care)
    assert pick(result, FY, breakdown="route=adoption") == (0, 1)
    assert pick(result, Q1, breakdown="route=adoption") == (1, 1)
    assert pick(result, Q3, breakdown="route=adoption") == (0, 1)


def test_o4_ceasing_on_the_first_and_last_days_of_the_period() -> None:
    care = [
        ep("A", "2020-01-01", "2023-04-01", rec="E11"),
        ep("B", "2020-01-01", "2024-03-31", rec="E12"),
        ep("C", "2020-01-01", "2023-03-31", rec="E11"),  # the year before
        ep("D", "2023-06-10", "2023-06-10", rec="E13"),  # care of 0 days still ceases
    ]
    result = o4(care)
    assert pick(result, FY, breakdown="route=adoption") == (2, 3)
    assert pick(result, Q1, breakdown="route=adoption") == (1, 2)
    assert pick(result, Q4, breakdown="route=adoption") == (1, 1)


def test_o4_short_breaks_open_care_and_continuous_episodes_do_not_cease() -> None:
    care = [
        ep("A", "2023-05-01", "2023-05-03", ls="V3", rec="E11"),  # short breaks only
        ep("B", "2020-01-01"),  # still looked after
        ep("C", "2020-01-01", "2023-06-01", rec="X1"),
        ep("C", "2023-06-01", rne="L"),  # care continues
    ]
    assert o4(care).empty


def test_o4_goes_to_the_team_of_the_last_ceasing_date() -> None:
    care = [
        ep("A", "2020-01-01", "2023-05-10", rec="E11"),
        ep("A", "2023-07-01", "2023-11-10", rec="E45"),
    ]
    allocations = [
        ("A", "W1", "T1", "2020-01-01", "2023-06-30"),
        ("A", "W2", "T2", "2023-07-01", None),
    ]
    result = o4(care, allocations)
    assert pick(result, FY, ("team", "T2"), "route=sgo") == (1, 1)
    assert pick(result, FY, ("team", "T1"), "route=sgo") is None
    assert pick(result, Q1, ("team", "T1"), "route=adoption") == (1, 1)
    assert pick(result, FY, ("service", "S2"), "route=sgo") == (1, 1)
    assert pick(result, FY, breakdown="route=sgo") == (1, 1)


def test_o4_ceasing_without_an_allocation_goes_to_unallocated() -> None:
    care = [ep("A", "2020-01-01", "2023-05-10", rec="E11")]
    allocations = [("A", "W1", "T1", "2020-01-01", "2023-05-09")]
    result = o4(care, allocations)
    assert pick(result, FY, ("unallocated", LA), "route=adoption") == (1, 1)
    assert pick(result, FY, ("team", "T1"), "route=adoption") is None


# O5: care leavers in touch


def o5(
    leavers: list[tuple[str, int, str]], children: list[Row],
    allocations: Sequence[Row] = (),
) -> pd.DataFrame:  # fmt: skip
    return run(
        ["O5"], leavers=leavers, children=children, allocations=allocations, first="2023-04-30"
    )  # fmt: skip


def test_o5_in_touch_excluding_died_and_returned_home() -> None:
    answers = ["YES", "NO", "DIED", "RHOM", "REFU", "NREQ"]
    leavers = [(f"Y{i}", 2024, answer) for i, answer in enumerate(answers)]
    children = [(f"Y{i}", "2005-06-15") for i in range(len(answers))]
    year = organisation_rows(o5(leavers, children))
    year = in_year(year)
    pd.testing.assert_frame_equal(year, expected("O5", [("", *FY, 1, 4, 25.0)]))


def test_o5_a_record_is_dated_on_the_birthday_in_its_collection_year() -> None:
    leavers = [("A", 2024, "YES"), ("B", 2024, "NO")]
    children = [("A", "2005-06-15"), ("B", "2006-02-10")]  # 15 June 2023, 10 Feb 2024
    result = o5(leavers, children)
    assert pick(result, Q1) == (1, 1)
    assert pick(result, Q4) == (0, 1)
    assert pick(result, FY) == (1, 2)
    assert pick(result, Q3) is None


def test_o5_birthdays_on_1_april_and_31_march_fall_in_the_collection_year() -> None:
    leavers = [("A", 2024, "YES"), ("B", 2024, "YES")]
    children = [("A", "2005-04-01"), ("B", "2006-03-31")]  # 1 April 2023, 31 March 2024
    result = o5(leavers, children)
    assert pick(result, ("2023-04-01", "2023-04-30")) == (1, 1)
    assert pick(result, MARCH) == (1, 1)
    assert pick(result, FY) == (2, 2)


def test_o5_a_29_february_birthday_falls_on_28_february_in_other_years() -> None:
    leavers = [("A", 2023, "YES")]
    result = run(
        ["O5"], leavers=leavers, children=[("A", "2004-02-29")],
        first="2023-02-28", last="2023-03-31",
    )  # fmt: skip
    assert pick(result, ("2023-02-01", "2023-02-28")) == (1, 1)


def test_o5_a_young_person_without_a_birth_date_is_left_out() -> None:
    assert o5([("A", 2024, "YES")], [("A", None)]).empty


def test_o5_only_died_or_returned_home_gives_no_row() -> None:
    leavers = [("A", 2024, "DIED"), ("B", 2024, "RHOM")]
    assert o5(leavers, [("A", "2005-06-15"), ("B", "2005-06-15")]).empty


def test_o5_goes_to_the_team_holding_the_young_person_on_their_birthday() -> None:
    leavers = [("A", 2024, "YES"), ("B", 2024, "NO")]
    children = [("A", "2005-06-15"), ("B", "2005-06-15")]
    allocations = [
        ("A", "W1", "T1", "2023-01-01", "2023-06-15"),
        ("A", "W2", "T2", "2023-06-16", None),
        ("B", "W1", "T1", "2023-01-01", "2023-06-14"),
    ]
    result = o5(leavers, children, allocations)
    assert pick(result, FY, ("team", "T1")) == (1, 1)
    assert pick(result, FY, ("practitioner", "W1")) == (1, 1)
    assert pick(result, FY, ("team", "T2")) is None
    assert pick(result, FY, ("unallocated", LA)) == (0, 1)
    assert pick(result, FY) == (1, 2)


@pytest.mark.parametrize("code", ["O2", "O3", "O4", "O5"])
def test_no_data_gives_no_rows(code: str) -> None:
    assert run([code]).empty
