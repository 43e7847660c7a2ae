"""Workforce indicators W1–W5 (INDICATORS.md "Workforce", Resolved details 8, 10, 26–29)."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from coredata.indicators.inputs import EngineInputs
from coredata.indicators.registry import compute_all

approx = pytest.approx

LA = "970"
TEAMS = pd.DataFrame({"team_code": ["T1", "T2", "T3"], "service_code": ["S1", "S1", "S2"]})
MARCH = ("2024-03-01", "2024-03-31")
QUARTER = ("2024-01-01", "2024-03-31")
YEAR = ("2023-04-01", "2024-03-31")
APRIL = ("2024-04-01", "2024-04-30")
COLUMNS = {
    "staff": ["worker_id", "team_code", "fte", "start_date", "end_date", "agency", "case_holding"],
    "vacancies": ["team_code", "date", "vacant_fte"],
    "sickness": ["worker_id", "start_date", "end_date", "working_days_lost"],
    "allocations": ["child_id", "worker_id", "team_code", "start_date", "end_date"],
}


def person(worker, team, fte, start, end=None, *, agency=False, holding=True):
    """A staff row: (worker_id, team_code, fte, start_date, end_date, agency, case_holding)."""
    return (worker, team, fte, start, end, agency, holding)


def run(code, *, first="2024-03-31", last="2024-03-31", holidays=(), **rows):
    frames = {name: pd.DataFrame(list(records), columns=COLUMNS[name])
              for name, records in rows.items()} | {"teams": TEAMS}  # fmt: skip
    days = [date.fromisoformat(day) for day in (first, last, *holidays)]
    inputs = EngineInputs(LA, frames, days[0], days[1], bank_holidays=frozenset(days[2:]))
    return compute_all(inputs, codes=[code])


def at(results, unit_type, unit_code, period=MARCH):
    """(numerator, denominator, value) of one unit and period, or None when no row."""
    keyed = results.set_index(["unit_type", "unit_code", "period_start", "period_end"])
    key = (unit_type, unit_code, pd.Timestamp(period[0]), pd.Timestamp(period[1]))
    if key not in keyed.index:
        return None
    row = keyed.loc[[key]]
    assert len(row) == 1
    return tuple(float(row[column].iloc[0]) for column in ("numerator", "denominator", "value"))


# --- W1 vacancy rate --------------------------------------------------------------------


def test_w1_vacancy_rate_for_team_service_and_organisation() -> None:
    results = run(
        "W1",
        staff=[person("A", "T1", 1.0, "2020-01-01"), person("B", "T1", 3.0, "2020-01-01"),
               person("C", "T2", 1.5, "2020-01-01"), person("D", "T3", 2.0, "2020-01-01")],
        vacancies=[("T1", "2024-03-31", 1.0), ("T2", "2024-01-15", 0.5)],
    )  # fmt: skip
    assert at(results, "team", "T1") == approx((1.0, 5.0, 20.0))
    assert at(results, "team", "T2") == approx((0.5, 2.0, 25.0))
    assert at(results, "team", "T3") is None  # no vacancy record: no data
    assert at(results, "service", "S1") == approx((1.5, 7.0, 1.5 / 7.0 * 100))
    assert at(results, "service", "S2") is None
    # The organisation: vacancies of T1 and T2 over them plus everyone in post.
    assert at(results, "organisation", LA) == approx((1.5, 9.0, 1.5 / 9.0 * 100))
    assert set(results["breakdown"]) == {""}
    assert not results["unit_type"].isin(["practitioner", "unallocated"]).any()


def test_w1_takes_each_teams_latest_record_on_or_before_r() -> None:
    results = run(
        "W1",
        first="2024-02-29",
        staff=[person("A", "T1", 4.0, "2020-01-01")],
        vacancies=[("T1", "2024-01-31", 2.0), ("T1", "2024-02-29", 1.0),
                   ("T1", "2024-04-01", 3.0)],
    )  # fmt: skip
    assert at(results, "team", "T1", ("2024-02-01", "2024-02-29")) == approx((1.0, 5.0, 20.0))
    # No record in March: February's stands; April's is after R.
    assert at(results, "team", "T1") == approx((1.0, 5.0, 20.0))


def test_w1_agency_workers_are_not_in_post() -> None:
    results = run(
        "W1",
        staff=[person("A", "T1", 3.0, "2020-01-01"),
               person("X", "T1", 1.0, "2023-01-01", agency=True)],
        vacancies=[("T1", "2024-03-01", 1.0)],
    )  # fmt: skip
    assert at(results, "team", "T1") == approx((1.0, 4.0, 25.0))


def test_w1_zero_denominator_gives_no_row() -> None:
    results = run("W1", vacancies=[("T1", "2024-03-01", 0.0)])
    assert results.empty


# --- in post at R -----------------------------------------------------------------------


def test_a_worker_leaving_on_r_is_a_leaver_and_not_in_post() -> None:
    results = run(
        "W2",
        staff=[person("A", "T1", 2.0, "2020-01-01"),
               person("B", "T1", 1.0, "2020-01-01", "2024-03-31")],
    )  # fmt: skip
    assert at(results, "team", "T1") == approx((1.0, 2.0, 50.0))


def test_a_row_starting_on_r_is_in_post() -> None:
    results = run(
        "W4",
        staff=[person("A", "T1", 1.0, "2024-03-31"),
               person("X", "T1", 1.0, "2024-04-01", agency=True)],
    )  # fmt: skip
    assert at(results, "team", "T1") == approx((0.0, 1.0, 0.0))


def test_a_mover_whose_old_row_ends_on_r_is_in_post_in_the_old_team() -> None:
    results = run(
        "W4",
        staff=[person("M", "T1", 1.0, "2020-01-01", "2024-03-31"),
               person("M", "T3", 1.0, "2024-04-01"),
               person("X", "T3", 1.0, "2020-01-01", agency=True)],
    )  # fmt: skip
    assert at(results, "team", "T1") == approx((0.0, 1.0, 0.0))
    assert at(results, "team", "T3") == approx((1.0, 1.0, 100.0))
    assert at(results, "organisation", LA) == approx((1.0, 2.0, 50.0))


# --- W2 turnover ------------------------------------------------------------------------


def test_w2_leavers_fte_over_in_post_fte_counted_to_the_last_rows_team() -> None:
    results = run(
        "W2",
        staff=[person("A", "T1", 4.0, "2020-01-01"), person("B", "T3", 1.0, "2020-01-01"),
               person("L", "T1", 0.5, "2020-01-01", "2023-06-30"),
               person("K", "T1", 1.0, "2020-01-01", "2023-08-31"),
               person("K", "T2", 0.8, "2023-09-01", "2023-12-31")],
    )  # fmt: skip
    assert at(results, "team", "T1") == approx((0.5, 4.0, 12.5))
    assert at(results, "team", "T2") is None  # nobody in post at R
    assert at(results, "team", "T3") == approx((0.0, 1.0, 0.0))
    assert at(results, "service", "S1") == approx((1.3, 4.0, 1.3 / 4.0 * 100))
    assert at(results, "organisation", LA) == approx((1.3, 5.0, 1.3 / 5.0 * 100))


def test_w2_a_move_between_teams_is_not_leaving_at_any_level() -> None:
    results = run(
        "W2",
        staff=[person("M", "T1", 1.0, "2020-01-01", "2023-10-15"),
               person("M", "T3", 1.0, "2023-10-16"), person("A", "T1", 1.0, "2020-01-01")],
    )  # fmt: skip
    for unit_type, code in [("team", "T1"), ("team", "T3"), ("service", "S1"),
                            ("service", "S2"), ("organisation", LA)]:  # fmt: skip
        assert at(results, unit_type, code)[0] == 0.0


@pytest.mark.parametrize(
    ("left_on", "by_march", "by_april"),
    [("2023-03-31", 0.0, 0.0), ("2023-04-01", 1.0, 0.0), ("2023-04-30", 1.0, 0.0),
     ("2023-05-01", 1.0, 1.0), ("2024-03-31", 1.0, 1.0), ("2024-04-01", 0.0, 1.0),
     ("2024-04-30", 0.0, 1.0)],
)  # fmt: skip
def test_w2_counts_leavers_in_the_12_months_ending_at_r(left_on, by_march, by_april) -> None:
    results = run(
        "W2",
        last="2024-04-30",
        staff=[person("A", "T1", 1.0, "2020-01-01"),
               person("L", "T1", 1.0, "2020-01-01", left_on)],
    )  # fmt: skip
    # The month, the quarter and the year ending at R all use the 12 months ending at R.
    for period in (MARCH, QUARTER, YEAR):
        assert at(results, "team", "T1", period)[0] == by_march
    assert at(results, "team", "T1", APRIL)[0] == by_april  # 1 May 2023 to 30 April 2024


def test_w2_agency_workers_are_not_leavers() -> None:
    results = run(
        "W2",
        staff=[person("A", "T1", 1.0, "2020-01-01"),
               person("X", "T1", 1.0, "2023-01-01", "2023-12-31", agency=True)],
    )  # fmt: skip
    assert at(results, "team", "T1") == approx((0.0, 1.0, 0.0))


def test_w2_a_worker_with_a_later_row_has_not_left() -> None:
    results = run(
        "W2",
        staff=[person("A", "T1", 1.0, "2020-01-01"),
               person("R", "T1", 1.0, "2020-01-01", "2023-06-30"),
               person("R", "T1", 1.0, "2024-06-01")],
    )  # fmt: skip
    assert at(results, "team", "T1") == approx((0.0, 1.0, 0.0))


# --- W3 sickness absence ------------------------------------------------------------------


def test_w3_days_lost_over_in_post_fte_times_253() -> None:
    results = run(
        "W3",
        staff=[person("A", "T1", 1.0, "2020-01-01"), person("B", "T3", 0.5, "2020-01-01")],
        sickness=[("A", "2023-06-05", "2023-06-09", 5.0), ("B", "2023-11-06", "2023-11-07", 1.0)],
    )
    assert at(results, "team", "T1") == approx((5.0, 253.0, 5.0 / 253 * 100))
    assert at(results, "team", "T3") == approx((1.0, 126.5, 1.0 / 126.5 * 100))
    assert at(results, "organisation", LA) == approx((6.0, 1.5 * 253, 6.0 / (1.5 * 253) * 100))


def test_w3_splits_an_absence_by_its_working_days_inside_the_12_months() -> None:
    results = run(
        "W3",
        last="2024-04-30",
        staff=[person("A", "T1", 1.0, "2020-01-01")],
        sickness=[
            # Wed 29 March to Tue 4 April 2023: 5 working days, 2 of them from 1 April.
            ("A", "2023-03-29", "2023-04-04", 5.0),
            # Thu 28 March to Wed 3 April 2024: 5 working days, 2 of them by 31 March.
            ("A", "2024-03-28", "2024-04-03", 5.0),
        ],
    )
    assert at(results, "team", "T1", YEAR)[0] == pytest.approx(4.0)
    assert at(results, "team", "T1", MARCH)[0] == pytest.approx(4.0)
    # The 12 months to 30 April 2024 hold all of the second absence, none of the first.
    assert at(results, "team", "T1", APRIL)[0] == pytest.approx(5.0)


def test_w3_bank_holidays_are_not_working_days_in_the_split() -> None:
    # Mon 27 March to Fri 7 April 2023 (Good Friday): 9 working days, 4 from 1 April.
    results = run(
        "W3",
        holidays=["2023-04-07"],
        staff=[person("A", "T1", 1.0, "2020-01-01")],
        sickness=[("A", "2023-03-27", "2023-04-07", 9.0)],
    )
    assert at(results, "team", "T1")[0] == pytest.approx(4.0)
    without = run("W3", staff=[person("A", "T1", 1.0, "2020-01-01")],
                  sickness=[("A", "2023-03-27", "2023-04-07", 9.0)])  # fmt: skip
    assert at(without, "team", "T1")[0] == pytest.approx(4.5)


def test_w3_an_absence_counts_to_the_team_the_worker_was_in_when_it_began() -> None:
    results = run(
        "W3",
        staff=[person("M", "T1", 1.0, "2020-01-01", "2023-09-30"),
               person("M", "T3", 1.0, "2023-10-01"), person("A", "T1", 1.0, "2020-01-01")],
        sickness=[("M", "2023-09-28", "2023-10-04", 5.0)],
    )  # fmt: skip
    assert at(results, "team", "T1")[0] == 5.0
    assert at(results, "team", "T3")[0] == 0.0
    assert at(results, "organisation", LA)[0] == 5.0


def test_w3_counts_employed_workers_sickness_only_including_leavers() -> None:
    results = run(
        "W3",
        staff=[person("A", "T1", 1.0, "2020-01-01"),
               person("X", "T1", 1.0, "2020-01-01", agency=True),
               person("L", "T1", 1.0, "2020-01-01", "2023-12-31")],
        sickness=[("X", "2023-06-05", "2023-06-06", 2.0), ("L", "2023-06-05", "2023-06-07", 3.0),
                  ("A", "2019-06-03", "2019-06-04", 2.0)],
    )  # fmt: skip
    # X is agency; A's absence is before any staff row of theirs; L has left since.
    assert at(results, "team", "T1") == approx((3.0, 253.0, 3.0 / 253 * 100))


def test_w3_a_one_day_absence_and_one_with_no_end_date_count_on_their_first_day() -> None:
    results = run(
        "W3",
        last="2024-04-30",
        staff=[person("A", "T1", 1.0, "2020-01-01")],
        sickness=[("A", "2024-03-28", "2024-03-28", 1.0), ("A", "2024-03-29", None, 2.0),
                  ("A", "2023-03-31", "2023-03-31", 4.0)],
    )  # fmt: skip
    assert at(results, "team", "T1")[0] == 3.0
    assert at(results, "team", "T1", APRIL)[0] == 3.0


# --- W4 agency rate -----------------------------------------------------------------------


def test_w4_agency_fte_over_agency_plus_in_post_fte() -> None:
    results = run(
        "W4",
        staff=[person("A", "T1", 3.0, "2020-01-01"),
               person("X", "T1", 1.0, "2023-01-01", agency=True),
               person("Y", "T3", 1.0, "2023-01-01", "2024-02-29", agency=True),
               person("B", "T3", 1.0, "2020-01-01")],
    )  # fmt: skip
    assert at(results, "team", "T1") == approx((1.0, 4.0, 25.0))
    assert at(results, "team", "T3") == approx((0.0, 1.0, 0.0))
    assert at(results, "service", "S1") == approx((1.0, 4.0, 25.0))
    assert at(results, "organisation", LA) == approx((1.0, 5.0, 20.0))
    assert at(results, "team", "T2") is None
    # A stock judged at R: the same figure for every period ending at R.
    assert at(results, "team", "T1", QUARTER) == at(results, "team", "T1", YEAR)
    assert at(results, "team", "T1", YEAR) == at(results, "team", "T1")


# --- W5 average caseload ------------------------------------------------------------------


def allocation(child, worker, team, start="2024-01-01", end=None):
    return (child, worker, team, start, end)


def test_w5_children_per_case_holding_fte_for_every_unit_and_practitioner() -> None:
    results = run(
        "W5",
        staff=[person("P", "T1", 1.0, "2020-01-01"), person("Q", "T1", 0.5, "2020-01-01"),
               person("X", "T1", 1.0, "2023-01-01", agency=True),
               person("M", "T1", 1.0, "2020-01-01", holding=False),
               person("Z", "T3", 1.0, "2020-01-01")],
        allocations=[allocation("C1", "P", "T1"), allocation("C2", "P", "T1"),
                     allocation("C3", "Q", "T1"), allocation("C4", "X", "T1"),
                     allocation("C5", "M", "T1")],
    )  # fmt: skip
    assert at(results, "practitioner", "P") == approx((2.0, 1.0, 2.0))
    assert at(results, "practitioner", "Q") == approx((1.0, 0.5, 2.0))
    assert at(results, "practitioner", "X") == approx((1.0, 1.0, 1.0))  # agency case-holders count
    assert at(results, "practitioner", "M") is None  # not case-holding: no FTE
    assert at(results, "practitioner", "Z") == approx((0.0, 1.0, 0.0))
    assert at(results, "team", "T1") == approx((5.0, 2.5, 2.0))
    assert at(results, "team", "T3") == approx((0.0, 1.0, 0.0))
    assert at(results, "organisation", LA) == approx((5.0, 3.5, 5.0 / 3.5))
    assert not (results["unit_type"] == "unallocated").any()


def test_w5_a_child_allocated_twice_in_a_unit_counts_once() -> None:
    results = run(
        "W5",
        staff=[person("P", "T1", 1.0, "2020-01-01"), person("Q", "T2", 1.0, "2020-01-01")],
        allocations=[allocation("C1", "P", "T1"), allocation("C1", "Q", "T2"),
                     allocation("C1", "P", "T1", "2023-06-01")],
    )  # fmt: skip
    assert at(results, "practitioner", "P")[0] == 1.0
    assert at(results, "team", "T1")[0] == 1.0
    assert at(results, "team", "T2")[0] == 1.0
    assert at(results, "service", "S1")[0] == 1.0
    assert at(results, "organisation", LA)[0] == 1.0


def test_w5_allocation_dates_are_inclusive_at_r() -> None:
    results = run(
        "W5",
        staff=[person("P", "T1", 1.0, "2020-01-01")],
        allocations=[allocation("C1", "P", "T1", "2024-03-31"),
                     allocation("C2", "P", "T1", "2024-01-01", "2024-03-31"),
                     allocation("C3", "P", "T1", "2024-01-01", "2024-03-30"),
                     allocation("C4", "P", "T1", "2024-04-01")],
    )  # fmt: skip
    assert at(results, "practitioner", "P") == approx((2.0, 1.0, 2.0))


def test_w5_a_child_counts_for_the_team_holding_them_at_r() -> None:
    results = run(
        "W5",
        staff=[person("P", "T1", 1.0, "2020-01-01"), person("Q", "T3", 1.0, "2020-01-01")],
        allocations=[allocation("C1", "P", "T1", "2023-01-01", "2024-03-15"),
                     allocation("C1", "Q", "T3", "2024-03-16")],
    )  # fmt: skip
    assert at(results, "team", "T1")[0] == 0.0
    assert at(results, "team", "T3")[0] == 1.0
    assert at(results, "practitioner", "Q")[0] == 1.0


def test_w5_the_allocations_team_wins_over_the_workers_staff_team() -> None:
    results = run(
        "W5",
        staff=[person("P", "T1", 1.0, "2020-01-01"), person("Q", "T3", 1.0, "2020-01-01")],
        allocations=[allocation("C1", "P", "T3"), allocation("C2", "Q", "T3")],
    )  # fmt: skip
    assert at(results, "team", "T1") == approx((0.0, 1.0, 0.0))
    assert at(results, "team", "T3") == approx((2.0, 1.0, 2.0))
    assert at(results, "practitioner", "P") == approx((1.0, 1.0, 1.0))


def test_w5_practitioner_without_case_holding_fte_at_r_has_no_row() -> None:
    results = run(
        "W5",
        staff=[person("P", "T1", 1.0, "2020-01-01", "2024-02-29")],
        allocations=[allocation("C1", "P", "T1")],
    )
    assert at(results, "practitioner", "P") is None
    assert at(results, "team", "T1") is None
    assert results.empty
    results = run("W5", staff=[person("P", "T1", 1.0, "2020-01-01")])  # no allocations at all
    assert at(results, "practitioner", "P") == approx((0.0, 1.0, 0.0))


# --- DfE's national arithmetic (DATA-FORMATS.md §3.3) -------------------------------------


@pytest.mark.parametrize(
    ("figures", "published"),
    [
        # in post, leavers, vacancies, agency, days lost, children, case-holding FTE
        ((36_186.3, 4_276.3, 5_965.4, 5_415.9, 322_786.3, 3_217, 211.054),
         (11.8, 14.2, 13.0, 3.5, 15.2)),
        ((33_119.1, 5_254.6, 7_722.7, 7_173.5, 270_751.0, 3_371, 211.114),
         (15.9, 18.9, 17.8, 3.2, 16.0)),
    ],
)  # fmt: skip
def test_the_formulas_reproduce_dfes_national_rates(figures, published) -> None:
    in_post, left, vacant, agency, days, children, holding = figures
    year = ("2024-10-01", "2025-09-30")  # DfE's year to 30 September
    window = {"first": "2025-09-30", "last": "2025-09-30"}
    staff = {
        "staff": [person("E", "T1", in_post, "2020-01-01", holding=False),
                  person("L", "T1", left, "2020-01-01", "2025-03-31"),
                  person("X", "T2", agency, "2024-01-01", agency=True)],
        "vacancies": [("T1", "2025-09-30", vacant)],
        "sickness": [("E", "2025-06-02", "2025-06-02", days)],
    }  # fmt: skip
    caseload = {
        "staff": [person("H", "T3", holding, "2020-01-01", agency=True)],
        "allocations": [allocation(f"C{k}", "H", "T3") for k in range(children)],
    }
    values = []
    for code in ("W2", "W1", "W4", "W3"):
        results = run(code, **window, **staff)
        values.append(round(at(results, "organisation", LA, year)[2], 1))
    results = run("W5", **window, **caseload)
    values.append(round(at(results, "organisation", LA, year)[2], 1))
    assert tuple(values) == published


def test_w5_counts_match_a_child_by_child_count_at_every_r() -> None:
    rng = np.random.default_rng(7)
    days = pd.date_range("2023-01-01", "2024-08-31", freq="D")
    rows = []
    for k in range(60):
        start = days[rng.integers(0, len(days))]
        end = None if rng.random() < 0.3 else start + pd.Timedelta(days=int(rng.integers(0, 200)))
        if rng.random() < 0.2:  # on a month end
            end = start + pd.offsets.MonthEnd(0)
        worker, team = [("P", "T1"), ("Q", "T2"), ("Z", "T3")][k % 3]
        rows.append((f"C{k % 40}", worker, team, start.date().isoformat(),
                     None if end is None else end.date().isoformat()))  # fmt: skip
    staff = [person(w, t, 1.0, "2020-01-01") for w, t in [("P", "T1"), ("Q", "T2"), ("Z", "T3")]]
    results = run("W5", first="2023-01-31", last="2024-06-30", staff=staff, allocations=rows)
    frame = pd.DataFrame(rows, columns=COLUMNS["allocations"])
    start, end = pd.to_datetime(frame["start_date"]), pd.to_datetime(frame["end_date"])
    for r in pd.date_range("2023-01-31", "2024-06-30", freq="ME"):
        held = frame[(start <= r) & (end.isna() | (end >= r))]
        month = (r.replace(day=1).date().isoformat(), r.date().isoformat())
        for unit_type, code, chosen in [
            ("organisation", LA, held),
            ("service", "S1", held[held["team_code"].isin(["T1", "T2"])]),
            ("team", "T3", held[held["team_code"] == "T3"]),
            ("practitioner", "P", held[held["worker_id"] == "P"]),
        ]:
            assert at(results, unit_type, code, month)[0] == chosen["child_id"].nunique()


def test_w3_counts_sickness_on_29_february_in_the_12_months_to_28_february() -> None:
    """Resolved detail 10: the 12 months ending 28 February 2025 start on 29 February
    2024 (month-end clipping), so a day's absence then counts."""
    from datetime import date

    import pandas as pd

    from coredata.indicators.inputs import EngineInputs
    from coredata.indicators.registry import compute_all

    staff = pd.DataFrame(
        {"worker_id": ["W1"], "team_code": ["T1"], "fte": [1.0],
         "start_date": pd.to_datetime(["2020-01-01"]), "end_date": pd.NaT,
         "agency": [False], "case_holding": [True]}
    )  # fmt: skip
    sickness = pd.DataFrame(
        {"worker_id": ["W1"], "start_date": pd.to_datetime(["2024-02-29"]),
         "end_date": pd.to_datetime(["2024-02-29"]), "working_days_lost": [1.0]}
    )  # fmt: skip
    inputs = EngineInputs(
        "970",
        {"staff": staff, "sickness": sickness,
         "teams": pd.DataFrame({"team_code": ["T1"], "service_code": ["S1"]})},
        date(2025, 2, 28), date(2025, 3, 31),
    )  # fmt: skip
    results = compute_all(inputs, codes=["W3"])
    organisation = results[results["unit_type"] == "organisation"]
    by_end = dict(zip(organisation["period_end"].dt.strftime("%Y-%m-%d"),
                      organisation["numerator"], strict=False))  # fmt: skip
    assert by_end["2025-02-28"] == 1.0
    assert "2025-03-31" not in by_end or by_end["2025-03-31"] == 0.0
