"""Section K: raised in one step, managers alerted at once, acknowledged, reminded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audits.models import AuditState
from audits.selectors_work import escalation_list_to_acknowledge
from audits.services_escalation import (
    escalation_acknowledge,
    escalation_raise,
    escalations_remind,
)
from audits.tasks import notify_unacknowledged_escalations
from qa_system.errors import ApplicationError
from tests.audits.factories import audit_in_state


def test_raising_alerts_team_and_service_managers_at_once(
    world, django_capture_on_commit_callbacks
):
    audit = audit_in_state(world, AuditState.CONVERSATION)

    with django_capture_on_commit_callbacks(execute=True):
        escalation = escalation_raise(audit=audit, by=world.team_manager, concern="New incident")

    for manager in (world.team_manager, world.service_manager):
        alert = manager.notifications.get(kind="audit_escalation")
        assert alert.email_requested
        assert alert.emailed_at is not None
        assert audit.child.child_id in alert.body
        assert audit.child.child_id not in alert.subject
    assert audit.events.get(kind="escalation").note == "New incident"
    assert escalation_list_to_acknowledge(user=world.service_manager) == [escalation]


def test_qa_lead_may_raise(world):
    audit = audit_in_state(world, AuditState.REFLECTION)

    escalation = escalation_raise(audit=audit, by=world.qa_lead, concern="Risk")

    assert escalation.raised_by == world.qa_lead


@pytest.mark.parametrize("persona", ["practitioner", "service_manager", "other_team_practitioner"])
def test_raising_refused_to_others(world, persona):
    audit = audit_in_state(world, AuditState.CONVERSATION)

    with pytest.raises(ApplicationError, match="Only the auditor or a QA lead can raise"):
        escalation_raise(audit=audit, by=getattr(world, persona), concern="x")


def test_a_concern_is_required(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)

    with pytest.raises(ApplicationError, match="Describe the current risk"):
        escalation_raise(audit=audit, by=world.team_manager, concern="  ")


@pytest.mark.parametrize("persona", ["team_manager", "service_manager"])
def test_a_manager_acknowledges(world, persona):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    escalation = escalation_raise(audit=audit, by=world.team_manager, concern="Risk")

    escalation_acknowledge(
        escalation=escalation, by=getattr(world, persona), note="Strategy meeting"
    )

    escalation.refresh_from_db()
    assert escalation.acknowledged_by == getattr(world, persona)
    assert escalation.acknowledgement_note == "Strategy meeting"
    assert escalation_list_to_acknowledge(user=world.service_manager) == []
    with pytest.raises(ApplicationError, match="already been acknowledged"):
        escalation_acknowledge(escalation=escalation, by=world.service_manager)


@pytest.mark.parametrize("persona", ["practitioner", "qa_lead", "other_team_practitioner"])
def test_acknowledging_refused_to_others(world, persona):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    escalation = escalation_raise(audit=audit, by=world.team_manager, concern="Risk")

    with pytest.raises(ApplicationError, match="Only a manager of the team or of its service"):
        escalation_acknowledge(escalation=escalation, by=getattr(world, persona))


def test_reminders_daily_until_acknowledged(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    escalation = escalation_raise(audit=audit, by=world.team_manager, concern="Risk")
    now = timezone.now()

    assert escalations_remind(now=now) == 0  # raised just now: the alert is enough
    assert escalations_remind(now=now + timedelta(days=1, hours=1)) == 1
    escalations_remind(now=now + timedelta(days=1, hours=2))  # same day: no second reminder
    reminders = world.service_manager.notifications.filter(kind="audit_escalation_reminder")
    assert reminders.count() == 1
    escalations_remind(now=now + timedelta(days=2, hours=1))
    assert reminders.count() == 2

    escalation_acknowledge(escalation=escalation, by=world.team_manager)
    assert escalations_remind(now=now + timedelta(days=3, hours=1)) == 0
    assert reminders.count() == 2


def test_the_reminder_task_runs_the_service(world):
    assert notify_unacknowledged_escalations.delay().get() == 0
