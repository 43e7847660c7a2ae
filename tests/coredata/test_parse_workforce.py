"""The social work workforce census (CSWW) XML: the liia-tools sample and hand-made returns."""

import io
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coredata.parsers.workforce import parse_workforce_census

SAMPLE = (
    Path(__file__).parents[1]
    / "fixtures"
    / "external"
    / "liia-tools"
    / "social_work_workforce_2022.xml"
)

HEADER = """<Header>
    <CollectionDetails><Collection>CSWW</Collection><Year>2024</Year>
      <ReferenceDate>{reference}</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>970</LEA></Source>
  </Header>"""
VACANCIES = """<LALevelVacancies><NumberOfVacancies>4.5</NumberOfVacancies>
    <NoAgencyFTE>3.2</NoAgencyFTE><NoAgencyHeadcount>4</NoAgencyHeadcount></LALevelVacancies>"""


def worker(**fields: str) -> str:
    values = {"AgencyWorker": "0", "SWENo": "SW1", "FTE": "1"} | fields
    inner = "".join(f"<{k}>{v}</{k}>" for k, v in values.items() if v is not None)
    return f"<CSWWWorker>{inner}</CSWWWorker>"


def census(*workers: str, reference: str = "2024-09-30", vacancies: str = VACANCIES) -> bytes:
    body = HEADER.format(reference=reference) + vacancies + "".join(workers)
    return f'<?xml version="1.0" encoding="utf-8"?>\n<Message>{body}</Message>'.encode()


def parse(data: bytes):
    return parse_workforce_census(data, file_name="csww.xml")


def located(problems) -> list[tuple[str, str]]:
    return [(p.location, p.field) for p in problems]


@pytest.fixture(scope="module")
def sample():
    return parse_workforce_census(SAMPLE, file_name="social_work_workforce_2022.xml")


def test_sample_workers(sample):
    assert sample.ok, sample.errors
    assert sample.kind == "workforce_census"
    workers = sample.tables["workers"]
    assert {name: str(dtype) for name, dtype in workers.dtypes.items()} == {
        "swe_no": "string",
        "agency": "boolean",
        "fte": "Float64",
        "role_start_date": "datetime64[ns]",
        "role_end_date": "datetime64[ns]",
        "org_role": "string",
        "working_days_lost": "Float64",
        "cases_30": "Int64",
    }
    assert len(workers) == 30
    assert int(workers["agency"].sum()) == 18
    assert int((~workers["agency"]).sum()) == 12
    assert int(workers["role_end_date"].notna().sum()) == 13
    assert int(workers["cases_30"].notna().sum()) == 19
    first = workers.iloc[0]
    assert first["swe_no"] == "Oz2054309383"
    assert first["agency"]
    assert first["fte"] == pytest.approx(0.521371)
    assert first["role_start_date"] == pd.Timestamp("1988-04-07")
    assert pd.isna(first["role_end_date"])
    assert pd.isna(first["org_role"])
    assert first["working_days_lost"] == pytest.approx(15.31)
    assert first["cases_30"] == 72
    assert workers.iloc[1]["org_role"] == "2"


def test_sample_vacancies_and_meta(sample):
    vacancies = sample.tables["vacancies"]
    assert list(vacancies.columns) == [
        "reference_date", "vacancies_fte", "agency_fte", "agency_headcount"
    ]  # fmt: skip
    assert [str(t) for t in vacancies.dtypes] == ["datetime64[ns]", "Float64", "Float64", "Int64"]
    row = vacancies.iloc[0]
    assert row["reference_date"] == pd.Timestamp("2022-09-30")
    assert row["vacancies_fte"] == pytest.approx(79.68)
    assert row["agency_fte"] == pytest.approx(59.82)
    assert row["agency_headcount"] == 71
    assert sample.meta["collection_year"] == 2022
    assert sample.meta["la_code"] == "301"
    assert str(sample.meta["reference_date"]) == "2022-09-30"


def test_sample_dates_after_the_reference_date_are_warnings(sample):
    # The synthetic sample was generated on 2023-03-28, after its 2022-09-30 census date.
    assert len(sample.warnings) == 18
    assert all("after the census reference date" in p.reason for p in sample.warnings)
    assert sample.warnings[0].location == "/Message/CSWWWorker[3]/RoleEndDate"


def test_a_valid_hand_made_return_has_no_problems():
    result = parse(
        census(worker(RoleStartDate="2020-01-01", RoleEndDate="2024-06-30", Cases30="12"))
    )
    assert result.problems == []
    assert len(result.tables["workers"]) == 1


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"RoleStartDate": "2024-02-30"}, "/Message/CSWWWorker[2]/RoleStartDate"),
        ({"RoleEndDate": "next week"}, "/Message/CSWWWorker[2]/RoleEndDate"),
        ({"FTE": "-0.1"}, "/Message/CSWWWorker[2]/FTE"),
        ({"FTE": "full"}, "/Message/CSWWWorker[2]/FTE"),
        ({"WorkingDaysLost": "-3"}, "/Message/CSWWWorker[2]/WorkingDaysLost"),
        ({"Cases30": "2.5"}, "/Message/CSWWWorker[2]/Cases30"),
        ({"AgencyWorker": "Y"}, "/Message/CSWWWorker[2]/AgencyWorker"),
        ({"AgencyWorker": None}, "/Message/CSWWWorker[2]/AgencyWorker"),
        ({"SWENo": ""}, "/Message/CSWWWorker[2]/SWENo"),
        ({"RoleStartDate": "2024-05-02", "RoleEndDate": "2024-05-01"},
         "/Message/CSWWWorker[2]/RoleEndDate"),
    ],
)  # fmt: skip
def test_worker_errors_are_located_by_element_path(fields, path):
    result = parse(census(worker(SWENo="OK1"), worker(**({"SWENo": "BAD"} | fields))))
    assert [p.location for p in result.errors] == [path]
    assert list(result.tables["workers"]["swe_no"]) == ["OK1"]


def test_role_ending_the_day_it_starts_is_fine():
    result = parse(census(worker(RoleStartDate="2024-05-01", RoleEndDate="2024-05-01")))
    assert result.ok


def test_fte_above_one_and_a_half_is_a_warning():
    result = parse(census(worker(FTE="1.6")))
    assert result.ok
    assert located(result.warnings) == [("/Message/CSWWWorker[1]/FTE", "FTE")]


def test_repeated_social_worker_number_is_a_warning():
    result = parse(census(worker(), worker()))
    assert result.ok
    assert located(result.warnings) == [("/Message/CSWWWorker[2]/SWENo", "SWENo")]
    assert "CSWWWorker[1]" in result.warnings[0].reason


def test_agency_flag_spellings():
    result = parse(
        census(worker(SWENo="A", AgencyWorker="true"), worker(SWENo="B", AgencyWorker="false"))
    )
    assert list(result.tables["workers"]["agency"]) == [True, False]


def test_reference_date_not_30_september_is_a_warning():
    result = parse(census(worker(), reference="2024-03-31"))
    assert result.ok
    assert located(result.warnings) == [
        ("/Message/Header/CollectionDetails/ReferenceDate", "ReferenceDate")
    ]


def test_missing_reference_date_falls_back_to_the_year():
    data = census(worker()).replace(b"<ReferenceDate>2024-09-30</ReferenceDate>", b"")
    result = parse(data)
    assert result.ok
    assert result.tables["vacancies"].iloc[0]["reference_date"] == pd.Timestamp("2024-09-30")
    assert len(result.warnings) == 1


def test_bad_reference_date_is_an_error():
    result = parse(census(worker(), reference="30/09/24"))
    assert located(result.errors) == [
        ("/Message/Header/CollectionDetails/ReferenceDate", "ReferenceDate")
    ]


def test_other_collections_are_refused():
    result = parse(census(worker()).replace(b"<Collection>CSWW", b"<Collection>CIN"))
    path = "/Message/Header/CollectionDetails/Collection"
    assert located(result.errors) == [(path, "Collection")]


def test_no_vacancy_figures_is_a_warning_and_an_empty_table():
    result = parse(census(worker(), vacancies=""))
    assert result.ok
    assert located(result.warnings) == [("/Message/LALevelVacancies", "")]
    assert result.tables["vacancies"].empty


def test_bad_vacancy_figure_is_an_error():
    result = parse(census(worker(), vacancies=VACANCIES.replace("4.5", "lots")))
    assert located(result.errors) == [
        ("/Message/LALevelVacancies/NumberOfVacancies", "NumberOfVacancies")
    ]


def test_namespaced_elements_are_read_by_local_name():
    data = census(worker()).replace(b"<Message>", b'<Message xmlns="http://example.org/csww">')
    result = parse(data)
    assert result.ok, result.problems
    assert len(result.tables["workers"]) == 1


def test_root_must_be_message():
    result = parse(b"<CSWW><CSWWWorker/></CSWW>")
    assert located(result.errors) == [("/CSWW", "")]
    assert result.tables["workers"].empty


def test_malformed_xml_is_an_error():
    result = parse(census(worker())[:-20])
    assert not result.ok
    assert result.errors[0].reason.startswith("malformed XML")
    assert result.tables["workers"].empty


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE Message [<!ENTITY x "boom">]>',
        '<!DOCTYPE Message [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE Message SYSTEM "http://example.invalid/csww.dtd">',
        '<!DOCTYPE Message [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
        "]>",
    ],
)
def test_a_doctype_is_refused(doctype):
    body = census(worker(SWENo="&x;" if "ENTITY x" in doctype else "&d;")).decode()
    data = body.replace("<Message>", f"{doctype}\n<Message>", 1).encode()
    result = parse(data)
    assert located(result.errors) == [("/", "DOCTYPE")]
    assert result.tables["workers"].empty
    assert result.tables["vacancies"].empty


def test_streams_a_large_return_from_a_path_or_file(tmp_path):
    workers = [worker(SWENo=f"SW{i}", FTE="0.5", Cases30=str(i % 30)) for i in range(5000)]
    data = census(*workers)
    path = tmp_path / "csww.xml"
    path.write_bytes(data)
    for source in (path, str(path), io.BytesIO(data)):
        result = parse_workforce_census(source, file_name="csww.xml")
        assert result.ok
        assert len(result.tables["workers"]) == 5000
        assert result.tables["workers"]["fte"].sum() == pytest.approx(2500)


xml_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    max_size=20,
)


@settings(max_examples=50, deadline=None)
@given(xml_text)
def test_garbage_in_a_date_or_flag_gives_an_error_never_an_exception(text):
    value = escape(text)
    for fields in ({"RoleStartDate": value}, {"AgencyWorker": value}):
        result = parse(census(worker(**fields)))
        assert result.ok == (len(result.tables["workers"]) == 1)
        if not result.ok:
            assert result.errors[0].location.startswith("/Message/CSWWWorker[1]/")
