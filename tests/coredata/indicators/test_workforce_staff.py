"""Workforce indicators from staff records: vacancies (W1), who is in post at R, turnover
(W2), sickness absence (W3) and agency workers (W4) (INDICATORS.md "Workforce", Resolved
details 8, 10, 26–28)."""

from datetime import date

import pandas as pd
import pytest

from coredata.indicators.inputs import EngineInputs
from coredata.indicators.registry import compute_all
from tests.coredata.indicators.workforce_frames import (
    APRIL,
    LA,
    MARCH,
    QUARTER,
    YEAR,
    approx,
    at,
    person,
    run,
)

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


def test_w3_counts_sickness_on_29_february_in_the_12_months_to_28_february() -> None:
    """Resolved detail 10: the 12 months ending 28 February 2025 start on 29 February
    2024 (month-end clipping), so a day's absence then counts."""
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
