"""The organisation's pages and the home page: what each persona sees on them."""

from datetime import date
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from organisation.models import StaffMember, User
from tests.conftest import World
from tests.factories import StaffMemberFactory, TeamMembershipFactory


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def structure_of(user: User) -> list[tuple[str, bool, list[str]]]:
    """(service, linked, teams) as the structure page groups them."""
    response = client_for(user).get(reverse("organisation:structure"))
    assert response.status_code == 200
    return [
        (group["service"].name, group["linked"], [team.name for team in group["teams"]])
        for group in response.context["groups"]
    ]


def test_structure_shows_a_service_manager_the_teams_of_their_service(world: World) -> None:
    assert structure_of(world.service_manager) == [("North", True, ["North One", "North Two"])]

    content = client_for(world.service_manager).get(reverse("organisation:structure")).content
    assert b"North Two" in content
    assert b"South One" not in content


def test_structure_shows_a_team_manager_their_team_under_an_unlinked_service(
    world: World,
) -> None:
    assert structure_of(world.team_manager) == [("North", False, ["North One"])]


def test_structure_shows_a_qa_lead_every_team_of_the_organisation(world: World) -> None:
    assert structure_of(world.qa_lead) == [
        ("North", True, ["North One", "North Two"]),
        ("South", True, ["South One"]),
    ]


def test_structure_tells_a_practitioner_they_oversee_no_teams(world: World) -> None:
    response = client_for(world.practitioner).get(reverse("organisation:structure"))

    assert response.context["groups"] == []
    assert "You do not oversee any teams." in response.content.decode()


def test_team_page_lists_current_members_and_not_someone_who_left(world: World) -> None:
    leaver = StaffMemberFactory(organisation=world.organisation, name="Lee Leaver")
    TeamMembershipFactory(
        staff=leaver, team=world.team, start_date=date(2019, 1, 1), end_date=date(2021, 6, 30)
    )

    response = client_for(world.team_manager).get(
        reverse("organisation:team_detail", args=[world.team.pk])
    )

    assert response.status_code == 200
    members = {member.name for member in response.context["members"]}
    assert members == {world.practitioner.staff_member.name, world.team_manager.staff_member.name}
    assert "Lee Leaver" not in response.content.decode()
    assert "Team manager" in response.content.decode()


def test_service_page_lists_its_teams(world: World) -> None:
    response = client_for(world.service_manager).get(
        reverse("organisation:service_detail", args=[world.service.pk])
    )

    assert [team.name for team in response.context["teams"]] == ["North One", "North Two"]


def test_staff_page_shows_team_history_newest_first(world: World) -> None:
    staff = world.practitioner.staff_member
    TeamMembershipFactory(
        staff=staff, team=world.far_team, start_date=date(2018, 3, 1), end_date=date(2019, 12, 31)
    )

    response = client_for(world.administrator).get(
        reverse("organisation:staff_detail", args=[staff.pk])
    )

    history = [(m.team.name, m.start_date, m.end_date) for m in response.context["memberships"]]
    assert history == [
        ("North One", date(2020, 1, 1), None),
        ("South One", date(2018, 3, 1), date(2019, 12, 31)),
    ]
    content = response.content.decode()
    assert "1 March 2018" in content
    assert "31 December 2019" in content
    assert response.context["team"] == world.team


def test_staff_page_offers_deactivation_to_an_administrator_only_for_others(
    world: World,
) -> None:
    admin_client = client_for(world.administrator)
    colleague = world.practitioner.staff_member
    own = world.administrator.staff_member

    colleague_page = admin_client.get(reverse("organisation:staff_detail", args=[colleague.pk]))
    own_page = admin_client.get(reverse("organisation:staff_detail", args=[own.pk]))

    assert colleague_page.context["can_deactivate"] is True
    assert "Deactivate login" in colleague_page.content.decode()
    assert own_page.context["can_deactivate"] is False
    assert "Deactivate login" not in own_page.content.decode()


def test_staff_page_does_not_offer_deactivation_to_a_team_manager(world: World) -> None:
    response = client_for(world.team_manager).get(
        reverse("organisation:staff_detail", args=[world.practitioner.staff_member.pk])
    )

    assert response.context["can_deactivate"] is False


def test_deactivate_by_administrator_deactivates_and_signs_the_person_out(
    world: World,
) -> None:
    target = world.practitioner
    target_client = client_for(target)
    assert target_client.get(reverse("home")).status_code == 200
    session_key = target_client.session.session_key
    staff = target.staff_member

    response = client_for(world.administrator).post(
        reverse("organisation:staff_deactivate", args=[staff.pk])
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("organisation:staff_detail", args=[staff.pk])
    target.refresh_from_db()
    assert target.is_active is False
    assert Session.objects.filter(session_key=session_key).exists() is False
    after = target_client.get(reverse("home"))
    assert after.status_code == 302
    assert after["Location"] == f"{reverse('account_login')}?next=/"


def test_deactivate_confirmation_page_names_the_person(world: World) -> None:
    staff = world.practitioner.staff_member

    response = client_for(world.administrator).get(
        reverse("organisation:staff_deactivate", args=[staff.pk])
    )

    assert f"Deactivate {staff.name}'s login?" in response.content.decode()
    world.practitioner.refresh_from_db()
    assert world.practitioner.is_active is True


def test_deactivate_refuses_an_administrator_deactivating_themselves(world: World) -> None:
    own = world.administrator.staff_member

    response = client_for(world.administrator).post(
        reverse("organisation:staff_deactivate", args=[own.pk])
    )

    assert response.status_code == 403
    world.administrator.refresh_from_db()
    assert world.administrator.is_active is True


def test_deactivate_refuses_a_team_manager(world: World) -> None:
    response = client_for(world.team_manager).post(
        reverse("organisation:staff_deactivate", args=[world.practitioner.staff_member.pk])
    )

    assert response.status_code == 403
    world.practitioner.refresh_from_db()
    assert world.practitioner.is_active is True


def test_deactivate_of_someone_without_a_login_says_so(world: World) -> None:
    no_login = StaffMemberFactory(organisation=world.organisation, user=None, name="No Login")

    response = client_for(world.administrator).post(
        reverse("organisation:staff_deactivate", args=[no_login.pk]), follow=True
    )

    assert response.redirect_chain == [
        (reverse("organisation:staff_detail", args=[no_login.pk]), 302)
    ]
    assert "No Login has no active login." in response.content.decode()


def test_home_shows_a_practitioner_their_reflections(world: World) -> None:
    content = client_for(world.practitioner).get(reverse("home")).content.decode()

    assert "Audits waiting for your reflection" in content
    assert "Imports" not in content
    assert "North One, North" in content


def test_home_shows_a_data_officer_imports(world: World) -> None:
    content = client_for(world.data_officer).get(reverse("home")).content.decode()

    assert "Imports" in content
    assert "Validation errors to fix" in content
    assert "Audits waiting for your reflection" not in content


def test_home_asks_a_user_without_a_role_to_see_their_administrator(db: None) -> None:
    user = User.objects.create_user(email="nobody@example.org")

    content = client_for(user).get(reverse("home")).content.decode()

    assert "You have no role in an organisation yet." in content


@pytest.mark.parametrize(
    ("persona", "organisation"),
    [("practitioner", "Testshire"), ("other_organisation_admin", "Elsewhere")],
)
def test_header_shows_the_users_organisation(world: World, persona: str, organisation: str) -> None:
    content = client_for(getattr(world, persona)).get(reverse("home")).content.decode()

    assert f'<span class="app-header__organisation">{organisation}</span>' in content


def test_navigation_shows_administration_only_to_administrators(world: World) -> None:
    admin_nav = client_for(world.administrator).get(reverse("home")).context["nav_items"]
    practitioner_nav = client_for(world.practitioner).get(reverse("home")).context["nav_items"]

    assert [item.label for item in admin_nav] == [
        "Home",
        "Quality",
        "Teams and services",
        "Core data",
        "Surveys",
        "Imports",
        "Administration",
        "Retention",
        "Notifications",
        "Your account",
    ]
    assert [item.label for item in practitioner_nav] == [
        "Home",
        "My practice",
        "Core data",
        "Audits",
        "Surveys",
        "Notifications",
        "Your account",
    ]


def test_my_account_lists_the_users_roles(world: World) -> None:
    content = client_for(world.team_manager).get(reverse("organisation:my_account")).content

    assert "Team manager of North One" in content.decode()
    assert "team.manager@example.org" in content.decode()


def test_signup_is_closed_and_creates_nobody(db: None) -> None:
    client = Client()
    page = client.get(reverse("account_signup"))
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": "a-long-pass-1", "password2": "a-long-pass-1"},
    )

    assert "Sign Up Closed" in page.content.decode()
    assert "Sign Up Closed" in response.content.decode()
    assert User.objects.filter(email="new@example.org").exists() is False


HTML_PAGES = [
    ("anonymous", "account_login", {}),
    ("administrator", "home", {}),
    ("administrator", "organisation:structure", {}),
    ("administrator", "organisation:my_account", {}),
    ("administrator", "organisation:service_detail", {"pk": "service"}),
    ("administrator", "organisation:team_detail", {"pk": "team"}),
    ("administrator", "organisation:staff_detail", {"pk": "practitioner"}),
    ("administrator", "organisation:staff_deactivate", {"pk": "practitioner"}),
    ("practitioner", "organisation:team_detail", {"pk": "team"}),  # the 404 page
    ("team_manager", "organisation:staff_deactivate", {"pk": "practitioner"}),  # 403 page
    ("administrator", "admin:index", {}),
    ("administrator", "api:docs", {}),
]


@pytest.mark.parametrize(("persona", "name", "kwargs"), HTML_PAGES)
def test_html_pages_forbid_inline_script(
    world: World, persona: str, name: str, kwargs: dict[str, str]
) -> None:
    client = Client()
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    objects: dict[str, Any] = {
        "service": world.service,
        "team": world.team,
        "practitioner": StaffMember.objects.get(user=world.practitioner),
    }
    url = reverse(name, kwargs={key: objects[value].pk for key, value in kwargs.items()})

    response = client.get(url)

    assert response["Content-Type"].startswith("text/html")
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"]
