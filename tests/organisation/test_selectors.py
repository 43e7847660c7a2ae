from datetime import date

import pytest

from organisation.models import Role
from organisation.selectors import (
    access_log_list_for_user,
    organisation_list_for_user,
    service_list_for_user,
    staff_list_for_user,
    team_list_for_user,
    team_members_current,
    user_scope,
)
from organisation.services import access_log_record
from tests.conftest import World
from tests.factories import TeamMembershipFactory, UserFactory, person


def _team_names(user: object) -> set[str]:
    return set(team_list_for_user(user=user).values_list("name", flat=True))


def test_practitioner_sees_no_team_and_only_themselves(world: World) -> None:
    assert _team_names(world.practitioner) == set()
    staff = staff_list_for_user(user=world.practitioner)
    assert [s.user for s in staff] == [world.practitioner]


def test_team_manager_sees_their_team_and_its_current_members(world: World) -> None:
    assert _team_names(world.team_manager) == {"North One"}
    users = {s.user for s in staff_list_for_user(user=world.team_manager)}
    assert users == {world.team_manager, world.practitioner}


def test_service_manager_sees_every_team_in_their_service(world: World) -> None:
    assert _team_names(world.service_manager) == {"North One", "North Two"}
    users = {s.user for s in staff_list_for_user(user=world.service_manager)}
    assert users == {
        world.service_manager,
        world.practitioner,
        world.team_manager,
        world.other_team_practitioner,
    }
    assert set(
        service_list_for_user(user=world.service_manager).values_list("code", flat=True)
    ) == {"N"}


@pytest.mark.parametrize("persona", ["qa_lead", "senior_leader", "administrator"])
def test_whole_organisation_roles_see_all_its_teams(world: World, persona: str) -> None:
    assert _team_names(getattr(world, persona)) == {"North One", "North Two", "South One"}


def test_nobody_sees_another_organisation(world: World) -> None:
    assert _team_names(world.other_organisation_admin) == {"Their team"}
    staff_orgs = set(
        staff_list_for_user(user=world.qa_lead).values_list("organisation__la_code", flat=True)
    )
    assert staff_orgs == {"901"}
    assert list(organisation_list_for_user(user=world.other_organisation_admin)) == [
        world.other_organisation
    ]


def test_a_user_without_a_staff_record_sees_nothing(db: None) -> None:
    user = UserFactory()
    assert not team_list_for_user(user=user).exists()
    assert not staff_list_for_user(user=user).exists()
    assert not organisation_list_for_user(user=user).exists()


def test_an_inactive_user_has_no_scope(world: World) -> None:
    world.qa_lead.is_active = False
    assert user_scope(user=world.qa_lead).organisation_id is None


def test_team_manager_stops_seeing_someone_who_left_the_team(world: World) -> None:
    leaver = person(team=None, organisation=world.organisation, roles=[(Role.PRACTITIONER, None)])
    TeamMembershipFactory(
        staff=leaver.staff_member,
        team=world.team,
        start_date=date(2020, 1, 1),
        end_date=date(2021, 1, 1),
    )
    assert leaver.staff_member not in team_members_current(team=world.team)
    assert leaver.staff_member in team_members_current(team=world.team, on=date(2020, 6, 1))
    assert leaver.staff_member not in staff_list_for_user(user=world.team_manager)


def test_only_administrators_read_the_access_log(world: World) -> None:
    access_log_record(user=world.team_manager, obj=world.team, route="organisation:team_detail")
    assert access_log_list_for_user(user=world.administrator).count() == 1
    assert access_log_list_for_user(user=world.qa_lead).count() == 0
    assert access_log_list_for_user(user=world.other_organisation_admin).count() == 0
