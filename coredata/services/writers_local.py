"""Writers for the authority's local files and population estimates (upserts)."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
from django.db import models

from coredata.models import (
    Allocation,
    AllocationSnapshot,
    EarlyHelpEpisode,
    ImportRun,
    Population,
    SicknessAbsence,
    StaffRecord,
    Vacancy,
    Visit,
)
from coredata.parsers.base import ParseResult
from coredata.services.writers import BATCH, WriteOutcome, _rows, children_ensure
from organisation.models import Organisation, Service, StaffMember, Team, TeamMembership
from organisation.services import service_upsert, team_upsert


def _upsert(
    model: type[models.Model], objects: list[Any], *, unique: list[str], update: list[str]
) -> int:
    if objects:
        model._default_manager.bulk_create(
            objects,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=unique,
            update_fields=update,
        )
    return len(objects)


def _teams(organisation: Organisation) -> dict[str, Team]:
    return {team.code: team for team in Team.objects.filter(organisation=organisation)}


def _staff(organisation: Organisation) -> dict[str, StaffMember]:
    return {s.worker_id: s for s in StaffMember.objects.filter(organisation=organisation)}


UNKNOWN = {
    "worker_id": "No staff member has this worker ID: load staff.csv first.",
    "team_code": "No team has this code: load teams.csv first.",
}


def _unknown(
    outcome: WriteOutcome, result: ParseResult, number: int, field_name: str, value: object
) -> None:
    outcome.error(result.file_name, f"row {number}", field_name, value, UNKNOWN[field_name])


def _decimal(value: Any) -> Decimal:
    return Decimal(str(round(float(value), 2)))


def write_teams(*, run: ImportRun, organisation: Organisation, result: ParseResult) -> WriteOutcome:
    outcome = WriteOutcome()
    services: dict[str, Service] = {}
    teams = 0
    for row in _rows(result.tables["teams"]):
        service = services.get(row["service_code"])
        if service is None:
            service = service_upsert(
                organisation=organisation, code=row["service_code"], name=row["service_name"]
            )
            services[row["service_code"]] = service
        team_upsert(service=service, code=row["team_code"], name=row["team_name"])
        teams += 1
    outcome.counts = {"services": len(services), "teams": teams}
    return outcome


def write_staff(*, run: ImportRun, organisation: Organisation, result: ParseResult) -> WriteOutcome:
    """Staff rows: the person, their post in a team over a period, and their team history
    (rebuilt from all their staff rows, so it always agrees with the HR file)."""
    outcome = WriteOutcome()
    teams = _teams(organisation)
    frame = result.tables["staff"]
    names = {row["worker_id"]: row["name"] for row in _rows(frame)}
    existing = _staff(organisation)
    StaffMember.objects.bulk_create(
        [
            StaffMember(organisation=organisation, worker_id=worker_id, name=name or worker_id)
            for worker_id, name in names.items()
            if worker_id not in existing
        ],
        batch_size=BATCH,
    )
    renamed = [
        staff
        for worker_id, staff in existing.items()
        if worker_id in names and names[worker_id] and staff.name != names[worker_id]
    ]
    for staff in renamed:
        staff.name = names[staff.worker_id]
    StaffMember.objects.bulk_update(renamed, ["name"], batch_size=BATCH)
    staff_by_id = _staff(organisation)
    records = []
    for number, row in enumerate(_rows(frame), start=2):
        team = teams.get(row["team_code"])
        if team is None:
            outcome.error(
                result.file_name, f"row {number}", "team_code", row["team_code"],
                "No team has this code: load teams.csv first, or in the same import.",
            )  # fmt: skip
            continue
        records.append(
            StaffRecord(
                organisation=organisation, run=run, staff=staff_by_id[row["worker_id"]],
                team=team, fte=_decimal(row["fte"]), start_date=row["start_date"],
                end_date=row.get("end_date"), agency=bool(row["agency"]),
                case_holding=bool(row["case_holding"]),
            )
        )  # fmt: skip
    outcome.counts["staff_records"] = _upsert(
        StaffRecord,
        records,
        unique=["staff", "start_date"],
        update=["team", "fte", "end_date", "agency", "case_holding"],
    )
    outcome.counts["staff"] = len(names)
    _rebuild_memberships([staff_by_id[w] for w in names])
    return outcome


def _rebuild_memberships(people: list[StaffMember]) -> None:
    """Team history from staff rows: consecutive rows in one team become one membership."""
    rows = defaultdict(list)
    for record in StaffRecord.objects.filter(staff__in=people).order_by("staff", "start_date"):
        rows[record.staff_id].append(record)
    TeamMembership.objects.filter(staff__in=people).delete()
    memberships = []
    for staff_id, records in rows.items():
        current: TeamMembership | None = None
        for record in records:
            continuous = (
                current is not None
                and current.team_id == record.team_id
                and current.end_date is not None
                and current.end_date + timedelta(days=1) >= record.start_date
            )
            if continuous and current is not None:
                current.end_date = record.end_date
            else:
                current = TeamMembership(
                    staff_id=staff_id,
                    team_id=record.team_id,
                    start_date=record.start_date,
                    end_date=record.end_date,
                )
                memberships.append(current)
    TeamMembership.objects.bulk_create(memberships, batch_size=BATCH)


def write_sickness(
    *, run: ImportRun, organisation: Organisation, result: ParseResult
) -> WriteOutcome:
    outcome = WriteOutcome()
    staff = _staff(organisation)
    absences = []
    for number, row in enumerate(_rows(result.tables["sickness"]), start=2):
        person = staff.get(row["worker_id"])
        if person is None:
            _unknown(outcome, result, number, "worker_id", row["worker_id"])
            continue
        absences.append(
            SicknessAbsence(
                organisation=organisation, run=run, staff=person, start_date=row["start_date"],
                end_date=row["end_date"], working_days_lost=_decimal(row["working_days_lost"]),
            )
        )  # fmt: skip
    outcome.counts["sickness_absences"] = _upsert(
        SicknessAbsence, absences, unique=["staff", "start_date"],
        update=["end_date", "working_days_lost"],
    )  # fmt: skip
    return outcome


def write_vacancies(
    *, run: ImportRun, organisation: Organisation, result: ParseResult
) -> WriteOutcome:
    outcome = WriteOutcome()
    teams = _teams(organisation)
    vacancies = []
    for number, row in enumerate(_rows(result.tables["vacancies"]), start=2):
        team = teams.get(row["team_code"])
        if team is None:
            _unknown(outcome, result, number, "team_code", row["team_code"])
            continue
        vacancies.append(
            Vacancy(organisation=organisation, run=run, team=team, date=row["date"],
                    vacant_fte=_decimal(row["vacant_fte"]))
        )  # fmt: skip
    outcome.counts["vacancies"] = _upsert(
        Vacancy, vacancies, unique=["team", "date"], update=["vacant_fte"]
    )
    return outcome


def write_allocations(
    *, run: ImportRun, organisation: Organisation, result: ParseResult
) -> WriteOutcome:
    """Allocations, refusing unknown workers and teams and any overlap with allocations
    the child already has (a hand-over ends on day d, the next starts on d + 1)."""
    outcome = WriteOutcome()
    teams = _teams(organisation)
    staff = _staff(organisation)
    frame = result.tables["allocations"]
    ids = children_ensure(organisation=organisation, child_ids=frame["child_id"].dropna())
    allocations = []
    rows_in_file: dict[tuple[int, date], int] = {}
    for number, row in enumerate(_rows(frame), start=2):
        rows_in_file[(ids[row["child_id"]], row["start_date"])] = number
        team, worker = teams.get(row["team_code"]), staff.get(row["worker_id"])
        if worker is None:
            _unknown(outcome, result, number, "worker_id", row["worker_id"])
        if team is None:
            _unknown(outcome, result, number, "team_code", row["team_code"])
        if team is None or worker is None:
            continue
        allocations.append(
            Allocation(
                organisation=organisation, run=run, child_id=ids[row["child_id"]],
                worker=worker, team=team, start_date=row["start_date"],
                end_date=row.get("end_date"),
            )
        )  # fmt: skip
    outcome.counts["allocations"] = _upsert(
        Allocation, allocations, unique=["child", "start_date"],
        update=["worker", "team", "end_date"],
    )  # fmt: skip
    _check_allocation_overlaps(outcome, result.file_name, rows_in_file)
    return outcome


def _check_allocation_overlaps(
    outcome: WriteOutcome, file_name: str, rows_in_file: dict[tuple[int, date], int]
) -> None:
    """Each overlap is reported on the file's row (or "an earlier import" when both
    allocations were already held)."""
    child_pks = sorted({child for child, _ in rows_in_file})
    by_child = defaultdict(list)
    allocations = Allocation.objects.filter(child_id__in=child_pks).select_related("child")
    for allocation in allocations.order_by("child_id", "start_date"):
        by_child[allocation.child_id].append(allocation)
    for allocations_of_child in by_child.values():
        for earlier, later in zip(allocations_of_child, allocations_of_child[1:], strict=False):
            if earlier.end_date is None or earlier.end_date >= later.start_date:
                row = rows_in_file.get((later.child_id, later.start_date)) or rows_in_file.get(
                    (earlier.child_id, earlier.start_date)
                )
                outcome.error(
                    file_name, f"row {row}" if row else "file", "start_date",
                    later.start_date.isoformat(),
                    f"Child {later.child.child_id}: this allocation starts on or before the "
                    f"end of the one starting {earlier.start_date.isoformat()}; allocations "
                    "must not overlap.",
                )  # fmt: skip


def write_early_help(
    *, run: ImportRun, organisation: Organisation, result: ParseResult, table: str = "early_help"
) -> WriteOutcome:
    outcome = WriteOutcome()
    frame = result.tables[table]
    ids = children_ensure(organisation=organisation, child_ids=frame["child_id"].dropna())
    episodes = [
        EarlyHelpEpisode(organisation=organisation, run=run, child_id=ids[row["child_id"]],
                         start_date=row["start_date"], end_date=row.get("end_date"))
        for row in _rows(frame)
        if row.get("start_date") is not None
    ]  # fmt: skip
    outcome.counts["early_help_episodes"] = _upsert(
        EarlyHelpEpisode, episodes, unique=["child", "start_date"], update=["end_date"]
    )
    return outcome


def write_visits(
    *, run: ImportRun, organisation: Organisation, result: ParseResult, table: str = "visits"
) -> WriteOutcome:
    outcome = WriteOutcome()
    frame = result.tables[table]
    ids = children_ensure(organisation=organisation, child_ids=frame["child_id"].dropna())
    visits = [
        Visit(organisation=organisation, run=run, child_id=ids[row["child_id"]],
              visit_date=row["visit_date"], seen=bool(row["seen"]),
              seen_alone=row.get("seen_alone"))
        for row in _rows(frame)
        if row.get("visit_date") is not None
    ]  # fmt: skip
    outcome.counts["visits"] = _upsert(
        Visit, visits, unique=["child", "visit_date"], update=["seen", "seen_alone"]
    )
    return outcome


def write_population(
    *, run: ImportRun, organisation: Organisation, result: ParseResult
) -> WriteOutcome:
    """Local population.csv, or ONS MYE2 rows for the organisation's area code."""
    outcome = WriteOutcome()
    frame = result.tables["population"]
    if result.kind == "ons_mye2":
        area = organisation.ons_area_code
        if not area:
            outcome.error(
                result.file_name, "file", "area_code", "",
                "Set the organisation's ONS area code (administration) before loading ONS "
                "estimates, so the right area is taken.",
            )  # fmt: skip
            return outcome
        frame = frame[frame["area_code"] == area]
        if frame.empty:
            outcome.error(
                result.file_name, "file", "area_code", area,
                "The file has no row for the organisation's ONS area code.",
            )  # fmt: skip
            return outcome
    rows = [
        Population(organisation=organisation, run=run, area_code=row["area_code"],
                   year=int(row["year"]), population_0_17=int(row["population_0_17"]))
        for row in _rows(frame)
    ]  # fmt: skip
    outcome.counts["population"] = _upsert(
        Population, rows, unique=["organisation", "area_code", "year"], update=["population_0_17"]
    )
    return outcome


def write_allocation_snapshots(
    *, run: ImportRun, organisation: Organisation, result: ParseResult
) -> WriteOutcome:
    """Annex A's allocated team and worker per child, as at the workbook's latest date.

    Annex A carries no extract date; its latest date (a visit, a referral, an early help
    assessment) is the nearest thing to one. Team and worker are matched by name, ignoring
    case; a name that matches no one, or more than one, is kept as written with a warning.
    """
    outcome = WriteOutcome()
    frame = result.tables["allocations_snapshot"]
    dates = [
        table[column].max()
        for table in result.tables.values()
        for column in table.columns
        if str(table[column].dtype).startswith("datetime64")
    ]
    known = [d for d in dates if d is not None and not pd.isna(d)]
    if frame.empty or not known:
        return outcome
    as_at = max(known).date()
    teams = _by_name(Team.objects.filter(organisation=organisation))
    workers = _by_name(StaffMember.objects.filter(organisation=organisation))
    ids = children_ensure(organisation=organisation, child_ids=frame["child_id"].dropna())
    unmatched: set[tuple[str, str]] = set()
    snapshots = []
    for row in _rows(frame):
        team_name, worker_name = row.get("team_name") or "", row.get("worker_name") or ""
        team = teams.get(team_name.casefold()) if team_name else None
        worker = workers.get(worker_name.casefold()) if worker_name else None
        if team_name and team is None:
            unmatched.add(("team_name", team_name))
        if worker_name and worker is None:
            unmatched.add(("worker_name", worker_name))
        snapshots.append(
            AllocationSnapshot(
                organisation=organisation, run=run, child_id=ids[row["child_id"]], as_at=as_at,
                list_name=row["list_name"], team_name=team_name, worker_name=worker_name,
                team=team, worker=worker,
            )
        )  # fmt: skip
    for field_name, name in sorted(unmatched):
        outcome.warning(
            result.file_name, "file", field_name, name,
            "No one (or more than one) known by this name: kept as written, not linked.",
        )  # fmt: skip
    outcome.counts["allocation_snapshots"] = _upsert(
        AllocationSnapshot,
        snapshots,
        unique=["child", "as_at", "list_name"],
        update=["team_name", "worker_name", "team", "worker"],
    )
    return outcome


def _by_name(queryset: Any) -> dict[str, Any]:
    """Records by their name (case-folded), leaving out names held by more than one."""
    found: dict[str, Any] = {}
    repeated: set[str] = set()
    for record in queryset:
        key = record.name.casefold()
        if key in found:
            repeated.add(key)
        found[key] = record
    return {key: record for key, record in found.items() if key not in repeated}
