"""The SSDA903 parser: the sample returns, each check, table detection, the XML form."""

import csv
import io
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coredata.parsers.base import Level
from coredata.parsers.ssda903 import TABLES, detect_table, parse_ssda903_csv, parse_ssda903_xml
from tests.coredata.ssda903_csv import (
    DEMAND,
    LIIA,
    VALIDATOR,
    parse,
    problems_of,
)

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
