"""The admin: an administrator sees and changes only their own organisation."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from organisation.models import AccessLogEntry, Team, User
from organisation.services import access_log_record
from tests.conftest import World


@pytest.fixture
def admin_client(world: World) -> Client:
    client = Client()
    client.force_login(world.administrator)
    return client


def changelist(client: Client, model: str) -> list[Any]:
    response = client.get(reverse(f"admin:organisation_{model}_changelist"))
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_team_changelist_holds_only_the_administrators_teams(
    world: World, admin_client: Client
) -> None:
    teams = changelist(admin_client, "team")

    assert sorted(team.name for team in teams) == ["North One", "North Two", "South One"]


def test_other_organisation_admin_sees_only_their_team(world: World) -> None:
    client = Client()
    client.force_login(world.other_organisation_admin)

    assert [team.name for team in changelist(client, "team")] == ["Their team"]


def test_staff_changelist_holds_only_the_administrators_staff(
    world: World, admin_client: Client
) -> None:
    staff = changelist(admin_client, "staffmember")

    assert {member.organisation_id for member in staff} == {world.organisation.pk}
    assert len(staff) == 9
    assert world.other_organisation_practitioner.staff_member not in staff


def test_user_changelist_holds_only_the_administrators_users(
    world: World, admin_client: Client
) -> None:
    emails = [user.email for user in changelist(admin_client, "user")]

    assert len(emails) == 9
    assert "admin@example.org" in emails
    assert world.other_organisation_admin.email not in emails
    assert world.other_organisation_practitioner.email not in emails


def test_organisation_changelist_holds_only_the_administrators_organisation(
    admin_client: Client,
) -> None:
    assert [str(o) for o in changelist(admin_client, "organisation")] == ["Testshire (901)"]


def test_another_organisations_team_redirects_to_the_index_without_naming_it(
    world: World, admin_client: Client
) -> None:
    their_team = Team.objects.get(name="Their team")
    url = reverse("admin:organisation_team_change", args=[their_team.pk])

    response = admin_client.get(url, follow=True)

    assert response.redirect_chain == [(reverse("admin:index"), 302)]
    content = response.content.decode()
    assert f"Team with ID “{their_team.pk}” doesn’t exist" in content
    assert "Their team" not in content


def test_posting_a_change_to_another_organisations_team_changes_nothing(
    world: World, admin_client: Client
) -> None:
    their_team = Team.objects.get(name="Their team")

    response = admin_client.post(
        reverse("admin:organisation_team_change", args=[their_team.pk]),
        {"name": "Taken over", "code": "X1", "service": world.service.pk},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    their_team.refresh_from_db()
    assert their_team.name == "Their team"


def test_team_form_offers_only_the_administrators_services(admin_client: Client) -> None:
    response = admin_client.get(reverse("admin:organisation_team_add"))

    services = response.context["adminform"].form.fields["service"].queryset
    assert sorted(service.name for service in services) == ["North", "South"]


def test_role_inline_offers_only_the_administrators_teams(
    world: World, admin_client: Client
) -> None:
    staff = world.practitioner.staff_member

    response = admin_client.get(reverse("admin:organisation_staffmember_change", args=[staff.pk]))

    role_formset = response.context["inline_admin_formsets"][0].formset
    teams = role_formset.empty_form.fields["team"].queryset
    assert sorted(team.name for team in teams) == ["North One", "North Two", "South One"]


def test_admin_refuses_a_signed_in_non_administrator(world: World) -> None:
    client = Client()
    client.force_login(world.practitioner)
    changelist_url = reverse("admin:organisation_team_changelist")

    response = client.get(changelist_url, follow=True)

    assert response.redirect_chain == [(f"{reverse('admin:login')}?next={changelist_url}", 302)]
    assert response.status_code == 403


def test_admin_sends_anonymous_to_the_products_sign_in(db: None) -> None:
    response = Client().get(reverse("admin:index"), follow=True)

    assert response.redirect_chain == [
        ("/admin/login/?next=/admin/", 302),
        ("/accounts/login/?next=%2Fadmin%2F", 302),
    ]
    assert response.status_code == 200


@pytest.fixture
def entry(world: World) -> AccessLogEntry:
    return access_log_record(
        user=world.practitioner, obj=world.practitioner.staff_member, route="tests"
    )


def test_access_log_add_is_refused(admin_client: Client) -> None:
    url = reverse("admin:organisation_accesslogentry_add")

    response = admin_client.post(url, {"object_type": "x", "object_id": "1", "route": "x"})

    assert response.status_code == 403
    assert AccessLogEntry.objects.count() == 0


def test_access_log_change_page_has_no_save_or_delete(
    admin_client: Client, entry: AccessLogEntry
) -> None:
    response = admin_client.get(
        reverse("admin:organisation_accesslogentry_change", args=[entry.pk])
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="_save"' not in content
    assert 'name="_continue"' not in content
    assert reverse("admin:organisation_accesslogentry_delete", args=[entry.pk]) not in content


def test_access_log_change_and_delete_posts_are_refused(
    admin_client: Client, entry: AccessLogEntry
) -> None:
    change = admin_client.post(
        reverse("admin:organisation_accesslogentry_change", args=[entry.pk]), {"route": "edited"}
    )
    delete = admin_client.post(
        reverse("admin:organisation_accesslogentry_delete", args=[entry.pk]), {"post": "yes"}
    )

    assert change.status_code == 403
    assert delete.status_code == 403
    entry.refresh_from_db()
    assert entry.route == "tests"


def test_access_log_changelist_offers_no_add_and_no_delete_action(
    admin_client: Client, entry: AccessLogEntry
) -> None:
    response = admin_client.get(reverse("admin:organisation_accesslogentry_changelist"))

    assert list(response.context["cl"].result_list) == [entry]
    assert reverse("admin:organisation_accesslogentry_add") not in response.content.decode()
    assert response.context["action_form"] is None


def test_access_log_changelist_holds_only_the_administrators_organisation(
    world: World, admin_client: Client, entry: AccessLogEntry
) -> None:
    theirs = world.other_organisation_practitioner
    access_log_record(user=theirs, obj=theirs.staff_member, route="tests")

    response = admin_client.get(reverse("admin:organisation_accesslogentry_changelist"))

    assert list(response.context["cl"].result_list) == [entry]


def deactivate_action(client: Client, *users: User) -> Any:
    return client.post(
        reverse("admin:organisation_user_changelist"),
        {"action": "deactivate", "_selected_action": [user.pk for user in users]},
        follow=True,
    )


def test_deactivate_action_deactivates_the_user(world: World, admin_client: Client) -> None:
    response = deactivate_action(admin_client, world.practitioner)

    world.practitioner.refresh_from_db()
    assert world.practitioner.is_active is False
    assert "Deactivated 1 user(s)." in response.content.decode()


def test_deactivate_action_ends_the_users_session(world: World, admin_client: Client) -> None:
    target = Client()
    target.force_login(world.practitioner)
    assert target.get(reverse("home")).status_code == 200

    deactivate_action(admin_client, world.practitioner)

    assert target.get(reverse("home"))["Location"] == f"{reverse('account_login')}?next=/"


def test_deactivate_action_refuses_the_administrator_themselves(
    world: World, admin_client: Client
) -> None:
    response = deactivate_action(admin_client, world.administrator, world.practitioner)

    world.administrator.refresh_from_db()
    world.practitioner.refresh_from_db()
    assert world.administrator.is_active is True
    assert world.practitioner.is_active is False
    assert [str(message) for message in response.context["messages"]] == [
        "admin@example.org: You cannot deactivate your own account.",
        "Deactivated 1 user(s).",
    ]


def test_deactivate_action_ignores_another_organisations_user(
    world: World, admin_client: Client
) -> None:
    deactivate_action(admin_client, world.other_organisation_practitioner)

    world.other_organisation_practitioner.refresh_from_db()
    assert world.other_organisation_practitioner.is_active is True


def test_user_added_in_the_admin_stays_visible_to_its_administrator(
    admin_client: Client,
) -> None:
    response = admin_client.post(
        reverse("admin:organisation_user_add"),
        {
            "email": "new.starter@example.org",
            "name": "New Starter",
            "worker_id": "W-NEW-1",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
            "usable_password": "true",
        },
        follow=True,
    )

    new_user = User.objects.get(email="new.starter@example.org")
    assert response.redirect_chain[0] == (
        reverse("admin:organisation_user_change", args=[new_user.pk]),
        302,
    )
    # The administrator should land on the new login, not on "doesn't exist" at the index.
    assert len(response.redirect_chain) == 1
    assert new_user in changelist(admin_client, "user")
    assert (new_user.staff_member.worker_id, new_user.staff_member.name) == (
        "W-NEW-1",
        "New Starter",
    )
