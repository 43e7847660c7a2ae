"""The CIN census parser: one test per validation rule."""

import re

import pandas as pd
import pytest

from tests.coredata.cin_xml import (
    ASSESSMENT,
    CHILD1,
    CIN1,
    CIN_PLAN,
    CLOSED,
    CP_PLAN,
    HEADER,
    REFERRAL,
    S47,
    child,
    details,
    errors,
    found,
    message,
    parse,
    warnings_of,
)

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
