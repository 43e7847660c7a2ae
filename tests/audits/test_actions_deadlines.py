"""Actions, and the daily deadlines job: reminders before, escalation after, once a day."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audits.models import AuditAction, AuditState
from audits.services_actions import action_create, action_status_set, action_update
from audits.services_deadlines import deadlines_notify
from audits.services_programme import audit_settings_update
from audits.services_transitions import audit_complete
from qa_system.errors import ApplicationError
from tests.audits.factories import audit_in_state, days, fill_judgement, rate_all, staff_of


def _action(world, audit, due=None, owner=None):
    return action_create(
        audit=audit,
        by=world.team_manager,
        description="Review the safety plan",
        owner=owner or staff_of(world.practitioner),
        due_date=due or days(14),
    )


def _complete(world, audit):
    rate_all(audit, world.team_manager, "auditor")
    fill_judgement(audit, world.team_manager)
    audit_complete(audit=audit, by=world.team_manager)
    audit.refresh_from_db()


def test_action_created_in_the_conversation_notifies_its_owner(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)

    action = _action(world, audit)

    assert action.status == AuditAction.Status.OPEN
    assert world.practitioner.notifications.filter(kind="audit_action").count() == 1
    assert audit.events.filter(kind="action").count() == 1


@pytest.mark.parametrize("persona", ["practitioner", "service_manager"])
def test_action_create_refused_to_others(world, persona):
    audit = audit_in_state(world, AuditState.CONVERSATION)

    with pytest.raises(ApplicationError, match="Only the auditor or a QA lead can add actions"):
        action_create(
            audit=audit,
            by=getattr(world, persona),
            description="x",
            owner=staff_of(world.practitioner),
            due_date=days(3),
        )


def test_action_refuses_a_past_due_date(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)

    with pytest.raises(ApplicationError, match="cannot be in the past"):
        _action(world, audit, due=days(-1))


def test_last_action_done_closes_the_audit(world):
    audit_settings_update(organisation=world.organisation, by=world.qa_lead, moderation_percent=0)
    audit = audit_in_state(world, AuditState.CONVERSATION)
    action = _action(world, audit)
    _complete(world, audit)
    assert audit.state == AuditState.COMPLETED

    action_status_set(action=action, by=world.practitioner, status=AuditAction.Status.DONE)

    audit.refresh_from_db()
    action.refresh_from_db()
    assert audit.state == AuditState.CLOSED
    assert action.done_on_time is True


@pytest.mark.parametrize("persona", ["other_team_practitioner", "senior_leader"])
def test_action_status_refused_to_others(world, persona):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    action = _action(world, audit)

    with pytest.raises(ApplicationError, match="Only the action's owner"):
        action_status_set(action=action, by=getattr(world, persona), status="done")


def test_action_update_is_kept_in_the_history(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    action = _action(world, audit)

    action_update(action=action, by=world.team_manager, due_date=days(30))

    event = audit.events.get(field=f"action {action.pk} due date")
    assert (event.old, event.new) == (days(14).isoformat(), days(30).isoformat())


def test_reminder_before_an_action_is_due_once(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    _action(world, audit, due=days(2))

    deadlines_notify()
    deadlines_notify()

    assert world.practitioner.notifications.filter(kind="audit_action_due_soon").count() == 1


def test_overdue_action_escalates_to_the_owners_manager_once_a_day(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    action = _action(world, audit, due=days(5))
    today = timezone.localdate()

    deadlines_notify(today=today + timedelta(days=6))
    deadlines_notify(today=today + timedelta(days=6))
    deadlines_notify(today=today + timedelta(days=7))

    owner_notices = world.practitioner.notifications.filter(kind="audit_action_overdue")
    manager_notices = world.team_manager.notifications.filter(kind="audit_action_overdue_escalated")
    assert owner_notices.count() == 2
    assert manager_notices.count() == 2
    assert action.description not in manager_notices.first().body

    action_status_set(action=action, by=world.practitioner, status="done")
    deadlines_notify(today=today + timedelta(days=8))
    assert owner_notices.count() == 2


def test_overdue_audit_reminds_the_person_and_escalates(world):
    audit = audit_in_state(world, AuditState.REFLECTION)
    late = audit.due_date + timedelta(days=1)

    deadlines_notify(today=audit.due_date - timedelta(days=2))
    deadlines_notify(today=late)

    assert world.practitioner.notifications.filter(kind="audit_due_soon").count() == 1
    assert world.practitioner.notifications.filter(kind="audit_overdue").count() == 1
    assert world.team_manager.notifications.filter(kind="audit_overdue_escalated").count() == 1


def test_overdue_conversation_escalates_past_the_auditor_to_the_service_manager(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)

    deadlines_notify(today=audit.due_date + timedelta(days=1))

    assert world.team_manager.notifications.filter(kind="audit_overdue").count() == 1
    assert world.service_manager.notifications.filter(kind="audit_overdue_escalated").count() == 1


def test_the_deadlines_task_runs(world):
    from audits.tasks import notify_deadlines

    audit = audit_in_state(world, AuditState.CONVERSATION)
    _action(world, audit, due=days(1))

    assert notify_deadlines.delay().get() == 1
