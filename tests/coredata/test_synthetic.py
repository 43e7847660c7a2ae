"""The synthetic data generator: reproducible, accepted by every parser and by the import
service, coherent, and close to the national figures it aims at."""

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from coredata.models import Child, ImportRun, Referral
from coredata.parsers.cin_census import parse_cin_census
from coredata.parsers.local_files import parse_local_file
from coredata.parsers.ssda903 import parse_ssda903_csv
from coredata.synthetic import SyntheticData, generate, write_files
from coredata.synthetic.calendar import NONE, day, reference_day, year_start
from coredata.synthetic.measures import year_figures
from organisation.models import Organisation
from tests.coredata.helpers import problems, run_import

TEAMS = [
    ("N01", "Assessment North", "N", "North locality"),
    ("N02", "Child in Need North", "N", "North locality"),
    ("N03", "Child Protection North", "N", "North locality"),
    ("S01", "Assessment South", "S", "South locality"),
    ("S02", "Family Support South", "S", "South locality"),
    ("S03", "Children in Care", "S", "South locality"),
    ("S04", "Leaving Care", "S", "South locality"),
]
START = date(2021, 4, 1)
YEARS = [2022, 2023, 2024]


def _small(seed: int = 11) -> SyntheticData:
    return generate(
        la_code="970",
        teams=TEAMS,
        workers=None,
        start=START,
        years=3,
        referrals_per_year=300,
        seed=seed,
    )


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[SyntheticData, Path, list[Path]]:
    data = _small()
    folder = tmp_path_factory.mktemp("synthetic")
    return data, folder, write_files(data, folder)


@pytest.fixture(scope="module")
def medium() -> SyntheticData:
    """Large enough for shares to be stable (about 3,000 referrals a year)."""
    return generate(
        la_code="970",
        teams=TEAMS,
        workers=None,
        start=START,
        years=3,
        referrals_per_year=3000,
        seed=5,
    )


def _contents(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.*"))}


def test_the_same_seed_writes_byte_identical_files(small: Any, tmp_path: Path) -> None:
    _, folder, _ = small
    write_files(_small(), tmp_path)
    assert _contents(tmp_path) == _contents(folder)


def test_another_seed_writes_other_files(small: Any, tmp_path: Path) -> None:
    _, folder, _ = small
    write_files(_small(seed=12), tmp_path)
    mine, theirs = _contents(folder), _contents(tmp_path)
    assert mine.keys() == theirs.keys()
    assert mine["cin_census_2024.xml"] != theirs["cin_census_2024.xml"]
    assert mine["allocations.csv"] != theirs["allocations.csv"]


def test_the_files_written_are_the_returns_and_local_files(small: Any) -> None:
    _, folder, paths = small
    names = [str(p.relative_to(folder)) for p in paths]
    assert names[:2] == ["teams.csv", "staff.csv"]
    assert [n for n in names if n.endswith(".xml")] == [f"cin_census_{y}.xml" for y in YEARS]
    for year in YEARS:
        assert {f"ssda903_{year}/{t}.csv" for t in ("header", "episodes", "oc3")} <= set(names)
    local = {"sickness", "vacancies", "allocations", "early_help", "visits", "population"}
    assert {f"{name}.csv" for name in local} <= set(names)


def test_every_file_parses_without_any_problem(small: Any) -> None:
    _, folder, paths = small
    for path in paths:
        if path.suffix == ".xml":
            result = parse_cin_census(path, file_name=path.name)
            year = int(path.stem[-4:])
            assert result.meta == {
                "collection_year": year,
                "la_code": "970",
                "reference_date": date(year, 3, 31),
            }
        elif path.parent != folder:
            result = parse_ssda903_csv(path, file_name=path.name)
        else:
            result = parse_local_file(path, file_name=path.name)
        assert result.problems == [], (path.name, result.problems[:3])


def test_the_census_layout_follows_the_year(small: Any, tmp_path: Path) -> None:
    _, folder, _ = small
    before = (folder / "cin_census_2024.xml").read_text()
    assert "<GenderCurrent>" in before
    assert "<Sex>" not in before
    data = generate(
        la_code="970",
        teams=TEAMS,
        workers=None,
        start=date(2024, 4, 1),
        years=1,
        referrals_per_year=100,
        seed=3,
    )
    written = write_files(data, tmp_path)
    assert [p.name for p in written if p.suffix == ".xml"] == ["cin_census_2025.xml"]
    after = (tmp_path / "cin_census_2025.xml").read_text()
    assert "<Sex>" in after
    assert "<GenderCurrent>" not in after


def test_proportions_are_near_the_national_figures(medium: SyntheticData) -> None:
    population = int(medium.population["population"].iloc[0])
    figures = year_figures(medium.history, 2024, population)
    assert 2700 <= figures["referrals"] <= 3300
    assert 4 <= figures["nfa_pct"] <= 9
    assert 25 <= figures["not_in_need_pct"] <= 36
    assert 15 <= figures["rereferral_pct"] <= 30
    assert 0.30 <= figures["s47_per_referral"] <= 0.45
    assert 0.25 <= figures["icpc_per_s47"] <= 0.37
    assert 0.78 <= figures["cp_per_icpc"] <= 0.93
    assert 250 <= figures["cin_rate"] <= 420
    assert 30 <= figures["cp_rate"] <= 60
    assert 45 <= figures["lac_rate"] <= 95
    assert 10 <= figures["cp_ended_3m_pct"] <= 22
    assert 36 <= figures["cp_ended_1y_pct"] <= 51
    assert 1 <= figures["cp_ended_2y+_pct"] <= 9


def test_the_histories_use_the_codes_the_brief_lists(medium: SyntheticData) -> None:
    refs = medium.history.referrals
    recent = refs["closure_date"] >= day(date(2022, 4, 1))
    assert set(refs.loc[refs["closure_reason"] == "RC9", "closure_date"])
    assert recent[refs["closure_reason"] == "RC9"].all()
    assert (refs.loc[refs["source"] == "5D", "referral_date"] >= day(date(2022, 4, 1))).all()
    assert set(refs["source"]) >= {"1A", "2A", "3E", "5D", "6", "10"}
    episodes = medium.history.care_episodes
    assert set(episodes["rne"]) == {"S", "P", "T", "L", "B", "U"}
    assert {"E11", "E12", "E45", "E47", "E4A", "E17", "X1"} <= set(episodes["rec"])
    assert {"V3", "V4", "C1", "C2", "E1", "V2"} <= set(episodes["ls"])
    assert {"PR0", "PR1", "PR4"} <= set(episodes["provider"])
    assert set(medium.history.oc3["in_touch"]) >= {"YES", "NO"}
    previous = refs.loc[refs["cp_start"] != NONE, "cp_previous"]
    assert 0.08 <= (previous > 0).mean() <= 0.4


def test_each_return_holds_the_episodes_open_in_its_year(medium: SyntheticData) -> None:
    for year in YEARS:
        first, last = year_start(year), reference_day(year)
        cin = medium.cin_census(year)
        refs = cin["referrals"]
        assert ((refs["closure_date"] == NONE) | (refs["closure_date"] >= first)).all()
        for table in ("referrals", "assessments", "cin_plans", "section47", "cp_plans"):
            frame = cin[table]
            dates = frame.select_dtypes("int64").drop(
                columns=["child", "previous", "target"], errors="ignore"
            )
            assert (dates.to_numpy() <= last).all(), table
        assert (refs.loc[refs["closure_reason"] == "RC9"].shape[0] == 0) == (year < 2023)
        open_ = refs[(refs["closure_date"] == NONE) & ~refs["nfa"]]
        assert not open_["child"].duplicated().any()
        care = medium.ssda903(year)["episodes"]
        assert ((care["dec"] == NONE) | (care["dec"] >= first)).all()
        assert (care["decom"] <= last).all()
        assert (care["dec"] <= last).all()


def test_open_plans_are_allocated_without_overlaps(medium: SyntheticData) -> None:
    alloc = medium.allocations.sort_values(["child", "start"])
    same_child = alloc["child"].eq(alloc["child"].shift())
    previous_end = alloc["end"].shift()
    assert (previous_end[same_child] != NONE).all()
    assert (alloc["start"][same_child] > previous_end[same_child]).all()
    handovers = same_child & alloc["start"].eq(previous_end + 1)
    assert handovers.sum() > 0.2 * same_child.sum()
    refs = medium.history.referrals
    for year in YEARS:
        when = reference_day(year) - 40
        open_ = refs[
            ~refs["nfa"]
            & (refs["referral_date"] <= when)
            & ((refs["closure_date"] == NONE) | (refs["closure_date"] > when))
        ]
        held = alloc[(alloc["start"] <= when) & ((alloc["end"] == NONE) | (alloc["end"] >= when))]
        assert set(open_["child"]) <= set(held["child"])
        holders = medium.staff[medium.staff["case_holding"]]
        assert set(held["worker_id"]) <= set(holders["worker_id"])


def test_the_workforce_has_moves_leavers_agency_and_part_timers(medium: SyntheticData) -> None:
    staff = medium.staff
    rows = staff.groupby("worker_id").size()
    movers = staff[staff["worker_id"].isin(rows[rows > 1].index)].sort_values(
        ["worker_id", "start"]
    )
    assert len(movers) > 0
    ends = movers.groupby("worker_id")["end"].first()
    starts = movers.groupby("worker_id")["start"].nth(1)
    assert (ends.to_numpy() + 1 == starts.to_numpy()).all()
    assert (staff["end"] != NONE).any()
    assert staff["agency"].any()
    assert not staff["agency"].all()
    assert staff["fte"].between(0.5, 1.0).all()
    assert (staff["fte"] < 1).any()
    assert staff["case_holding"].any()
    assert not staff["case_holding"].all()
    assert len(medium.sickness) > 0
    assert len(medium.vacancies) > 0


def test_given_workers_keep_their_ids_and_the_first_of_a_team_manages(tmp_path: Path) -> None:
    workers = [("W0001", "Ann Manager", "N01"), ("W0002", "Bo Worker", "N01"),
               ("W0003", "Cy Worker", "S03")]  # fmt: skip
    data = generate(la_code="970", teams=TEAMS, workers=workers, start=START, years=2,
                    referrals_per_year=400, seed=4)  # fmt: skip
    staff = data.staff
    first_rows = staff.sort_values("start").groupby("worker_id").first()
    assert first_rows.loc["W0001", "name"] == "Ann Manager"
    assert not first_rows.loc["W0001", "case_holding"]
    assert first_rows.loc["W0002", "case_holding"]
    assert first_rows.loc["W0003", "case_holding"]
    assert staff["worker_id"].notna().all()
    assert (staff["worker_id"] != "").all()
    made = staff.loc[~staff["worker_id"].isin(["W0001", "W0002", "W0003"]), "worker_id"]
    assert made.str.fullmatch(r"W1\d{4}").all()
    assert set(staff["team_code"]) == {code for code, _, _, _ in TEAMS}
    for path in write_files(data, tmp_path):
        if path.parent == tmp_path and path.suffix == ".csv":
            assert parse_local_file(path, file_name=path.name).problems == [], path.name


def test_visits_follow_the_plans_and_some_are_missed(medium: SyntheticData) -> None:
    visits = medium.visits
    assert not visits.duplicated(["child", "visit_date"]).any()
    assert 0.02 <= (visits["seen"] == "N").mean() <= 0.1
    gaps = visits.sort_values(["child", "visit_date"]).groupby("child")["visit_date"].diff()
    assert 10 <= gaps.median() <= 45


def test_early_help_follows_some_rc9_closures(medium: SyntheticData) -> None:
    refs = medium.history.referrals
    rc9 = refs[refs["closure_reason"] == "RC9"]
    help_ = medium.early_help.merge(rc9[["child", "closure_date"]], on="child")
    after = help_[
        (help_["start"] > help_["closure_date"]) & (help_["start"] <= help_["closure_date"] + 30)
    ]
    assert after["child"].nunique() > 0.4 * rc9["child"].nunique()


def _files(folder: Path, names: list[str]) -> dict[str, str | bytes]:
    return {Path(name).name: (folder / name).read_bytes() for name in names}


@pytest.mark.django_db
def test_the_whole_folder_imports_with_no_errors(small: Any, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    data, folder, _ = small
    organisation = Organisation.objects.create(name="Demoshire", la_code="970")

    def load(names: list[str], **options: Any) -> dict[str, int]:
        run = run_import(organisation, _files(folder, names), **options)
        assert run.status == ImportRun.Status.SUCCEEDED, problems(run)[:5]
        assert run.error_count == 0, problems(run)[:5]
        assert run.warning_count == 0, problems(run)[:5]
        return run.counts

    staff = data.staff
    assert load(["teams.csv", "staff.csv"]) == {
        "services": 2,
        "teams": len(TEAMS),
        "staff": staff["worker_id"].nunique(),
        "staff_records": len(staff),
    }
    returns = [data.cin_census(year) for year in YEARS]
    expected = {
        name: sum(len(r[name]) for r in returns)
        for name in ("referrals", "assessments", "section47", "cin_plans", "cp_plans", "children")
    }
    assert load([f"cin_census_{y}.xml" for y in YEARS]) == expected
    assert Referral.objects.count() == expected["referrals"]
    for year in YEARS:
        tables = data.ssda903(year)
        counts = load(
            [f"ssda903_{year}/{t}.csv" for t in ("header", "episodes", "oc3")], collection_year=year
        )
        assert counts == {
            "children": len(tables["header"]),
            "care_episodes": len(tables["episodes"]),
            "care_leaver_returns": len(tables["oc3"]),
        }
    rest = [
        "allocations.csv",
        "early_help.csv",
        "visits.csv",
        "sickness.csv",
        "vacancies.csv",
        "population.csv",
    ]
    assert load(rest) == {
        "allocations": len(data.allocations),
        "early_help_episodes": len(data.early_help),
        "visits": len(data.visits),
        "sickness_absences": len(data.sickness),
        "vacancies": len(data.vacancies),
        "population": len(data.population),
    }
    everyone = set(
        data.child_ids[
            np.concatenate(
                [
                    *(r["children"]["child"].to_numpy() for r in returns),
                    *(data.ssda903(y)["header"]["child"].to_numpy() for y in YEARS),
                    data.allocations["child"].to_numpy(),
                    data.early_help["child"].to_numpy(),
                    data.visits["child"].to_numpy(),
                ]
            )
        ]
    )
    assert Child.objects.filter(organisation=organisation).count() == len(everyone)


def test_a_childs_overlapping_allocations_are_made_consecutive() -> None:
    import pandas as pd

    from coredata.synthetic.casework import _without_overlaps

    frame = pd.DataFrame(
        {"child": [1, 1, 1, 2], "worker_id": ["W1", "W2", "W3", "W1"],
         "team_code": ["T1", "T2", "T2", "T1"], "start": [10, 15, 18, 12],
         "end": [20, 30, 19, 14]}
    )  # fmt: skip
    cleaned = _without_overlaps(frame)
    assert cleaned[["child", "start", "end"]].to_numpy().tolist() == [
        [1, 10, 20], [1, 21, 30], [2, 12, 14],
    ]  # fmt: skip
