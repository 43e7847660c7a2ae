"""Handing over, sending and reminding; the worker's list."""

from datetime import timedelta

import pytest
from django.utils import timezone

from organisation.models import Notification
from qa_system.errors import ApplicationError
from surveys.backends import LocmemSender
from surveys.models import SurveyInvitation, SurveySettings, SurveyToken
from surveys.selectors import survey_invitations_to_hand_over
from surveys.services_invitations import (
    survey_invitation_issue_link,
    survey_invitation_reminders_send,
    survey_invitation_send,
)
from surveys.services_responses import survey_link_open
from tests.conftest import World
from tests.surveys.factories import family_invitation, open_campaign


def test_a_handed_over_link_comes_with_a_qr_code_and_is_kept_only_as_a_hash(world: World) -> None:
    invitation, _ = family_invitation(world)

    link = survey_invitation_issue_link(invitation=invitation, by=world.team_manager)

    assert link.path == f"/s/{link.token}/"
    assert link.url.endswith(link.path)
    assert link.qr_svg.startswith("<svg")
    assert "<script" not in link.qr_svg
    assert "http" not in link.qr_svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert SurveyToken.objects.filter(invitation=invitation).count() == 2
    assert survey_link_open(token=link.token, client_address="a").invitation == invitation


def test_only_the_case_worker_and_managers_hand_over(world: World) -> None:
    invitation, _ = family_invitation(world)

    for outsider in (
        world.other_team_practitioner,
        world.senior_leader,
        world.other_organisation_admin,
    ):
        with pytest.raises(ApplicationError):
            survey_invitation_issue_link(invitation=invitation, by=outsider)


def test_sending_by_email_and_sms_goes_through_the_backends(world: World) -> None:
    email, _ = family_invitation(world)
    sms, _ = family_invitation(world)

    survey_invitation_send(
        invitation=email, channel="email", contact="parent@example.net", by=world.practitioner
    )
    survey_invitation_send(
        invitation=sms, channel="sms", contact="07700 900123", by=world.practitioner
    )

    assert [m.to for m in LocmemSender.outbox] == ["parent@example.net", "07700 900123"]
    token = LocmemSender.outbox[0].body.split("/s/")[1].split("/")[0]
    assert survey_link_open(token=token, client_address="b").invitation == email
    assert email.child.child_id not in LocmemSender.outbox[0].body  # nothing about the case
    with pytest.raises(ApplicationError, match="email"):
        survey_invitation_send(
            invitation=email, channel="email", contact="nope", by=world.practitioner
        )


def test_reminders_go_once_each_on_the_organisations_days(world: World) -> None:
    SurveySettings.objects.create(organisation=world.organisation, reminder_after_days=[3, 10])
    invitation, _ = family_invitation(world)
    survey_invitation_send(
        invitation=invitation, channel="email", contact="p@example.net", by=world.practitioner
    )
    sent = invitation.sent_at
    LocmemSender.outbox.clear()

    runs = [
        survey_invitation_reminders_send(now=sent + timedelta(days=2)),
        survey_invitation_reminders_send(now=sent + timedelta(days=3)),
        survey_invitation_reminders_send(now=sent + timedelta(days=4)),
        survey_invitation_reminders_send(now=sent + timedelta(days=10)),
        survey_invitation_reminders_send(now=sent + timedelta(days=11)),
    ]

    assert runs == [0, 1, 0, 1, 0]
    assert len(LocmemSender.outbox) == 2
    assert "reminder" in LocmemSender.outbox[0].body.lower()


def test_no_reminder_after_the_survey_is_answered(world: World) -> None:
    from surveys.services_responses import survey_response_submit
    from surveys.tokens import token_hash

    invitation, token = family_invitation(world)
    survey_invitation_send(
        invitation=invitation, channel="sms", contact="07700900123", by=world.practitioner
    )
    survey_response_submit(invitation_id=invitation.pk, token_hash=token_hash(token), answers={})

    assert survey_invitation_reminders_send(now=timezone.now() + timedelta(days=8)) == 0
    invitation.refresh_from_db()
    assert invitation.contact == ""  # forgotten once used


def test_staff_reminders_are_notifications_with_no_link_token(world: World) -> None:
    open_campaign(world.organisation, "staff")

    sent = survey_invitation_reminders_send(now=timezone.now() + timedelta(days=7, minutes=1))

    assert sent == SurveyInvitation.objects.filter(staff__isnull=False).count()
    reminders = Notification.objects.filter(kind="survey_staff_reminder")
    assert reminders.filter(recipient=world.practitioner).count() == 1
    assert not any("/s/" in n.url or "/s/" in n.body for n in reminders)


def test_the_workers_list_of_surveys_to_offer(world: World) -> None:
    invitation, _ = family_invitation(world)
    sent, _ = family_invitation(world)
    survey_invitation_send(
        invitation=sent, channel="email", contact="p@example.net", by=world.practitioner
    )

    assert list(survey_invitations_to_hand_over(user=world.practitioner)) == [invitation]
    assert list(survey_invitations_to_hand_over(user=world.other_team_practitioner)) == []


def test_without_an_sms_provider_in_production_a_text_is_refused(
    world: World, settings: object
) -> None:
    settings.SURVEY_SMS_SENDER = ""  # type: ignore[attr-defined]
    settings.DJANGO_ENV = "production"  # type: ignore[attr-defined]
    invitation, _ = family_invitation(world)

    with pytest.raises(ApplicationError, match="not set up"):
        survey_invitation_send(
            invitation=invitation, channel="sms", contact="07700900123", by=world.practitioner
        )

    invitation.refresh_from_db()
    assert (invitation.sent_at, invitation.contact) == (None, "")
