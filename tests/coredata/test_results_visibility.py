"""Whose aggregate results a user may read: one rule set (coredata.selectors.results_visible
and results_unit_for_user) behind the core data pages, the results API and the
downloads. For every persona and every unit of both organisations, the unit found by its
primary key (pages) and by its code (API) agree with each other, with the organisation's
visibility selectors, and with what the pages and the API answer."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coredata.models import RefreshRun
from coredata.selectors import results_unit_for_user, results_visible, unit_results_visible_to
from organisation.models import Service, StaffMember, Team
from organisation.selectors import (
    service_list_for_user,
    staff_list_for_user,
    team_list_for_user,
    user_scope,
)
from tests.conftest import World

PERSONAS = [
    "practitioner", "team_manager", "other_team_practitioner", "far_team_practitioner",
    "service_manager", "qa_lead", "senior_leader", "data_officer", "administrator",
    "other_organisation_admin", "other_organisation_practitioner", "anonymous",
]  # fmt: skip
# Who may read the organisation's own figures and its unallocated bucket.
ORGANISATION_READERS = {"team_manager", "service_manager", "qa_lead", "senior_leader",
                        "administrator"}  # fmt: skip
UNALLOCATED_READERS = {"qa_lead", "senior_leader", "administrator"}
PAGES = {"service": "coredata:indicators_service", "team": "coredata:indicators_team",
         "practitioner": "coredata:indicators_practitioner"}  # fmt: skip


def _units() -> list[tuple[str, Any, str]]:
    """(unit type, object, unit code) of every service, team and staff member."""
    return [
        *(("service", s, s.code) for s in Service.objects.all()),
        *(("team", t, t.code) for t in Team.objects.select_related("service")),
        *(("practitioner", m, m.worker_id) for m in StaffMember.objects.all()),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_by_key_and_by_code_follow_the_visibility_selectors(world: World, persona: str) -> None:
    user = getattr(world, persona)
    scope = user_scope(user=user)
    visible = {
        "service": set(service_list_for_user(user=user).values_list("pk", flat=True)),
        "team": set(team_list_for_user(user=user).values_list("pk", flat=True)),
        "practitioner": set(staff_list_for_user(user=user).values_list("pk", flat=True)),
    }
    units = _units()
    assert len(units) > 12
    for unit_type, unit, code in units:
        expected = unit.pk in visible[unit_type]
        by_key = results_unit_for_user(user=user, unit_type=unit_type, pk=unit.pk)
        assert (by_key == unit) if expected else by_key is None, (unit_type, code)
        # By code: the same unit of the user's own organisation (codes repeat across them).
        own = unit.organisation_id == scope.organisation_id
        assert unit_results_visible_to(user=user, unit_type=unit_type, unit_code=code) == (
            expected or (not own and _code_visible_at_home(user, unit_type, code))
        )
        if unit_type != "practitioner":
            assert results_visible(scope=scope, unit_type=unit_type, unit=unit) == expected


def _code_visible_at_home(user: Any, unit_type: str, code: str) -> bool:
    """Whether a unit with this code in the user's own organisation is visible to them."""
    found = results_unit_for_user(user=user, unit_type=unit_type, code=code)
    scope = user_scope(user=user)
    return found is not None and found.organisation_id == scope.organisation_id


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_organisation_and_its_unallocated_bucket(world: World, persona: str) -> None:
    user = getattr(world, persona)
    own = persona in ORGANISATION_READERS or persona == "other_organisation_admin"
    home = world.other_organisation if persona.startswith("other_organisation") else (
        world.organisation
    )  # fmt: skip
    for organisation in (world.organisation, world.other_organisation):
        mine = organisation == home
        assert unit_results_visible_to(
            user=user, unit_type="organisation", unit_code=organisation.la_code
        ) == (mine and own)
        assert unit_results_visible_to(
            user=user, unit_type="unallocated", unit_code=organisation.la_code
        ) == (mine and (persona in UNALLOCATED_READERS or persona == "other_organisation_admin"))
        scope = user_scope(user=user)
        assert results_visible(scope=scope, unit_type="organisation", unit=organisation) == (
            mine and own
        )
    # An unknown unit type, or neither key (or both), finds nothing.
    assert results_unit_for_user(user=user, unit_type="nonsense", code="901") is None
    assert results_unit_for_user(user=user, unit_type="team") is None
    assert results_unit_for_user(user=user, unit_type="team", pk=world.team.pk, code="N1") is None


@pytest.mark.parametrize("persona", ["team_manager", "service_manager", "qa_lead", "practitioner"])
def test_pages_and_the_api_answer_alike(world: World, persona: str) -> None:
    RefreshRun.objects.create(organisation=world.organisation, status="succeeded")
    client = Client()
    client.force_login(getattr(world, persona))
    for unit_type, unit, code in _units():
        if unit.organisation_id != world.organisation.pk:
            continue
        page = client.get(reverse(PAGES[unit_type], args=[unit.pk])).status_code
        api = client.get("/api/v1/results/", {"unit_type": unit_type, "unit_code": code})
        assert (page, api.status_code) in ((200, 200), (404, 404)), (unit_type, code)
    page = client.get(reverse("coredata:indicators_organisation")).status_code
    api = client.get("/api/v1/results/", {"unit_type": "organisation", "unit_code": "901"})
    assert (page, api.status_code) in ((200, 200), (403, 404))
