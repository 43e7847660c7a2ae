"""The SSDA903 parser: the sample returns, each check, table detection, the XML form."""

import csv
import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coredata.parsers.base import Level
from coredata.parsers.ssda903 import TABLES, detect_table, parse_ssda903_csv, parse_ssda903_xml

EXTERNAL = Path(__file__).resolve().parent.parent / "fixtures" / "external"
VALIDATOR = EXTERNAL / "csc-validator-be-903"
DEMAND = EXTERNAL / "cs-demand-model-regional"
LIIA = EXTERNAL / "liia-tools"

EPISODE_HEADER = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,URN"


def parse(text: str, table: str | None = None, encoding: str = "utf-8"):
    return parse_ssda903_csv(io.BytesIO(text.encode(encoding)), file_name="t.csv", table=table)


def episodes_csv(*rows: str) -> str:
    return "\n".join([EPISODE_HEADER, *rows]) + "\n"


def problems_of(result) -> list[tuple[str, str, str, str]]:
    return [(p.level.value, p.location, p.field, p.value) for p in result.problems]


# --------------------------------------------------------------------------- samples

VALIDATOR_TABLES = [
    ("header.csv", "header", 2675),
    ("episodes.csv", "episodes", 5050),
    ("uasc.csv", "uasc", 132),
    ("ad1.csv", "ad1", 29),
    ("placed_for_adoption.csv", "placed_for_adoption", 29),
    ("reviews.csv", "reviews", 12582),
    ("oc2.csv", "oc2", 2675),
    ("oc3.csv", "oc3", 53),
    ("missing.csv", "missing", 43),
    ("previous_permanence.csv", "previous_permanence", 2675),
    ("sw_episodes.csv", "sw_episodes", 1),
    ("DoLo.csv", "dolo", 1),
]


@pytest.mark.parametrize(("file", "table", "rows"), VALIDATOR_TABLES)
def test_validator_sample_tables_are_detected_and_read(file: str, table: str, rows: int) -> None:
    result = parse_ssda903_csv(VALIDATOR / file, file_name=file)

    assert result.kind == "ssda903"
    assert list(result.tables) == [table]
    assert len(result.tables[table]) == rows
    assert result.meta["table"] == table
    assert result.warnings == []
    # Only the episodes have deliberate problems: overlapping episodes within the return.
    assert len(result.errors) == (82 if table == "episodes" else 0)


def test_validator_sample_episodes_overlaps_are_errors_naming_the_row() -> None:
    result = parse_ssda903_csv(VALIDATOR / "episodes.csv", file_name="episodes.csv")

    assert {(p.field, p.reason) for p in result.errors} == {
        ("DECOM", "starts before an earlier episode of this child in this return ends")
    }
    assert all(p.location.startswith("row ") for p in result.errors)
    episodes = result.tables["episodes"]
    assert episodes.columns.tolist() == [
        "child_id", "decom", "rne", "ls", "cin", "place", "place_provider", "dec", "rec",
        "reason_place_change", "urn", "source_row",
    ]  # fmt: skip
    assert episodes.dtypes.astype(str).to_dict() == {
        "child_id": "string", "decom": "datetime64[ns]", "rne": "string", "ls": "string",
        "cin": "string", "place": "string", "place_provider": "string",
        "dec": "datetime64[ns]", "rec": "string", "reason_place_change": "string",
        "urn": "string", "source_row": "Int64",
    }  # fmt: skip
    first = episodes.iloc[0]
    assert (first["child_id"], first["decom"], first["dec"], first["source_row"]) == (
        "566910",
        pd.Timestamp("2016-02-15"),
        pd.Timestamp("2017-08-14"),
        2,
    )
    second = episodes.iloc[1]
    assert pd.isna(second["dec"])
    assert pd.isna(second["reason_place_change"])
    assert episodes["decom"].min() == pd.Timestamp("2015-01-01")
    assert episodes["decom"].max() == pd.Timestamp("2018-03-31")


def test_validator_sample_header_maps_sex_and_keeps_three_columns() -> None:
    header = parse_ssda903_csv(VALIDATOR / "header.csv", file_name="header.csv").tables["header"]

    assert header.columns.tolist() == ["child_id", "sex", "birth_date"]
    assert header["sex"].value_counts().to_dict() == {"F": 1342, "M": 1333}
    assert header.iloc[0].tolist() == ["566910", "F", pd.Timestamp("2008-03-27")]


def test_validator_sample_oddities() -> None:
    sw = parse_ssda903_csv(VALIDATOR / "sw_episodes.csv", file_name="sw.csv").tables["sw_episodes"]
    dolo = parse_ssda903_csv(VALIDATOR / "DoLo.csv", file_name="DoLo.csv").tables["dolo"]
    oc2 = parse_ssda903_csv(VALIDATOR / "oc2.csv", file_name="oc2.csv").tables["oc2"]
    perm = parse_ssda903_csv(VALIDATOR / "previous_permanence.csv", file_name="p.csv")

    # UTF-8 BOM and CRLF line ends; an SW_REASON outside the DfE list is kept as text.
    assert sw.iloc[0].tolist() == [
        "CHILD10", "SW999", pd.Timestamp("2020-01-01"), pd.Timestamp("2020-01-03"), "SWLAZY"
    ]  # fmt: skip
    # No newline at the end of the file (the upstream README's "20251" is not in the file).
    assert dolo.iloc[0]["dolo_end"] == pd.Timestamp("2025-01-02")
    assert oc2["sdq_score"].dtype == "Int64"
    assert oc2["sdq_score"].isna().sum() == 1354
    assert perm.tables["previous_permanence"]["prev_perm"].eq("Z1").all()


def test_validator_sample_xml() -> None:
    result = parse_ssda903_xml(VALIDATOR / "fake_903.xml", file_name="fake_903.xml")

    assert result.meta["children"] == 253
    assert {name: len(table) for name, table in result.tables.items()} == {
        "header": 253, "episodes": 459, "uasc": 12, "oc2": 253, "oc3": 6, "ad1": 3,
        "placed_for_adoption": 3, "reviews": 1206, "missing": 6, "previous_permanence": 253,
    }  # fmt: skip
    assert result.warnings == []
    assert len(result.errors) == 9
    assert result.errors[0].location == "/EXPSSDA903/CHILD[37]/EPISODE[2]/DECOM"
    assert result.errors[0].value == "01/05/2017"
    episodes = result.tables["episodes"]
    first = episodes.iloc[0]
    assert (first["child_id"], first["place"], first["rec"]) == ("907440", "R5", "X1")
    assert episodes["source_row"].isna().all()
    assert result.tables["header"].iloc[0].tolist() == ["907440", "F", pd.Timestamp("2010-07-28")]
    assert result.tables["reviews"].iloc[:2]["review_code"].tolist() == ["PN0", "PN1"]
    # The same columns and types as the CSV tables.
    csv_episodes = parse_ssda903_csv(VALIDATOR / "episodes.csv", file_name="e").tables["episodes"]
    assert episodes.dtypes.to_dict() == csv_episodes.dtypes.to_dict()


def test_stacked_demand_model_sample_keeps_la_and_year() -> None:
    result = parse_ssda903_csv(DEMAND / "episodes.csv", file_name="episodes.csv")
    header = parse_ssda903_csv(DEMAND / "header.csv", file_name="header.csv")
    uasc = parse_ssda903_csv(DEMAND / "uasc.csv", file_name="uasc.csv")

    episodes = result.tables["episodes"]
    assert len(episodes) == 3737
    assert episodes.columns[-2:].tolist() == ["la", "year"]
    assert episodes["year"].dtype == "Int64"
    assert episodes["la"].value_counts().to_dict() == {
        "Southwark": 1680, "Bromley": 1237, "Hillingdon": 820
    }  # fmt: skip
    assert result.meta["years"] == [2017, 2018, 2019, 2020, 2021]
    # ISO dates; overlaps within one LA's return are warnings (cleaning resolves them).
    assert result.errors == []
    assert len(result.warnings) == 53
    assert episodes.iloc[0]["decom"] == pd.Timestamp("2017-04-09")
    assert header.ok
    assert len(header.tables["header"]) == 1304
    assert header.tables["header"].columns.tolist() == [
        "child_id",
        "sex",
        "birth_date",
        "la",
        "year",
    ]
    assert uasc.ok
    assert len(uasc.tables["uasc"]) == 51


def test_liia_samples() -> None:
    single = parse_ssda903_csv(LIIA / "SSDA903_2020_episodes.csv", file_name="e.csv")
    stacked = parse_ssda903_csv(
        LIIA / "SSDA903_episodes_for_testing_fixes_INPUT.csv", file_name="fixes.csv"
    )

    assert len(single.tables["episodes"]) == 5
    assert [(p.location, p.value) for p in single.errors] == [
        ("row 2", "11/12/2018"),
        ("row 4", "16/05/2019"),
    ]
    assert stacked.problems == []
    assert len(stacked.tables["episodes"]) == 23
    assert stacked.meta["years"] == [2017, 2018, 2019, 2020, 2022, 2023]


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


# --------------------------------------------------------------------------- table detection


@pytest.mark.parametrize("table", list(TABLES))
def test_each_table_is_detected_from_its_header(table: str) -> None:
    columns = list(TABLES[table].columns)

    assert detect_table(columns) == table
    assert detect_table([c.lower() for c in reversed(columns)] + ["LA", "YEAR"]) == table


def test_table_is_detected_from_a_partial_header() -> None:
    assert detect_table(["CHILD", "DECOM", "RNE", "LS", "PLACE"]) == "episodes"
    assert detect_table(["CHILD", "DOB", "REVIEW"]) == "reviews"


def test_header_matching_no_table_is_an_error() -> None:
    unknown = parse("CHILD,COLOUR\n1,red\n")
    ambiguous = parse("CHILD,SEX,DOB\n1,1,01/01/2010\n")

    assert problems_of(unknown) == [("error", "row 1", "", "CHILD,COLOUR")]
    assert problems_of(ambiguous) == [("error", "row 1", "", "CHILD,SEX,DOB")]
    assert parse("CHILD,SEX,DOB\n1,1,01/01/2010\n", table="header").ok


def test_unknown_table_name_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown SSDA903 table"):
        parse("CHILD\n1\n", table="placements")


# --------------------------------------------------------------------------- XML

XML_CHILD = """<CHILD><HEADER><CHILDID>{child}</CHILDID><SEX>{sex}</SEX><DOB>01/02/2010</DOB>
<IN_TOUCH>{in_touch}</IN_TOUCH><AREVIEW><REVIEW>01/06/2020</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE>
</AREVIEW><AMISSING><MISSING>M</MISSING><MIS_START>02/06/2020</MIS_START><MIS_END />
</AMISSING></HEADER>{episodes}</CHILD>"""
XML_EPISODE = """<EPISODE><DECOM>{decom}</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>{pl}</PL>
<PLACE_PROVIDER>PR1</PLACE_PROVIDER><DEC>{dec}</DEC><REC>{rec}</REC><REASON_PLACE_CHANGE />
</EPISODE>"""


def xml_return(*children: str) -> bytes:
    return ("<?xml version='1.0'?>\n<EXPSSDA903>" + "".join(children) + "</EXPSSDA903>").encode()


def xml_child(child: str = "C1", sex: str = "1", in_touch: str = "", episodes: str = "") -> str:
    return XML_CHILD.format(child=child, sex=sex, in_touch=in_touch, episodes=episodes)


def xml_episode(decom: str, dec: str = "", rec: str = "", pl: str = "U1") -> str:
    return XML_EPISODE.format(decom=decom, dec=dec, rec=rec, pl=pl)


def parse_xml(data: bytes):
    return parse_ssda903_xml(io.BytesIO(data), file_name="t.xml")


def test_xml_return_becomes_the_same_tables() -> None:
    data = xml_return(
        xml_child(
            episodes=xml_episode("01/04/2020", "01/05/2020", "X1") + xml_episode("2020-05-01")
        ),
        xml_child("C2", sex="2", in_touch="YES"),
    )
    result = parse_xml(data)

    assert result.problems == []
    assert result.tables["header"]["sex"].tolist() == ["M", "F"]
    episodes = result.tables["episodes"]
    assert episodes[["child_id", "decom", "place"]].to_numpy().tolist() == [
        ["C1", pd.Timestamp("2020-04-01"), "U1"],
        ["C1", pd.Timestamp("2020-05-01"), "U1"],
    ]
    assert result.tables["oc3"].to_numpy().tolist() == [
        ["C2", pd.Timestamp("2010-02-01"), "YES", pd.NA, pd.NA]
    ]
    assert len(result.tables["reviews"]) == 2
    assert result.tables["missing"]["mis_start"].tolist() == [pd.Timestamp("2020-06-02")] * 2


def test_xml_problems_name_the_element_path() -> None:
    data = xml_return(
        xml_child(),
        xml_child(
            "C2",
            sex="7",
            episodes=xml_episode("01/04/2020", "01/06/2020", "X1")
            + xml_episode("01/05/2020", pl="Q9")
            + xml_episode("31/04/2020"),
        ),
    )
    result = parse_xml(data)

    assert problems_of(result) == [
        ("error", "/EXPSSDA903/CHILD[2]/HEADER/SEX", "SEX", "7"),
        ("error", "/EXPSSDA903/CHILD[2]/EPISODE[3]/DECOM", "DECOM", "31/04/2020"),
        ("error", "/EXPSSDA903/CHILD[2]/EPISODE[2]/PL", "PLACE", "Q9"),
        ("error", "/EXPSSDA903/CHILD[2]/EPISODE[2]/DECOM", "DECOM", "01/05/2020"),
    ]


def test_xml_child_without_id_is_an_error_and_unknown_elements_warnings() -> None:
    data = xml_return(
        xml_child(child=""),
        "<CHILD><HEADER><CHILDID>C3</CHILDID><SHOE>9</SHOE><SHOE>8</SHOE></HEADER></CHILD>",
    )
    result = parse_xml(data)

    assert problems_of(result) == [
        ("error", "/EXPSSDA903/CHILD[1]/HEADER/CHILDID", "CHILDID", ""),
        ("warning", "/EXPSSDA903/CHILD[2]/HEADER/SHOE", "SHOE", ""),
    ]
    assert result.tables["header"]["child_id"].tolist() == ["C3"]


def test_xml_with_another_root_or_broken_is_an_error() -> None:
    wrong_root = parse_xml(b"<Message><CHILD/></Message>")
    broken = parse_xml(b"<EXPSSDA903><CHILD></EXPSSDA903>")

    assert problems_of(wrong_root) == [("error", "/Message", "Message", "")]
    assert [p.location for p in broken.errors] == ["line 1"]
    assert broken.tables == {}


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE EXPSSDA903 [<!ENTITY x "injected">]>',
        '<!DOCTYPE EXPSSDA903 [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE EXPSSDA903 SYSTEM "http://127.0.0.1:9/evil.dtd">',
        '<!DOCTYPE EXPSSDA903 [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY x "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
    ],
)
def test_xml_with_a_doctype_is_refused(doctype: str) -> None:
    child = xml_child(child="&x;" if "ENTITY x" in doctype else "C1")
    result = parse_xml(f"<?xml version='1.0'?>{doctype}<EXPSSDA903>{child}</EXPSSDA903>".encode())

    assert [(p.level, p.location, p.field) for p in result.problems] == [
        (Level.ERROR, "/", "DOCTYPE")
    ]
    assert result.tables == {}


def test_xml_doctype_after_a_long_comment_is_still_refused() -> None:
    padding = "<!--" + "x" * 70_000 + "-->"
    data = f'<?xml version="1.0"?>{padding}<!DOCTYPE EXPSSDA903 [<!ENTITY x "y">]>'
    result = parse_xml((data + f"<EXPSSDA903>{xml_child(child='&x;')}</EXPSSDA903>").encode())

    assert [(p.location, p.field) for p in result.errors] == [("/", "DOCTYPE")]
    assert result.tables == {}


def test_a_row_broken_by_a_stray_line_break_is_an_error() -> None:
    data = b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1,1,\r0,,,,\n"
    result = parse_ssda903_csv(io.BytesIO(data), file_name="h.csv")

    assert [(p.level, p.location) for p in result.problems] == [
        (Level.ERROR, "row 2"),
        (Level.ERROR, "row 3"),
    ]


# --------------------------------------------------------------------------- properties


def header_with_dob(value: str) -> bytes:
    out = io.StringIO()
    # Every cell quoted, so that a line break inside the value stays inside its cell.
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerows(
        [
            ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
            ["1", "1", value, "", "", "", ""],
        ]
    )
    return out.getvalue().encode()


@settings(max_examples=50)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2262, 4, 10)), st.booleans())
def test_valid_dates_round_trip(day: date, iso: bool) -> None:
    text = day.isoformat() if iso else day.strftime("%d/%m/%Y")
    result = parse_ssda903_csv(io.BytesIO(header_with_dob(text)), file_name="h.csv")

    assert result.problems == []
    parsed = result.tables["header"]["birth_date"].iloc[0]
    assert parsed == pd.Timestamp(day)
    assert parsed.strftime("%d/%m/%Y") == day.strftime("%d/%m/%Y")


@settings(max_examples=50)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=20))
def test_garbage_dates_give_an_error_never_an_exception(value: str) -> None:
    result = parse_ssda903_csv(io.BytesIO(header_with_dob(value)), file_name="h.csv")

    birth_date = result.tables["header"]["birth_date"].iloc[0]
    if pd.isna(birth_date):
        cleaned = value.strip()
        assert [(p.level, p.field) for p in result.problems] == (
            [(Level.ERROR, "DOB")] if cleaned else []
        )
    else:  # hypothesis found a real date
        assert result.problems == []
        assert pd.Timestamp("1900-01-01") <= birth_date


@settings(max_examples=50)
@given(
    st.from_regex(r"\A[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}\Z")
    | st.from_regex(r"\A[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}\Z")
)
def test_date_shaped_values_either_parse_or_are_one_error(value: str) -> None:
    result = parse_ssda903_csv(io.BytesIO(header_with_dob(value)), file_name="h.csv")

    birth_date = result.tables["header"]["birth_date"].iloc[0]
    if pd.isna(birth_date):
        assert [(p.level, p.field, p.value) for p in result.problems] == [
            (Level.ERROR, "DOB", value)
        ]
    else:
        assert result.problems == []
        assert birth_date.year >= 1900
