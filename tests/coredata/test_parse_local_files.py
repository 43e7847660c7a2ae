"""The local CSV files: every kind, detection, the per-row and across-row rules."""

import csv
import io
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coredata.parsers._csv import CellError, parse_date, parse_flag
from coredata.parsers.base import Level
from coredata.parsers.local_files import detect_kind, parse_local_file


def parse(text: str, kind: str | None = None, file_name: str = "upload.csv"):
    return parse_local_file(text.encode("utf-8"), file_name=file_name, kind=kind)


def errors(result) -> list[tuple[str, str]]:
    return [(p.location, p.field) for p in result.errors]


def warnings_of(result) -> list[tuple[str, str]]:
    return [(p.location, p.field) for p in result.warnings]


VALID = {
    "teams": (
        "team_code,team_name,service_code,service_name\nT1,Duty East,S1,East\n",
        {"team_code": "string", "team_name": "string", "service_code": "string",
         "service_name": "string"},
    ),
    "staff": (
        "worker_id,name,team_code,fte,start_date,end_date,agency,case_holding\n"
        "W1,Ann,T1,0.8,2023-04-01,,N,Y\n",
        {"worker_id": "string", "name": "string", "team_code": "string", "fte": "Float64",
         "start_date": "datetime64[ns]", "end_date": "datetime64[ns]", "agency": "boolean",
         "case_holding": "boolean"},
    ),
    "sickness": (
        "worker_id,start_date,end_date,working_days_lost\nW1,2024-01-08,2024-01-12,5\n",
        {"worker_id": "string", "start_date": "datetime64[ns]", "end_date": "datetime64[ns]",
         "working_days_lost": "Float64"},
    ),
    "vacancies": (
        "team_code,date,vacant_fte\nT1,2024-03-31,1.5\n",
        {"team_code": "string", "date": "datetime64[ns]", "vacant_fte": "Float64"},
    ),
    "allocations": (
        "child_id,worker_id,team_code,start_date,end_date\nC1,W1,T1,2024-01-01,\n",
        {"child_id": "string", "worker_id": "string", "team_code": "string",
         "start_date": "datetime64[ns]", "end_date": "datetime64[ns]"},
    ),
    "early_help": (
        "child_id,start_date,end_date\nC1,2024-01-01,2024-02-01\n",
        {"child_id": "string", "start_date": "datetime64[ns]", "end_date": "datetime64[ns]"},
    ),
    "visits": (
        "child_id,visit_date,seen,seen_alone\nC1,2024-01-05,Y,N\n",
        {"child_id": "string", "visit_date": "datetime64[ns]", "seen": "boolean",
         "seen_alone": "boolean"},
    ),
    "population": (
        "area_code,year,population_0_17\nE06000047,2023,99629\n",
        {"area_code": "string", "year": "Int64", "population_0_17": "Int64"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(VALID))
def test_each_kind_parses_with_its_columns_and_dtypes(kind):
    text, schema = VALID[kind]
    result = parse(text, kind=kind, file_name=f"{kind}.csv")
    assert result.ok, result.problems
    assert result.problems == []
    assert result.kind == kind
    table = result.tables[kind]
    assert list(table.columns) == list(schema)
    assert {name: str(dtype) for name, dtype in table.dtypes.items()} == schema
    assert len(table) == 1


@pytest.mark.parametrize("kind", sorted(VALID))
def test_each_kind_is_detected_from_its_header(kind):
    text, _ = VALID[kind]
    result = parse(text, file_name="export.csv")
    assert result.kind == kind
    assert result.ok


def test_values_are_typed():
    result = parse(
        "worker_id,name,team_code,fte,start_date,end_date,agency,case_holding\n"
        "W1,Ann Smith,T1,0.8,2023-04-01,31/03/2024,N,Y\n"
        "W2,,T2,1,01/04/2023,,y,n\n",
        kind="staff",
    )
    assert result.ok
    staff = result.tables["staff"]
    first, second = staff.iloc[0], staff.iloc[1]
    assert first["fte"] == 0.8
    assert first["start_date"] == pd.Timestamp("2023-04-01")
    assert first["end_date"] == pd.Timestamp("2024-03-31")
    assert not first["agency"]
    assert first["case_holding"]
    assert pd.isna(second["name"])
    assert pd.isna(second["end_date"])
    assert second["agency"]
    assert second["start_date"] == pd.Timestamp("2023-04-01")


def test_byte_order_mark_and_column_order_and_header_case():
    data = "\ufeffEnd_Date, Start_Date ,CHILD_ID\n,2024-01-01,C9\r\n".encode()
    result = parse_local_file(data, file_name="early_help.csv")
    assert result.kind == "early_help"
    assert result.ok, result.problems
    row = result.tables["early_help"].iloc[0]
    assert row["child_id"] == "C9"
    assert row["start_date"] == pd.Timestamp("2024-01-01")
    assert pd.isna(row["end_date"])


def test_detection_prefers_the_fullest_match():
    assert detect_kind(["child_id", "start_date", "end_date"]) == "early_help"
    assert detect_kind(["child_id", "worker_id", "team_code", "start_date", "end_date"]) == (
        "allocations"
    )
    assert detect_kind(["child_id"], "visits.csv") == "visits"
    assert detect_kind(["child_id"], "other.csv") is None


def test_undetectable_header_is_an_error():
    result = parse("foo,bar\n1,2\n", file_name="mystery.csv")
    assert not result.ok
    assert errors(result) == [("row 1", "")]


def test_file_name_stem_used_when_the_header_is_incomplete():
    result = parse("child_id,visit_date,seen\nC1,2024-01-01,Y\n", file_name="visits.csv")
    assert result.kind == "visits"
    assert errors(result) == [("row 1", "seen_alone")]


def test_unknown_columns_are_one_warning_each():
    text = "child_id,start_date,end_date,notes,colour\nC1,2024-01-01,,x,y\nC2,2024-01-01,,x,y\n"
    result = parse(text, kind="early_help")
    assert result.ok
    assert warnings_of(result) == [("row 1", "notes"), ("row 1", "colour")]
    assert len(result.tables["early_help"]) == 2


def test_missing_required_column_is_an_error():
    result = parse("child_id,start_date\nC1,2024-01-01\n", kind="early_help")
    assert errors(result) == [("row 1", "end_date")]
    assert result.tables["early_help"].empty
    assert list(result.tables["early_help"].columns) == ["child_id", "start_date", "end_date"]


def test_repeated_column_is_an_error():
    result = parse("child_id,start_date,end_date,child_id\nC1,2024-01-01,,C1\n", kind="early_help")
    assert errors(result) == [("row 1", "child_id")]


@pytest.mark.parametrize(
    "value", ["2024-02-30", "31/13/2024", "2024/01/01", "yesterday", "20240101", "1899-12-31",
              "9999-12-31"]
)  # fmt: skip
def test_invalid_date_is_an_error(value):
    result = parse(f"child_id,start_date,end_date\nC1,{value},\n", kind="early_help")
    assert errors(result) == [("row 2", "start_date")]
    assert result.errors[0].value == value
    assert result.tables["early_help"].empty


def test_missing_start_date_is_an_error():
    result = parse("child_id,start_date,end_date\nC1,,\n", kind="early_help")
    assert errors(result) == [("row 2", "start_date")]


def test_end_before_start_is_an_error_but_same_day_is_fine():
    result = parse(
        "child_id,start_date,end_date\nC1,2024-02-01,2024-01-31\nC2,2024-02-01,2024-02-01\n",
        kind="early_help",
    )
    assert errors(result) == [("row 2", "end_date")]
    assert list(result.tables["early_help"]["child_id"]) == ["C2"]


@pytest.mark.parametrize("value", ["X", "1", "true", "maybe"])
def test_invalid_flag_is_an_error(value):
    result = parse(f"child_id,visit_date,seen,seen_alone\nC1,2024-01-05,{value},\n")
    assert errors(result) == [("row 2", "seen")]


def test_visits_seen_alone_may_be_empty_but_seen_may_not():
    result = parse("child_id,visit_date,seen,seen_alone\nC1,2024-01-05,N,\nC2,2024-01-05,,Y\n")
    assert errors(result) == [("row 3", "seen")]
    visits = result.tables["visits"]
    assert len(visits) == 1
    assert pd.isna(visits.iloc[0]["seen_alone"])
    assert not visits.iloc[0]["seen"]


def test_seen_alone_must_be_a_flag():
    result = parse("child_id,visit_date,seen,seen_alone\nC1,2024-01-05,Y,sometimes\n")
    assert errors(result) == [("row 2", "seen_alone")]


STAFF_HEADER = "worker_id,name,team_code,fte,start_date,end_date,agency,case_holding\n"


@pytest.mark.parametrize("fte", ["-0.5", "half", "", "1e0", '"0,5"'])
def test_negative_or_non_numeric_fte_is_an_error(fte):
    result = parse(STAFF_HEADER + f"W1,A,T1,{fte},2024-01-01,,N,Y\n")
    assert errors(result) == [("row 2", "fte")]


def test_fte_above_one_and_a_half_is_a_warning():
    result = parse(STAFF_HEADER + "W1,A,T1,1.6,2024-01-01,,N,Y\nW2,B,T1,1.5,2024-01-01,,N,Y\n")
    assert result.ok
    assert warnings_of(result) == [("row 2", "fte")]
    assert result.warnings[0].level == Level.WARNING
    assert list(result.tables["staff"]["fte"]) == [1.6, 1.5]


@pytest.mark.parametrize("value", ["-1", "one"])
def test_negative_or_non_numeric_vacant_fte_is_an_error(value):
    result = parse(f"team_code,date,vacant_fte\nT1,2024-03-31,{value}\n")
    assert errors(result) == [("row 2", "vacant_fte")]


@pytest.mark.parametrize("value", ["-2", "two"])
def test_negative_or_non_numeric_working_days_lost_is_an_error(value):
    result = parse(f"worker_id,start_date,end_date,working_days_lost\nW1,2024-01-01,,{value}\n")
    assert errors(result) == [("row 2", "working_days_lost")]


@pytest.mark.parametrize(
    ("kind", "text", "field"),
    [
        ("allocations", "child_id,worker_id,team_code,start_date,end_date\n ,W1,T1,2024-01-01,\n",
         "child_id"),
        ("allocations", "child_id,worker_id,team_code,start_date,end_date\nC1,,T1,2024-01-01,\n",
         "worker_id"),
        ("allocations", "child_id,worker_id,team_code,start_date,end_date\nC1,W1,,2024-01-01,\n",
         "team_code"),
        ("teams", "team_code,team_name,service_code,service_name\n,Duty,S1,East\n", "team_code"),
        ("population", "area_code,year,population_0_17\n,2023,5\n", "area_code"),
        ("sickness", "worker_id,start_date,end_date,working_days_lost\n,2024-01-01,,1\n",
         "worker_id"),
    ],
)  # fmt: skip
def test_empty_ids_are_errors(kind, text, field):
    result = parse(text, kind=kind)
    assert errors(result) == [("row 2", field)]


ALLOCATIONS_HEADER = "child_id,worker_id,team_code,start_date,end_date\n"


def test_hand_over_on_consecutive_days_is_not_an_overlap():
    result = parse(
        ALLOCATIONS_HEADER + "C1,W1,T1,2024-01-01,2024-03-31\nC1,W2,T1,2024-04-01,\n"
        "C2,W1,T1,2024-04-01,\n"
    )
    assert result.ok, result.problems
    assert len(result.tables["allocations"]) == 3


def test_overlapping_allocations_are_an_error_naming_both_rows():
    result = parse(ALLOCATIONS_HEADER + "C1,W2,T1,2024-03-31,\nC1,W1,T1,2024-01-01,2024-03-31\n")
    assert errors(result) == [("row 2", "child_id")]
    assert "row 3" in result.errors[0].reason
    assert result.errors[0].value == "C1"


def test_allocation_inside_an_open_one_is_an_overlap():
    result = parse(
        ALLOCATIONS_HEADER + "C1,W1,T1,2023-01-01,\nC1,W2,T1,2024-01-01,2024-02-01\n"
        "C1,W3,T1,2024-06-01,2024-07-01\n"
    )
    assert errors(result) == [("row 3", "child_id"), ("row 4", "child_id")]
    assert all("row 2" in p.reason for p in result.errors)


def test_staff_rows_of_one_worker_must_not_overlap_but_may_follow_on():
    ok = parse(STAFF_HEADER + "W1,A,T1,1,2023-01-01,2023-12-31,N,Y\nW1,A,T2,1,2024-01-01,,N,Y\n")
    assert ok.ok, ok.problems
    bad = parse(STAFF_HEADER + "W1,A,T1,1,2023-01-01,2024-01-01,N,Y\nW1,A,T2,1,2024-01-01,,N,Y\n")
    assert errors(bad) == [("row 3", "worker_id")]
    assert "row 2" in bad.errors[0].reason


def test_overlapping_sickness_is_a_warning():
    result = parse(
        "worker_id,start_date,end_date,working_days_lost\n"
        "W1,2024-01-01,2024-01-10,8\nW1,2024-01-05,2024-01-12,6\n"
    )
    assert result.ok
    assert warnings_of(result) == [("row 3", "worker_id")]


def test_repeated_team_vacancy_and_population_year_are_errors():
    teams = parse("team_code,team_name,service_code,service_name\nT1,A,S1,S\nT1,B,S1,S\n")
    assert errors(teams) == [("row 3", "team_code")]
    vacancies = parse("team_code,date,vacant_fte\nT1,2024-03-31,1\nT1,31/03/2024,2\n")
    assert errors(vacancies) == [("row 3", "team_code,date")]
    population = parse("area_code,year,population_0_17\nE1,2023,5\nE1,2023,6\n")
    assert errors(population) == [("row 3", "area_code,year")]


def test_team_without_a_service_is_a_warning():
    result = parse("team_code,team_name,service_code,service_name\nT1,Duty,,\n")
    assert result.ok
    assert warnings_of(result) == [("row 2", "service_code")]


def test_population_numbers():
    result = parse('area_code,year,population_0_17\nE06000047,2023,"99,629"\nE1,23,5\nE2,x,5\n')
    assert errors(result) == [("row 3", "year"), ("row 4", "year")]
    table = result.tables["population"]
    assert table.iloc[0]["population_0_17"] == 99629
    assert table.iloc[0]["year"] == 2023


def test_blank_rows_are_skipped_and_rows_numbered_from_the_header():
    result = parse("child_id,start_date,end_date\n\nC1,2024-01-01,\n,,\nC2,bad,\n")
    assert errors(result) == [("row 5", "start_date")]
    assert list(result.tables["early_help"]["child_id"]) == ["C1"]


def test_too_many_cells_is_an_error_but_trailing_empty_cells_are_not():
    result = parse("child_id,start_date,end_date\nC1,2024-01-01,,\nC2,2024-01-01,,extra\n")
    assert errors(result) == [("row 3", "")]


def test_short_rows_read_missing_cells_as_empty():
    result = parse("child_id,start_date,end_date\nC1,2024-01-01\n")
    assert result.ok
    assert pd.isna(result.tables["early_help"].iloc[0]["end_date"])


def test_not_utf8_is_an_error():
    data = "child_id,start_date,end_date\nC1,2024-01-01,\nCé,2024-01-01,\n".encode("latin-1")
    result = parse_local_file(data, file_name="early_help.csv")
    assert errors(result) == [("row 3", "")]


def test_empty_file_is_an_error():
    result = parse("", kind="visits")
    assert errors(result) == [("row 1", "")]
    assert result.tables == {}


def test_malformed_csv_is_an_error():
    result = parse('child_id,start_date,end_date\n"C1,2024-01-01,\n', kind="early_help")
    assert not result.ok


def test_sources_paths_and_file_objects(tmp_path):
    path = tmp_path / "visits.csv"
    path.write_text("child_id,visit_date,seen,seen_alone\nC1,2024-01-05,Y,Y\n", encoding="utf-8")
    for source in (path, str(path), io.BytesIO(path.read_bytes()), io.StringIO(path.read_text())):
        result = parse_local_file(source, file_name="visits.csv")
        assert result.ok
        assert len(result.tables["visits"]) == 1


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown local file kind"):
        parse("a\n1\n", kind="children")


# --- property tests ---------------------------------------------------------------------

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


@settings(max_examples=50, deadline=None)
@given(dates)
def test_valid_dates_round_trip_in_both_formats(value):
    assert parse_date(value.isoformat()) == value
    assert parse_date(value.strftime("%d/%m/%Y")) == value
    assert parse_date(f"{value.day}/{value.month}/{value.year}") == value


@settings(max_examples=50, deadline=None)
@given(dates)
def test_valid_dates_round_trip_through_a_file(value):
    result = parse(f"child_id,visit_date,seen,seen_alone\nC1,{value.strftime('%d/%m/%Y')},Y,\n")
    assert result.ok
    assert result.tables["visits"].iloc[0]["visit_date"] == pd.Timestamp(value)


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(["Y", "N", "y", "n", "Yes", "NO", " Y "]))
def test_valid_flags_round_trip(value):
    assert parse_flag(value) is (value.strip().upper()[0] == "Y")


def _csv_line(*cells: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)  # "\r\n" ends rows, so \r and \n get quoted
    return buffer.getvalue()


garbage = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=20,
)


@settings(max_examples=50, deadline=None)
@given(garbage)
def test_garbage_dates_give_an_error_never_an_exception(text):
    try:
        parsed = parse_date(text)
    except CellError:
        parsed = None
    result = parse("child_id,visit_date,seen,seen_alone\n" + _csv_line("C1", text, "Y", ""))
    if parsed is None:
        assert result.errors
        assert result.errors[0].field in ("visit_date", "")
    else:
        assert result.ok
        assert result.tables["visits"].iloc[0]["visit_date"] == pd.Timestamp(parsed)


@settings(max_examples=50, deadline=None)
@given(garbage)
def test_garbage_flags_give_an_error_never_an_exception(text):
    valid = text.strip().lower() in ("y", "n", "yes", "no")
    header = "child_id,visit_date,seen,seen_alone\n"
    result = parse(header + _csv_line("C1", "2024-01-01", "Y", text))
    if valid or not text.strip():
        assert result.ok
    else:
        assert [p.field for p in result.errors] == ["seen_alone"]
