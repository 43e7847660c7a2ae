"""Why a person may not do something to an audit: each function returns the reason in
plain English, or "" when it is allowed. Services raise the reason as an
ApplicationError; `audits.selectors.audit_permissions` turns the same answers into the
booleans the pages use, so the buttons shown and the rules enforced never disagree.

Role and state only; completeness (every item rated...) is checked by the services.
"""

from typing import Any

from audits.models import Audit, AuditAction, AuditState, SafeguardingEscalation
from audits.rules import (
    is_audit_auditor,
    is_audit_manager,
    is_audit_moderator,
    is_audit_practitioner,
    is_audit_qa_lead,
)
from organisation.models import Role
from organisation.selectors import user_scope

S = AuditState


def _state_is(audit: Audit, states: set[str], doing: str) -> str:
    if audit.state in states:
        return ""
    return f"This audit is {audit.get_state_display().lower()}, so you cannot {doing} now."


def refuse_reflection_start(user: Any, audit: Audit) -> str:
    if not (
        is_audit_practitioner(user, audit)
        or is_audit_auditor(user, audit)
        or is_audit_qa_lead(user, audit)
    ):
        return "Only the practitioner, the auditor or a QA lead can start the reflection."
    return _state_is(audit, {S.PLANNED}, "start the reflection")


def refuse_practitioner_edit(user: Any, audit: Audit) -> str:
    if not is_audit_practitioner(user, audit):
        return "Only the practitioner whose case this is can record their own ratings."
    return _state_is(audit, {S.REFLECTION, S.CONVERSATION}, "change your ratings")


def refuse_reflection_submit(user: Any, audit: Audit) -> str:
    if not is_audit_practitioner(user, audit):
        return "Only the practitioner can finish the reflection."
    return _state_is(audit, {S.REFLECTION}, "finish the reflection")


def refuse_reflection_skip(user: Any, audit: Audit) -> str:
    if not (is_audit_auditor(user, audit) or is_audit_qa_lead(user, audit)):
        return "Only the auditor or a QA lead can go to the conversation without a reflection."
    return _state_is(audit, {S.PLANNED, S.REFLECTION}, "skip the reflection")


def refuse_auditor_edit(user: Any, audit: Audit) -> str:
    if not is_audit_auditor(user, audit):
        return "Only the auditor can record the auditor's and the agreed ratings."
    return _state_is(audit, {S.CONVERSATION}, "change the audit's ratings")


def refuse_family_feedback_edit(user: Any, audit: Audit) -> str:
    if not is_audit_auditor(user, audit):
        return "Only the auditor can record the family's feedback."
    return _state_is(
        audit, {S.CONVERSATION, S.COMPLETED, S.MODERATED}, "record the family's feedback"
    )


def refuse_complete(user: Any, audit: Audit) -> str:
    if not is_audit_auditor(user, audit):
        return "Only the auditor can complete the audit."
    return _state_is(audit, {S.CONVERSATION}, "complete it")


def refuse_action_add(user: Any, audit: Audit) -> str:
    if not (is_audit_auditor(user, audit) or is_audit_qa_lead(user, audit)):
        return "Only the auditor or a QA lead can add actions."
    return _state_is(audit, {S.CONVERSATION, S.COMPLETED, S.MODERATED}, "add actions")


def refuse_escalate(user: Any, audit: Audit) -> str:
    if not (is_audit_auditor(user, audit) or is_audit_qa_lead(user, audit)):
        return "Only the auditor or a QA lead can raise a safeguarding escalation."
    if audit.state == S.CANCELLED:
        return "This audit was cancelled. Raise the concern through the usual safeguarding route."
    return ""


def refuse_acknowledge(user: Any, escalation: SafeguardingEscalation) -> str:
    if not is_audit_manager(user, escalation.audit):
        return "Only a manager of the team or of its service can acknowledge this escalation."
    if escalation.is_acknowledged:
        return "This escalation has already been acknowledged."
    return ""


def refuse_moderate(user: Any, audit: Audit) -> str:
    if not is_audit_moderator(user, audit):
        return (
            "Only a moderator (a QA lead or the assigned moderator) who is neither the "
            "practitioner nor the auditor can moderate this audit."
        )
    moderation = getattr(audit, "moderation", None)
    if audit.state != S.COMPLETED or moderation is None or not moderation.is_pending:
        return "This audit is not waiting for moderation."
    return ""


def refuse_assign_auditor(user: Any, audit: Audit) -> str:
    if not (is_audit_qa_lead(user, audit) or is_audit_manager(user, audit)):
        return "Only a QA lead or a manager of the team can change the auditor."
    return _state_is(audit, {S.PLANNED, S.REFLECTION, S.CONVERSATION}, "change the auditor")


def refuse_cancel(user: Any, audit: Audit) -> str:
    if not is_audit_qa_lead(user, audit):
        return "Only a QA lead can cancel an audit."
    return _state_is(audit, {S.PLANNED, S.REFLECTION, S.CONVERSATION}, "cancel it")


def refuse_close(user: Any, audit: Audit) -> str:
    if not (is_audit_auditor(user, audit) or is_audit_qa_lead(user, audit)):
        return "Only the auditor or a QA lead can close an audit."
    return _state_is(audit, {S.COMPLETED, S.MODERATED}, "close it")


def refuse_action_status(user: Any, action: AuditAction) -> str:
    audit = action.audit
    scope = user_scope(user=user)
    if scope.organisation_id != audit.organisation_id:
        return "You cannot change this action."
    allowed = (
        scope.staff_id == action.owner_id
        or is_audit_auditor(user, audit)
        or is_audit_qa_lead(user, audit)
        or is_audit_manager(user, audit)
    )
    if not allowed:
        return (
            "Only the action's owner, the auditor, a manager of the team or a QA lead "
            "can change it."
        )
    if action.status != AuditAction.Status.OPEN:
        return f"This action is already {action.get_status_display().lower()}."
    return ""


def refuse_qa_lead(user: Any, organisation_id: int, doing: str) -> str:
    scope = user_scope(user=user)
    if scope.organisation_id != organisation_id or not scope.has_role(Role.QA_LEAD):
        return f"Only a QA lead can {doing}."
    return ""
