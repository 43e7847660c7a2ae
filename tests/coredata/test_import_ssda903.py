"""Importing SSDA903 returns: plain returns with a year, stacked extracts, refusals."""

from pathlib import Path

import pytest

from coredata.models import CareEpisode, CareLeaverReturn, Child, ImportRun
from organisation.models import Organisation
from tests.coredata.helpers import problems, run_import, snapshot

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "external"
HEADER = (
    "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nK1,1,01/02/2010,WBRI,,,\nK2,2,03/04/2012,WBRI,,,\n"
)
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
    "PL_POST,URN\n"
    "K1,01/05/2023,S,C2,N1,U4,PR1,01/09/2023,X1,,,,\n"
    "K1,01/09/2023,P,C2,N1,U6,PR4,,,CARPL,,,\n"
    "K2,10/06/2023,S,V2,N4,U1,PR1,20/02/2024,E4A,,,,\n"
)
OC3 = "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\nK9,01/06/2005,YES,F2,U1\n"


@pytest.fixture
def organisation(db: None) -> Organisation:
    return Organisation.objects.create(name="Bromley", la_code="305")


def test_a_return_imports_with_its_year(organisation: Organisation) -> None:
    run = run_import(
        organisation,
        {"header.csv": HEADER, "episodes.csv": EPISODES, "oc3.csv": OC3},
        collection_year=2024,
    )
    assert run.status == ImportRun.Status.SUCCEEDED, problems(run)
    assert run.counts == {"children": 2, "care_episodes": 3, "care_leaver_returns": 1}
    assert set(CareEpisode.objects.values_list("collection_year", flat=True)) == {2024}
    k1 = Child.objects.get(child_id="K1")
    assert (k1.birth_date_903.isoformat(), k1.sex) == ("2010-02-01", "M")
    assert CareLeaverReturn.objects.get().in_touch == "YES"


def test_without_a_year_the_latest_date_decides_it(organisation: Organisation) -> None:
    run = run_import(organisation, {"episodes.csv": EPISODES})
    assert run.status == ImportRun.Status.SUCCEEDED, problems(run)
    # The latest date is 20 February 2024: the year to 31 March 2024.
    assert set(CareEpisode.objects.values_list("collection_year", flat=True)) == {2024}


def test_reimporting_and_replacing_a_year(organisation: Organisation) -> None:
    run_import(organisation, {"episodes.csv": EPISODES}, collection_year=2024)
    before = snapshot()
    run_import(organisation, {"episodes-again.csv": EPISODES}, collection_year=2024)
    assert snapshot() == before
    corrected = EPISODES.replace("K2,10/06/2023,S,V2", "K2,11/06/2023,S,C2")
    run_import(organisation, {"episodes-v2.csv": corrected}, collection_year=2024)
    k2 = CareEpisode.objects.get(child__child_id="K2")
    assert (k2.decom.isoformat(), k2.legal_status) == ("2023-06-11", "C2")
    assert CareEpisode.objects.count() == 3


def test_the_validator_sample_with_overlapping_episodes_is_refused(
    organisation: Organisation,
) -> None:
    path = SAMPLES / "csc-validator-be-903" / "episodes.csv"
    run = run_import(organisation, {path.name: path.read_bytes()}, collection_year=2018)
    assert run.status == ImportRun.Status.FAILED
    assert run.error_count == 82
    assert not CareEpisode.objects.exists()


def test_a_stacked_extract_keeps_our_rows_and_years(organisation: Organisation) -> None:
    folder = SAMPLES / "cs-demand-model-regional"
    files = {name: (folder / name).read_bytes() for name in ("header.csv", "episodes.csv")}
    run = run_import(organisation, files)
    assert run.status == ImportRun.Status.SUCCEEDED, problems(run)
    years = set(CareEpisode.objects.values_list("collection_year", flat=True))
    # The sample labels returns by their first year (2017 = 2017-18): stored as 2018...
    assert years == {2018, 2019, 2020, 2021, 2022}
    assert any("first year" in p.reason for p in run.problems.all())
    # ... and only Bromley's rows are kept.
    bromley_rows = sum(
        1 for line in files["episodes.csv"].decode().splitlines() if ",Bromley," in line
    )
    assert CareEpisode.objects.count() == bromley_rows


def test_an_extract_without_our_rows_is_refused(db: None) -> None:
    organisation = Organisation.objects.create(name="Camden", la_code="202")
    path = SAMPLES / "cs-demand-model-regional" / "episodes.csv"
    run = run_import(organisation, {path.name: path.read_bytes()})
    assert run.status == ImportRun.Status.FAILED
    assert problems(run)[0][3] == "LA"


def test_reimporting_a_return_of_several_tables_changes_nothing(
    organisation: Organisation,
) -> None:
    files = {"header.csv": HEADER, "episodes.csv": EPISODES, "oc3.csv": OC3}
    run_import(organisation, files, collection_year=2024)
    before = snapshot()
    again = run_import(organisation, files, collection_year=2024)
    assert again.counts == {}
    assert again.warning_count == 3
    assert snapshot() == before


def test_stacked_returns_read_back_stitched(organisation: Organisation) -> None:
    from coredata.frames import care_episodes_frame
    from coredata.parsers.ssda903_clean import overlapping_episodes

    folder = SAMPLES / "cs-demand-model-regional"
    run_import(organisation, {"episodes.csv": (folder / "episodes.csv").read_bytes()})
    stored = CareEpisode.objects.count()
    stitched = care_episodes_frame(organisation=organisation)
    assert 0 < len(stitched) < stored
    assert overlapping_episodes(stitched).empty
    assert not stitched.duplicated(["child_id", "decom"]).any()


def test_an_open_episode_is_closed_by_the_next_years_return(
    organisation: Organisation,
) -> None:
    from coredata.frames import care_episodes_frame

    older = EPISODES  # K1's second episode (from 1 September 2023) is open
    newer = (
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
        "PL_POST,URN\nK1,01/02/2025,S,C2,N1,U4,PR1,,,,,,\n"
    )
    run_import(organisation, {"episodes.csv": older}, collection_year=2024)
    run_import(organisation, {"episodes.csv": newer}, collection_year=2025)
    k1 = care_episodes_frame(organisation=organisation, child_ids=["K1"])
    closed = k1[k1["decom"] == "2023-09-01"].iloc[0]
    # The next episode starts a new period of care (RNE S): closed the day before, E99.
    assert (closed["dec"].date().isoformat(), closed["rec"]) == ("2025-01-31", "E99")
