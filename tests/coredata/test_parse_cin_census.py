"""The CIN census XML parser: the sample returns, each rule, hostile files, streaming."""

import io
import re
import tracemalloc
from datetime import date
from xml.sax.saxutils import escape

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coredata import codes
from coredata.parsers.base import Level, Problem
from coredata.parsers.cin_census import parse_cin_census
from tests.coredata.cin_xml import (
    ASSESSMENT,
    CHILD1,
    CIN1,
    CIN_SAMPLES,
    CLOSED,
    CP_PLAN,
    EXPECTED_DTYPES,
    HEADER,
    MODULES,
    PROPERTY,
    REFERRAL,
    SAMPLES,
    all_text,
    child,
    details,
    dtypes,
    errors,
    found,
    message,
    parse,
    warnings_of,
)

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
