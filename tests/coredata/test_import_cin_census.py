"""Importing CIN census returns: year replacement, idempotency, refusal of bad files."""

from pathlib import Path

import pytest

from coredata.models import Assessment, Child, CPPlan, ImportRun, Referral
from organisation.models import Organisation
from tests.coredata.helpers import problems, run_import, snapshot

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "external"
LIIA_CIN = SAMPLES / "liia-tools" / "cin-2022.xml"


def _cin(year: int, children: str, la: str = "201") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>{year}</Year>
      <ReferenceDate>{year}-03-31</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>{la}</LEA><SoftwareCode>x</SoftwareCode>
      <Release>1</Release><SerialNo>1</SerialNo><DateTime>{year}-05-01T00:00:00</DateTime>
    </Source>
  </Header>
  <Children>{children}</Children>
</Message>"""


def _child(child_id: str, referral: str, source: str = "1A", extra: str = "") -> str:
    return f"""<Child>
  <ChildIdentifiers><LAchildID>{child_id}</LAchildID><PersonBirthDate>2015-01-01</PersonBirthDate>
    <GenderCurrent>1</GenderCurrent></ChildIdentifiers>
  <ChildCharacteristics><Ethnicity>WBRI</Ethnicity>
    <Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
  <CINdetails><CINreferralDate>{referral}</CINreferralDate><ReferralSource>{source}</ReferralSource>
    <PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>false</ReferralNFA>{extra}</CINdetails>
</Child>"""


@pytest.fixture
def organisation(db: None) -> Organisation:
    return Organisation.objects.create(name="City of London", la_code="201")


def test_the_liia_sample_imports(organisation: Organisation) -> None:
    run = run_import(organisation, {LIIA_CIN.name: LIIA_CIN.read_bytes()})
    assert run.status == ImportRun.Status.SUCCEEDED, problems(run)
    assert run.files[0]["kind"] == "cin_census"
    assert run.counts["referrals"] == Referral.objects.count() > 0
    assert run.counts["children"] == Child.objects.count()
    assert set(Referral.objects.values_list("collection_year", flat=True)) == {2022}


@pytest.mark.parametrize(
    ("name", "expected_error"),
    [
        ("CIN_Census_2024.xml", ("Sex", "1")),
        ("CIN_Census_2026.xml", ("Sex", "1")),
        ("CIN_Census_2021.xml", ("ExpectedPersonBirthDate", "1066-04-13")),
    ],
)
def test_samples_with_deliberate_errors_are_refused_and_change_nothing(
    organisation: Organisation, name: str, expected_error: tuple[str, str]
) -> None:
    before = snapshot()
    path = SAMPLES / "csc-validator-be-cin" / name
    run = run_import(organisation, {name: path.read_bytes()})
    assert run.status == ImportRun.Status.FAILED
    assert expected_error in {(p[3], p[4]) for p in problems(run) if p[0] == "error"}
    assert snapshot() == before


def test_a_return_for_another_la_is_refused(organisation: Organisation) -> None:
    run = run_import(organisation, {"cin.xml": _cin(2024, _child("A1", "2023-06-01"), la="999")})
    assert run.status == ImportRun.Status.FAILED
    assert problems(run) == [("error", "cin.xml", "/Message/Header/Source/LEA", "LEA", "999")]


def test_importing_the_same_return_twice_gives_an_identical_database(
    organisation: Organisation,
) -> None:
    content = _cin(2024, _child("A1", "2023-06-01") + _child("A2", "2023-07-01"))
    run_import(organisation, {"cin.xml": content})
    before = snapshot()
    again = run_import(organisation, {"cin-copy.xml": content})
    assert again.status == ImportRun.Status.SUCCEEDED
    assert snapshot() == before


def test_a_newer_return_for_the_same_year_replaces_that_year_only(
    organisation: Organisation,
) -> None:
    run_import(organisation, {"2023.xml": _cin(2023, _child("A1", "2022-06-01"))})
    run_import(organisation, {"2024.xml": _cin(2024, _child("A1", "2023-06-01"))})
    corrected = _cin(2024, _child("A1", "2023-06-02", source="6"))
    run = run_import(organisation, {"2024-resubmitted.xml": corrected})
    assert run.status == ImportRun.Status.SUCCEEDED, problems(run)
    rows = sorted(Referral.objects.values_list("collection_year", "referral_date", "source"))
    assert [(year, day.isoformat(), source) for year, day, source in rows] == [
        (2023, "2022-06-01", "1A"),
        (2024, "2023-06-02", "6"),
    ]


def test_modules_are_written_with_their_episode(organisation: Organisation) -> None:
    modules = """<Assessments><AssessmentActualStartDate>2023-06-02</AssessmentActualStartDate>
      <AssessmentAuthorisationDate>2023-06-20</AssessmentAuthorisationDate>
      <FactorsIdentifiedAtAssessment><AssessmentFactors>2A</AssessmentFactors>
      </FactorsIdentifiedAtAssessment></Assessments>
      <ChildProtectionPlans><CPPstartDate>2023-07-01</CPPstartDate>
      <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
      <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
      <NumberOfPreviousCPP>1</NumberOfPreviousCPP>
      <Reviews><CPPreviewDate>2023-09-01</CPPreviewDate></Reviews></ChildProtectionPlans>"""
    run = run_import(
        organisation, {"cin.xml": _cin(2024, _child("A1", "2023-06-01", extra=modules))}
    )
    assert run.status == ImportRun.Status.SUCCEEDED, problems(run)
    assessment = Assessment.objects.get()
    assert (assessment.start_date.isoformat(), assessment.authorisation_date.isoformat()) == (
        "2023-06-02",
        "2023-06-20",
    )
    plan = CPPlan.objects.get()
    assert (plan.initial_category, plan.previous_plans, plan.end_date) == ("NEG", 1, None)
    child = Child.objects.get()
    assert (child.birth_date_cin.isoformat(), child.sex) == ("2015-01-01", "M")
