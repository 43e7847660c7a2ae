"""A child who says they do not feel safe: the team manager is told at once, must
acknowledge, and the service manager is told when nobody does in time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from organisation.models import Notification
from qa_system.errors import ApplicationError
from surveys.models import SafetyAlert, SurveySettings
from surveys.services_alerts import (
    safety_alert_acknowledge,
    safety_alerts_escalate_unacknowledged,
)
from surveys.services_responses import survey_response_submit
from surveys.tokens import token_hash
from tests.conftest import World
from tests.surveys.factories import allocated_child, family_invitation, open_campaign


def _child_answers(
    world: World, answers: dict[str, object], key: str = "child_8_12"
) -> SafetyAlert | None:
    campaign = open_campaign(world.organisation, key)
    invitation, token = family_invitation(world, campaign, the_child=allocated_child(world))
    submission = survey_response_submit(
        invitation_id=invitation.pk, token_hash=token_hash(token), answers=answers
    )
    return submission.safety_alert


def test_not_feeling_safe_alerts_the_team_manager_at_once(world: World) -> None:
    alert = _child_answers(world, {"safe_home": 1, "safe_school": 5, "safe_where_i_live": 2})

    assert alert is not None
    assert alert.places == ["home", "community"]
    assert alert.team_id == world.team.pk
    notification = Notification.objects.get(kind="survey_safety_alert")
    assert notification.recipient == world.team_manager
    assert notification.email_requested is True
    assert alert.child.child_id in notification.body  # the case reference, in the body
    assert alert.child.child_id not in notification.subject
    assert "at home" in notification.body
    assert "where i live" in notification.body


@pytest.mark.parametrize(
    ("key", "answers"),
    [
        ("child_4_7", {"safe_home": 1}),
        ("child_13_plus", {"safe_school": 2}),
    ],
)
def test_every_childrens_survey_raises_alerts(
    world: World, key: str, answers: dict[str, object]
) -> None:
    assert _child_answers(world, answers, key) is not None


def test_feeling_safe_or_in_between_raises_no_alert(world: World) -> None:
    alert = _child_answers(world, {"safe_home": 3, "safe_school": 4, "safe_where_i_live": 5})

    assert alert is None
    assert not SafetyAlert.objects.exists()
    assert not Notification.objects.filter(kind="survey_safety_alert").exists()


def test_a_manager_acknowledges_once(world: World) -> None:
    alert = _child_answers(world, {"safe_home": 1})
    assert alert is not None

    safety_alert_acknowledge(alert=alert, by=world.team_manager, note="Worker visited today.")
    with pytest.raises(ApplicationError, match="already"):
        safety_alert_acknowledge(alert=alert, by=world.service_manager)

    alert.refresh_from_db()
    assert alert.acknowledged_by == world.team_manager
    assert alert.acknowledgement_note == "Worker visited today."


def test_the_worker_and_other_teams_cannot_acknowledge(world: World) -> None:
    alert = _child_answers(world, {"safe_home": 1})
    assert alert is not None

    for person in (world.practitioner, world.other_team_practitioner, world.senior_leader):
        with pytest.raises(ApplicationError):
            safety_alert_acknowledge(alert=alert, by=person)


def test_an_unacknowledged_alert_escalates_to_the_service_manager_once(world: World) -> None:
    SurveySettings.objects.create(organisation=world.organisation, alert_escalation_hours=2)
    alert = _child_answers(world, {"safe_home": 1})
    assert alert is not None
    created = alert.created_at

    too_soon = safety_alerts_escalate_unacknowledged(now=created + timedelta(hours=1, minutes=59))
    escalated = safety_alerts_escalate_unacknowledged(now=created + timedelta(hours=2))
    again = safety_alerts_escalate_unacknowledged(now=created + timedelta(hours=5))

    alert.refresh_from_db()
    assert (too_soon, escalated, again) == (0, 1, 0)
    assert alert.escalated_at == created + timedelta(hours=2)
    notes = Notification.objects.filter(kind="survey_safety_alert_escalated")
    assert [n.recipient for n in notes] == [world.service_manager]


def test_an_acknowledged_alert_does_not_escalate(world: World) -> None:
    alert = _child_answers(world, {"safe_home": 1})
    assert alert is not None
    safety_alert_acknowledge(alert=alert, by=world.team_manager)

    escalated = safety_alerts_escalate_unacknowledged(now=timezone.now() + timedelta(hours=24))

    assert escalated == 0
    assert not Notification.objects.filter(kind="survey_safety_alert_escalated").exists()


def test_default_escalation_is_after_four_hours(world: World) -> None:
    alert = _child_answers(world, {"safe_home": 1})
    assert alert is not None

    assert safety_alerts_escalate_unacknowledged(now=alert.created_at + timedelta(hours=3)) == 0
    assert safety_alerts_escalate_unacknowledged(now=alert.created_at + timedelta(hours=4)) == 1
