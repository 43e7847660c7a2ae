from datetime import date
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import Client

from organisation.models import AccessLogEntry, Role, RoleAssignment, TeamMembership
from organisation.services import (
    access_log_record,
    access_log_record_many,
    organisation_create,
    role_assign,
    staff_member_upsert,
    team_membership_start,
    user_deactivate,
)
from qa_system.errors import ApplicationError
from tests.conftest import World
from tests.factories import PASSWORD, StaffMemberFactory


def test_organisation_create_is_idempotent(db: None) -> None:
    first = organisation_create(la_code="888", name="Oldshire")
    again = organisation_create(la_code="888", name="Newshire")
    assert first.pk == again.pk
    again.refresh_from_db()
    assert again.name == "Newshire"


def test_moving_team_ends_the_old_membership_the_day_before(world: World) -> None:
    staff = world.practitioner.staff_member
    team_membership_start(staff=staff, team=world.other_team, start_date=date(2024, 9, 2))
    history = list(TeamMembership.objects.filter(staff=staff).order_by("start_date"))
    assert [(m.team.code, m.start_date, m.end_date) for m in history] == [
        ("N1", date(2020, 1, 1), date(2024, 9, 1)),
        ("N2", date(2024, 9, 2), None),
    ]


def test_starting_the_same_team_on_the_same_date_again_changes_nothing(world: World) -> None:
    staff = world.practitioner.staff_member
    team_membership_start(staff=staff, team=world.other_team, start_date=date(2024, 9, 2))
    team_membership_start(staff=staff, team=world.other_team, start_date=date(2024, 9, 2))
    assert TeamMembership.objects.filter(staff=staff).count() == 2


def test_a_move_dated_before_the_latest_membership_is_refused(world: World) -> None:
    staff = world.practitioner.staff_member
    with pytest.raises(ApplicationError, match="date order"):
        team_membership_start(staff=staff, team=world.other_team, start_date=date(2019, 1, 1))


def test_a_team_of_another_organisation_is_refused(world: World) -> None:
    staff = world.practitioner.staff_member
    other_team = world.other_organisation.teams.get()
    with pytest.raises(ApplicationError, match="another organisation"):
        team_membership_start(staff=staff, team=other_team, start_date=date(2025, 1, 1))


def test_role_assign_is_idempotent_and_checks_scope(world: World) -> None:
    staff = world.practitioner.staff_member
    role_assign(staff=staff, role=Role.TEAM_MANAGER, team=world.team)
    role_assign(staff=staff, role=Role.TEAM_MANAGER, team=world.team)
    assert RoleAssignment.objects.filter(staff=staff, role=Role.TEAM_MANAGER).count() == 1
    with pytest.raises(ApplicationError, match="manages one team"):
        role_assign(staff=staff, role=Role.TEAM_MANAGER)
    with pytest.raises(ApplicationError, match="whole organisation"):
        role_assign(staff=staff, role=Role.QA_LEAD, team=world.team)


def test_the_database_refuses_a_role_with_the_wrong_scope(world: World) -> None:
    staff = world.practitioner.staff_member
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(staff=staff, role=Role.QA_LEAD, team=world.team)


def test_staff_member_upsert_links_a_login_once(world: World) -> None:
    staff = staff_member_upsert(
        organisation=world.organisation,
        worker_id="X1",
        name="New Person",
        email="New.Person@Example.org",
        password=PASSWORD,
    )
    assert staff.user is not None
    assert staff.user.email == "new.person@example.org"
    again = staff_member_upsert(
        organisation=world.organisation, worker_id="X1", name="New Person", email="other@x.org"
    )
    assert again.user == staff.user


def test_an_email_of_another_staff_member_is_refused(world: World) -> None:
    with pytest.raises(ApplicationError, match="another staff member"):
        staff_member_upsert(
            organisation=world.organisation,
            worker_id="X2",
            name="Someone",
            email=world.practitioner.email,
        )


def test_deactivating_a_user_ends_their_sessions(world: World) -> None:
    their_browser = Client()
    their_browser.force_login(world.practitioner)
    assert their_browser.get("/").status_code == 200
    user_deactivate(user=world.practitioner, by=world.administrator)
    world.practitioner.refresh_from_db()
    assert world.practitioner.is_active is False
    remaining = [
        s
        for s in Session.objects.all()
        if s.get_decoded().get("_auth_user_id") == str(world.practitioner.pk)
    ]
    assert remaining == []
    assert their_browser.get("/").status_code == 302


@pytest.mark.parametrize(
    ("by", "target", "message"),
    [
        ("team_manager", "practitioner", "Only an administrator"),
        ("administrator", "administrator", "your own account"),
        ("other_organisation_admin", "practitioner", "another organisation"),
    ],
)
def test_deactivation_is_refused_to_the_wrong_people(
    world: World, by: str, target: str, message: str
) -> None:
    with pytest.raises(ApplicationError, match=message):
        user_deactivate(user=getattr(world, target), by=getattr(world, by))
    getattr(world, target).refresh_from_db()
    assert getattr(world, target).is_active is True


def test_access_log_records_who_what_and_route(world: World) -> None:
    entry = access_log_record(
        user=world.team_manager, obj=world.team, route="organisation:team_detail"
    )
    assert (entry.organisation, entry.user, entry.object_type, entry.object_id, entry.route) == (
        world.organisation,
        world.team_manager,
        "organisation.team",
        str(world.team.pk),
        "organisation:team_detail",
    )
    assert entry.action == "view"


def test_access_log_records_many_in_one_insert_each_record_once(
    world: World, django_assert_num_queries: Any
) -> None:
    teams = [world.team, world.other_team, world.team]

    with django_assert_num_queries(1):
        entries = access_log_record_many(user=world.team_manager, objects=teams, route="r")

    assert len(entries) == 2
    assert sorted(
        AccessLogEntry.objects.values_list("organisation_id", "object_type", "object_id", "route")
    ) == sorted(
        (world.organisation.pk, "organisation.team", str(team.pk), "r")
        for team in (world.team, world.other_team)
    )


def test_access_log_records_nothing_for_an_empty_list(
    world: World, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        assert access_log_record_many(user=world.team_manager, objects=[], route="r") == []


def test_access_log_cannot_be_changed_through_the_orm(world: World) -> None:
    entry = access_log_record(user=world.team_manager, obj=world.team, route="r")
    entry.route = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().update(route="changed")
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.get().route == "r"


def test_access_log_cannot_be_updated_in_the_database(world: World) -> None:
    access_log_record(user=world.team_manager, obj=world.team, route="r")
    table = AccessLogEntry._meta.db_table
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET route = 'x'")  # noqa: S608
    assert AccessLogEntry.objects.get().route == "r"


def test_access_log_rows_cannot_be_deleted_in_postgresql(world: World) -> None:
    """Production's database refuses DELETE too (SQLite, the local embedded database,
    allows it so that tests can empty tables between them)."""
    access_log_record(user=world.team_manager, obj=world.team, route="r")
    table = AccessLogEntry._meta.db_table
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        assert not AccessLogEntry.objects.exists()
        return
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    assert AccessLogEntry.objects.count() == 1


def test_staff_factory_sanity(db: None) -> None:
    staff = StaffMemberFactory()
    assert staff.user is not None
    assert staff.user.check_password(PASSWORD)
