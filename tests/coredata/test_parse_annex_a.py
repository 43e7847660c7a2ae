"""Ofsted Annex A workbooks: the liia-tools sample and hand-made lists."""

import io
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from coredata.parsers.annex_a import parse_annex_a

SAMPLE = Path(__file__).parents[1] / "fixtures" / "external" / "liia-tools" / "Annex_A.xlsx"


def workbook(sheets: dict[str, Sequence[Sequence[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def parse(sheets: dict[str, Sequence[Sequence[object]]]):
    return parse_annex_a(workbook(sheets), file_name="annex_a.xlsx")


def located(problems) -> list[tuple[str, str]]:
    return [(p.location, p.field) for p in problems]


@pytest.fixture(scope="module")
def sample():
    return parse_annex_a(SAMPLE, file_name="Annex_A.xlsx")


def test_sample_reads_lists_2_to_9(sample):
    assert sample.ok, sample.errors
    assert sample.kind == "annex_a"
    assert sample.meta["lists"] == {n: f"List {n}" for n in range(2, 10)}


def test_sample_allocations_snapshot(sample):
    table = sample.tables["allocations_snapshot"]
    assert list(table.columns) == ["child_id", "team_name", "worker_name", "list_name",
                                   "source_row"]  # fmt: skip
    assert [str(t) for t in table.dtypes] == ["string"] * 4 + ["Int64"]
    assert len(table) == 39  # lists 3-9: 6 + 5 + 5 + 5 + 7 + 5 + 6 children
    assert table.groupby("list_name").size().to_dict() == {
        "List 3": 6, "List 4": 5, "List 5": 5, "List 6": 5, "List 7": 7, "List 8": 5,
        "List 9": 6,
    }  # fmt: skip
    first = table.iloc[0]
    assert first["child_id"] == "6537810"
    assert first["team_name"] == "Multi Agency Safeguarding Hub"
    assert first["worker_name"] == "Dustin Hazlett"  # a non-breaking space in the sample
    assert first["source_row"] == 2
    cin = table[table["list_name"] == "List 6"]
    assert cin["team_name"].isna().all()  # "#N/A" in the sample
    assert cin["worker_name"].isna().all()
    care_leaver = table[(table["list_name"] == "List 9") & (table["child_id"] == "4939073")]
    assert care_leaver.iloc[0]["worker_name"] == "Brandon-Lee Hampton"


def test_sample_unallocated_children_are_warnings(sample):
    assert len(sample.warnings) == 5
    assert {p.location for p in sample.warnings} == {f"sheet 'List 6' row {n}" for n in range(2, 7)}
    assert {p.value for p in sample.warnings} == {"#N/A"}
    assert {p.field for p in sample.warnings} == {"Allocated Team"}


def test_sample_early_help(sample):
    table = sample.tables["early_help"]
    assert [str(t) for t in table.dtypes] == ["string", "datetime64[ns]", "datetime64[ns]"]
    assert list(table["child_id"]) == ["612306", "6890906", "8778646", "10600594", "16216178"]
    assert table.iloc[0]["start_date"] == pd.Timestamp("2020-09-16")
    assert table.iloc[0]["end_date"] == pd.Timestamp("2020-09-30")


def test_sample_visits(sample):
    table = sample.tables["visits"]
    assert list(table.columns) == ["child_id", "visit_date", "seen", "seen_alone"]
    assert [str(t) for t in table.dtypes] == ["string", "datetime64[ns]", "boolean", "boolean"]
    assert len(table) == 17  # 5 from list 6, 7 from list 7, 5 from list 8
    assert table["seen"].all()
    by_child = table.set_index("child_id")
    assert by_child.loc["12598894", "visit_date"] == pd.Timestamp("2021-01-21")  # list 6
    assert pd.isna(by_child.loc["12598894", "seen_alone"])
    assert by_child.loc["10721552", "visit_date"] == pd.Timestamp("2021-01-22")  # list 7
    assert by_child.loc["10721552", "seen_alone"]
    assert not by_child.loc["16036763", "seen_alone"]
    assert by_child.loc["1761444", "visit_date"] == pd.Timestamp("2021-01-06")  # list 8
    assert int(table["seen_alone"].notna().sum()) == 7


HEADER_6 = ["Child Unique ID", "CIN Start Date", "Date Child Was Last Seen", "Allocated Team",
            "Allocated Worker"]  # fmt: skip


def test_headers_are_matched_flexibly_and_untitled_sheets_by_their_columns():
    result = parse(
        {
            "Children in need": [
                ["Annex A - list 6"],
                [],
                [
                    "Worker notes",
                    "  ALLOCATED   worker ",
                    "date the child was last seen?",
                    "Allocated team",
                    "child unique ID",
                ],
                ["x", "Sam Jones", datetime(2024, 3, 1), "Team A", "C1"],  # noqa: DTZ001
            ]
        }  # fmt: skip
    )
    assert result.ok, result.problems
    assert result.meta["lists"] == {6: "Children in need"}
    snapshot = result.tables["allocations_snapshot"].iloc[0]
    assert (snapshot["child_id"], snapshot["team_name"], snapshot["worker_name"]) == (
        "C1",
        "Team A",
        "Sam Jones",
    )
    assert snapshot["source_row"] == 4
    assert snapshot["list_name"] == "Children in need"
    assert result.tables["visits"].iloc[0]["visit_date"] == pd.Timestamp("2024-03-01")


def test_sheet_titles_name_the_list():
    result = parse(
        {
            "list_7 CP": [
                [
                    "Child Unique ID",
                    "Date of last statutory visit",
                    "Child seen alone",
                    "Allocated Team",
                    "Allocated Worker",
                ],
                [123, "05/03/2024", "a) Yes", "T", "W"],
                [124, date(2024, 3, 6), "No", "T", "W"],
                [125, 45358, "", "T", "W"],  # an Excel day serial: 2024-03-07
            ]
        }  # fmt: skip
    )
    assert result.ok, result.problems
    visits = result.tables["visits"]
    assert list(visits["child_id"]) == ["123", "124", "125"]
    assert list(visits["visit_date"]) == [pd.Timestamp(f"2024-03-0{d}") for d in (5, 6, 7)]
    assert list(visits["seen_alone"].astype(object)) == [True, False, pd.NA]


def test_a_child_seen_on_two_lists_on_one_day_is_one_visit():
    result = parse(
        {
            "List 6": [HEADER_6, ["C1", None, date(2024, 3, 1), "T", "W"]],
            "List 7": [
                [
                    "Child Unique ID",
                    "Date of the Last Statutory Visit",
                    "Was the Child Seen Alone?",
                ],
                ["C1", date(2024, 3, 1), "Yes"],
            ],
        }  # fmt: skip
    )
    visits = result.tables["visits"]
    assert len(visits) == 1
    assert visits.iloc[0]["seen_alone"]
    assert located(result.warnings) == [("sheet 'List 7'", "Allocated Team"),
                                        ("sheet 'List 7'", "Allocated Worker")]  # fmt: skip


def test_bad_visit_date_is_an_error_at_its_row():
    result = parse({"List 6": [HEADER_6, ["C1", None, "not a date", "T", "W"]]})
    assert located(result.errors) == [("sheet 'List 6' row 2", "Date Child Was Last Seen")]
    assert result.errors[0].value == "not a date"
    assert result.tables["visits"].empty
    assert len(result.tables["allocations_snapshot"]) == 1


def test_missing_child_id_is_an_error_and_blank_rows_are_skipped():
    result = parse({"List 6": [HEADER_6, [None] * 5, [None, None, None, "T", "W"]]})
    assert located(result.errors) == [("sheet 'List 6' row 3", "Child Unique ID")]


def test_list_without_child_id_column_is_an_error():
    result = parse({"List 6": [["Name", "Date Child Was Last Seen"], ["A", date(2024, 1, 1)]]})
    assert not result.ok
    assert located(result.errors)[0] == ("sheet 'List 6'", "Child Unique ID")


EH_HEADER = ["Child Unique ID", "Assessment start date", "Assessment completion date"]


def test_early_help_rules():
    result = parse(
        {
            "List 2": [
                EH_HEADER,
                ["C1", date(2024, 1, 10), None],
                ["C2", date(2024, 1, 10), date(2024, 1, 9)],
                ["C3", None, date(2024, 1, 9)],
                ["C4", "2024-02-01", "2024-02-01"],
            ]
        }
    )
    assert located(result.errors) == [
        ("sheet 'List 2' row 3", "Assessment completion date"),
        ("sheet 'List 2' row 4", "Assessment start date"),
    ]
    table = result.tables["early_help"]
    assert list(table["child_id"]) == ["C1", "C4"]
    assert pd.isna(table.iloc[0]["end_date"])


def test_seen_alone_that_is_not_yes_or_no_is_a_warning():
    result = parse(
        {
            "List 7": [
                [
                    "Child Unique ID",
                    "Date of the Last Statutory Visit",
                    "Was the Child Seen Alone?",
                    "Allocated Team",
                    "Allocated Worker",
                ],
                ["C1", date(2024, 3, 1), "sometimes", "T", "W"],
            ]
        }  # fmt: skip
    )
    assert result.ok
    assert located(result.warnings) == [("sheet 'List 7' row 2", "Was the Child Seen Alone?")]
    assert pd.isna(result.tables["visits"].iloc[0]["seen_alone"])


def test_workbook_without_lists_is_an_error():
    result = parse({"Sheet1": [["a", "b"], [1, 2]]})
    assert located(result.errors) == [("file", "")]
    assert set(result.tables) == {"allocations_snapshot", "early_help", "visits"}


def test_not_a_workbook_is_an_error():
    result = parse_annex_a(b"Child Unique ID,Allocated Team\n1,A\n", file_name="annex_a.csv")
    assert not result.ok
    assert result.errors[0].location == "file"
    assert result.tables["visits"].empty


@settings(max_examples=50, deadline=None)
@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20
    ).filter(lambda t: not t.startswith("="))
)
def test_garbage_in_a_date_cell_gives_an_error_never_an_exception(text):
    result = parse({"List 6": [HEADER_6, ["C1", None, text, "T", "W"]]})
    visits = result.tables["visits"]
    if result.ok:
        assert len(visits) <= 1  # a real date, or a blank / "#N/A" marker
    else:
        assert located(result.errors) == [("sheet 'List 6' row 2", "Date Child Was Last Seen")]
        assert visits.empty


def test_path_sources(tmp_path):
    path = tmp_path / "annex.xlsx"
    path.write_bytes(workbook({"List 6": [HEADER_6, ["C1", None, date(2024, 1, 2), "T", "W"]]}))
    for source in (path, str(path), io.BytesIO(path.read_bytes())):
        result = parse_annex_a(source, file_name="annex.xlsx")
        assert result.ok
        assert len(result.tables["visits"]) == 1
