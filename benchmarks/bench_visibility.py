"""How long the visibility selectors take for a large authority, and how many queries.

Builds a throwaway SQLite database with 40 services, 400 teams and 4,000 staff, then
times `staff_list_for_user` and `team_list_for_user` for a team manager, a service
manager and a QA lead. The query count must not grow with the organisation's size.
"""

import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.throwaway import throwaway_database


def _build() -> dict[str, object]:
    from organisation.models import (
        Organisation,
        Role,
        RoleAssignment,
        Service,
        StaffMember,
        Team,
        TeamMembership,
        User,
    )

    organisation = Organisation.objects.create(name="Bigshire", la_code="999")
    services = Service.objects.bulk_create(
        Service(organisation=organisation, code=f"S{i}", name=f"Service {i}") for i in range(40)
    )
    teams = Team.objects.bulk_create(
        Team(organisation=organisation, service=services[i % 40], code=f"T{i}", name=f"T {i}")
        for i in range(400)
    )
    users = User.objects.bulk_create(User(email=f"u{i}@example.org") for i in range(4000))
    staff = StaffMember.objects.bulk_create(
        StaffMember(organisation=organisation, user=users[i], worker_id=f"W{i}", name=f"P {i}")
        for i in range(4000)
    )
    TeamMembership.objects.bulk_create(
        TeamMembership(staff=staff[i], team=teams[i % 400], start_date=date(2020, 1, 1))
        for i in range(4000)
    )
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(staff=staff[0], role=Role.TEAM_MANAGER, team=teams[0]),
            RoleAssignment(staff=staff[1], role=Role.SERVICE_MANAGER, service=services[1]),
            RoleAssignment(staff=staff[2], role=Role.QA_LEAD),
        ]
    )
    return {"team_manager": users[0], "service_manager": users[1], "qa_lead": users[2]}


def run() -> dict[str, float]:
    from organisation.selectors import staff_list_for_user, team_list_for_user

    with tempfile.TemporaryDirectory() as folder, throwaway_database(Path(folder)):
        personas = _build()
        results: dict[str, float] = {}
        for label, user in personas.items():
            timings = []
            for _ in range(20):
                user.__dict__.pop("_qa_scope", None)
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    len(list(staff_list_for_user(user=user)))
                    len(list(team_list_for_user(user=user)))
                timings.append(time.perf_counter() - started)
            results[f"{label}_ms_median"] = statistics.median(timings) * 1000
            results[f"{label}_queries"] = float(len(queries))
        return results
