"""Shared fixtures: the personas every test speaks of (STYLE.md)."""

import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import HealthCheck, settings

from organisation.models import Organisation, Role, Service, Team, User
from qa_system.celery import app as celery_app
from surveys.selectors import survey_respondent_cache_clear
from tests.factories import OrganisationFactory, ServiceFactory, TeamFactory, person

# Property tests: a modest number of examples, derandomised so that CI runs the same
# examples every time (a failure is reproducible, never a fluke), no example database.
# HYPOTHESIS_PROFILE=thorough explores more, with fresh random examples, on demand.
settings.register_profile(
    "ci",
    max_examples=50,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _celery_eager(request: pytest.FixtureRequest) -> None:
    """Tasks run in-process in ordinary tests; integration tests use a real worker."""
    eager = request.node.get_closest_marker("integration") is None
    celery_app.conf.task_always_eager = eager
    celery_app.conf.task_eager_propagates = eager


@pytest.fixture(autouse=True)
def _no_kept_survey_templates() -> None:
    """Primary keys repeat between tests' databases: no test sees another's template."""
    survey_respondent_cache_clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Hashing with the production hasher costs ~0.3 s a user; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    """One organisation with two teams in one service and a third in another, and a
    second organisation, with a person for every role."""

    organisation: Organisation
    service: Service
    other_service: Service
    team: Team
    other_team: Team
    far_team: Team
    other_organisation: Organisation
    practitioner: User
    team_manager: User
    other_team_practitioner: User
    far_team_practitioner: User
    service_manager: User
    qa_lead: User
    senior_leader: User
    data_officer: User
    administrator: User
    other_organisation_admin: User
    other_organisation_practitioner: User
    anonymous: AnonymousUser


@pytest.fixture
def world(db: None) -> World:
    organisation = OrganisationFactory(name="Testshire", la_code="901")
    service = ServiceFactory(organisation=organisation, code="N", name="North")
    other_service = ServiceFactory(organisation=organisation, code="S", name="South")
    team = TeamFactory(service=service, code="N1", name="North One")
    other_team = TeamFactory(service=service, code="N2", name="North Two")
    far_team = TeamFactory(service=other_service, code="S1", name="South One")
    other_organisation = OrganisationFactory(name="Elsewhere", la_code="902")
    other_org_service = ServiceFactory(organisation=other_organisation, code="N", name="North")
    other_org_team = TeamFactory(service=other_org_service, code="N1", name="Their team")
    return World(
        organisation=organisation,
        service=service,
        other_service=other_service,
        team=team,
        other_team=other_team,
        far_team=far_team,
        other_organisation=other_organisation,
        practitioner=person(
            team=team, roles=[(Role.PRACTITIONER, None)], email="practitioner@example.org"
        ),
        team_manager=person(
            team=team, roles=[(Role.TEAM_MANAGER, team)], email="team.manager@example.org"
        ),
        other_team_practitioner=person(team=other_team, roles=[(Role.PRACTITIONER, None)]),
        far_team_practitioner=person(team=far_team, roles=[(Role.PRACTITIONER, None)]),
        service_manager=person(organisation=organisation, roles=[(Role.SERVICE_MANAGER, service)]),
        qa_lead=person(organisation=organisation, roles=[(Role.QA_LEAD, None)]),
        senior_leader=person(organisation=organisation, roles=[(Role.SENIOR_LEADER, None)]),
        data_officer=person(organisation=organisation, roles=[(Role.DATA_OFFICER, None)]),
        administrator=person(
            organisation=organisation, roles=[(Role.ADMINISTRATOR, None)], email="admin@example.org"
        ),
        other_organisation_admin=person(
            organisation=other_organisation, roles=[(Role.ADMINISTRATOR, None)]
        ),
        other_organisation_practitioner=person(
            team=other_org_team, roles=[(Role.PRACTITIONER, None)]
        ),
        anonymous=AnonymousUser(),
    )
