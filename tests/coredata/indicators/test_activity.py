"""Activity indicators A2–A6 and re-referrals O1 (INDICATORS.md "Activity", O1), on
hand-built frames; and the integer tallies they use, against the engine core's own
attribution and period expansion."""

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest

from coredata.indicators.inputs import EngineInputs
from coredata.indicators.registry import INDICATORS, Context, compute_all
from coredata.indicators.results import KEYS, RESULT_COLUMNS
from coredata.indicators.tallies import event_counts

LA = "970"
YEAR = ("2024-04-01", "2025-03-31")
ORG = ("organisation", LA)
TEAMS = pd.DataFrame({"team_code": ["T1", "T2"], "service_code": ["S1", "S1"]})


def _dates(*values: str | None) -> list[pd.Timestamp]:
    return list(pd.to_datetime(list(values)))


def _referrals(*rows: tuple[Any, ...]) -> pd.DataFrame:
    """Rows of (child, referral date[, source, nfa, closure date, reason, ICPC date])."""
    columns = ["child_id", "referral_date", "source", "nfa", "closure_date",
               "closure_reason", "initial_cpc_date"]  # fmt: skip
    defaults = ("1A", False, None, None, None)
    full = [row + defaults[len(row) - 2 :] for row in rows]
    frame = pd.DataFrame(full, columns=columns)
    for column in ("referral_date", "closure_date", "initial_cpc_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def _frame(columns: list[str], *rows: tuple[Any, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=columns)
    for column in columns:
        if column.endswith("date") or column in ("decom", "dec"):
            frame[column] = pd.to_datetime(frame[column])
    return frame


def _allocations(*rows: tuple[str, str, str, str, str | None]) -> pd.DataFrame:
    return _frame(["child_id", "worker_id", "team_code", "start_date", "end_date"], *rows)


def _run(
    code: str,
    first: date = date(2025, 3, 31),
    last: date = date(2025, 3, 31),
    **frames: pd.DataFrame,
) -> pd.DataFrame:
    frames.setdefault("teams", TEAMS)
    return compute_all(EngineInputs(LA, frames, first, last), codes=[code])


def _cells(
    results: pd.DataFrame, period: tuple[str, str] = YEAR, unit: tuple[str, str] = ORG
) -> dict[str, tuple[float, float | None, float]]:
    """breakdown -> (numerator, denominator, value) of one unit and period."""
    chosen = results[
        (results["unit_type"] == unit[0]) & (results["unit_code"] == unit[1])
        & (results["period_start"] == pd.Timestamp(period[0]))
        & (results["period_end"] == pd.Timestamp(period[1]))
    ]  # fmt: skip
    return {
        r.breakdown: (
            float(r.numerator),
            None if pd.isna(r.denominator) else float(r.denominator),
            float(r.value),
        )
        for r in chosen.itertuples()
    }


def _outcomes(results: pd.DataFrame, period: tuple[str, str] = YEAR) -> dict[str, float]:
    """outcome -> numerator, only the outcomes reached (A3)."""
    return {
        b.removeprefix("outcome="): n
        for b, (n, _, _) in _cells(results, period).items()
        if b.startswith("outcome=") and n
    }


# --- A2 ---------------------------------------------------------------------------------


def test_a2_shares_by_source_and_group_with_every_code_and_group_present() -> None:
    referrals = _referrals(
        ("C1", "2024-04-01", "1A"), ("C2", "2024-05-01", "1C"), ("C3", "2024-06-01", "6"),
        ("C4", "2025-03-31", "3F"),
    )  # fmt: skip
    cells = _cells(_run("A2", referrals=referrals))
    assert len(cells) == 22 + 10
    assert cells["source=1A"] == (1, 4, 25.0)
    assert cells["source=2A"] == (0, 4, 0.0)
    assert cells["group=individual"] == (2, 4, 50.0)
    assert cells["group=health"] == (1, 4, 25.0)
    assert sum(v for b, (_, _, v) in cells.items() if b.startswith("source=")) == 100.0
    assert sum(v for b, (_, _, v) in cells.items() if b.startswith("group=")) == 100.0


def test_a2_missing_or_unknown_source_counts_as_10() -> None:
    referrals = _referrals(("C1", "2024-04-01", None), ("C2", "2024-05-01", "ZZ"),
                           ("C3", "2024-05-02", "10"))  # fmt: skip
    cells = _cells(_run("A2", referrals=referrals))
    assert cells["source=10"] == (3, 3, 100.0)
    assert cells["group=unknown"] == (3, 3, 100.0)


def test_a2_goes_to_the_team_of_the_referral_date_when_a_child_moves_team() -> None:
    referrals = _referrals(("C1", "2024-05-31", "1A"), ("C1", "2024-06-01", "6"),
                           ("C1", "2024-06-20", "8"))  # fmt: skip
    allocations = _allocations(
        ("C1", "W1", "T1", "2024-01-01", "2024-05-31"),
        ("C1", "W2", "T2", "2024-06-01", "2024-06-10"),
    )
    results = _run("A2", referrals=referrals, allocations=allocations)
    assert _cells(results, unit=("team", "T1"))["source=1A"] == (1, 1, 100.0)
    assert _cells(results, unit=("team", "T2"))["source=6"] == (1, 1, 100.0)
    assert _cells(results, unit=("practitioner", "W2"))["source=6"] == (1, 1, 100.0)
    assert _cells(results, unit=("service", "S1"))["group=individual"] == (1, 2, 50.0)
    # After the allocation ended: the Unallocated bucket.
    assert _cells(results, unit=("unallocated", LA))["source=8"] == (1, 1, 100.0)
    assert _cells(results)["source=8"] == (1, 3, pytest.approx(100 / 3))


def test_a2_a_period_without_referrals_has_no_row() -> None:
    referrals = _referrals(("C1", "2025-02-28", "1A"))
    results = _run("A2", date(2025, 1, 31), date(2025, 3, 31), referrals=referrals)
    periods = set(zip(results["period_start"].dt.strftime("%m-%d"),
                      results["period_end"].dt.strftime("%m-%d"), strict=True))  # fmt: skip
    assert ("02-01", "02-28") in periods
    assert ("01-01", "01-31") not in periods
    assert ("03-01", "03-31") not in periods


# --- A3 ---------------------------------------------------------------------------------


def test_a3_every_outcome_and_dfe_split_has_a_row_and_outcomes_add_to_100() -> None:
    referrals = _referrals(("C1", "2024-04-01", "1A", True, "2024-04-01", "RC8"),
                           ("C2", "2024-05-01", "1A", False, "2024-06-01", "RC1"))  # fmt: skip
    cells = _cells(_run("A3", referrals=referrals))
    assert sorted(cells) == sorted(
        [f"outcome={o}" for o in ("LAC", "CP", "CIN", "EH", "NFA", "pending")]
        + ["dfe=referral_nfa", "dfe=not_in_need"]
    )
    assert cells["outcome=NFA"] == (1, 2, 50.0)
    assert cells["outcome=CIN"] == (1, 2, 50.0)
    assert cells["outcome=LAC"] == (0, 2, 0.0)
    assert sum(v for b, (_, _, v) in cells.items() if b.startswith("outcome=")) == 100.0


def test_a3_care_starting_on_the_referral_or_closure_date_is_lac_not_the_day_after() -> None:
    referrals = _referrals(
        ("C1", "2024-05-01", "1A", False, "2024-06-01", "RC1"),
        ("C2", "2024-05-01", "1A", False, "2024-06-01", "RC1"),
        ("C3", "2024-05-01", "1A", False, "2024-06-01", "RC1"),
        ("C4", "2024-05-01", "1A", False, "2024-06-01", "RC1"),
    )
    episodes = _frame(
        ["child_id", "decom", "rne", "ls", "place", "dec", "rec"],
        ("C1", "2024-05-01", "S", "C2", "U1", None, None),
        ("C2", "2024-06-01", "S", "C2", "U1", None, None),
        ("C3", "2024-06-02", "S", "C2", "U1", None, None),
        ("C4", "2024-04-30", "S", "C2", "U1", None, None),  # began before the referral
    )
    outcomes = _outcomes(_run("A3", referrals=referrals, care_episodes=episodes))
    assert outcomes == {"LAC": 2, "CIN": 2}


def test_a3_short_breaks_only_care_is_not_lac() -> None:
    referrals = _referrals(("C1", "2024-05-01", "1A", False, "2024-06-01", "RC1"))
    episodes = _frame(
        ["child_id", "decom", "rne", "ls", "place", "dec", "rec"],
        ("C1", "2024-05-10", "S", "V3", "U1", "2024-05-12", "E8"),
        ("C1", "2024-05-20", "S", "V4", "U1", "2024-05-22", "E8"),
    )
    assert _outcomes(_run("A3", referrals=referrals, care_episodes=episodes)) == {"CIN": 1}


def test_a3_a_first_loaded_episode_without_rne_s_does_not_start_care() -> None:
    referrals = _referrals(("C1", "2024-05-01", "1A", False, "2024-06-01", "RC1"))
    episodes = _frame(
        ["child_id", "decom", "rne", "ls", "place", "dec", "rec"],
        ("C1", "2024-05-10", "P", "C2", "U1", None, None),
    )
    assert _outcomes(_run("A3", referrals=referrals, care_episodes=episodes)) == {"CIN": 1}


def test_a3_cp_plan_in_the_window_outranks_cin_and_lac_outranks_cp() -> None:
    referrals = _referrals(
        ("C1", "2024-05-01", "1A", False, "2024-07-01", "RC1"),
        ("C2", "2024-05-01", "1A", False, "2024-07-01", "RC1"),
        ("C3", "2024-05-01", "1A", False, "2024-07-01", "RC1"),
    )
    plans = _frame(["child_id", "start_date", "end_date", "previous_plans"],
                   ("C1", "2024-07-01", None, 0), ("C2", "2024-06-01", None, 0),
                   ("C3", "2024-04-30", None, 0))  # fmt: skip
    episodes = _frame(["child_id", "decom", "rne", "ls", "place", "dec", "rec"],
                      ("C2", "2024-06-15", "S", "C2", "U1", None, None))  # fmt: skip
    results = _run("A3", referrals=referrals, cp_plans=plans, care_episodes=episodes)
    assert _outcomes(results) == {"CP": 1, "LAC": 1, "CIN": 1}


def test_a3_is_judged_at_each_period_end_so_later_events_are_ignored() -> None:
    referrals = _referrals(("C1", "2025-01-10", "1A", False, "2025-03-20", "RC1"))
    plans = _frame(["child_id", "start_date", "end_date", "previous_plans"],
                   ("C1", "2025-02-10", None, 0))  # fmt: skip
    results = _run("A3", date(2025, 1, 31), date(2025, 3, 31), referrals=referrals,
                   cp_plans=plans)  # fmt: skip
    # At 31 January the episode is open, no assessment, no plan yet: pending.
    assert _outcomes(results, ("2025-01-01", "2025-01-31")) == {"pending": 1}
    # The quarter and the year end on 31 March: the plan has started.
    assert _outcomes(results, ("2025-01-01", "2025-03-31")) == {"CP": 1}
    assert _outcomes(results, YEAR) == {"CP": 1}


def test_a3_closure_after_r_is_not_known_and_closure_on_r_closes() -> None:
    referrals = _referrals(("C1", "2025-01-10", "1A", False, "2025-02-05", "RC8"),
                           ("C2", "2025-01-10", "1A", False, "2025-01-31", "RC8"))  # fmt: skip
    results = _run("A3", date(2025, 1, 31), date(2025, 2, 28), referrals=referrals)
    january = ("2025-01-01", "2025-01-31")
    assert _outcomes(results, january) == {"pending": 1, "NFA": 1}
    assert _cells(results, january)["dfe=not_in_need"] == (1, 2, 50.0)
    # The 12 months to 28 February 2025 start on 29 February 2024 (Resolved detail 10).
    assert _outcomes(results, ("2024-02-29", "2025-02-28")) == {"NFA": 2}


def test_a3_pending_until_an_assessment_of_the_episode_ends_on_or_before_r() -> None:
    referrals = _referrals(
        ("C1", "2025-03-01"), ("C2", "2025-03-01"), ("C3", "2025-03-01"), ("C4", "2025-03-01"),
        ("C5", "2025-03-01", "1A", False, "2025-03-10", "RC2"),  # closed, not assessed: CIN
    )  # fmt: skip
    assessments = _frame(
        ["child_id", "start_date", "authorisation_date"],
        ("C1", "2025-03-02", "2025-03-31"),  # ends on R: completed
        ("C2", "2025-03-02", "2025-04-01"),  # ends after R
        ("C3", "2025-03-02", None),  # not finished
        ("C4", "2025-02-27", "2025-03-05"),  # before the referral: not this episode's
    )
    results = _run("A3", referrals=referrals, assessments=assessments)
    assert _outcomes(results) == {"CIN": 2, "pending": 3}


def test_a3_early_help_rc9_or_early_help_starting_1_to_30_days_after_closure() -> None:
    referrals = _referrals(
        ("C1", "2024-05-01", "1A", False, "2024-05-10", "RC9"),
        ("C2", "2024-05-01", "1A", False, "2024-05-10", "RC8"),  # help on day 30
        ("C3", "2024-05-01", "1A", False, "2024-05-10", "RC8"),  # help on day 31
        ("C4", "2024-05-01", "1A", False, "2024-05-10", "RC8"),  # help on the closure day
        ("C5", "2024-05-01", "1A", True, "2024-05-01", None),  # NFA, then help next day
    )
    help_ = _frame(["child_id", "start_date", "end_date"],
                   ("C2", "2024-06-09", None), ("C3", "2024-06-10", None),
                   ("C4", "2024-05-10", None), ("C5", "2024-05-02", None))  # fmt: skip
    results = _run("A3", referrals=referrals, early_help=help_)
    assert _outcomes(results) == {"EH": 3, "NFA": 2}
    cells = _cells(results)
    assert cells["dfe=referral_nfa"] == (1, 5, 20.0)
    assert cells["dfe=not_in_need"] == (4, 5, 80.0)


def test_a3_early_help_starting_after_r_is_not_yet_known() -> None:
    referrals = _referrals(("C1", "2025-01-20", "1A", False, "2025-01-25", "RC8"))
    help_ = _frame(["child_id", "start_date", "end_date"], ("C1", "2025-02-03", None))
    results = _run("A3", date(2025, 1, 31), date(2025, 2, 28), referrals=referrals,
                   early_help=help_)  # fmt: skip
    assert _outcomes(results, ("2025-01-01", "2025-01-31")) == {"NFA": 1}
    assert _outcomes(results, ("2024-02-29", "2025-02-28")) == {"EH": 1}


# --- A4, A5, A6 -------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "frame"), [("A4", "assessments"), ("A5", "section47")])
def test_a4_a5_count_starts_on_the_first_and_last_day_of_the_period(code: str, frame: str) -> None:
    columns = ["child_id", "start_date",
               "authorisation_date" if code == "A4" else "icpc_date"]  # fmt: skip
    rows = _frame(columns, ("C1", "2024-03-31", None), ("C1", "2024-04-01", None),
                  ("C2", "2025-03-31", None), ("C3", "2025-04-01", None))  # fmt: skip
    population = pd.DataFrame({"year": [2024], "population_0_17": [40_000]})
    results = _run(code, **{frame: rows}, population=population)
    assert _cells(results) == {"": (2, None, 2), "measure=rate_10k": (2, 40_000, 0.5)}


def test_a6_counts_distinct_child_and_conference_date_pairs() -> None:
    enquiries = _frame(["child_id", "start_date", "icpc_date"],
                       ("C1", "2024-05-01", "2024-05-20"), ("C1", "2024-05-02", "2024-05-20"),
                       ("C2", "2024-05-01", "2024-05-20"), ("C3", "2024-05-01", None))  # fmt: skip
    referrals = _referrals(("C1", "2024-04-28", "1A", False, None, None, "2024-05-20"),
                           ("C3", "2024-04-28", "1A", False, None, None, "2024-06-03"))  # fmt: skip
    allocations = _allocations(("C3", "W1", "T1", "2024-06-01", None))
    results = _run("A6", section47=enquiries, referrals=referrals, allocations=allocations)
    assert _cells(results) == {"": (3, None, 3)}
    assert _cells(results, unit=("team", "T1")) == {"": (1, None, 1)}
    assert _cells(results, unit=("unallocated", LA)) == {"": (2, None, 2)}


# --- O1 ---------------------------------------------------------------------------------


def test_o1_exactly_12_months_is_a_re_referral_a_day_more_is_not() -> None:
    referrals = _referrals(("C1", "2023-06-15"), ("C1", "2024-06-15"),  # exactly 12 months
                           ("C2", "2023-06-15"), ("C2", "2024-06-16"))  # fmt: skip
    population = pd.DataFrame({"year": [2024], "population_0_17": [10_000]})
    cells = _cells(_run("O1", referrals=referrals, population=population))
    assert cells == {
        "": (1, 2, 50.0),
        "measure=count": (1, None, 1),
        "measure=rate_10k": (1, 10_000, 1.0),
    }


def test_o1_looks_back_across_the_period_start_to_the_latest_earlier_referral() -> None:
    # C1: the previous referral, before the year, was 2024-01-10: within 12 months.
    # C2: 2023-01-01 is too long ago, though an NFA one 2024-02-01 is not.
    referrals = _referrals(
        ("C1", "2024-01-10"), ("C1", "2024-12-01"),
        ("C2", "2023-01-01"), ("C2", "2024-02-01", "1A", True), ("C2", "2025-01-05"),
        ("C3", "2022-01-01"), ("C3", "2024-04-01"),
    )  # fmt: skip
    assert _cells(_run("O1", referrals=referrals))[""] == (2, 3, pytest.approx(200 / 3))


def test_o1_a_leap_day_plus_12_months_is_28_february() -> None:
    referrals = _referrals(("C1", "2024-02-29"), ("C1", "2025-02-28"),
                           ("C2", "2024-02-29"), ("C2", "2025-03-01"))  # fmt: skip
    assert _cells(_run("O1", referrals=referrals))[""] == (1, 2, 50.0)


def test_o1_a_unit_with_referrals_but_none_re_referred_shows_zero() -> None:
    referrals = _referrals(("C1", "2024-05-01"), ("C2", "2024-05-01"), ("C2", "2024-06-01"))
    allocations = _allocations(("C1", "W1", "T1", "2024-01-01", None))
    results = _run("O1", referrals=referrals, allocations=allocations)
    assert _cells(results, unit=("team", "T1")) == {"": (0, 1, 0.0), "measure=count": (0, None, 0)}
    assert _cells(results, unit=("unallocated", LA))[""] == (1, 2, 50.0)
    # Events, not children: C2's two referrals are both in the denominator.
    assert _cells(results)[""] == (1, 3, pytest.approx(100 / 3))


# --- everything ---------------------------------------------------------------------------

CODES = ["A1", "A2", "A3", "A4", "A5", "A6", "O1"]


def test_no_data_gives_no_rows() -> None:
    results = compute_all(EngineInputs(LA, {}, date(2025, 1, 31), date(2025, 3, 31)), CODES)
    assert results.empty
    assert list(results.columns) == RESULT_COLUMNS


def test_registered_with_their_groups_and_definitions() -> None:
    compute_all(EngineInputs(LA, {}, date(2025, 3, 31), date(2025, 3, 31)), ["A1"])
    assert INDICATORS["O1"].group == "outcomes"
    assert {INDICATORS[c].group for c in CODES[:-1]} == {"activity"}
    assert all(len(INDICATORS[c].definition) > 200 for c in CODES)


def test_tallies_match_the_core_attribution_and_period_expansion() -> None:
    """Random events, allocations with moves and gaps, two years of periods: the integer
    tallies give what units_on + in_periods + counting give."""
    rng = np.random.default_rng(7)
    children = np.array([f"C{i}" for i in range(40)])
    events = pd.DataFrame(
        {
            "child_id": pd.Series(children[rng.integers(0, 40, 600)], dtype="string"),
            "day": pd.Timestamp("2022-06-01")
            + pd.to_timedelta(rng.integers(0, 1000, 600), unit="D"),
        }
    ).astype({"day": "datetime64[ns]"})
    starts = pd.Timestamp("2022-01-01") + pd.to_timedelta(np.tile([0, 400], 40), unit="D")
    workers = rng.integers(0, 6, 80)
    allocations = pd.DataFrame(
        {
            "child_id": np.repeat(children, 2),
            "worker_id": [f"W{w}" for w in workers],
            "team_code": [f"T{w % 2 + 1}" for w in workers],
            "start_date": starts,
            "end_date": starts + pd.to_timedelta(rng.integers(100, 399, 80), unit="D"),
        }
    )
    inputs = EngineInputs(LA, {"allocations": allocations, "teams": TEAMS},
                          date(2023, 1, 31), date(2024, 12, 31))  # fmt: skip
    context = Context(inputs)
    expanded = context.in_periods(context.units_on(events, "day"), "day")
    expected = expanded.groupby(KEYS).size().rename("numerator").reset_index()
    actual = event_counts(context, events, "day")
    actual = actual.astype({"unit_type": "string", "unit_code": "string"})
    pd.testing.assert_frame_equal(
        actual.sort_values(KEYS).reset_index(drop=True),
        expected.sort_values(KEYS).reset_index(drop=True),
        check_dtype=False,
    )
