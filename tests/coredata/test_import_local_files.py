"""Importing the authority's local files: all or nothing, idempotent, checked against
the database."""

from datetime import date

import pytest

from coredata.models import Allocation, Child, ImportRun, StaffRecord, Visit
from organisation.models import Organisation, StaffMember, TeamMembership
from tests.coredata.helpers import problems, run_import, snapshot

TEAMS = """team_code,team_name,service_code,service_name
N01,Assessment North,N,North locality
N02,Child in Need North,N,North locality
"""
STAFF = """worker_id,name,team_code,fte,start_date,end_date,agency,case_holding
W1,Pat Example,N01,1.0,2022-04-01,2023-08-31,N,Y
W1,Pat Example,N02,0.8,2023-09-01,,N,Y
W2,Sam Example,N01,1,01/01/2021,,Y,Y
"""
ALLOCATIONS = """child_id,worker_id,team_code,start_date,end_date
C1,W1,N01,2023-01-01,2023-08-31
C1,W2,N01,2023-09-01,
C2,W1,N02,2024-01-01,
"""


@pytest.fixture
def organisation(db: None) -> Organisation:
    return Organisation.objects.create(name="Testshire", la_code="901")


def _load_basics(organisation: Organisation) -> ImportRun:
    run = run_import(
        organisation,
        {"teams.csv": TEAMS, "staff.csv": STAFF, "allocations.csv": ALLOCATIONS},
    )
    assert run.status == ImportRun.Status.SUCCEEDED, problems(run)
    return run


def test_teams_staff_and_allocations_import_together(organisation: Organisation) -> None:
    run = _load_basics(organisation)
    assert run.counts == {
        "services": 1, "teams": 2, "staff": 2, "staff_records": 3, "allocations": 3,
    }  # fmt: skip
    assert len(run.files[0]["checksum"]) == 64
    assert run.duration_seconds is not None
    assert Child.objects.filter(organisation=organisation).count() == 2
    assert len(Child.objects.get(child_id="C1").pseudonym) == 24


def test_staff_rows_become_the_team_history(organisation: Organisation) -> None:
    _load_basics(organisation)
    pat = StaffMember.objects.get(worker_id="W1")
    history = TeamMembership.objects.filter(staff=pat).order_by("start_date")
    assert [(m.team.code, m.start_date, m.end_date) for m in history] == [
        ("N01", date(2022, 4, 1), date(2023, 8, 31)),
        ("N02", date(2023, 9, 1), None),
    ]


def test_importing_the_same_files_again_changes_nothing(organisation: Organisation) -> None:
    _load_basics(organisation)
    before = snapshot()
    again = _load_basics(organisation)
    assert snapshot() == before
    assert again.counts == {}
    assert again.warning_count == 3


def test_an_error_in_the_last_row_leaves_the_database_unchanged(
    organisation: Organisation,
) -> None:
    _load_basics(organisation)
    before = snapshot()
    visits = "child_id,visit_date,seen,seen_alone\nC1,2024-01-02,Y,N\nC9,2024-01-03,Y,N\n"
    bad_allocations = ALLOCATIONS.replace("C2,W1,N02,2024-01-01,", "C3,W1,N02,2024-01-01,") + (
        "C4,W404,N01,2024-02-01,\n"
    )
    run = run_import(organisation, {"visits.csv": visits, "allocations.csv": bad_allocations})
    assert run.status == ImportRun.Status.FAILED
    assert problems(run) == [("error", "allocations.csv", "row 5", "worker_id", "W404")]
    assert snapshot() == before
    assert not Visit.objects.exists()


def test_an_allocation_overlapping_one_already_held_is_refused(
    organisation: Organisation,
) -> None:
    _load_basics(organisation)
    overlap = "child_id,worker_id,team_code,start_date,end_date\nC2,W2,N01,2024-06-01,\n"
    run = run_import(organisation, {"allocations.csv": overlap})
    assert run.status == ImportRun.Status.FAILED
    error = run.problems.get()
    assert (error.location, error.field, error.value) == ("row 2", "start_date", "2024-06-01")
    assert "must not overlap" in error.reason
    assert Allocation.objects.count() == 3


def test_a_handover_the_next_day_is_accepted(organisation: Organisation) -> None:
    _load_basics(organisation)
    handover = (
        "child_id,worker_id,team_code,start_date,end_date\n"
        "C2,W1,N02,2024-01-01,2024-05-31\nC2,W2,N01,2024-06-01,\n"
    )
    run = run_import(organisation, {"allocations.csv": handover})
    assert run.status == ImportRun.Status.SUCCEEDED, problems(run)
    assert Allocation.objects.filter(child__child_id="C2").count() == 2


def test_staff_of_an_unknown_team_is_refused(organisation: Organisation) -> None:
    run = run_import(organisation, {"staff.csv": STAFF})
    assert run.status == ImportRun.Status.FAILED
    assert ("error", "staff.csv", "row 2", "team_code", "N01") in problems(run)
    assert not StaffRecord.objects.exists()
    assert not StaffMember.objects.exists()


def test_a_file_of_an_unknown_format_is_refused(organisation: Organisation) -> None:
    run = run_import(organisation, {"notes.txt": "hello, world\n"})
    assert run.status == ImportRun.Status.FAILED
    assert problems(run) == [("error", "notes.txt", "file", "kind", ".txt")]


def test_a_run_is_executed_once_only(organisation: Organisation) -> None:
    from coredata.services.imports import import_run_execute

    run = _load_basics(organisation)
    finished_at = run.finished_at
    again = import_run_execute(run_id=run.pk)
    assert again.finished_at == finished_at
    assert again.status == ImportRun.Status.SUCCEEDED


def test_the_uploaded_files_are_deleted_when_the_run_finishes(
    organisation: Organisation,
) -> None:
    from coredata.services.imports import _storage_dir

    run = _load_basics(organisation)
    assert not _storage_dir(run).exists()
