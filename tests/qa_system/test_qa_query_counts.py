"""The QA pages read stored per-unit results in a fixed number of queries: a small and a
large organisation (more services, teams, practitioners, stored rows and audits) give
every page type the same query count."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import Audit
from audits.services_tools import tool_default_load
from coredata.models import Child
from organisation.models import Organisation, Role, Service, StaffMember, Team, TeamMembership
from qa_system.selectors_qa_coredata import stored_values_forget
from tests.coredata.indicator_results import client_for, refresh
from tests.factories import OrganisationFactory, ServiceFactory, TeamFactory, person
from tests.qa_system.qa_pages_results import audit_results, core_results, survey_results


@dataclass
class Seeded:
    organisation: Organisation
    service: Service
    team: Team
    practitioner: StaffMember
    users: dict[str, object]


def _seed(la_code: str, *, services: int, teams: int, practitioners: int, audits: int) -> Seeded:
    """An organisation of `services` x `teams` x `practitioners`, with stored core data,
    audit and survey results for every unit and `audits` completed audits in the first
    team (the themes the team's page quotes)."""
    organisation = OrganisationFactory(la_code=la_code, name=f"Size {la_code}")
    run = refresh(organisation)
    all_services = [
        ServiceFactory(organisation=organisation, code=f"S{i}") for i in range(services)
    ]
    all_teams = [
        TeamFactory(service=service, code=f"{service.code}T{j}")
        for service in all_services
        for j in range(teams)
    ]
    staff = StaffMember.objects.bulk_create(
        StaffMember(organisation=organisation, worker_id=f"{la_code}W{i}", name=f"P {i}")
        for i in range(len(all_teams) * practitioners)
    )
    TeamMembership.objects.bulk_create(
        TeamMembership(staff=m, team=all_teams[i // practitioners], start_date=date(2020, 1, 1))
        for i, m in enumerate(staff)
    )
    team = all_teams[0]
    users = {
        "senior_leader": person(organisation=organisation, roles=[(Role.SENIOR_LEADER, None)]),
        "service_manager": person(
            organisation=organisation, roles=[(Role.SERVICE_MANAGER, all_services[0])]
        ),
        "team_manager": person(team=team, roles=[(Role.TEAM_MANAGER, team)]),
        "practitioner": person(team=team, roles=[(Role.PRACTITIONER, None)]),
    }
    practitioner = StaffMember.objects.get(user=users["practitioner"])
    units = [
        ("organisation", organisation.pk, organisation.la_code),
        *(("service", s.pk, s.code) for s in all_services),
        *(("team", t.pk, t.code) for t in all_teams),
        *(("practitioner", s.pk, s.worker_id) for s in [*staff, practitioner]),
    ]
    for unit_type, pk, code in units:
        core_results(run, unit_type, code)
        audit_results(organisation, unit_type, pk)
        survey_results(organisation, unit_type, pk, staff=unit_type != "practitioner")
    _audits(organisation, team, practitioner, StaffMember.objects.get(user=users["team_manager"]),
            audits)  # fmt: skip
    return Seeded(organisation, all_services[0], team, practitioner, users)


def _audits(
    organisation: Organisation, team: Team, practitioner: StaffMember, auditor: StaffMember, n: int
) -> None:
    version = tool_default_load(organisation=organisation).versions.get(number=1)
    for i in range(n):
        child = Child.objects.create(
            organisation=organisation,
            child_id=f"{organisation.la_code}C{i}",
            pseudonym=f"PS-{organisation.la_code}-{i}",
        )
        completed = datetime(2025, 5, 1 + i % 28, 10, tzinfo=UTC)
        Audit.objects.create(
            organisation=organisation, child=child, tool_version=version, state="closed",
            practitioner=practitioner, auditor=auditor, team=team, month=date(2025, 5, 1),
            due_date=date(2025, 5, 31), overall_grade="good", practice_scale=7,
            completed_at=completed, working_well=f"Well {i}", worries=f"Worry {i}",
            next_steps=f"Next {i}",
        )  # fmt: skip


def _pages(seeded: Seeded) -> dict[str, tuple[object, str]]:
    return {
        "organisation": (seeded.users["senior_leader"], reverse("qa:unit_organisation")),
        "service": (
            seeded.users["service_manager"],
            reverse("qa:unit_service", args=[seeded.service.pk]),
        ),
        "team": (seeded.users["team_manager"], reverse("qa:unit_team", args=[seeded.team.pk])),
        "practitioner": (
            seeded.users["team_manager"],
            reverse("qa:unit_practitioner", args=[seeded.practitioner.pk]),
        ),
        "my_practice": (seeded.users["practitioner"], reverse("qa:my_practice")),
        "api_team": (
            seeded.users["team_manager"],
            reverse("api:qa-unit", kwargs={"kind": "teams", "pk": seeded.team.pk}),
        ),
        "api_organisation": (
            seeded.users["senior_leader"],
            reverse("api:qa-unit", kwargs={"kind": "organisation", "pk": seeded.organisation.pk}),
        ),
    }


def _query_counts(seeded: Seeded) -> dict[str, tuple[int, int]]:
    """Each page's queries with nothing cached (the core data values of a refresh are
    cached once read) and then with the cache warm."""
    counts = {}
    for name, (user, url) in _pages(seeded).items():
        client = client_for(user)  # type: ignore[arg-type]
        client.get(reverse("home"))  # the session's first request writes it
        cache.clear()
        stored_values_forget()
        with CaptureQueriesContext(connection) as cold:
            first = client.get(url, {"sort": "-audits_good"})
        with CaptureQueriesContext(connection) as warm:
            again = client.get(url, {"sort": "-audits_good"})
        assert (first.status_code, again.status_code) == (200, 200), name
        counts[name] = (len(cold), len(warm))
    return counts


def test_every_qa_page_reads_a_fixed_number_of_queries_whatever_the_organisation_size(
    db: None,
) -> None:
    small = _seed("911", services=1, teams=1, practitioners=1, audits=1)
    large = _seed("912", services=3, teams=4, practitioners=6, audits=12)

    small_counts = _query_counts(small)
    large_counts = _query_counts(large)

    assert large_counts == small_counts
    assert max(cold for cold, _ in small_counts.values()) <= 25  # and a modest number
    # Cached core data values spare the query that reads the stored rows.
    assert all(warm == cold - 1 for cold, warm in small_counts.values())


def test_the_large_organisation_really_is_larger(db: None) -> None:
    large = _seed("912", services=3, teams=4, practitioners=6, audits=12)

    response = client_for(large.users["service_manager"]).get(  # type: ignore[arg-type]
        reverse("qa:unit_service", args=[large.service.pk])
    )

    comparison = response.context["page"].comparison
    assert len(comparison.rows) == 4
    team = client_for(large.users["team_manager"]).get(  # type: ignore[arg-type]
        reverse("qa:unit_team", args=[large.team.pk])
    )
    assert len(team.context["page"].comparison.rows) == 8  # 6 + the manager + practitioner
    assert len(team.context["page"].audits.themes) == 3  # the latest of 12
