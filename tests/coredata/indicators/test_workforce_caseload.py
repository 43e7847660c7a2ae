"""Average caseload W5 (children allocated at R per case-holding FTE, Resolved detail 29),
and DfE's national workforce rates reproduced by the formulas of W1–W5 (DATA-FORMATS.md
§3.3)."""

import numpy as np
import pandas as pd
import pytest

from tests.coredata.indicators.workforce_frames import (
    COLUMNS,
    LA,
    allocation,
    approx,
    at,
    person,
    run,
)

# --- W5 average caseload ------------------------------------------------------------------


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
