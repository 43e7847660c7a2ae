"""The SSDA903 parser: one test per check."""

from pathlib import Path

import pandas as pd
import pytest

from coredata.parsers.ssda903 import parse_ssda903_csv
from tests.coredata.ssda903_csv import (
    EPISODE_HEADER,
    episodes_csv,
    parse,
    problems_of,
)

# --------------------------------------------------------------------------- one test per check


@pytest.mark.parametrize("column", ["CHILD", "DECOM", "RNE", "LS", "PLACE"])
def test_episode_without_a_required_value_is_an_error(column: str) -> None:
    row = dict(
        zip(
            EPISODE_HEADER.split(","),
            ["1", "01/04/2020", "S", "C2", "N1", "U1", "PR1", "", "", "", ""],
            strict=True,
        )
    )
    row[column] = ""
    result = parse(episodes_csv(",".join(row.values())))

    assert problems_of(result) == [("error", "row 2", column, "")]
    assert result.errors[0].reason == "missing"


def test_child_id_is_required_in_every_table() -> None:
    result = parse("CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n,01/01/2003,YES,F1,B1\n")

    assert problems_of(result) == [("error", "row 2", "CHILD", "")]


@pytest.mark.parametrize(
    "value", ["31/02/2020", "2020/01/01", "02/01/20251", "yesterday", "1/1/20"]
)
def test_invalid_date_is_an_error(value: str) -> None:
    result = parse(episodes_csv(f"1,{value},S,C2,N1,U1,PR1,,,,"))

    assert problems_of(result) == [("error", "row 2", "DECOM", value)]
    assert result.errors[0].reason == "not a date (DD/MM/YYYY or YYYY-MM-DD)"
    assert pd.isna(result.tables["episodes"]["decom"].iloc[0])


def test_date_before_1900_is_an_error() -> None:
    result = parse("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,1,31/12/1899,,,,\n")

    assert problems_of(result) == [("error", "row 2", "DOB", "31/12/1899")]
    assert result.errors[0].reason == "a date before 1900"


def test_iso_and_single_digit_dates_are_accepted() -> None:
    result = parse(episodes_csv("1,2020-04-01,S,C2,N1,U1,PR1,5/6/2020,E2,,"))

    assert result.problems == []
    row = result.tables["episodes"].iloc[0]
    assert (row["decom"], row["dec"]) == (pd.Timestamp("2020-04-01"), pd.Timestamp("2020-06-05"))


EPISODE_CODES = {
    "RNE": 2, "LS": 3, "CIN": 4, "PLACE": 5, "PLACE_PROVIDER": 6, "REC": 8,
    "REASON_PLACE_CHANGE": 9,
}  # fmt: skip


@pytest.mark.parametrize("column", list(EPISODE_CODES))
def test_episode_code_outside_the_dfe_list_is_an_error(column: str) -> None:
    cells = ["1", "01/04/2020", "S", "C2", "N1", "U1", "PR1", "01/05/2020", "E2", "CARPL", ""]
    cells[EPISODE_CODES[column]] = "ZZ9"
    result = parse(episodes_csv(",".join(cells)))

    assert problems_of(result) == [("error", "row 2", column, "ZZ9")]
    assert result.errors[0].reason == f"not a valid {column} code"


def test_codes_are_read_whatever_their_case() -> None:
    result = parse(episodes_csv(" 1 ,01/04/2020, s ,c2,n1,u1,pr1,01/05/2020,e4a,carpl,"))

    assert result.problems == []
    assert result.tables["episodes"].iloc[0][["child_id", "rne", "rec"]].tolist() == [
        "1", "S", "E4A"
    ]  # fmt: skip


def test_header_sex_1_and_2_become_m_and_f_and_others_are_errors() -> None:
    result = parse(
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,1,,,,,\n2,2,,,,,\n3,0,,,,,\n4,,,,,,\n"
    )

    assert result.tables["header"]["sex"].tolist() == ["M", "F", pd.NA, pd.NA]
    assert problems_of(result) == [("error", "row 4", "SEX", "0")]


def test_oc3_in_touch_outside_the_list_is_an_error() -> None:
    result = parse(
        "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n1,01/01/2003,MAYBE,F1,B1\n2,01/01/2003,refu,,\n"
    )

    assert problems_of(result) == [("error", "row 2", "IN_TOUCH", "MAYBE")]
    assert result.tables["oc3"]["in_touch"].tolist() == [pd.NA, "REFU"]


def test_episode_ending_before_it_starts_is_an_error() -> None:
    result = parse(episodes_csv("1,01/04/2020,S,C2,N1,U1,PR1,31/03/2020,E2,,"))

    assert problems_of(result) == [("error", "row 2", "DEC", "31/03/2020")]


def test_episode_ending_the_day_it_starts_is_accepted() -> None:
    assert parse(episodes_csv("1,01/04/2020,S,C2,N1,U1,PR1,01/04/2020,E2,,")).problems == []


def test_overlapping_episodes_in_one_return_are_an_error() -> None:
    result = parse(
        episodes_csv(
            "1,01/04/2020,S,C2,N1,U1,PR1,01/06/2020,X1,,",
            "1,01/05/2020,P,C2,N1,U4,PR1,,,,",
            "2,01/04/2020,S,C2,N1,U1,PR1,01/06/2020,X1,,",  # another child: no overlap
        )
    )

    assert problems_of(result) == [("error", "row 3", "DECOM", "01/05/2020")]


def test_episode_after_an_open_one_in_one_return_is_an_error() -> None:
    result = parse(
        episodes_csv("1,01/04/2020,S,C2,N1,U1,PR1,,,,", "1,01/05/2020,P,C2,N1,U4,PR1,,,,")
    )

    assert problems_of(result) == [("error", "row 3", "DECOM", "01/05/2020")]


def test_contiguous_episodes_are_not_an_overlap() -> None:
    result = parse(
        episodes_csv(
            "1,01/05/2020,P,C2,N1,U4,PR1,,,CARPL,",
            "1,01/04/2020,S,C2,N1,U1,PR1,01/05/2020,X1,,",
        )
    )

    assert result.problems == []


def test_two_episodes_of_a_child_starting_the_same_day_are_an_error() -> None:
    result = parse(
        episodes_csv(
            "1,01/04/2020,S,C2,N1,U1,PR1,01/06/2020,X1,,",
            "1,01/04/2020,S,C2,N1,U1,PR1,01/06/2020,X1,,",
        )
    )

    assert problems_of(result) == [("error", "row 3", "DECOM", "01/04/2020")]
    assert result.errors[0].reason == (
        "another episode of this child in this return starts the same day (row 2)"
    )


def test_stacked_returns_may_repeat_episodes_but_not_within_a_year() -> None:
    text = "\n".join(
        [
            EPISODE_HEADER + ",LA,YEAR",
            "1,01/04/2019,S,C2,N1,U1,PR1,,,,,A,2020",
            "1,01/04/2019,S,C2,N1,U1,PR1,01/06/2020,E2,,,A,2021",  # re-submitted: fine
            "1,01/05/2019,S,C2,N1,U1,PR1,,,,,B,2020",  # another LA's child 1
            "1,01/05/2019,S,C2,N1,U1,PR1,,,,,B,2020",  # same LA and year: error
        ]
    )
    result = parse(text)

    assert problems_of(result) == [("error", "row 5", "DECOM", "01/05/2019")]
    assert result.tables["episodes"]["la"].tolist() == ["A", "A", "B", "B"]
    assert result.tables["episodes"]["year"].tolist() == [2020, 2021, 2020, 2020]


def test_stacked_overlap_within_one_return_is_a_warning() -> None:
    text = "\n".join(
        [
            EPISODE_HEADER + ",LA,YEAR",
            "1,01/04/2019,S,C2,N1,U1,PR1,01/09/2019,X1,,,A,2020",
            "1,01/06/2019,P,C2,N1,U4,PR1,,,,,A,2020",
            "1,01/07/2019,P,C2,N1,U4,PR1,,,,,A,2021",  # another return: left to cleaning
        ]
    )
    result = parse(text)

    assert problems_of(result) == [("warning", "row 3", "DECOM", "01/06/2019")]


def test_year_must_be_a_whole_number() -> None:
    result = parse(
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,LA,YEAR\n1,1,,,,,,A,2020/21\n2,1,,,,,,A,\n"
    )

    assert problems_of(result) == [
        ("error", "row 3", "YEAR", ""),
        ("error", "row 2", "YEAR", "2020/21"),
    ]


def test_whole_number_columns_reject_other_text() -> None:
    oc2 = "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK"
    oc2 += ",HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n"
    result = parse(oc2 + "1,01/01/2010,12.5,,1,0,0,0,0,0,0,0\n")

    assert problems_of(result) == [("error", "row 2", "SDQ_SCORE", "12.5")]


def test_unknown_columns_are_one_warning_each() -> None:
    result = parse(
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,NOTES,Colour\n1,1,,,,,,a,b\n2,2,,,,,,c,d\n"
    )

    assert problems_of(result) == [
        ("warning", "row 1", "NOTES", "NOTES"),
        ("warning", "row 1", "COLOUR", "COLOUR"),
    ]
    assert result.ok
    assert result.tables["header"].columns.tolist() == ["child_id", "sex", "birth_date"]


def test_missing_required_column_is_an_error_and_missing_other_column_a_warning() -> None:
    no_place = parse("CHILD,DECOM,RNE,LS\n1,01/04/2020,S,C2\n", table="episodes")
    no_urn = parse(EPISODE_HEADER.removesuffix(",URN") + "\n1,01/04/2020,S,C2,N1,U1,PR1,,,\n")

    assert [(p.level.value, p.field) for p in no_place.errors] == [("error", "PLACE")]
    assert no_place.tables == {}
    assert problems_of(no_urn) == [("warning", "row 1", "URN", "")]
    assert no_urn.tables["episodes"]["urn"].isna().all()


def test_empty_cells_are_missing_values_and_blank_lines_keep_row_numbers() -> None:
    result = parse(
        episodes_csv(
            "1,01/04/2020,S,C2,,U1,,,,,", "", ",,,,,,,,,,", "2,01/04/2020,S,C2,N9,U1,PR1,,,,"
        )
    )

    assert problems_of(result) == [("error", "row 5", "CIN", "N9")]
    row = result.tables["episodes"].iloc[0]
    assert row[["cin", "dec", "urn"]].isna().all()
    assert result.tables["episodes"]["source_row"].tolist() == [2, 5]


def test_byte_order_mark_is_ignored() -> None:
    result = parse("\ufeffCHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n1,2,01/02/2010,,,,\r\n")

    assert result.problems == []
    assert result.tables["header"].iloc[0].tolist() == ["1", "F", pd.Timestamp("2010-02-01")]


def test_file_that_is_not_utf8_is_an_error() -> None:
    result = parse("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,1,,Sé,,,\n", encoding="latin-1")

    assert problems_of(result) == [("error", "row 2", "", "")]
    assert result.tables == {}


def test_row_with_too_many_values_is_an_error() -> None:
    result = parse("CHILD,SEX,DOB\n1,1,01/01/2010,extra\n", table="header")

    assert problems_of(result) == [("error", "row 2", "", "")]


def test_source_can_be_a_path_a_string_or_a_binary_stream(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,1,,,,,\n")

    with path.open("rb") as stream:
        for source in (path, str(path), stream):
            assert len(parse_ssda903_csv(source, file_name="h.csv").tables["header"]) == 1
