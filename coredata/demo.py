"""Five years of synthetic core data for the demo organisation, loaded through the real
importers exactly as an authority's own files would be."""

import tempfile
from datetime import date
from pathlib import Path

from coredata.models import Child, ImportRun
from coredata.services.imports import import_run_create, import_run_execute
from coredata.services.refresh import refresh_now
from coredata.synthetic import SyntheticData, generate, write_files
from organisation.demo import DEMO_LOGINS, FIRST_START
from organisation.models import Organisation, Role, StaffMember, TeamMembership

DEMO_START = date(2021, 4, 1)  # the first collection year is 2021-22
DEMO_YEARS = 5
DEMO_REFERRALS_PER_YEAR = 1000  # a small authority
DEMO_SEED = 970
LOCAL_FILES = [
    "allocations.csv",
    "early_help.csv",
    "visits.csv",
    "sickness.csv",
    "vacancies.csv",
    "population.csv",
]


class DemoImportFailed(RuntimeError):
    pass


def demo_core_data_seed(*, organisation: Organisation) -> list[ImportRun]:
    """Generate and import the demo's core data, once: if the organisation has children
    already, nothing is done (the imports would change nothing, but take seconds)."""
    if Child.objects.filter(organisation=organisation).exists():
        return []
    teams = [
        (team.code, team.name, team.service.code, team.service.name)
        for team in organisation.teams.select_related("service").order_by("code")
    ]
    # The staff of each team as the demo made them; its manager comes first.
    workers = [
        (membership.staff.worker_id, membership.staff.name, membership.team.code)
        for membership in TeamMembership.objects.filter(
            team__organisation=organisation, start_date=FIRST_START
        )
        .select_related("staff", "team")
        .order_by("staff__worker_id")
    ]
    # The team-based demo logins keep their team, as the README says.
    stay = frozenset(
        StaffMember.objects.filter(
            organisation=organisation,
            user__email__in=[
                login.email
                for login in DEMO_LOGINS
                if login.role in (Role.PRACTITIONER, Role.TEAM_MANAGER)
            ],
        ).values_list("worker_id", flat=True)
    )
    data = generate(
        la_code=organisation.la_code,
        teams=teams,
        workers=workers,
        start=DEMO_START,
        years=DEMO_YEARS,
        referrals_per_year=DEMO_REFERRALS_PER_YEAR,
        seed=DEMO_SEED,
        stay=stay,
    )
    with tempfile.TemporaryDirectory() as folder_name:
        runs = synthetic_load(organisation=organisation, data=data, folder=Path(folder_name))
    # The demo's pages have figures at once; a failure is shown on them, not raised here.
    refresh_now(organisation=organisation)
    return runs


def synthetic_load(
    *, organisation: Organisation, data: SyntheticData, folder: Path
) -> list[ImportRun]:
    """Write generated data's files into `folder` and import them in the order their
    dependencies need (teams and staff, CIN returns, each year's SSDA903 return, then the
    other local files), each batch all or nothing. Raises DemoImportFailed on a refusal."""
    write_files(data, folder)
    batches: list[tuple[list[str], int | None]] = [
        (["teams.csv", "staff.csv"], None),
        ([f"cin_census_{year}.xml" for year in data.collection_years], None),
        *[
            ([f"ssda903_{year}/{table}.csv" for table in ("header", "episodes", "oc3")], year)
            for year in data.collection_years
        ],
        (LOCAL_FILES, None),
    ]
    return [_import(organisation, folder, names, year) for names, year in batches]


def _import(
    organisation: Organisation, folder: Path, names: list[str], year: int | None
) -> ImportRun:
    streams = [(Path(name).name, (folder / name).open("rb")) for name in names]
    try:
        run = import_run_create(
            organisation=organisation,
            user=None,
            uploads=streams,
            collection_year=year,
            enqueue=False,
        )
    finally:
        for _, stream in streams:
            stream.close()
    # The caller refreshes once at the end, rather than a refresh per import.
    run = import_run_execute(run_id=run.pk, request_refresh=False)
    if run.status != ImportRun.Status.SUCCEEDED:
        raise DemoImportFailed(f"The demo import {run.pk} of {', '.join(names)} was rejected.")
    return run
