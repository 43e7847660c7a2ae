"""The results API, the downloads and the national arithmetic."""

from io import BytesIO, StringIO
from typing import Any

import pandas as pd
import pytest
from django.core.management import call_command
from django.test import Client

from coredata.indicators.results import PCT, RATE_10K, share_rows
from coredata.models import RefreshRun, UnitResults
from tests.conftest import World

RESULTS = {
    "indicator": ["A1", "A1", "O1"],
    "breakdown": ["", "", ""],
    "period_start": ["2024-04-01", "2024-04-01", "2024-04-01"],
    "period_end": ["2025-03-31", "2024-04-30", "2025-03-31"],
    "numerator": [12.0, 3.0, 2.0],
    "denominator": [None, None, 12.0],
    "value": [12.0, 3.0, 16.666666666666668],
}


@pytest.fixture
def refreshed(world: World) -> RefreshRun:
    run = RefreshRun.objects.create(organisation=world.organisation, status="succeeded")
    for unit_type, code in (("organisation", "901"), ("team", "N1"), ("team", "N2")):
        UnitResults.objects.create(run=run, unit_type=unit_type, unit_code=code, results=RESULTS)
    return run


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_definitions_list_every_indicator_with_its_definition(world: World) -> None:
    definitions = _client(world.practitioner).get("/api/v1/indicators/").json()
    codes = [d["code"] for d in definitions]
    assert codes == sorted(codes)
    assert {"A1", "P1", "O2", "W5"} <= set(codes)
    a1 = next(d for d in definitions if d["code"] == "A1")
    assert (a1["unit"], a1["group"]) == ("count", "activity")
    assert "referral date" in a1["definition"]


def test_a_team_manager_reads_their_teams_results(world: World, refreshed: RefreshRun) -> None:
    body = (
        _client(world.team_manager)
        .get(
            "/api/v1/results/", {"unit_type": "team", "unit_code": "N1", "period_end": "2025-03-31"}
        )
        .json()
    )
    assert [(r["indicator"], r["numerator"], r["value"]) for r in body["results"]] == [
        ("A1", 12.0, 12.0),
        ("O1", 2.0, 16.666666666666668),
    ]
    assert body["results"][0]["denominator"] is None


@pytest.mark.parametrize(
    ("persona", "unit_type", "code", "status"),
    [
        ("team_manager", "team", "N2", 404),
        ("practitioner", "team", "N1", 404),
        ("other_organisation_admin", "team", "N2", 404),
        ("qa_lead", "organisation", "901", 200),
        ("team_manager", "organisation", "901", 200),
        ("practitioner", "organisation", "901", 404),
        ("qa_lead", "unallocated", "901", 200),
        ("team_manager", "unallocated", "901", 404),
    ],
)
def test_results_follow_the_pages_visibility(
    world: World, refreshed: RefreshRun, persona: str, unit_type: str, code: str, status: int
) -> None:
    response = _client(getattr(world, persona)).get(
        "/api/v1/results/", {"unit_type": unit_type, "unit_code": code}
    )
    assert response.status_code == status


def test_a_unit_downloads_as_csv_xlsx_and_for_publication(
    world: World, refreshed: RefreshRun
) -> None:
    client = _client(world.team_manager)
    query = {"unit_type": "team", "unit_code": "N1", "period_end": "2025-03-31"}
    csv = client.get("/core-data/download/", query)
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    lines = csv.content.decode().splitlines()
    assert lines[1] == "team,N1,A1,,2024-04-01,2025-03-31,12.0,,12.0"
    published = client.get("/core-data/download/", {**query, "publication": "1"})
    assert published.content.decode().splitlines()[2].endswith(",c,12.0,c")
    xlsx = client.get("/core-data/download/", {**query, "format": "xlsx"})
    assert pd.read_excel(BytesIO(xlsx.content))["numerator"].tolist() == [12, 2]
    assert (
        client.get("/core-data/download/", {"unit_type": "team", "unit_code": "N2"}).status_code
        == 404
    )


def test_the_command_exports_one_kind_of_period(world: World, refreshed: RefreshRun) -> None:
    out = StringIO()
    call_command("export_indicators", "--organisation", "901", "--unit-type", "team",
                 "--period-type", "month", stdout=out)  # fmt: skip
    rows = out.getvalue().splitlines()[1:]
    assert rows == [
        "team,N1,A1,,2024-04-01,2024-04-30,3.0,,3.0",
        "team,N2,A1,,2024-04-01,2024-04-30,3.0,,3.0",
    ]


@pytest.mark.parametrize(
    ("numerator", "denominator", "scale", "published"),
    [
        # DATA-FORMATS.md §1.5 and §3: DfE's published national figures, recomputed by
        # the engine's own share function.
        (399_460, 11_998_646, RATE_10K, 332.9),  # children in need per 10,000, 2024
        (83_630, 11_998_646, RATE_10K, 69.7),  # children looked after per 10,000, 2024
        (2_710, 62_300, PCT, 4.4),  # CP plans ended lasting 2 years or more, 2025
        (142_900, 632_830, PCT, 22.6),  # re-referrals, 2025
        (4_276.3, 36_186.3, PCT, 11.8),  # social worker turnover, 2025
        (5_965.4, 42_151.7, PCT, 14.2),  # vacancy rate, 2025
        (5_415.9, 41_602.2, PCT, 13.0),  # agency rate, 2025
        (322_786.3, 36_186.3 * 253, PCT, 3.5),  # sickness absence, 2025
    ],
)
def test_the_engine_reproduces_dfe_national_arithmetic(
    numerator: float, denominator: float, scale: float, published: float
) -> None:
    keys = {"unit_type": ["organisation"], "unit_code": ["E92000001"],
            "period_start": [pd.Timestamp("2024-04-01")],
            "period_end": [pd.Timestamp("2025-03-31")]}  # fmt: skip
    rows = share_rows(
        pd.DataFrame({**keys, "numerator": [numerator]}),
        pd.DataFrame({**keys, "denominator": [denominator]}),
        indicator="X",
        scale=scale,
    )
    # DfE publishes counts rounded to the nearest 10 and computes percentages from the
    # unrounded ones: 2,710 / 62,300 is 4.35 from the rounded counts, published as 4.4.
    assert abs(float(rows["value"].iloc[0]) - published) <= 0.06
