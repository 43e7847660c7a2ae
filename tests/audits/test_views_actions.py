"""Actions, escalations, moderation and the lists, through the pages."""

from datetime import timedelta

from django.utils import timezone

from audits.models import Audit, AuditAction, AuditState, SafeguardingEscalation
from audits.services_actions import action_create
from tests.audits.factories import audit_in_state, days, new_audit
from tests.audits.pages import error_summary, logged, signed_in, text


def _date_fields(day):
    return {"due_date_0": str(day.day), "due_date_1": str(day.month), "due_date_2": str(day.year)}


def test_the_auditor_adds_an_action_with_a_date_in_three_fields(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    due = days(30)

    response = signed_in(world.team_manager).post(
        f"/audits/{audit.pk}/actions/new/",
        {"description": "Update the safety plan.", "owner": world.practitioner.staff_member.pk,
         **_date_fields(due)},
    )  # fmt: skip

    assert response.status_code == 302
    action = AuditAction.objects.get()
    assert (action.owner, action.due_date) == (world.practitioner.staff_member, due)


def test_an_impossible_date_is_in_the_error_summary_linked_to_the_day(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)

    response = signed_in(world.team_manager).post(
        f"/audits/{audit.pk}/actions/new/",
        {"description": "Update the plan.", "owner": world.practitioner.staff_member.pk,
         "due_date_0": "31", "due_date_1": "2", "due_date_2": "2030"},
    )  # fmt: skip

    assert error_summary(response) == ["Enter a real date, for example 27 3 2026."]
    html = response.content.decode()
    assert 'href="#id_due_date"' in html
    assert 'id="id_due_date"' in html
    assert AuditAction.objects.count() == 0


def test_a_date_in_the_past_is_refused_with_the_services_reason(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)

    response = signed_in(world.team_manager).post(
        f"/audits/{audit.pk}/actions/new/",
        {"description": "Update the plan.", "owner": world.practitioner.staff_member.pk,
         **_date_fields(days(-1))},
    )  # fmt: skip

    assert error_summary(response) == ["The due date cannot be in the past."]


def test_the_owner_marks_their_action_done_from_their_list(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    action = action_create(audit=audit, by=world.team_manager, description="Visit the school.",
                           owner=world.practitioner.staff_member, due_date=days(7))  # fmt: skip
    client = signed_in(world.practitioner)

    listed = text(client.get("/audits/actions/"))
    response = client.post(
        f"/audits/actions/{action.pk}/status/", {"status": "done", "back": "list"}
    )

    assert "Your open actions" in listed
    assert "Visit the school." in listed
    assert response["Location"] == "/audits/actions/"
    action.refresh_from_db()
    assert action.status == AuditAction.Status.DONE


def test_an_escalation_is_raised_in_one_step_and_acknowledged_by_the_service_manager(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)

    raised = signed_in(world.team_manager).post(
        f"/audits/{audit.pk}/escalate/", {"concern": "The child is at risk tonight."}
    )
    escalation = SafeguardingEscalation.objects.get()
    page = text(signed_in(world.service_manager).get(f"/audits/escalations/{escalation.pk}/"))
    refused = signed_in(world.practitioner).post(f"/audits/escalations/{escalation.pk}/", {})
    acknowledged = signed_in(world.service_manager).post(
        f"/audits/escalations/{escalation.pk}/", {"note": "Strategy meeting called."}
    )

    assert raised["Location"] == f"/audits/escalations/{escalation.pk}/"
    assert "The child is at risk tonight." in page
    assert "Acknowledge" in page
    assert refused.status_code == 403
    assert acknowledged.status_code == 302
    escalation.refresh_from_db()
    assert escalation.acknowledged_by == world.service_manager
    assert escalation.acknowledgement_note == "Strategy meeting called."
    assert logged(world.service_manager, "audits:escalation")[0][:2] == (
        "audits.audit",
        str(audit.pk),
    )


def test_the_moderator_changes_the_grade_only_with_a_reason(world):
    audit = audit_in_state(world, AuditState.COMPLETED, grade="inadequate")
    client = signed_in(world.qa_lead)

    queue = text(client.get("/audits/moderation/"))
    without = client.post(
        f"/audits/{audit.pk}/moderate/", {"agrees": "no", "grade": "requires_improvement"}
    )
    done = client.post(f"/audits/{audit.pk}/moderate/", {
        "agrees": "no", "grade": "requires_improvement", "reason": "The plan is specific.",
    })  # fmt: skip

    assert f"Moderate audit {audit.pk}" in queue
    assert "Graded inadequate" in queue
    assert error_summary(without) == ["Give your reason for changing the grade."]
    assert done.status_code == 302
    audit.refresh_from_db()
    assert audit.overall_grade == "requires_improvement"
    assert audit.moderation.reason == "The plan is specific."
    assert audit.state in (AuditState.MODERATED, AuditState.CLOSED)


def test_my_audits_mark_the_overdue_and_log_each_listed(world):
    audit = new_audit(world, due_date=timezone.localdate() - timedelta(days=1))

    response = signed_in(world.practitioner).get("/audits/")

    page = text(response)
    assert f"Audit {audit.pk}" in page
    assert "Overdue" in page
    assert logged(world.practitioner, "audits:index") == [("audits.audit", str(audit.pk), "view")]


def test_the_team_list_filters_by_state(world):
    planned = new_audit(world)
    in_conversation = audit_in_state(world, AuditState.CONVERSATION)
    client = signed_in(world.team_manager)

    page = text(client.get("/audits/team/?state=conversation"))

    assert f"Audit {in_conversation.pk}" in page
    assert f"Audit {planned.pk}," not in page
    assert Audit.objects.count() == 2
