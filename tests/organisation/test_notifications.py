"""Notifications: in the app for the recipient only, by email once, idempotent by key."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from organisation.models import Notification, Role
from organisation.selectors import (
    notification_list_for_user,
    notification_unread_count,
    users_managing_service,
    users_managing_team,
    users_with_organisation_role,
)
from organisation.services import notification_email_deliver, notification_send
from tests.conftest import World


def _send(world: World, **extra: object) -> Notification | None:
    return notification_send(
        recipient=world.practitioner,
        organisation_id=world.organisation.pk,
        kind="audit_assigned",
        subject="An audit is waiting for your reflection",
        body="Audit 12 is due on 1 December.",
        url="/",
        **extra,  # type: ignore[arg-type]
    )


def test_send_shows_in_the_app_and_emails_once(
    world: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        notification = _send(world)

    assert notification is not None
    assert notification_unread_count(user=world.practitioner) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.practitioner.email]
    assert mail.outbox[0].subject == "Sightline: An audit is waiting for your reflection"
    assert "Audit 12 is due on 1 December." in mail.outbox[0].body
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    # Delivering again (a retried task) sends nothing more.
    assert notification_email_deliver(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_the_same_key_notifies_once(world: World) -> None:
    first = _send(world, dedupe_key="audit-assigned:12", email=False)
    second = _send(world, dedupe_key="audit-assigned:12", email=False)

    assert first is not None
    assert second is None
    assert Notification.objects.filter(recipient=world.practitioner).count() == 1


def test_in_app_only_sends_no_email(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        _send(world, email=False)

    assert mail.outbox == []


def test_nobody_sees_anyone_elses_notifications(world: World) -> None:
    _send(world, email=False)

    assert notification_list_for_user(user=world.team_manager).count() == 0
    page = _client(world.team_manager).get(reverse("organisation:notifications"))
    assert "An audit is waiting" not in page.content.decode()


def test_opening_marks_read_and_goes_to_the_page(world: World) -> None:
    notification = _send(world, email=False)
    assert notification is not None

    response = _client(world.practitioner).post(
        reverse("organisation:notification_open", args=[notification.pk])
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert notification_unread_count(user=world.practitioner) == 0


def test_an_outside_link_is_never_followed(world: World) -> None:
    notification = _send(world, email=False)
    assert notification is not None
    Notification.objects.filter(pk=notification.pk).update(url="https://elsewhere.example/")

    response = _client(world.practitioner).post(
        reverse("organisation:notification_open", args=[notification.pk])
    )

    assert response["Location"] == reverse("organisation:notifications")


def test_mark_all_read(world: World) -> None:
    _send(world, email=False)
    _send(world, email=False, dedupe_key="second")

    _client(world.practitioner).post(reverse("organisation:notifications_read_all"))

    assert notification_unread_count(user=world.practitioner) == 0


def test_the_navigation_counts_unread(world: World) -> None:
    _send(world, email=False)

    nav = _client(world.practitioner).get(reverse("home")).context["nav_items"]

    assert "Notifications (1 new)" in [item.label for item in nav]


def test_who_manages_a_team_and_a_service(world: World) -> None:
    team = world.team_manager.staff_member.roles.get(role=Role.TEAM_MANAGER).team
    service = world.service_manager.staff_member.roles.get(role=Role.SERVICE_MANAGER).service

    assert users_managing_team(team_id=team.pk) == [world.team_manager]
    assert users_managing_service(service_id=service.pk) == [world.service_manager]
    assert users_with_organisation_role(
        organisation_id=world.organisation.pk, role=Role.QA_LEAD
    ) == [world.qa_lead]


@pytest.mark.parametrize("active", [False])
def test_inactive_people_are_not_notified(world: World, active: bool) -> None:
    world.practitioner.is_active = active
    world.practitioner.save()

    assert _send(world) is None


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client
