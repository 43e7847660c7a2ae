"""The engine against a second, independent computation: DuckDB SQL (coredata.crosscheck).

Generated data (3 years, about 1,500 referrals a year, 8 teams in 2 services) imported
through the real importers, read back by coredata.frames, and every result of A1, A3,
P1, P2, O1, O2 and W2 compared for every unit and period: the same rows, counts exactly
equal, values to 1e-9 (W2's FTE sums to 1e-9: float sums in another order).
"""

import tempfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.db import transaction
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from benchmarks.synthetic_frames import inputs_from_synthetic
from coredata.crosscheck import CODES, compute, differences
from coredata.crosscheck.run import IDENTITY, connect
from coredata.demo import synthetic_load
from coredata.frames import engine_inputs_for
from coredata.indicators.inputs import SCHEMAS, EngineInputs
from coredata.indicators.periods import periods_between
from coredata.indicators.registry import compute_all
from coredata.synthetic import SyntheticData, generate
from organisation.models import Organisation

TEAMS = [
    (f"{area}{number:02d}", f"{name} {area}", area, f"Locality {area}")
    for area in ("N", "S")
    for number, name in enumerate(
        ["Assessment", "Child in Need", "Child Protection", "Children in Care"], start=1
    )
]
# Every measure has these (and Unallocated where a child is held by no one); workforce
# measures have no Unallocated bucket, nor practitioners (Resolved detail 8).
UNIT_TYPES = {"organisation", "service", "team", "practitioner"}
STAFF_UNITS = {"organisation", "service", "team"}


@pytest.fixture(scope="module")
def generated(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> tuple[SyntheticData, EngineInputs]:
    """Generated data imported into the test database (rolled back afterwards) and read
    back as the engine's inputs."""
    data = generate(la_code="971", teams=TEAMS, workers=None, start=date(2022, 4, 1),
                    years=3, referrals_per_year=1500, seed=11)  # fmt: skip
    with (
        tempfile.TemporaryDirectory() as folder,
        override_settings(MEDIA_ROOT=Path(folder) / "media"),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        organisation = Organisation.objects.create(name="Crosscheckshire", la_code="971")
        synthetic_load(organisation=organisation, data=data, folder=Path(folder) / "files")
        inputs = engine_inputs_for(organisation=organisation, today=date(2025, 4, 30))
        transaction.set_rollback(True)
    return data, inputs


@pytest.fixture(scope="module")
def engine(generated: tuple[SyntheticData, EngineInputs]) -> pd.DataFrame:
    return compute_all(generated[1], codes=CODES)


@pytest.fixture(scope="module")
def duck(generated: tuple[SyntheticData, EngineInputs]) -> pd.DataFrame:
    return compute(generated[1])


def _sorted(results: pd.DataFrame) -> pd.DataFrame:
    return results.sort_values(IDENTITY, kind="stable").reset_index(drop=True)


@pytest.mark.parametrize("code", CODES)
def test_the_engine_equals_duckdb_sql(code: str, engine: pd.DataFrame, duck: pd.DataFrame) -> None:
    ours = _sorted(engine[engine["indicator"] == code])
    theirs = _sorted(duck[duck["indicator"] == code])
    wrong = differences(ours, theirs, tolerance=1e-9)
    assert wrong.empty, wrong.head(20).to_string()
    # The same rows in the same order once sorted; counts exactly equal.
    pd.testing.assert_frame_equal(ours[IDENTITY], theirs[IDENTITY])
    if code != "W2":
        for column in ("numerator", "denominator"):
            pd.testing.assert_series_equal(ours[column], theirs[column])
    # A meaningful comparison: many rows, every kind of unit the measure has.
    assert len(ours) > 500
    expected_units = STAFF_UNITS if code == "W2" else UNIT_TYPES
    assert expected_units <= set(ours["unit_type"])
    if code in ("A1", "A3", "O1"):  # some referrals come in before anyone holds the child
        assert "unallocated" in set(ours["unit_type"])
    assert (ours["value"].fillna(0) > 0).any()


def test_the_benchmarks_frames_without_the_database_give_the_same_results(
    generated: tuple[SyntheticData, EngineInputs],
) -> None:
    """The England-sized benchmark builds its inputs straight from the generator: every
    indicator of the engine gives the same results as from the imported records."""
    data, imported = generated
    direct = inputs_from_synthetic(data)
    assert (direct.first_month_end, direct.last_month_end) == (
        imported.first_month_end,
        imported.last_month_end,
    )
    wrong = differences(compute_all(imported), compute_all(direct), tolerance=1e-9)
    assert wrong.empty, wrong.head(20).to_string()


def test_differences_finds_a_changed_and_a_missing_row(duck: pd.DataFrame) -> None:
    a1 = duck[duck["indicator"] == "A1"].reset_index(drop=True)
    changed = a1.copy()
    changed.loc[0, "numerator"] = changed.loc[0, "numerator"] + 1
    changed = changed.drop(index=1)
    wrong = differences(a1, changed)
    assert sorted(wrong["side"]) == ["both", "left_only"]
    assert differences(a1, a1.sample(frac=1.0, random_state=1)).empty


# --- boundaries: a few hand-built rows ---------------------------------------------------


def _frame(columns: list[str], rows: list[tuple[object, ...]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=columns)
    for column in columns:
        if column.endswith("date") or column in ("decom", "dec"):
            frame[column] = pd.to_datetime(frame[column])
    return frame


def _edge_inputs() -> EngineInputs:
    """March and April 2024: a team move on 16 March, a plan exactly 6 months long ending
    on R, a re-referral exactly 12 months on, early help 30 days after closure, a
    placement ending on the first day of the 12 months, a leaver on R, a move."""
    allocation = ["child_id", "worker_id", "team_code", "start_date", "end_date"]
    plan = ["child_id", "start_date", "end_date"]
    episode = ["child_id", "decom", "rne", "ls", "place", "dec", "rec"]
    frames = {
        "teams": _frame(["team_code", "service_code"], [("T1", "S1"), ("T2", "S2")]),
        "allocations": _frame(allocation, [
            ("C1", "W1", "T1", "2023-01-01", "2024-03-15"),
            ("C1", "W2", "T2", "2024-03-16", None),
            ("C2", "W1", "T1", "2023-06-01", "2024-03-31"),
            ("C4", "W1", "T1", "2024-01-01", "2024-03-15"),
            ("C4", "W2", "T2", "2024-03-16", None),
            ("C6", "W4", "T2", "2023-01-01", None),
        ]),
        "referrals": _frame(
            ["child_id", "referral_date", "source", "nfa", "closure_date", "closure_reason"], [
                ("C1", "2023-03-31", "1A", False, "2023-05-01", "RC7"),
                ("C1", "2024-03-31", "2A", False, None, None),
                ("C2", "2023-04-01", "6", False, "2023-04-10", "RC8"),
                ("C2", "2024-04-01", "6", False, "2024-04-20", "RC9"),
                ("C3", "2024-03-01", "3A", True, "2024-03-01", None),
                ("C3", "2024-03-16", "3A", False, None, None),
                ("C4", "2024-03-16", "5A", False, None, None),
            ]),
        "cp_plans": _frame(plan, [
            ("C3", "2024-03-20", None), ("C2", "2023-09-30", "2024-03-31"),
            ("C1", "2024-04-10", "2024-04-10"),
        ]),
        "early_help": _frame(plan, [("C3", "2024-03-31", None)]),
        "care_episodes": _frame(episode, [
            ("C4", "2024-03-20", "S", "C2", "U1", None, None),
            ("C5", "2023-01-01", "S", "V3", "U1", "2023-01-03", "E8"),
            ("C6", "2023-01-10", "S", "C2", "U1", "2023-04-30", "X1"),
            ("C6", "2023-04-30", "P", "C2", "U4", "2023-12-01", "X1"),
            ("C6", "2023-12-01", "T", "C2", "U4", "2024-01-15", "X1"),
            ("C6", "2024-01-15", "B", "C2", "U6", None, None),
        ]),
        "staff": _frame(
            ["worker_id", "team_code", "fte", "start_date", "end_date", "agency",
             "case_holding"], [
                ("W1", "T1", 1.0, "2023-01-01", "2024-03-31", False, True),
                ("W2", "T2", 0.5, "2023-01-01", "2024-03-15", False, True),
                ("W2", "T1", 0.5, "2024-03-16", None, False, True),
                ("W3", "T1", 1.0, "2023-01-01", None, True, True),
                ("W4", "T2", 1.0, "2023-01-01", None, False, True),
            ]),
        "population": pd.DataFrame({"year": [2023], "population_0_17": [10_000]}),
    }  # fmt: skip
    for name, frame in frames.items():  # columns not given are empty
        for column in SCHEMAS[name]:
            if column not in frame.columns:
                frame[column] = pd.Series(pd.NA, index=frame.index, dtype=SCHEMAS[name][column])
    return EngineInputs(
        la_code="999", frames=frames,
        first_month_end=date(2024, 3, 31), last_month_end=date(2024, 4, 30),
    )  # fmt: skip


def _row(results: pd.DataFrame, code: str, breakdown: str, unit: str, end: str) -> pd.Series:
    chosen = results[
        (results["indicator"] == code)
        & (results["breakdown"] == breakdown)
        & (results["unit_type"] == unit)
        & (results["period_start"] == pd.Timestamp(end).replace(day=1))
        & (results["period_end"] == pd.Timestamp(end))
    ]
    assert len(chosen) == 1, chosen
    return chosen.iloc[0]


def test_the_engine_equals_duckdb_sql_at_the_boundaries() -> None:
    inputs = _edge_inputs()
    engine, duck = compute_all(inputs, codes=CODES), compute(inputs)
    wrong = differences(engine, duck, tolerance=1e-9)
    assert wrong.empty, wrong.to_string()
    # Spot checks from INDICATORS.md, in March 2024 (the month).
    march = "2024-03-31"
    # O1: of 4 referrals, C1's exactly 12 months on and C3's second are re-referrals.
    assert _row(duck, "O1", "", "organisation", march)[["numerator", "denominator"]].tolist() == [
        2.0, 4.0,
    ]  # fmt: skip
    # P1 at R: C1 CIN, C3 CP (C2's plan ends on R), C4 and C6 LAC; C5's short breaks not.
    tiers = [_row(duck, "P1", f"tier={t}", "organisation", march)["numerator"] for t in
             ("EH", "CIN", "CP", "LAC", "total")]  # fmt: skip
    assert tiers == [0.0, 1.0, 1.0, 2.0, 4.0]
    # C4 moved team on 16 March, the day of the referral: it counts for T2.
    assert _row(duck, "A1", "", "service", march)["unit_code"] == "S2"
    # A3: C3's NFA referral followed by early help 30 days after closure is EH.
    assert _row(duck, "A3", "outcome=EH", "unallocated", march)["numerator"] == 1.0
    # P2: C2's CP plan lasted exactly 6 months (2023-09-30 + 6 months = 2024-03-31).
    ended = _row(duck, "P2", "tier=CP;view=ended;min=6m", "team", march)
    assert ended[["numerator", "denominator"]].tolist() == [1.0, 1.0]
    # O2: C6's first placement ends on 30 April 2023, the first day of the 12 months to
    # 31 March 2024 (3 placements), but before the 12 months to 30 April 2024 (2); C4,
    # also looked after, has had one.
    assert _row(duck, "O2", "", "organisation", march)["numerator"] == 1.0
    assert _row(duck, "O2", "", "organisation", "2024-04-30")["numerator"] == 0.0
    # W2: W1 left on R (a leaver, not in post); W2 moved team (not a leaver).
    turnover = _row(duck, "W2", "", "organisation", march)
    assert turnover[["numerator", "denominator"]].tolist() == [1.0, 1.5]


# --- a boundary the generated data seldom reaches ----------------------------------------


def _w2_inputs() -> EngineInputs:
    """One worker leaving on 29 February 2024, one in post, judged at 28 February 2025."""
    staff = pd.DataFrame(
        {
            "worker_id": ["W1", "W2"],
            "team_code": ["T1", "T1"],
            "fte": [1.0, 1.0],
            "start_date": pd.to_datetime(["2023-01-01", "2023-01-01"]),
            "end_date": pd.to_datetime(["2024-02-29", None]),
            "agency": [False, False],
            "case_holding": [True, True],
        }
    )
    teams = pd.DataFrame({"team_code": ["T1"], "service_code": ["S1"]})
    return EngineInputs(
        la_code="999",
        frames={"staff": staff, "teams": teams},
        first_month_end=date(2025, 2, 28),
        last_month_end=date(2025, 2, 28),
    )


def test_duckdb_counts_a_leaver_on_29_february_in_the_12_months_to_28_february() -> None:
    """Resolved detail 10: the 12 months ending at R are R - 12 months + 1 day to R, so
    for R = 2025-02-28 they start on 2024-02-29 (2025-02-28 - 12 months = 2024-02-28)."""
    results = compute(_w2_inputs(), ["W2"])
    organisation = results[results["unit_type"] == "organisation"]
    assert organisation["numerator"].tolist() == [1.0, 1.0]
    assert organisation["value"].tolist() == [100.0, 100.0]


def test_the_engine_counts_a_leaver_on_29_february_in_the_12_months_to_28_february() -> None:
    """Found by this cross-check (on the large authority's generated data): the engine
    took the 12 months ending at R as whole months, leaving 29 February 2024 out of the
    12 months to 28 February 2025."""
    engine = compute_all(_w2_inputs(), codes=["W2"])
    wrong = differences(engine, compute(_w2_inputs(), ["W2"]))
    assert wrong.empty, wrong.to_string()
    assert np.all(engine["numerator"].to_numpy(dtype="float64") == 1.0)


# --- the 12 months to 28 February after a leap year --------------------------------------


def test_duckdb_derives_the_same_periods_as_the_engine_independently() -> None:
    """Two derivations of the period table (the engine's periods_between; SQL date
    arithmetic in coredata.crosscheck.views.PERIODS) agree over years with two leap days."""
    inputs = EngineInputs(
        la_code="999", frames={}, first_month_end=date(2019, 1, 31),
        last_month_end=date(2026, 12, 31),
    )  # fmt: skip
    connection = connect(inputs)
    try:
        theirs = connection.sql("SELECT * FROM periods ORDER BY period_end, period_start").df()
    finally:
        connection.close()
    ours = periods_between(inputs.first_month_end, inputs.last_month_end)
    ours = ours.sort_values(["period_end", "period_start"])[["period_start", "period_end"]]
    pd.testing.assert_frame_equal(
        ours.reset_index(drop=True), theirs.astype("datetime64[ns]"), check_dtype=False
    )
    leap = theirs[theirs["period_end"] == pd.Timestamp("2025-02-28")]["period_start"]
    assert sorted(leap.astype("datetime64[ns]")) == [
        pd.Timestamp("2024-02-29"), pd.Timestamp("2025-02-01"),
    ]  # fmt: skip


def _leap_inputs() -> EngineInputs:
    """Referrals, plans ending and a leaver on 28 February, 29 February and 1 March 2024,
    judged in every period from January 2024 to March 2025."""
    allocation = ["child_id", "worker_id", "team_code", "start_date", "end_date"]
    referral = ["child_id", "referral_date", "source", "nfa", "closure_date", "closure_reason"]
    frames = {
        "teams": _frame(["team_code", "service_code"], [("T1", "S1"), ("T2", "S2")]),
        "allocations": _frame(allocation, [
            ("A", "W1", "T1", "2023-01-01", None), ("B", "W2", "T2", "2023-01-01", None),
        ]),
        "referrals": _frame(referral, [
            ("A", "2023-03-15", "1A", False, "2023-04-01", "RC7"),
            ("A", "2024-02-29", "1A", False, "2024-02-29", "RC8"),
            ("B", "2024-02-28", "2A", False, None, None),
            ("C", "2024-03-01", "3A", True, "2024-03-01", None),
            ("B", "2025-02-28", "2A", False, None, None),
        ]),
        "cp_plans": _frame(["child_id", "start_date", "end_date"], [
            ("A", "2023-08-31", "2024-02-29"), ("B", "2023-08-31", "2024-02-28"),
            ("C", "2023-09-01", "2024-03-01"),
        ]),
        "staff": _frame(
            ["worker_id", "team_code", "fte", "start_date", "end_date", "agency",
             "case_holding"], [
                ("W1", "T1", 1.0, "2023-01-01", "2024-02-29", False, True),
                ("W2", "T2", 1.0, "2023-01-01", "2024-02-28", False, True),
                ("W3", "T1", 1.0, "2023-01-01", None, False, True),
                ("W4", "T2", 1.0, "2023-01-01", None, False, True),
            ]),
    }  # fmt: skip
    for name, frame in frames.items():
        for column in SCHEMAS[name]:
            if column not in frame.columns:
                frame[column] = pd.Series(pd.NA, index=frame.index, dtype=SCHEMAS[name][column])
    return EngineInputs(
        la_code="999", frames=frames,
        first_month_end=date(2024, 1, 31), last_month_end=date(2025, 3, 31),
    )  # fmt: skip


def test_the_engine_equals_duckdb_sql_around_29_february() -> None:
    inputs = _leap_inputs()
    engine, duck = compute_all(inputs, codes=CODES), compute(inputs)
    wrong = differences(engine, duck, tolerance=1e-9)
    assert wrong.empty, wrong.to_string()
    leap = duck[
        (duck["period_start"] == pd.Timestamp("2024-02-29"))
        & (duck["period_end"] == pd.Timestamp("2025-02-28"))
        & (duck["unit_type"] == "organisation")
    ]
    figures = leap.set_index(["indicator", "breakdown"])["numerator"]
    # 29 February 2024, 28 February 2025 (not 28 February 2024 nor 1 March 2023's 15th).
    assert figures[("A1", "")] == 3.0
    # A's on the leap day, B's exactly 12 months after its referral of 28 February 2024.
    assert figures[("O1", "measure=count")] == 2.0
    assert figures[("P2", "tier=CP;view=ended;min=6m")] == 2.0  # A's and C's
    assert figures[("W2", "")] == 1.0  # W1 left on the leap day, W2 the day before
