"""The CIN census XML parser: the sample returns, each rule, hostile files, streaming."""

import io
import re
import tracemalloc
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coredata import codes
from coredata.parsers.base import Level, Problem
from coredata.parsers.cin_census import parse_cin_census

settings.register_profile(
    "cin_census",
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
PROPERTY = settings.get_profile("cin_census")

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "external"
CIN_SAMPLES = SAMPLES / "csc-validator-be-cin"
CHILD1 = "/Message/Children/Child[1]"
CIN1 = f"{CHILD1}/CINdetails[1]"

HEADER = (
    "<Header><CollectionDetails><Collection>CIN</Collection><Year>2024</Year>"
    "<ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails>"
    "<Source><SourceLevel>L</SourceLevel><LEA>201</LEA></Source></Header>"
)
REFERRAL = (
    "<CINreferralDate>2023-06-01</CINreferralDate><ReferralSource>1A</ReferralSource>"
    "<PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>false</ReferralNFA>"
)
CLOSED = (
    REFERRAL + "<CINclosureDate>2024-01-15</CINclosureDate><ReasonForClosure>RC7</ReasonForClosure>"
)
ASSESSMENT = (
    "<Assessments><AssessmentActualStartDate>2023-06-02</AssessmentActualStartDate>"
    "<AssessmentAuthorisationDate>2023-06-20</AssessmentAuthorisationDate>"
    "<FactorsIdentifiedAtAssessment><AssessmentFactors>3A</AssessmentFactors>"
    "<AssessmentFactors>4B</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>"
)
CIN_PLAN = (
    "<CINPlanDates><CINPlanStartDate>2023-07-01</CINPlanStartDate>"
    "<CINPlanEndDate>2023-12-01</CINPlanEndDate></CINPlanDates>"
)
S47 = (
    "<Section47><S47ActualStartDate>2023-06-03</S47ActualStartDate>"
    "<DateOfInitialCPC>2023-06-20</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired>"
    "</Section47>"
)
CP_PLAN = (
    "<ChildProtectionPlans><CPPstartDate>2023-06-20</CPPstartDate>"
    "<CPPendDate>2024-01-10</CPPendDate><InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>"
    "<LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse><NumberOfPreviousCPP>0</NumberOfPreviousCPP>"
    "</ChildProtectionPlans>"
)
MODULES = ASSESSMENT + CIN_PLAN + S47 + CP_PLAN


def details(inner: str = REFERRAL, modules: str = "") -> str:
    return f"<CINdetails>{inner}{modules}</CINdetails>"


def child(*cin: str, child_id: str = "C1", sex: str = "<GenderCurrent>1</GenderCurrent>") -> str:
    ids = f"<LAchildID>{child_id}</LAchildID><PersonBirthDate>2015-05-01</PersonBirthDate>{sex}"
    cin = cin or (details(),)
    return (
        f"<Child><ChildIdentifiers>{ids}</ChildIdentifiers>"
        f"<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>"
        f"{''.join(cin)}</Child>"
    )


def message(*children: str, header: str = HEADER) -> bytes:
    children = children or (child(),)
    return f"<Message>{header}<Children>{''.join(children)}</Children></Message>".encode()


def parse(document: bytes, file_name: str = "cin.xml"):
    return parse_cin_census(io.BytesIO(document), file_name=file_name)


def found(result, level: Level | None = None) -> list[tuple[str, str, str]]:
    """(location, field, value) of each problem, of one level if given."""
    return [
        (p.location, p.field, p.value) for p in result.problems if level is None or p.level == level
    ]


def errors(result) -> list[tuple[str, str, str]]:
    return found(result, Level.ERROR)


def warnings_of(result) -> list[tuple[str, str, str]]:
    return found(result, Level.WARNING)


def all_text(result) -> str:
    """Every string the result holds: problems, meta and table cells."""
    parts = [" ".join(p.as_row().values()) for p in result.problems]
    parts += [str(v) for v in result.meta.values()]
    for frame in result.tables.values():
        parts += [str(v) for v in frame.astype("string").to_numpy().ravel()]
    return "\n".join(parts)


EXPECTED_DTYPES = {
    "children": {
        "child_id": "string", "upn_present": "boolean", "birth_date": "datetime64[ns]",
        "expected_birth_date": "datetime64[ns]", "sex": "string",
        "death_date": "datetime64[ns]", "ethnicity": "string", "source_row": "string",
    },
    "referrals": {
        "child_id": "string", "referral_date": "datetime64[ns]", "referral_source": "string",
        "primary_need": "string", "closure_date": "datetime64[ns]", "closure_reason": "string",
        "referral_nfa": "boolean", "initial_cpc_date": "datetime64[ns]", "source_path": "string",
    },
    "assessments": {
        "child_id": "string", "referral_date": "datetime64[ns]", "start_date": "datetime64[ns]",
        "authorisation_date": "datetime64[ns]", "factors": "string", "source_path": "string",
    },
    "cin_plans": {
        "child_id": "string", "referral_date": "datetime64[ns]", "start_date": "datetime64[ns]",
        "end_date": "datetime64[ns]", "source_path": "string",
    },
    "section47": {
        "child_id": "string", "referral_date": "datetime64[ns]", "start_date": "datetime64[ns]",
        "icpc_date": "datetime64[ns]", "icpc_not_required": "boolean", "source_path": "string",
    },
    "cp_plans": {
        "child_id": "string", "referral_date": "datetime64[ns]", "start_date": "datetime64[ns]",
        "end_date": "datetime64[ns]", "initial_category": "string", "latest_category": "string",
        "previous_plans": "Int64", "source_path": "string",
    },
}  # fmt: skip


def dtypes(result) -> dict[str, dict[str, str]]:
    return {
        name: {col: str(dtype) for col, dtype in frame.dtypes.items()}
        for name, frame in result.tables.items()
    }


# A clean return ------------------------------------------------------------------------


def test_clean_return_gives_every_table_with_no_problems():
    result = parse(message(child(details(CLOSED, MODULES))))

    assert result.kind == "cin_census"
    assert result.problems == []
    assert result.meta == {
        "collection_year": 2024,
        "reference_date": date(2024, 3, 31),
        "la_code": "201",
    }
    assert dtypes(result) == EXPECTED_DTYPES
    ts = pd.Timestamp
    row = result.tables["children"].iloc[0].to_dict()
    assert row == {
        "child_id": "C1", "upn_present": False, "birth_date": ts("2015-05-01"),
        "expected_birth_date": pd.NaT, "sex": "M", "death_date": pd.NaT, "ethnicity": "WBRI",
        "source_row": CHILD1,
    }  # fmt: skip
    expected = pd.DataFrame(
        {
            "child_id": ["C1"], "referral_date": [ts("2023-06-01")], "referral_source": ["1A"],
            "primary_need": ["N1"], "closure_date": [ts("2024-01-15")], "closure_reason": ["RC7"],
            "referral_nfa": [False], "initial_cpc_date": [pd.NaT], "source_path": [CIN1],
        }
    ).astype(EXPECTED_DTYPES["referrals"])  # fmt: skip
    pd.testing.assert_frame_equal(result.tables["referrals"], expected)
    assessment = result.tables["assessments"].iloc[0].to_dict()
    assert assessment == {
        "child_id": "C1", "referral_date": ts("2023-06-01"), "start_date": ts("2023-06-02"),
        "authorisation_date": ts("2023-06-20"), "factors": "3A,4B",
        "source_path": f"{CIN1}/Assessments[1]",
    }  # fmt: skip
    plan = result.tables["cin_plans"].iloc[0].to_dict()
    assert plan["end_date"] == ts("2023-12-01")
    assert plan["source_path"] == f"{CIN1}/CINPlanDates[1]"
    s47 = result.tables["section47"].iloc[0].to_dict()
    assert (s47["icpc_date"], s47["icpc_not_required"]) == (ts("2023-06-20"), False)
    cpp = result.tables["cp_plans"].iloc[0].to_dict()
    assert cpp == {
        "child_id": "C1", "referral_date": ts("2023-06-01"), "start_date": ts("2023-06-20"),
        "end_date": ts("2024-01-10"), "initial_category": "NEG", "latest_category": "EMO",
        "previous_plans": 0, "source_path": f"{CIN1}/ChildProtectionPlans[1]",
    }  # fmt: skip


def test_empty_tables_keep_their_columns_and_dtypes():
    result = parse(message(child(details(CLOSED))))

    assert dtypes(result) == EXPECTED_DTYPES
    assert result.tables["cp_plans"].empty


def test_reads_a_path_given_as_str_or_path():
    path = SAMPLES / "liia-tools" / "cin-2022.xml"

    from_str = parse_cin_census(str(path), file_name="cin-2022.xml")
    from_path = parse_cin_census(path, file_name="cin-2022.xml")

    assert from_str.problems == from_path.problems
    assert len(from_str.tables["children"]) == len(from_path.tables["children"]) == 1


# The sample returns --------------------------------------------------------------------


def test_sample_2021_reports_the_year_1066_and_the_stray_text():
    result = parse_cin_census(CIN_SAMPLES / "CIN_Census_2021.xml", file_name="2021.xml")

    assert result.meta == {
        "collection_year": 2023,
        "reference_date": date(2023, 3, 31),
        "la_code": "201",
    }
    assert result.errors == [
        Problem(
            Level.ERROR,
            "2021.xml",
            f"{CHILD1}/ChildIdentifiers/ExpectedPersonBirthDate",
            "ExpectedPersonBirthDate",
            "1066-04-13",
            "The date is before 1900-01-01, which is not plausible",
        )
    ]
    assert warnings_of(result) == [
        (f"{CHILD1}/ChildIdentifiers", "ChildIdentifiers", "PersonBirthDate"),
        (f"{CIN1}/Assessments[1]/AssessmentActualStartDate", "AssessmentActualStartDate",
         "1970-06-03"),
        (f"{CIN1}/Section47[1]/S47ActualStartDate", "S47ActualStartDate", "1970-06-02"),
        (f"{CIN1}/ChildProtectionPlans[1]/CPPstartDate", "CPPstartDate", "1970-02-17"),
    ]  # fmt: skip
    counts = {name: len(frame) for name, frame in result.tables.items()}
    assert counts == dict.fromkeys(EXPECTED_DTYPES, 1)
    children = result.tables["children"]
    assert children.loc[0, "sex"] == "M"  # GenderCurrent 1
    assert pd.isna(children.loc[0, "expected_birth_date"])
    assert children.loc[0, "death_date"] == pd.Timestamp("1980-10-08")
    assert result.tables["referrals"].loc[0, "referral_nfa"] == False  # noqa: E712
    assert result.tables["assessments"].loc[0, "factors"] == "2A,2B"
    assert result.tables["cp_plans"].loc[0, "previous_plans"] == 10


@pytest.mark.parametrize("name", ["CIN_Census_2024.xml", "CIN_Census_2026.xml"])
def test_samples_2024_and_2026_report_sex_1_and_an_assessment_in_2028(name):
    result = parse_cin_census(CIN_SAMPLES / name, file_name=name)

    assert result.errors == [
        Problem(
            Level.ERROR, name, f"{CHILD1}/ChildIdentifiers/Sex", "Sex", "1",
            "Not a code in the DfE list for Sex (F, M, U)",
        ),
        Problem(
            Level.ERROR, name, f"{CIN1}/Assessments[1]/AssessmentActualStartDate",
            "AssessmentActualStartDate", "2028-04-28",
            "The date is more than a year after the return's reference date (2024-03-31)",
        ),
    ]  # fmt: skip
    assert warnings_of(result) == [
        ("/Message/Header/CollectionDetails/ReferenceDate", "ReferenceDate", "2024-03-31"),
        (f"{CHILD1}/ChildIdentifiers", "ChildIdentifiers", "PersonBirthDate"),
        (f"{CIN1}/Assessments[1]/FactorsIdentifiedAtAssessment/AssessmentFactors",
         "AssessmentFactors", "RB"),
        (f"{CIN1}/Section47[1]/S47ActualStartDate", "S47ActualStartDate", "2022-06-02"),
        (f"{CIN1}/ChildProtectionPlans[1]/CPPstartDate", "CPPstartDate", "2022-02-17"),
        ("/Message/Children/Child[2]/CINdetails[1]/Assessments[1]/AssessmentActualStartDate",
         "AssessmentActualStartDate", "2023-12-25"),
    ]  # fmt: skip
    children = result.tables["children"]
    assert children["child_id"].tolist() == ["DfEX0000001", "child_fails_assessments"]
    assert children["sex"].tolist() == [pd.NA, "M"]  # Sex element, 2024-25 layout
    referrals = result.tables["referrals"]
    assert referrals["closure_reason"].tolist() == ["RC1", "RC9"]
    # The 2028 assessment is left out; the other child's is kept, with no factors.
    assessments = result.tables["assessments"]
    assert assessments["child_id"].tolist() == ["child_fails_assessments"]
    assert pd.isna(assessments.loc[0, "factors"])


def test_sample_2026_pre_proceedings_block_is_accepted_without_a_warning():
    result = parse_cin_census(CIN_SAMPLES / "CIN_Census_2026.xml", file_name="2026.xml")

    # Its dates (2026-27) are more than a year after the reference date, but are not read.
    assert not [p for p in result.problems if "PreProceedingsandFGDM" in p.location]
    assert not [p for p in result.warnings if p.reason.startswith("Unknown element")]
    assert len(result.problems) == len(
        parse_cin_census(CIN_SAMPLES / "CIN_Census_2024.xml", file_name="2024.xml").problems
    )


def test_sample_cin2rows_reports_the_repeated_child_protection_plan():
    result = parse_cin_census(CIN_SAMPLES / "CIN2rows.xml", file_name="CIN2rows.xml")

    assert result.errors == [
        Problem(
            Level.ERROR, "CIN2rows.xml", f"{CIN1}/ChildProtectionPlans[2]/CPPstartDate",
            "CPPstartDate", "2022-02-17",
            "The child has another child protection plan starting on this date, at "
            f"{CIN1}/ChildProtectionPlans[1]",
        )
    ]  # fmt: skip
    assert len(result.tables["cp_plans"]) == 1
    assert result.tables["children"].loc[0, "sex"] == "M"


def test_sample_liia_2022_has_no_errors_only_modules_before_their_referral():
    result = parse_cin_census(SAMPLES / "liia-tools" / "cin-2022.xml", file_name="cin-2022.xml")

    assert result.errors == []
    assert [p.field for p in result.warnings] == [
        "AssessmentActualStartDate",
        "S47ActualStartDate",
        "CPPstartDate",
    ]
    assert result.meta["collection_year"] == 2022
    assert len(result.tables["cin_plans"]) == 1


def test_sample_fake_data_reports_dates_more_than_a_year_after_its_reference_date():
    result = parse_cin_census(CIN_SAMPLES / "fake_CIN_data.xml", file_name="fake.xml")

    assert result.meta == {
        "collection_year": 2022,
        "reference_date": date(2022, 7, 21),
        "la_code": "975",
    }
    assert len(result.tables["children"]) == 332
    assert len(result.errors) == 20
    assert {p.field for p in result.errors} == {
        "CINreferralDate",
        "CINclosureDate",
        "DateOfInitialCPC",
    }
    assert all("more than a year after" in p.reason for p in result.errors)
    assert (
        "/Message/Children/Child[169]/CINdetails[2]/CINreferralDate",
        "CINreferralDate",
        "2030-03-31",
    ) in errors(result)
    # 402 CINdetails, of which 7 have an impossible referral date and are left out.
    assert len(result.tables["referrals"]) == 395
    assert result.tables["referrals"]["referral_nfa"].all()
    assert sum(1 for p in result.warnings if p.field == "ReferenceDate") == 1


# Layouts -------------------------------------------------------------------------------


@pytest.mark.parametrize(("gender", "sex"), [("1", "M"), ("2", "F"), ("0", "U"), ("9", "U")])
def test_gender_current_up_to_2023_24_maps_to_sex(gender, sex):
    result = parse(message(child(sex=f"<GenderCurrent>{gender}</GenderCurrent>")))

    assert result.problems == []
    assert result.tables["children"].loc[0, "sex"] == sex


@pytest.mark.parametrize("sex", ["M", "F", "U"])
def test_sex_from_2024_25_is_read_as_is(sex):
    result = parse(message(child(sex=f"<Sex>{sex}</Sex>")))

    assert result.problems == []
    assert result.tables["children"].loc[0, "sex"] == sex


def test_pre_proceedings_block_of_the_2025_26_layout_is_ignored():
    block = (
        "<PreProceedingsandFGDM><PPStartDate>2099-01-01</PPStartDate><Odd/></PreProceedingsandFGDM>"
    )

    result = parse(message(child(details(REFERRAL + block))))

    assert result.problems == []
    assert len(result.tables["referrals"]) == 1


# One test per rule ---------------------------------------------------------------------


def test_missing_la_child_id_is_an_error_and_the_child_is_left_out():
    result = parse(message(child(child_id="")))

    assert errors(result) == [(f"{CHILD1}/ChildIdentifiers/LAchildID", "LAchildID", "")]
    assert result.tables["children"].empty
    assert result.tables["referrals"].empty


def test_missing_referral_date_is_an_error_and_the_episode_is_left_out():
    inner = REFERRAL.replace("<CINreferralDate>2023-06-01</CINreferralDate>", "")

    result = parse(message(child(details(inner, ASSESSMENT))))

    assert errors(result) == [(f"{CIN1}/CINreferralDate", "CINreferralDate", "")]
    assert result.tables["referrals"].empty
    assert result.tables["assessments"].empty


def test_missing_referral_nfa_is_an_error():
    result = parse(
        message(child(details(REFERRAL.replace("<ReferralNFA>false</ReferralNFA>", ""))))
    )

    assert errors(result) == [(f"{CIN1}/ReferralNFA", "ReferralNFA", "")]
    assert result.tables["referrals"]["referral_nfa"].isna().all()


@pytest.mark.parametrize(
    ("module", "start", "container"),
    [
        (ASSESSMENT, "AssessmentActualStartDate", "Assessments"),
        (S47, "S47ActualStartDate", "Section47"),
        (CP_PLAN, "CPPstartDate", "ChildProtectionPlans"),
        (CIN_PLAN, "CINPlanStartDate", "CINPlanDates"),
    ],
)
def test_missing_module_start_date_is_an_error_and_the_module_is_left_out(module, start, container):
    module = re.sub(f"<{start}>[^<]*</{start}>", "", module)

    result = parse(message(child(details(REFERRAL, module))))

    assert errors(result) == [(f"{CIN1}/{container}[1]/{start}", start, "")]
    assert all(frame.empty for name, frame in result.tables.items() if name not in
               ("children", "referrals"))  # fmt: skip


@pytest.mark.parametrize("text", ["06/10/2022", "2022-6-1", "20220601", "2022-06-01T00:00", "soon"])
def test_a_date_not_written_yyyy_mm_dd_is_an_error(text):
    result = parse(message(child(details(REFERRAL.replace("2023-06-01", text)))))

    assert errors(result) == [(f"{CIN1}/CINreferralDate", "CINreferralDate", text)]
    assert "YYYY-MM-DD" in result.errors[0].reason


def test_an_impossible_calendar_date_is_an_error():
    result = parse(message(child(details(REFERRAL.replace("2023-06-01", "2023-02-30")))))

    assert errors(result) == [(f"{CIN1}/CINreferralDate", "CINreferralDate", "2023-02-30")]


def test_a_date_before_1900_is_an_error():
    ids = "<GenderCurrent>1</GenderCurrent><PersonDeathDate>1899-12-31</PersonDeathDate>"

    result = parse(message(child(sex=ids)))

    assert errors(result) == [
        (f"{CHILD1}/ChildIdentifiers/PersonDeathDate", "PersonDeathDate", "1899-12-31")
    ]
    assert pd.isna(result.tables["children"].loc[0, "death_date"])


def test_a_date_more_than_a_year_after_the_reference_date_is_an_error():
    on_the_day = parse(message(child(details(CLOSED.replace("2024-01-15", "2025-03-31")))))
    day_after = parse(message(child(details(CLOSED.replace("2024-01-15", "2025-04-01")))))

    assert on_the_day.problems == []
    assert errors(day_after) == [(f"{CIN1}/CINclosureDate", "CINclosureDate", "2025-04-01")]
    assert "(2024-03-31)" in day_after.errors[0].reason


@pytest.mark.parametrize("source", ["", "<ReferralSource></ReferralSource>", "<ReferralSource/>"])
def test_absent_or_empty_referral_source_counts_as_10(source):
    inner = REFERRAL.replace("<ReferralSource>1A</ReferralSource>", source)

    result = parse(message(child(details(inner))))

    assert result.problems == []
    assert result.tables["referrals"].loc[0, "referral_source"] == "10"


def test_referral_source_not_in_the_dfe_list_is_an_error():
    result = parse(message(child(details(REFERRAL.replace(">1A<", ">1E<")))))

    assert errors(result) == [(f"{CIN1}/ReferralSource", "ReferralSource", "1E")]
    assert pd.isna(result.tables["referrals"].loc[0, "referral_source"])


def test_closure_reason_not_in_the_dfe_list_is_an_error():
    result = parse(message(child(details(CLOSED.replace("RC7", "RC10")))))

    assert errors(result) == [(f"{CIN1}/ReasonForClosure", "ReasonForClosure", "RC10")]


def test_primary_need_not_in_the_dfe_list_is_an_error():
    result = parse(message(child(details(REFERRAL.replace(">N1<", ">N10<")))))

    assert errors(result) == [(f"{CIN1}/PrimaryNeedCode", "PrimaryNeedCode", "N10")]


@pytest.mark.parametrize("field", ["InitialCategoryOfAbuse", "LatestCategoryOfAbuse"])
def test_category_of_abuse_not_in_the_dfe_list_is_an_error(field):
    plan = re.sub(f"<{field}>[A-Z]+</{field}>", f"<{field}>ABUSE</{field}>", CP_PLAN)

    result = parse(message(child(details(REFERRAL, plan))))

    assert errors(result) == [(f"{CIN1}/ChildProtectionPlans[1]/{field}", field, "ABUSE")]


@pytest.mark.parametrize(
    ("element", "value"), [("GenderCurrent", "3"), ("GenderCurrent", "M"), ("Sex", "X")]
)
def test_sex_or_gender_not_in_the_dfe_list_is_an_error(element, value):
    result = parse(message(child(sex=f"<{element}>{value}</{element}>")))

    assert errors(result) == [(f"{CHILD1}/ChildIdentifiers/{element}", element, value)]


def test_closure_date_before_referral_date_is_an_error():
    result = parse(message(child(details(CLOSED.replace("2024-01-15", "2023-05-31")))))

    assert errors(result) == [(f"{CIN1}/CINclosureDate", "CINclosureDate", "2023-05-31")]
    assert "before the referral" in result.errors[0].reason


def test_cp_plan_ending_before_it_starts_is_an_error():
    result = parse(message(child(details(REFERRAL, CP_PLAN.replace("2024-01-10", "2023-06-19")))))

    assert errors(result) == [
        (f"{CIN1}/ChildProtectionPlans[1]/CPPendDate", "CPPendDate", "2023-06-19")
    ]


def test_cin_plan_ending_before_it_starts_is_an_error():
    result = parse(message(child(details(REFERRAL, CIN_PLAN.replace("2023-12-01", "2023-06-30")))))

    assert errors(result) == [
        (f"{CIN1}/CINPlanDates[1]/CINPlanEndDate", "CINPlanEndDate", "2023-06-30")
    ]


def test_assessment_authorised_before_it_starts_is_an_error():
    module = ASSESSMENT.replace("2023-06-20", "2023-06-01")

    result = parse(message(child(details(REFERRAL, module))))

    path = f"{CIN1}/Assessments[1]/AssessmentAuthorisationDate"
    assert errors(result) == [(path, "AssessmentAuthorisationDate", "2023-06-01")]


@pytest.mark.parametrize(
    ("module", "start", "container"),
    [
        (
            ASSESSMENT.replace("2023-06-02", "2023-05-31"),
            "AssessmentActualStartDate",
            "Assessments",
        ),
        (S47.replace("2023-06-03", "2023-05-31"), "S47ActualStartDate", "Section47"),
        (CP_PLAN.replace("2023-06-20", "2023-05-31"), "CPPstartDate", "ChildProtectionPlans"),
        (CIN_PLAN.replace("2023-07-01", "2023-05-31"), "CINPlanStartDate", "CINPlanDates"),
    ],
)
def test_module_starting_before_its_referral_is_a_warning_and_kept(module, start, container):
    result = parse(message(child(details(REFERRAL, module))))

    assert result.errors == []
    assert warnings_of(result) == [(f"{CIN1}/{container}[1]/{start}", start, "2023-05-31")]
    assert "suspicious but allowed" in result.warnings[0].reason
    kept = [name for name, frame in result.tables.items() if len(frame)]
    assert len(kept) == 3


def test_closure_reason_without_closure_date_is_an_error():
    inner = CLOSED.replace("<CINclosureDate>2024-01-15</CINclosureDate>", "")

    result = parse(message(child(details(inner))))

    assert errors(result) == [(f"{CIN1}/CINclosureDate", "CINclosureDate", "")]
    assert "without a closure date" in result.errors[0].reason


def test_closure_date_without_closure_reason_is_an_error():
    inner = CLOSED.replace("<ReasonForClosure>RC7</ReasonForClosure>", "")

    result = parse(message(child(details(inner))))

    assert errors(result) == [(f"{CIN1}/ReasonForClosure", "ReasonForClosure", "")]


@pytest.mark.parametrize("count", ["-1", "two", "1.5", "1e3", "1000", "٣"])
def test_number_of_previous_plans_not_a_whole_number_is_an_error(count):
    plan = CP_PLAN.replace("<NumberOfPreviousCPP>0<", f"<NumberOfPreviousCPP>{count}<")

    result = parse(message(child(details(REFERRAL, plan))))

    path = f"{CIN1}/ChildProtectionPlans[1]/NumberOfPreviousCPP"
    assert errors(result) == [(path, "NumberOfPreviousCPP", count)]
    assert pd.isna(result.tables["cp_plans"].loc[0, "previous_plans"])


def test_number_of_previous_plans_may_be_zero_or_more():
    plan = CP_PLAN.replace("<NumberOfPreviousCPP>0<", "<NumberOfPreviousCPP>3<")

    result = parse(message(child(details(REFERRAL, plan))))

    assert result.problems == []
    assert result.tables["cp_plans"].loc[0, "previous_plans"] == 3


def test_two_open_episodes_not_nfa_for_one_child_is_an_error():
    second = REFERRAL.replace("2023-06-01", "2023-09-01")

    result = parse(message(child(details(REFERRAL), details(second))))

    location = f"{CHILD1}/CINdetails[2]/CINclosureDate"
    assert errors(result) == [(location, "CINclosureDate", "")]
    assert f"at {CIN1}" in result.errors[0].reason


def test_an_open_nfa_referral_beside_an_open_episode_is_allowed():
    nfa = REFERRAL.replace("2023-06-01", "2023-09-01").replace(">false<", ">true<")

    result = parse(message(child(details(REFERRAL), details(nfa))))

    assert result.problems == []
    assert result.tables["referrals"]["referral_nfa"].tolist() == [False, True]


def test_duplicate_episode_for_one_child_is_an_error_and_left_out():
    result = parse(message(child(details(CLOSED), details(CLOSED))))

    location = f"{CHILD1}/CINdetails[2]/CINreferralDate"
    assert errors(result) == [(location, "CINreferralDate", "2023-06-01")]
    assert len(result.tables["referrals"]) == 1


def test_same_child_listed_twice_is_an_error():
    result = parse(message(child(details(CLOSED)), child(details(CLOSED))))

    location = "/Message/Children/Child[2]/ChildIdentifiers/LAchildID"
    assert errors(result) == [(location, "LAchildID", "C1")]
    assert len(result.tables["children"]) == 1
    assert len(result.tables["referrals"]) == 1


def test_same_referral_date_for_different_children_is_fine():
    result = parse(message(child(details(CLOSED)), child(details(CLOSED), child_id="C2")))

    assert result.problems == []
    assert result.tables["referrals"]["child_id"].tolist() == ["C1", "C2"]


@pytest.mark.parametrize(
    ("text", "value"),
    [("true", True), ("false", False), ("TRUE", True), ("FALSE", False), ("1", True), ("0", False)],
)
def test_referral_nfa_accepts_the_schema_booleans(text, value):
    inner = REFERRAL.replace(">false<", f">{text}<")

    result = parse(message(child(details(inner))))

    assert result.problems == []
    assert result.tables["referrals"].loc[0, "referral_nfa"] == value


def test_referral_nfa_that_is_not_a_boolean_is_an_error():
    result = parse(message(child(details(REFERRAL.replace(">false<", ">yes<")))))

    assert errors(result) == [(f"{CIN1}/ReferralNFA", "ReferralNFA", "yes")]


def test_unknown_elements_give_one_warning_per_name():
    odd = details(REFERRAL + "<Mystery>1</Mystery><Mystery>2</Mystery><Other/>")
    children = [child(odd, child_id=f"C{n}") for n in range(3)]

    result = parse(message(*children[:2], "<Stray/>", children[2], "<Stray/>"))

    assert result.errors == []
    assert warnings_of(result) == [
        (f"{CIN1}/Mystery", "Mystery", ""),
        (f"{CIN1}/Other", "Other", ""),
        ("/Message/Children/Stray", "Stray", ""),
    ]
    assert len(result.tables["referrals"]) == 3


def test_text_outside_elements_is_a_warning():
    result = parse(message(child(details("loose words" + REFERRAL))))

    assert result.errors == []
    assert warnings_of(result) == [(CIN1, "CINdetails", "loose words")]


def test_missing_header_is_an_error():
    result = parse(message(header=""))

    assert errors(result) == [("/Message/Header", "Header", "")]
    assert result.meta == dict.fromkeys(["collection_year", "reference_date", "la_code"])


def test_header_with_a_bad_la_code_is_an_error():
    result = parse(message(header=HEADER.replace("<LEA>201<", "<LEA>20<")))

    assert errors(result) == [("/Message/Header/Source/LEA", "LEA", "20")]
    assert result.meta["la_code"] is None


def test_reference_date_not_31_march_of_the_year_is_a_warning():
    result = parse(message(header=HEADER.replace("<Year>2024<", "<Year>2023<")))

    location = "/Message/Header/CollectionDetails/ReferenceDate"
    assert found(result) == [(location, "ReferenceDate", "2024-03-31")]
    assert result.errors == []


def test_a_file_that_is_not_a_cin_census_is_an_error():
    result = parse(b"<EXPSSDA903><CHILD><CHILDID>1</CHILDID></CHILD></EXPSSDA903>")

    assert ("/", "Message", "EXPSSDA903") in errors(result)
    assert ("/Message/Children", "Child", "") in errors(result)


# Hostile and broken files --------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Message [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
""" + message(child(child_id="&lol9;"))
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE Message [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    + message(child(child_id="&xxe;"))
)
REFUSED = ("/", "DOCTYPE", "")


def assert_refused(result) -> None:
    assert found(result) == [REFUSED]
    assert result.errors[0].reason.startswith("The file declares a document type")
    assert all(frame.empty for frame in result.tables.values())


def test_billion_laughs_is_refused():
    result = parse(BILLION_LAUGHS)

    assert_refused(result)
    assert "lollol" not in all_text(result)


def test_billion_laughs_in_utf16_is_refused():
    text = BILLION_LAUGHS.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"')

    assert_refused(parse(text.encode("utf-16")))


def test_external_entity_is_refused_and_nothing_of_the_file_leaks():
    result = parse(EXTERNAL_ENTITY)

    assert_refused(result)
    assert "root:" not in all_text(result)


def test_doctype_only_document_is_refused():
    assert_refused(parse(b"<!DOCTYPE Message>"))
    assert_refused(parse(b'<!DOCTYPE Message SYSTEM "http://example.invalid/cin.dtd">' + message()))


def test_doctype_beyond_the_scanned_start_is_still_refused():
    padding = b"<!--" + b" " * 70_000 + b"-->\n"
    document = padding + EXTERNAL_ENTITY.split(b"\n", 1)[1]

    result = parse(document)

    assert_refused(result)
    assert "root:" not in all_text(result)


def test_malformed_xml_is_an_error_with_its_line_number():
    document = b"<Message>\n<Children>\n<Child>\n</Children>\n</Message>"

    result = parse(document)

    assert found(result) == [("line 4", "XML", "")]
    assert "line 4" in result.errors[0].reason
    assert all(frame.empty for frame in result.tables.values())


def test_empty_file_is_an_error_not_an_exception():
    result = parse(b"")

    assert [p.field for p in result.errors] == ["XML"]


# Streaming -----------------------------------------------------------------------------

BIG = 20_000


def big_return() -> io.BytesIO:
    stream = io.BytesIO()
    stream.write(f"<Message>{HEADER}<Children>".encode())
    for n in range(BIG):
        episode = details(CLOSED, ASSESSMENT if n % 2 else "")
        stream.write(child(episode, child_id=f"C{n:06d}").encode())
    stream.write(b"</Children></Message>")
    stream.seek(0)
    return stream


def test_a_20000_child_return_streams_in_bounded_memory():
    stream = big_return()
    size = len(stream.getbuffer())

    tracemalloc.start()
    try:
        result = parse_cin_census(stream, file_name="big.xml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.problems == []
    assert len(result.tables["children"]) == BIG
    assert len(result.tables["referrals"]) == BIG
    assert len(result.tables["assessments"]) == BIG // 2
    assert result.tables["children"]["source_row"].iloc[-1] == f"/Message/Children/Child[{BIG}]"
    assert size > 10_000_000
    assert peak < 200 * 1024 * 1024


# Properties ----------------------------------------------------------------------------

XML_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn")), max_size=12)
DATE_LIKE = st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True)


def is_usable_date(text: str) -> bool:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return False
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return False
    return date(1900, 1, 1) <= day <= date(2025, 3, 31)


@PROPERTY
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 3, 31)))
def test_any_valid_date_round_trips(day):
    result = parse(message(child(details(REFERRAL.replace("2023-06-01", day.isoformat())))))

    assert result.problems == []
    assert result.tables["referrals"].loc[0, "referral_date"] == pd.Timestamp(day)


@PROPERTY
@given(st.one_of(XML_TEXT, DATE_LIKE).filter(lambda text: not is_usable_date(text.strip())))
def test_any_text_that_is_not_a_usable_date_is_an_error_not_an_exception(text):
    inner = REFERRAL.replace("2023-06-01", escape(text))

    result = parse(message(child(details(inner))))

    assert [p.location for p in result.errors] == [f"{CIN1}/CINreferralDate"]
    assert result.tables["referrals"].empty


@PROPERTY
@given(XML_TEXT.filter(lambda text: text.strip() not in codes.REFERRAL_SOURCES | {""}))
def test_any_referral_source_not_in_the_list_is_an_error(text):
    inner = REFERRAL.replace(">1A<", f">{escape(text)}<")

    result = parse(message(child(details(inner))))

    assert errors(result) == [(f"{CIN1}/ReferralSource", "ReferralSource", text.strip())]


@PROPERTY
@given(XML_TEXT.filter(lambda text: text.strip() not in codes.ABUSE_CATEGORIES | {""}))
def test_any_category_of_abuse_not_in_the_list_is_an_error(text):
    plan = CP_PLAN.replace(">NEG<", f">{escape(text)}<")

    result = parse(message(child(details(REFERRAL, plan))))

    field = "InitialCategoryOfAbuse"
    assert errors(result) == [(f"{CIN1}/ChildProtectionPlans[1]/{field}", field, text.strip())]
