"""Importing the workforce census, Annex A and population files."""

from pathlib import Path

import pytest

from coredata.models import (
    AllocationSnapshot,
    EarlyHelpEpisode,
    ImportRun,
    Population,
    Visit,
    WorkforceCensusVacancies,
    WorkforceCensusWorker,
)
from organisation.models import Organisation
from tests.coredata.helpers import problems, run_import, snapshot

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "external"


def test_the_workforce_census_sample_imports_and_replaces_its_year(db: None) -> None:
    organisation = Organisation.objects.create(name="Sample LA", la_code="301")
    path = SAMPLES / "liia-tools" / "social_work_workforce_2022.xml"
    run = run_import(organisation, {path.name: path.read_bytes()})
    assert run.status == ImportRun.Status.SUCCEEDED, problems(run)
    assert run.files[0]["kind"] == "workforce_census"
    assert WorkforceCensusWorker.objects.count() == 30
    assert WorkforceCensusWorker.objects.filter(agency=True).count() == 18
    vacancies = WorkforceCensusVacancies.objects.get()
    assert (vacancies.collection_year, str(vacancies.vacancies_fte)) == (2022, "79.68")
    before = snapshot()
    again = run_import(organisation, {"copy.xml": path.read_bytes()})
    assert again.status == ImportRun.Status.SUCCEEDED
    assert snapshot() == before


def test_a_workforce_census_of_another_la_is_refused(db: None) -> None:
    organisation = Organisation.objects.create(name="Elsewhere", la_code="302")
    path = SAMPLES / "liia-tools" / "social_work_workforce_2022.xml"
    run = run_import(organisation, {path.name: path.read_bytes()})
    assert run.status == ImportRun.Status.FAILED
    assert not WorkforceCensusWorker.objects.exists()


def test_annex_a_gives_early_help_and_visits(db: None) -> None:
    organisation = Organisation.objects.create(name="Sample LA", la_code="301")
    path = SAMPLES / "liia-tools" / "Annex_A.xlsx"
    run = run_import(organisation, {path.name: path.read_bytes()})
    assert run.status == ImportRun.Status.SUCCEEDED, problems(run)
    assert run.files[0]["kind"] == "annex_a"
    assert EarlyHelpEpisode.objects.count() == run.counts["early_help_episodes"] == 5
    assert Visit.objects.count() == run.counts["visits"] > 0
    snapshots = AllocationSnapshot.objects.all()
    assert snapshots.count() == run.counts["allocation_snapshots"] == 39
    assert {s.as_at.isoformat() for s in snapshots} == {"2021-03-15"}
    first = snapshots.get(child__child_id="6537810", list_name="List 3")
    assert (first.team_name, first.worker_name, first.team) == (
        "Multi Agency Safeguarding Hub",
        "Dustin Hazlett",
        None,
    )
    assert any(p[3] == "worker_name" for p in problems(run))


def test_annex_a_links_known_teams_and_workers(db: None) -> None:
    organisation = Organisation.objects.create(name="Sample LA", la_code="301")
    teams = "team_code,team_name,service_code,service_name\nM1,Multi Agency Safeguarding Hub,A,A\n"
    staff = (
        "worker_id,name,team_code,fte,start_date,end_date,agency,case_holding\n"
        "W1,Dustin Hazlett,M1,1,2019-01-01,,N,Y\n"
    )
    assert run_import(organisation, {"teams.csv": teams, "staff.csv": staff}).status == "succeeded"
    path = SAMPLES / "liia-tools" / "Annex_A.xlsx"
    run_import(organisation, {path.name: path.read_bytes()})
    first = AllocationSnapshot.objects.get(child__child_id="6537810", list_name="List 3")
    assert (first.team.code, first.worker.worker_id) == ("M1", "W1")


@pytest.mark.parametrize("area", ["", "E06000047"])
def test_ons_population_is_taken_for_the_organisations_area(db: None, area: str) -> None:
    organisation = Organisation.objects.create(
        name="County Durham", la_code="840", ons_area_code=area
    )
    path = SAMPLES / "ons-mye2-mid2023-excerpt" / "mye2_persons_mid2023_age0_17_excerpt.csv"
    run = run_import(organisation, {path.name: path.read_bytes()}, kind="ons_mye2")
    if not area:
        assert run.status == ImportRun.Status.FAILED
        assert problems(run)[0][3] == "area_code"
        return
    assert run.status == ImportRun.Status.SUCCEEDED, problems(run)
    population = Population.objects.get()
    assert (population.area_code, population.year, population.population_0_17) == (
        "E06000047",
        2023,
        99629,
    )
