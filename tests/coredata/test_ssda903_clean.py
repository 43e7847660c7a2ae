"""Stitching stacked annual SSDA903 returns: liia-tools' hand-made cases, the demand-model
sample, one test per rule, and properties."""

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coredata.parsers.ssda903 import parse_ssda903_csv
from coredata.parsers.ssda903_clean import clean_stacked_episodes, overlapping_episodes

EXTERNAL = Path(__file__).resolve().parent.parent / "fixtures" / "external"
LIIA_FIXES = EXTERNAL / "liia-tools" / "SSDA903_episodes_for_testing_fixes_INPUT.csv"
DEMAND = EXTERNAL / "cs-demand-model-regional" / "episodes.csv"

STRING_COLUMNS = [
    "child_id", "rne", "ls", "cin", "place", "place_provider", "rec", "reason_place_change",
    "urn", "la",
]  # fmt: skip
COLUMNS = [
    "child_id", "decom", "rne", "ls", "cin", "place", "place_provider", "dec", "rec",
    "reason_place_change", "urn", "source_row", "la", "year",
]  # fmt: skip


def episodes(*rows: dict) -> pd.DataFrame:
    """Episodes as the parser gives them; each row names what differs from a default."""
    default = {
        "child_id": "1", "decom": None, "rne": "P", "ls": "C2", "cin": "N1", "place": "U4",
        "place_provider": "PR1", "dec": None, "rec": None, "reason_place_change": None,
        "urn": None, "la": "LA", "year": 2020,
    }  # fmt: skip
    records = [{**default, **row, "source_row": i + 2} for i, row in enumerate(rows)]
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    for column in STRING_COLUMNS:
        frame[column] = frame[column].astype("string")
    for column in ("decom", "dec"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    for column in ("source_row", "year"):
        frame[column] = frame[column].astype("Int64")
    return frame


def ends(frame: pd.DataFrame) -> list[tuple[str, str | None, str | None]]:
    """(DECOM, DEC, REC) per episode, as ISO text."""
    return [
        (
            row.decom.date().isoformat(),
            None if pd.isna(row.dec) else row.dec.date().isoformat(),
            None if pd.isna(row.rec) else row.rec,
        )
        for row in frame.itertuples()
    ]


# --------------------------------------------------------------------------- liia-tools cases

LIIA_EXPECTED = {
    # Nothing to do: closed in an older return and picked up in a later one.
    "NORULE_BAD": [("2015-06-19", "2016-07-26", "X1"), ("2016-07-26", "2021-12-12", "E17")],
    # Open in the LA's latest return: stays open.
    "NORULE_NEW": [("2022-02-01", "2022-07-10", "E17"), ("2022-10-23", None, None)],
    "NORULE_SUT": [("2017-12-15", None, None)],
    # Open in 2018, followed by a T episode: ends on its DECOM, X1, care continuous.
    "RULE1_BAD": [
        ("2016-01-13", "2017-08-20", "X1"),
        ("2017-08-20", "2019-06-21", "X1"),
        ("2019-06-21", "2019-07-23", "E6"),
    ],
    # Followed by a new period of care (RNE S): ends the day before (INDICATORS.md; liia-tools
    # would use 31 March 2017), E99.
    "RULE1A_BAD": [
        ("2016-01-22", "2016-10-24", "X1"),
        ("2016-10-24", "2017-04-19", "E99"),
        ("2017-04-20", "2017-06-13", "E8"),
    ],
    # Open in 2020, never seen again: closed on 31 March 2020, E99.
    "RULE2_BAD": [("2019-05-10", "2020-03-31", "E99")],
    # The 2017 open episode is the 2018 one re-dated: deleted.
    "RULE3_BAD": [("2016-09-23", "2017-05-30", "E2")],
    # The 2018 open episode starts inside an episode from the 2019 return: replaced.
    "RULE3A_BAD": [("2017-11-25", "2018-01-25", "X1"), ("2018-01-25", "2018-05-16", "E45")],
    # The open 2018-12-24 one is replaced (3A); the 2019 episode overlapping the 2020 one is
    # cut at its start (RULE_4).
    "RULE4_BAD": [
        ("2018-11-23", "2018-12-20", "X1"),
        ("2018-12-20", "2019-08-19", "X1"),
        ("2019-08-19", "2019-10-01", "E4A"),
    ],
    # X1 with a gap before the next return's episode: extended to it.
    "RULE5_BAD": [("2019-11-06", "2020-04-02", "X1"), ("2020-04-02", None, None)],
}


@pytest.fixture(scope="module")
def liia_cleaned() -> pd.DataFrame:
    result = parse_ssda903_csv(LIIA_FIXES, file_name="fixes.csv")
    assert result.problems == []
    return clean_stacked_episodes(result.tables["episodes"])


@pytest.mark.parametrize("child", list(LIIA_EXPECTED))
def test_liia_episode_fix_cases(liia_cleaned: pd.DataFrame, child: str) -> None:
    assert ends(liia_cleaned[liia_cleaned["child_id"] == child]) == LIIA_EXPECTED[child]


def test_liia_rule1_marks_the_unknown_placement_change_reason(liia_cleaned: pd.DataFrame) -> None:
    rule1 = liia_cleaned[liia_cleaned["child_id"] == "RULE1_BAD"]

    assert rule1["reason_place_change"].tolist() == ["LIIAF", "CARPL", pd.NA]


def test_liia_cases_leave_no_overlaps(liia_cleaned: pd.DataFrame) -> None:
    assert len(liia_cleaned) == 20
    assert overlapping_episodes(liia_cleaned).empty


# --------------------------------------------------------------------------- demand model sample


def test_demand_model_sample_cleans_without_overlaps() -> None:
    raw = parse_ssda903_csv(DEMAND, file_name="episodes.csv").tables["episodes"]

    cleaned = clean_stacked_episodes(raw)

    assert len(overlapping_episodes(raw)) == 2032
    assert overlapping_episodes(cleaned).empty
    # 910 episodes are repeats of one with the same child and start in another return; 19
    # more, from older returns, start inside an episode of a later return (RULE_3A).
    assert raw.duplicated(["la", "child_id", "decom"]).sum() == 910
    assert len(cleaned) == 3737 - 910 - 19
    assert not cleaned.duplicated(["la", "child_id", "decom"]).any()
    assert cleaned.dtypes.to_dict() == raw.dtypes.to_dict()
    assert not (cleaned["dec"] < cleaned["decom"]).any()
    # Open episodes are left only in each LA's latest return (2021).
    assert cleaned.loc[cleaned["dec"].isna(), "year"].unique().tolist() == [2021]
    pd.testing.assert_frame_equal(clean_stacked_episodes(cleaned), cleaned)


def test_demand_model_sample_labels_returns_by_their_first_year() -> None:
    raw = parse_ssda903_csv(DEMAND, file_name="episodes.csv").tables["episodes"]

    # Its 2017 return holds episodes up to 31 March 2018. This child's episode from 26
    # January 2021 is open in the 2020 return, and the child is in no 2021 return.
    def last_episode(cleaned: pd.DataFrame) -> tuple[str, str | None, str | None]:
        child = cleaned[(cleaned["la"] == "Bromley") & (cleaned["child_id"] == "106241")]
        return ends(child)[-1]

    assert last_episode(clean_stacked_episodes(raw)) == ("2021-01-26", "2021-03-31", "E99")
    # Read as DfE labels, 31 March 2020 is before the episode starts: it ends the day it starts.
    explicit = clean_stacked_episodes(raw, year_labels="end")
    assert last_episode(explicit) == ("2021-01-26", "2021-01-26", "E99")


# --------------------------------------------------------------------------- one test per rule


def test_same_child_and_start_keeps_the_latest_return() -> None:
    frame = episodes(
        {"decom": "2019-05-01", "year": 2020},
        {"decom": "2019-05-01", "dec": "2020-06-01", "rec": "E2", "year": 2021, "place": "K2"},
    )

    cleaned = clean_stacked_episodes(frame)

    assert ends(cleaned) == [("2019-05-01", "2020-06-01", "E2")]
    assert cleaned["place"].tolist() == ["K2"]
    assert cleaned["source_row"].tolist() == [3]


def test_same_start_in_one_return_keeps_the_recorded_end() -> None:
    frame = episodes(
        {"decom": "2019-05-01", "dec": "2019-07-01", "rec": "E2"},
        {"decom": "2019-05-01"},
    )

    assert ends(clean_stacked_episodes(frame)) == [("2019-05-01", "2019-07-01", "E2")]


def test_rule_1_open_episode_closes_at_the_next_start_with_x1() -> None:
    frame = episodes(
        {"decom": "2019-05-01", "year": 2020},
        {"decom": "2020-06-01", "rne": "T", "year": 2021},
    )

    cleaned = clean_stacked_episodes(frame)

    assert ends(cleaned) == [("2019-05-01", "2020-06-01", "X1"), ("2020-06-01", None, None)]
    assert cleaned["reason_place_change"].tolist() == ["LIIAF", pd.NA]


def test_rule_1_change_of_legal_status_only_gives_no_placement_change_reason() -> None:
    frame = episodes(
        {"decom": "2019-05-01", "year": 2020},
        {"decom": "2020-06-01", "rne": "L", "year": 2021},
    )

    assert clean_stacked_episodes(frame)["reason_place_change"].isna().all()


def test_rule_1a_new_period_of_care_closes_the_day_before_with_e99() -> None:
    frame = episodes(
        {"decom": "2019-05-01", "year": 2020},
        {"decom": "2020-06-01", "rne": "S", "year": 2021},
    )

    assert ends(clean_stacked_episodes(frame)) == [
        ("2019-05-01", "2020-05-31", "E99"),
        ("2020-06-01", None, None),
    ]


def test_rule_2_open_episode_with_nothing_later_closes_on_31_march() -> None:
    frame = episodes(
        {"child_id": "1", "decom": "2019-05-01", "year": 2020},
        {"child_id": "2", "decom": "2020-05-01", "year": 2021},  # the LA's latest return
    )

    assert ends(clean_stacked_episodes(frame)) == [
        ("2019-05-01", "2020-03-31", "E99"),
        ("2020-05-01", None, None),
    ]


def test_rule_2_with_returns_labelled_by_their_first_year() -> None:
    frame = episodes(
        {"child_id": "1", "decom": "2019-05-01", "year": 2019},
        {"child_id": "2", "decom": "2020-05-01", "year": 2020},
    )

    assert ends(clean_stacked_episodes(frame))[0] == ("2019-05-01", "2020-03-31", "E99")
    assert ends(clean_stacked_episodes(frame, year_labels="start"))[0][1] == "2020-03-31"
    assert ends(clean_stacked_episodes(frame, year_labels="end"))[0][1] == "2019-05-01"


def test_rule_3_open_episode_re_dated_in_a_later_return_is_deleted() -> None:
    frame = episodes(
        {"decom": "2019-05-01", "urn": "SC1", "year": 2020},
        {"decom": "2019-05-08", "urn": "SC1", "dec": "2020-06-01", "rec": "E2", "year": 2021},
    )

    cleaned = clean_stacked_episodes(frame)

    assert ends(cleaned) == [("2019-05-08", "2020-06-01", "E2")]


def test_rule_3a_older_episode_inside_a_later_returns_episode_is_deleted() -> None:
    frame = episodes(
        {"decom": "2019-05-01", "dec": "2020-08-01", "rec": "E2", "year": 2021},
        {"decom": "2019-07-01", "dec": "2019-09-01", "rec": "X1", "place": "K2", "year": 2020},
        {"decom": "2019-09-01", "place": "R1", "year": 2020},
    )

    assert ends(clean_stacked_episodes(frame)) == [("2019-05-01", "2020-08-01", "E2")]


def test_rule_4_older_return_episode_overlapping_the_next_is_cut() -> None:
    frame = episodes(
        {"decom": "2019-05-01", "dec": "2019-09-01", "rec": "E4A", "year": 2020},
        {"decom": "2019-08-01", "dec": "2020-06-01", "rec": "E2", "place": "K2", "year": 2021},
    )

    assert ends(clean_stacked_episodes(frame)) == [
        ("2019-05-01", "2019-08-01", "E4A"),
        ("2019-08-01", "2020-06-01", "E2"),
    ]


def test_rule_4_also_cuts_an_overlap_within_one_return() -> None:
    frame = episodes(
        {"decom": "2019-05-01", "dec": "2019-09-01", "rec": "X1"},
        {"decom": "2019-08-01", "dec": "2019-10-01", "rec": "E2", "place": "K2"},
    )

    assert ends(clean_stacked_episodes(frame))[0] == ("2019-05-01", "2019-08-01", "X1")


def test_rule_5_x1_followed_by_a_gap_is_extended_to_the_next_return() -> None:
    frame = episodes(
        {"decom": "2019-05-01", "dec": "2020-03-20", "rec": "X1", "year": 2020},
        {"decom": "2020-04-02", "place": "K2", "year": 2022},
        {"child_id": "2", "decom": "2021-05-01", "dec": "2021-06-01", "rec": "X1", "year": 2022},
        {"child_id": "2", "decom": "2021-07-01", "place": "K2", "year": 2022},  # same return
    )

    assert ends(clean_stacked_episodes(frame)) == [
        ("2019-05-01", "2020-04-02", "X1"),
        ("2020-04-02", None, None),
        ("2021-05-01", "2021-06-01", "X1"),
        ("2021-07-01", None, None),
    ]


def test_children_of_different_las_are_not_mixed() -> None:
    frame = episodes(
        {"decom": "2019-05-01", "la": "A", "year": 2020},
        {"decom": "2019-05-01", "la": "B", "dec": "2019-06-01", "rec": "E2", "year": 2020},
        {"decom": "2019-07-01", "la": "B", "year": 2021},
    )

    cleaned = clean_stacked_episodes(frame)

    # LA A's latest return is 2020, so its open episode stays open.
    assert ends(cleaned) == [
        ("2019-05-01", None, None),
        ("2019-05-01", "2019-06-01", "E2"),
        ("2019-07-01", None, None),
    ]


def test_without_an_la_column_all_rows_are_one_la() -> None:
    frame = episodes(
        {"decom": "2019-05-01", "year": 2020},
        {"child_id": "2", "decom": "2020-05-01", "year": 2021},
    ).drop(columns="la")

    cleaned = clean_stacked_episodes(frame)

    assert "la" not in cleaned.columns
    assert ends(cleaned)[0] == ("2019-05-01", "2020-03-31", "E99")


def test_cleaning_needs_a_year_column() -> None:
    with pytest.raises(ValueError, match="year column"):
        clean_stacked_episodes(episodes({"decom": "2019-05-01"}).drop(columns="year"))


def test_overlapping_episodes_lists_the_later_starting_one() -> None:
    frame = episodes(
        {"decom": "2019-05-01", "dec": "2019-09-01", "rec": "X1"},
        {"decom": "2019-09-01", "dec": "2019-10-01", "rec": "X1"},  # touching: fine
        {"decom": "2019-09-15", "rec": "X1"},
        {"child_id": "2", "decom": "2019-05-01"},
        {"child_id": "2", "decom": "2020-05-01"},
    )

    assert overlapping_episodes(frame)["source_row"].tolist() == [4, 6]


# --------------------------------------------------------------------------- properties

DAY0 = pd.Timestamp("2015-01-01")


@st.composite
def stacked_returns(draw: st.DrawFn) -> pd.DataFrame:
    rows = []
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        start = draw(st.integers(min_value=0, max_value=2000))
        length = draw(st.none() | st.integers(min_value=0, max_value=600))
        rows.append(
            {
                "child_id": draw(st.sampled_from(["1", "2"])),
                "la": draw(st.sampled_from(["A", "B"])),
                "decom": DAY0 + pd.Timedelta(days=start),
                "dec": None if length is None else DAY0 + pd.Timedelta(days=start + length),
                "rec": None if length is None else draw(st.sampled_from(["X1", "E2", "E4A"])),
                "rne": draw(st.sampled_from(["S", "P", "L", "T"])),
                "place": draw(st.sampled_from(["U4", "K2"])),
                "year": draw(st.integers(min_value=2016, max_value=2021)),
            }
        )
    return episodes(*rows)


@settings(max_examples=50, deadline=None)
@given(stacked_returns())
def test_cleaned_episodes_never_overlap(frame: pd.DataFrame) -> None:
    cleaned = clean_stacked_episodes(frame)

    assert overlapping_episodes(cleaned).empty
    assert not cleaned.duplicated(["la", "child_id", "decom"]).any()
    assert not (cleaned["dec"] < cleaned["decom"]).any()
    # Each start date kept comes from the latest return that had it.
    latest = frame.groupby(["la", "child_id", "decom"])["year"].max()
    kept = cleaned.set_index(["la", "child_id", "decom"])["year"]
    assert (kept == latest.loc[kept.index]).all()


@settings(max_examples=50, deadline=None)
@given(stacked_returns())
def test_cleaning_is_idempotent(frame: pd.DataFrame) -> None:
    once = clean_stacked_episodes(frame)

    pd.testing.assert_frame_equal(clean_stacked_episodes(once), once)
