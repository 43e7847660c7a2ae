"""Periods of care and placements from SSDA903 episodes."""

import pandas as pd

from coredata.indicators.care import periods_of_care, placements


def _episodes(rows: list[tuple[str, str, str, str, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "child_id": pd.array([r[0] for r in rows], dtype="string"),
            "decom": pd.to_datetime([r[1] for r in rows]).astype("datetime64[ns]"),
            "rne": pd.array([r[2] for r in rows], dtype="string"),
            "ls": pd.array([r[3] for r in rows], dtype="string"),
            "place": pd.array(["U1"] * len(rows), dtype="string"),
            "dec": pd.to_datetime([r[4] for r in rows]).astype("datetime64[ns]"),
            "rec": pd.array(["X1"] * len(rows), dtype="string"),
        }
    )


def test_the_first_child_keeps_its_care_when_it_did_not_start_with_s() -> None:
    # Care that began before the data: the first known episode is a change of status.
    episodes = _episodes([("A", "2012-10-24", "L", "C2", "2024-01-15"),
                          ("B", "2020-01-01", "S", "C2", None)])  # fmt: skip
    periods = periods_of_care(episodes)
    assert periods["child_id"].tolist() == ["A", "B"]
    assert periods["short_breaks"].tolist() == [False, False]
    placed = placements(episodes)
    assert placed["period_start"].notna().all()
    assert str(placed["short_breaks"].dtype) == "bool"


def test_periods_and_placements_follow_rne_and_legal_status() -> None:
    episodes = _episodes([
        ("A", "2020-01-01", "S", "C2", "2020-03-01"),
        ("A", "2020-03-01", "L", "C2", "2020-06-01"),
        ("A", "2020-06-01", "P", "C2", "2020-09-01"),
        ("A", "2021-01-01", "S", "V3", None),
    ])  # fmt: skip
    periods = periods_of_care(episodes)
    assert periods["start"].dt.strftime("%Y-%m-%d").tolist() == ["2020-01-01", "2021-01-01"]
    assert periods["end"].dt.strftime("%Y-%m-%d").fillna("open").tolist() == [
        "2020-09-01",
        "open",
    ]
    assert periods["short_breaks"].tolist() == [False, True]
    placed = placements(episodes)
    assert placed["start"].dt.strftime("%Y-%m-%d").tolist() == [
        "2020-01-01", "2020-06-01", "2021-01-01",
    ]  # fmt: skip
