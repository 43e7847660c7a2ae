"""Every transition, allowed and refused, per role; refusals say why."""

import pytest

from audits.models import AuditEvent, AuditState
from audits.services_transitions import (
    audit_auditor_assign,
    audit_cancel,
    audit_close,
    audit_complete,
    audit_reflection_skip,
    audit_reflection_start,
    audit_reflection_submit,
)
from qa_system.errors import ApplicationError
from tests.audits.factories import audit_in_state, fill_judgement, rate_all

OTHERS = [
    "other_team_practitioner",
    "far_team_practitioner",
    "senior_leader",
    "administrator",
    "other_organisation_admin",
]


def _user(world, persona):
    return getattr(world, persona)


@pytest.mark.parametrize("persona", ["practitioner", "team_manager", "qa_lead"])
def test_reflection_start_allowed(world, persona):
    audit = audit_in_state(world, AuditState.PLANNED)

    audit_reflection_start(audit=audit, by=_user(world, persona))

    audit.refresh_from_db()
    assert audit.state == AuditState.REFLECTION
    assert audit.reflection_started_at is not None
    event = audit.events.get(kind=AuditEvent.Kind.STATE)
    assert (event.old, event.new, event.by) == ("planned", "reflection", _user(world, persona))


@pytest.mark.parametrize("persona", ["service_manager", *OTHERS])
def test_reflection_start_refused(world, persona):
    audit = audit_in_state(world, AuditState.PLANNED)

    with pytest.raises(ApplicationError, match="Only the practitioner, the auditor or a QA lead"):
        audit_reflection_start(audit=audit, by=_user(world, persona))
    audit.refresh_from_db()
    assert audit.state == AuditState.PLANNED


def test_reflection_start_refused_when_already_started(world):
    audit = audit_in_state(world, AuditState.REFLECTION)

    with pytest.raises(ApplicationError, match="practitioner reflection, so you cannot"):
        audit_reflection_start(audit=audit, by=world.practitioner)


def test_reflection_submit_by_the_practitioner_moves_to_conversation(world):
    audit = audit_in_state(world, AuditState.REFLECTION)
    rate_all(audit, world.practitioner, "practitioner")

    audit_reflection_submit(audit=audit, by=world.practitioner)

    audit.refresh_from_db()
    assert audit.state == AuditState.CONVERSATION
    assert world.team_manager.notifications.filter(kind="audit_ready").count() == 1


def test_reflection_submit_refuses_unrated_items(world):
    audit = audit_in_state(world, AuditState.REFLECTION)

    with pytest.raises(ApplicationError, match="Item B1 has no rating yet"):
        audit_reflection_submit(audit=audit, by=world.practitioner)


@pytest.mark.parametrize("persona", ["team_manager", "qa_lead", "service_manager", *OTHERS])
def test_reflection_submit_refused_for_anyone_but_the_practitioner(world, persona):
    audit = audit_in_state(world, AuditState.REFLECTION)
    rate_all(audit, world.practitioner, "practitioner")

    with pytest.raises(ApplicationError, match="Only the practitioner can finish"):
        audit_reflection_submit(audit=audit, by=_user(world, persona))


@pytest.mark.parametrize("persona", ["team_manager", "qa_lead"])
def test_reflection_skip_allowed_with_a_reason(world, persona):
    audit = audit_in_state(world, AuditState.PLANNED)

    audit_reflection_skip(audit=audit, by=_user(world, persona), reason="Worker on long leave")

    audit.refresh_from_db()
    assert audit.state == AuditState.CONVERSATION
    assert audit.reflection_skipped_reason == "Worker on long leave"


def test_reflection_skip_needs_a_reason(world):
    audit = audit_in_state(world, AuditState.PLANNED)

    with pytest.raises(ApplicationError, match="Say why"):
        audit_reflection_skip(audit=audit, by=world.team_manager, reason=" ")


@pytest.mark.parametrize("persona", ["practitioner", "service_manager", *OTHERS])
def test_reflection_skip_refused(world, persona):
    audit = audit_in_state(world, AuditState.PLANNED)

    with pytest.raises(ApplicationError, match="Only the auditor or a QA lead"):
        audit_reflection_skip(audit=audit, by=_user(world, persona), reason="x")


def test_complete_by_the_auditor(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    rate_all(audit, world.team_manager, "auditor")
    fill_judgement(audit, world.team_manager)

    audit_complete(audit=audit, by=world.team_manager)

    audit.refresh_from_db()
    assert audit.completed_at is not None
    # Not sampled for moderation and no actions: nothing outstanding, so it closes.
    assert audit.state in (AuditState.CLOSED, AuditState.COMPLETED)
    states = list(audit.events.filter(kind="state").values_list("new", flat=True))
    assert states[:3] == ["reflection", "conversation", "completed"]


@pytest.mark.parametrize("persona", ["practitioner", "qa_lead", "service_manager", *OTHERS])
def test_complete_refused_for_anyone_but_the_auditor(world, persona):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    rate_all(audit, world.team_manager, "auditor")
    fill_judgement(audit, world.team_manager)

    with pytest.raises(ApplicationError, match="Only the auditor can complete"):
        audit_complete(audit=audit, by=_user(world, persona))


def test_complete_refuses_without_the_grade(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    rate_all(audit, world.team_manager, "auditor")

    with pytest.raises(ApplicationError, match="overall grade"):
        audit_complete(audit=audit, by=world.team_manager)


def test_complete_refuses_unrated_items(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    fill_judgement(audit, world.team_manager)

    with pytest.raises(ApplicationError, match="Item B1 has no auditor rating"):
        audit_complete(audit=audit, by=world.team_manager)


def test_complete_refused_before_the_conversation(world):
    audit = audit_in_state(world, AuditState.REFLECTION)

    with pytest.raises(ApplicationError, match="so you cannot complete it now"):
        audit_complete(audit=audit, by=world.team_manager)


def test_cancel_by_a_qa_lead(world):
    audit = audit_in_state(world, AuditState.REFLECTION)

    audit_cancel(audit=audit, by=world.qa_lead, reason="Case closed")

    audit.refresh_from_db()
    assert audit.state == AuditState.CANCELLED
    assert audit.cancelled_reason == "Case closed"


@pytest.mark.parametrize("persona", ["practitioner", "team_manager", "service_manager", *OTHERS])
def test_cancel_refused(world, persona):
    audit = audit_in_state(world, AuditState.PLANNED)

    with pytest.raises(ApplicationError, match="Only a QA lead can cancel"):
        audit_cancel(audit=audit, by=_user(world, persona), reason="x")


def test_cancel_refused_once_completed(world):
    audit = audit_in_state(world, AuditState.COMPLETED)

    with pytest.raises(ApplicationError, match="cannot cancel it now"):
        audit_cancel(audit=audit, by=world.qa_lead, reason="x")


def test_close_refused_while_an_action_is_open(world):
    from audits.services_actions import action_create
    from tests.audits.factories import days

    audit = audit_in_state(world, AuditState.CONVERSATION)
    action_create(
        audit=audit,
        by=world.team_manager,
        description="Review the plan",
        owner=world.practitioner.staff_member,
        due_date=days(14),
    )
    rate_all(audit, world.team_manager, "auditor")
    fill_judgement(audit, world.team_manager)
    audit_complete(audit=audit, by=world.team_manager)
    audit.refresh_from_db()

    with pytest.raises(ApplicationError, match="1 action is still open"):
        audit_close(audit=audit, by=world.team_manager)
    assert audit.state == AuditState.COMPLETED


@pytest.mark.parametrize("persona", ["qa_lead", "team_manager", "service_manager"])
def test_auditor_assign_allowed(world, persona):
    audit = audit_in_state(world, AuditState.PLANNED)
    new_auditor = world.service_manager.staff_member

    audit_auditor_assign(audit=audit, by=_user(world, persona), auditor=new_auditor)

    audit.refresh_from_db()
    assert audit.auditor == new_auditor
    assert world.service_manager.notifications.filter(kind="audit_assigned").exists()


@pytest.mark.parametrize("persona", ["practitioner", "other_team_practitioner", "senior_leader"])
def test_auditor_assign_refused(world, persona):
    audit = audit_in_state(world, AuditState.PLANNED)

    with pytest.raises(ApplicationError, match="Only a QA lead or a manager"):
        audit_auditor_assign(
            audit=audit, by=_user(world, persona), auditor=world.qa_lead.staff_member
        )


def test_auditor_can_never_be_the_practitioner(world):
    audit = audit_in_state(world, AuditState.PLANNED)

    with pytest.raises(ApplicationError, match="cannot audit their own case"):
        audit_auditor_assign(audit=audit, by=world.qa_lead, auditor=world.practitioner.staff_member)
