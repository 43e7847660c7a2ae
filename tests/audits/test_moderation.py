"""Completion's consequences: moderation (share and every inadequate), the inadequate
flow (service manager told, follow-up planned), moderation by a second reviewer."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audits.models import Audit, AuditModeration, AuditState
from audits.selectors_work import moderation_agreement, moderation_queue_for_user
from audits.services_moderation import (
    audit_moderate,
    moderation_assign,
    moderation_request,
    moderation_sampled,
)
from audits.services_programme import audit_settings_update
from qa_system.errors import ApplicationError
from tests.audits.factories import audit_in_state, staff_of


def _share(world, percent):
    audit_settings_update(
        organisation=world.organisation, by=world.qa_lead, moderation_percent=percent
    )


def test_sampling_for_moderation_is_reproducible_and_near_the_share():
    picks = [moderation_sampled(organisation_id=1, audit_id=n, percent=10) for n in range(2000)]

    assert picks == [
        moderation_sampled(organisation_id=1, audit_id=n, percent=10) for n in range(2000)
    ]
    assert 150 < sum(picks) < 250
    assert not any(moderation_sampled(organisation_id=1, audit_id=n, percent=0) for n in range(200))


def test_without_moderation_or_actions_a_completed_audit_closes(world):
    _share(world, 0)

    audit = audit_in_state(world, AuditState.COMPLETED)

    assert audit.state == AuditState.CLOSED
    assert not AuditModeration.objects.filter(audit=audit).exists()


def test_sampled_audit_waits_for_moderation(world):
    _share(world, 100)

    audit = audit_in_state(world, AuditState.COMPLETED)

    assert audit.state == AuditState.COMPLETED
    assert audit.moderation.selected_because == "sample"
    assert world.qa_lead.notifications.filter(kind="audit_moderation").count() == 1
    assert [m.audit for m in moderation_queue_for_user(user=world.qa_lead)] == [audit]


def test_inadequate_audit_is_always_moderated_and_followed_up(world):
    _share(world, 0)
    audit_settings_update(organisation=world.organisation, by=world.qa_lead, follow_up_weeks=4)

    audit = audit_in_state(world, AuditState.COMPLETED, grade="inadequate")

    assert audit.state == AuditState.COMPLETED
    assert audit.moderation.selected_because == "inadequate"
    follow_up = Audit.objects.get(follow_up_of=audit)
    assert follow_up.kind == Audit.Kind.FOLLOW_UP
    assert follow_up.state == AuditState.PLANNED
    assert follow_up.due_date == timezone.localdate() + timedelta(weeks=4)
    assert follow_up.practitioner == audit.practitioner
    notice = world.service_manager.notifications.get(kind="audit_inadequate")
    assert notice.email_requested
    assert audit.events.filter(field="follow_up").exists()


def test_moderator_agrees(world):
    _share(world, 100)
    audit = audit_in_state(world, AuditState.COMPLETED)

    audit_moderate(audit=audit, by=world.qa_lead, agrees=True)

    audit.refresh_from_db()
    assert audit.state == AuditState.CLOSED  # moderated, and no action open
    moderation = AuditModeration.objects.get(audit=audit)
    assert moderation.agrees is True
    assert moderation.moderated_grade == "good"
    assert moderation.moderator == staff_of(world.qa_lead)
    assert list(audit.events.filter(kind="state").values_list("new", flat=True))[-2:] == [
        "moderated",
        "closed",
    ]


def test_moderator_changes_the_grade_with_a_reason(world):
    _share(world, 100)
    audit = audit_in_state(world, AuditState.COMPLETED)

    with pytest.raises(ApplicationError, match="Give your reason"):
        audit_moderate(audit=audit, by=world.qa_lead, agrees=False, grade="requires_improvement")
    audit_moderate(
        audit=audit,
        by=world.qa_lead,
        agrees=False,
        grade="requires_improvement",
        reason="The safety plan is not monitored.",
    )

    audit.refresh_from_db()
    assert audit.overall_grade == "requires_improvement"
    moderation = audit.moderation
    assert (moderation.original_grade, moderation.moderated_grade) == (
        "good",
        "requires_improvement",
    )
    event = audit.events.get(kind="moderation", field="overall_grade")
    assert (event.old, event.new, event.note) == (
        "good",
        "requires_improvement",
        "The safety plan is not monitored.",
    )
    assert moderation_agreement(organisation_id=world.organisation.pk) == (0, 1)


@pytest.mark.parametrize(
    "persona", ["team_manager", "practitioner", "service_manager", "senior_leader"]
)
def test_moderation_refused_to_the_auditor_practitioner_and_others(world, persona):
    _share(world, 100)
    audit = audit_in_state(world, AuditState.COMPLETED)

    with pytest.raises(ApplicationError, match="Only a moderator"):
        audit_moderate(audit=audit, by=getattr(world, persona), agrees=True)


def test_an_assigned_moderator_may_moderate(world):
    _share(world, 100)
    audit = audit_in_state(world, AuditState.COMPLETED)
    moderation_assign(
        moderation=audit.moderation, by=world.qa_lead, moderator=staff_of(world.service_manager)
    )

    audit_moderate(audit=audit, by=world.service_manager, agrees=True)

    audit.refresh_from_db()
    assert audit.moderated_at is not None
    assert world.service_manager.notifications.filter(kind="audit_moderation").exists()


def test_moderation_refused_when_not_waiting(world):
    _share(world, 0)
    audit = audit_in_state(world, AuditState.COMPLETED)

    with pytest.raises(ApplicationError, match="not waiting for moderation"):
        audit_moderate(audit=audit, by=world.qa_lead, agrees=True)


def test_a_qa_lead_can_request_moderation_of_a_completed_audit(world):
    from audits.services_actions import action_create
    from tests.audits.factories import days

    _share(world, 0)
    audit = audit_in_state(world, AuditState.CONVERSATION)
    action_create(
        audit=audit,
        by=world.team_manager,
        description="Review",
        owner=staff_of(world.practitioner),
        due_date=days(7),
    )
    from audits.services_transitions import audit_complete
    from tests.audits.factories import fill_judgement, rate_all

    rate_all(audit, world.team_manager, "auditor")
    fill_judgement(audit, world.team_manager)
    audit_complete(audit=audit, by=world.team_manager)

    moderation = moderation_request(audit=audit, by=world.qa_lead)

    assert moderation.selected_because == "requested"
