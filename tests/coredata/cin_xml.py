"""Builders of small CIN census documents, and shared settings, for the parser tests."""

import io
from pathlib import Path

from hypothesis import HealthCheck, settings

from coredata.parsers.base import Level
from coredata.parsers.cin_census import parse_cin_census

settings.register_profile(
    "cin_census",
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
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
