"""The read-only API: lists hold exactly what the visibility selectors allow."""

from datetime import date
from typing import Any

from django.test import Client

from organisation.models import User
from tests.conftest import World
from tests.factories import StaffMemberFactory, TeamMembershipFactory


def get(user: User, path: str) -> Any:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.json()


def names(user: User, endpoint: str) -> list[str]:
    body = get(user, f"/api/v1/{endpoint}/")
    assert body["count"] == len(body["results"])
    return [item["name"] for item in body["results"]]


def staff_name(user: User) -> str:
    return user.staff_member.name


def test_team_manager_lists_only_their_team(world: World) -> None:
    assert names(world.team_manager, "teams") == ["North One"]


def test_service_manager_lists_the_teams_of_their_service(world: World) -> None:
    assert names(world.service_manager, "teams") == ["North One", "North Two"]


def test_qa_lead_lists_every_team_of_their_organisation(world: World) -> None:
    assert names(world.qa_lead, "teams") == ["North One", "North Two", "South One"]


def test_other_organisation_admin_lists_only_their_own_team(world: World) -> None:
    body = get(world.other_organisation_admin, "/api/v1/teams/")

    assert body["count"] == 1
    assert body["results"][0]["name"] == "Their team"
    assert body["results"][0]["service_code"] == "N"


def test_practitioner_lists_no_teams_or_services(world: World) -> None:
    assert names(world.practitioner, "teams") == []
    assert names(world.practitioner, "services") == []


def test_team_detail_serialises_its_fields(world: World) -> None:
    body = get(world.team_manager, f"/api/v1/teams/{world.team.pk}/")

    assert body == {
        "id": world.team.pk,
        "code": "N1",
        "name": "North One",
        "service": world.service.pk,
        "service_code": "N",
    }


def test_services_follow_the_service_managers_scope(world: World) -> None:
    assert names(world.service_manager, "services") == ["North"]
    assert names(world.team_manager, "services") == []
    assert names(world.senior_leader, "services") == ["North", "South"]


def test_organisations_list_only_the_users_own(world: World) -> None:
    assert get(world.practitioner, "/api/v1/organisations/")["results"] == [
        {"id": world.organisation.pk, "name": "Testshire", "la_code": "901"}
    ]
    assert names(world.other_organisation_admin, "organisations") == ["Elsewhere"]


def test_practitioner_lists_only_themselves_as_staff(world: World) -> None:
    assert names(world.practitioner, "staff") == [staff_name(world.practitioner)]


def test_team_manager_lists_themselves_and_current_team_members(world: World) -> None:
    leaver = StaffMemberFactory(organisation=world.organisation, name="Lee Leaver")
    TeamMembershipFactory(
        staff=leaver, team=world.team, start_date=date(2019, 1, 1), end_date=date(2021, 6, 30)
    )

    assert sorted(names(world.team_manager, "staff")) == sorted(
        [staff_name(world.practitioner), staff_name(world.team_manager)]
    )


def test_service_manager_lists_staff_of_their_services_teams(world: World) -> None:
    assert sorted(names(world.service_manager, "staff")) == sorted(
        [
            staff_name(world.service_manager),
            staff_name(world.practitioner),
            staff_name(world.team_manager),
            staff_name(world.other_team_practitioner),
        ]
    )


def test_administrator_lists_every_staff_member_of_their_organisation_only(
    world: World,
) -> None:
    listed = set(names(world.administrator, "staff"))

    testshire = {
        staff_name(getattr(world, persona))
        for persona in (
            "practitioner",
            "team_manager",
            "other_team_practitioner",
            "far_team_practitioner",
            "service_manager",
            "qa_lead",
            "senior_leader",
            "data_officer",
            "administrator",
        )
    }
    assert listed == testshire
    assert staff_name(world.other_organisation_practitioner) not in listed


def test_other_organisation_admin_lists_only_their_staff(world: World) -> None:
    assert sorted(names(world.other_organisation_admin, "staff")) == sorted(
        [
            staff_name(world.other_organisation_admin),
            staff_name(world.other_organisation_practitioner),
        ]
    )


def test_staff_serialiser_exposes_only_id_worker_id_and_name(world: World) -> None:
    body = get(world.practitioner, "/api/v1/staff/")

    assert set(body["results"][0]) == {"id", "worker_id", "name"}


def test_detail_of_another_organisations_team_is_not_found(world: World) -> None:
    client = Client()
    client.force_login(world.administrator)
    their_team = world.other_organisation.teams.get()

    response = client.get(f"/api/v1/teams/{their_team.pk}/")

    assert response.status_code == 404
    assert "Their team" not in response.content.decode()


def test_user_with_no_staff_record_gets_empty_lists(db: None) -> None:
    user = User.objects.create_user(email="nobody@example.org")

    for endpoint in ("organisations", "services", "teams", "staff"):
        assert get(user, f"/api/v1/{endpoint}/") == {
            "count": 0,
            "next": None,
            "previous": None,
            "results": [],
        }


def test_staff_member_with_no_role_sees_no_teams_and_only_themselves(world: World) -> None:
    staff = StaffMemberFactory(organisation=world.organisation, name="Rolf Roleless")
    TeamMembershipFactory(staff=staff, team=world.team)

    assert names(staff.user, "teams") == []
    assert names(staff.user, "services") == []
    assert names(staff.user, "staff") == ["Rolf Roleless"]


def test_anonymous_is_refused_with_403(db: None) -> None:
    response = Client().get("/api/v1/teams/")

    assert response.status_code == 403
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_schema_is_an_openapi_document_for_a_signed_in_user(world: World) -> None:
    client = Client()
    client.force_login(world.practitioner)

    response = client.get("/api/v1/schema/?format=json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Sightline API"
    assert {"/api/v1/teams/", "/api/v1/teams/{id}/", "/api/v1/staff/"} <= set(schema["paths"])
    assert set(schema["paths"]["/api/v1/teams/"]) == {"get"}


def test_schema_is_refused_to_anonymous(db: None) -> None:
    assert Client().get("/api/v1/schema/").status_code == 403
