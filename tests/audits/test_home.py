"""The audit lists on the home page, per role, with due and overdue marked."""

from datetime import timedelta

from django.utils import timezone

from audits.home import audit_waiting_lists
from audits.models import AuditState
from audits.services_actions import action_create
from audits.services_escalation import escalation_raise
from audits.services_programme import audit_settings_update, programme_create
from organisation.models import Role
from organisation.selectors import user_scope
from tests.audits.factories import audit_in_state, days, default_tool, staff_of


def _lists(user):
    return {
        (role, waiting.title): waiting
        for role, lists in audit_waiting_lists(user=user, scope=user_scope(user=user)).items()
        for waiting in lists
    }


def test_practitioner_sees_audits_to_reflect_on_and_their_actions(world):
    audit = audit_in_state(world, AuditState.REFLECTION)
    other = audit_in_state(world, AuditState.CONVERSATION)
    action_create(
        audit=other,
        by=world.team_manager,
        description="x",
        owner=staff_of(world.practitioner),
        due_date=days(5),
    )

    lists = _lists(world.practitioner)

    reflect = lists[(Role.PRACTITIONER, "Audits waiting for your reflection")]
    assert [item.url for item in reflect.items] == [f"/audits/{audit.pk}/"]
    assert audit.child.child_id in reflect.items[0].text
    assert not reflect.items[0].overdue
    actions = lists[(Role.PRACTITIONER, "Your actions")]
    assert len(actions.items) == 1
    assert "due" in actions.items[0].text


def test_overdue_audits_are_marked(world):
    audit = audit_in_state(world, AuditState.REFLECTION)
    audit.due_date = timezone.localdate() - timedelta(days=1)
    audit.save()

    reflect = _lists(world.practitioner)[(Role.PRACTITIONER, "Audits waiting for your reflection")]

    assert reflect.items[0].overdue


def test_team_manager_sees_conversations_escalations_and_overdue_actions(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    escalation_raise(audit=audit, by=world.team_manager, concern="Risk")
    action = action_create(
        audit=audit,
        by=world.team_manager,
        description="x",
        owner=staff_of(world.practitioner),
        due_date=days(0),
    )
    action.due_date = days(-2)
    action.save()

    lists = _lists(world.team_manager)

    assert len(lists[(Role.TEAM_MANAGER, "Audit conversations to hold")].items) == 1
    assert len(lists[(Role.TEAM_MANAGER, "Safeguarding escalations to acknowledge")].items) == 1
    overdue = lists[(Role.TEAM_MANAGER, "Your team's overdue actions")].items
    assert len(overdue) == 1
    assert overdue[0].overdue
    assert staff_of(world.practitioner).name in overdue[0].text


def test_service_manager_sees_escalations_and_follow_ups(world):
    audit_settings_update(organisation=world.organisation, by=world.qa_lead, moderation_percent=0)
    audit = audit_in_state(world, AuditState.COMPLETED, grade="inadequate")
    escalation_raise(audit=audit, by=world.team_manager, concern="Risk")

    lists = _lists(world.service_manager)

    assert len(lists[(Role.SERVICE_MANAGER, "Escalations in your service")].items) == 1
    follow_ups = lists[(Role.SERVICE_MANAGER, "Follow-up audits")].items
    assert len(follow_ups) == 1
    assert "planned" in follow_ups[0].text


def test_qa_lead_sees_programme_and_moderation_queue(world):
    audit_settings_update(organisation=world.organisation, by=world.qa_lead, moderation_percent=100)
    audit = audit_in_state(world, AuditState.COMPLETED)
    programme_create(
        organisation=world.organisation,
        by=world.qa_lead,
        name="Monthly",
        tool=default_tool(world.organisation),
    )

    lists = _lists(world.qa_lead)

    programme = lists[(Role.QA_LEAD, "This month's audit programme")].items
    assert programme[0].text.startswith("Monthly: not drawn yet")
    queue = lists[(Role.QA_LEAD, "Audits to moderate")].items
    assert [item.url for item in queue] == [f"/audits/{audit.pk}/moderate/"]


def test_roles_without_audit_lists_get_none(world):
    assert (
        audit_waiting_lists(user=world.senior_leader, scope=user_scope(user=world.senior_leader))
        == {}
    )


def test_home_lists_queries_do_not_grow(world, django_assert_max_num_queries):
    audit_in_state(world, AuditState.REFLECTION)
    user = world.practitioner
    scope = user_scope(user=user)
    with django_assert_max_num_queries(20) as first:
        audit_waiting_lists(user=user, scope=scope)
    for _ in range(3):
        audit_in_state(world, AuditState.REFLECTION)
    with django_assert_max_num_queries(len(first.captured_queries)):
        audit_waiting_lists(user=user, scope=scope)
