"""Who may act on an audit, as readable rules (django-rules predicates).

Seeing an audit is decided by `audits.selectors.audit_list_for_user`; these decide what
a person who can see it may do. Services check them and refuse with a reason.
"""

from typing import Any

import rules

from audits.models import Audit
from organisation.models import Role
from organisation.rules import is_qa_lead
from organisation.selectors import user_scope


def _in_organisation(user: Any, audit: Audit) -> bool:
    return user_scope(user=user).organisation_id == audit.organisation_id


@rules.predicate
def is_audit_practitioner(user: Any, audit: Audit) -> bool:
    """The worker the case was allocated to when the audit was created."""
    return _in_organisation(user, audit) and user_scope(user=user).staff_id == audit.practitioner_id


@rules.predicate
def is_audit_auditor(user: Any, audit: Audit) -> bool:
    return _in_organisation(user, audit) and user_scope(user=user).staff_id == audit.auditor_id


@rules.predicate
def is_audit_qa_lead(user: Any, audit: Audit) -> bool:
    scope = user_scope(user=user)
    return _in_organisation(user, audit) and scope.has_role(Role.QA_LEAD)


@rules.predicate
def is_audit_team_manager(user: Any, audit: Audit) -> bool:
    scope = user_scope(user=user)
    return _in_organisation(user, audit) and audit.team_id in scope.managed_team_ids


@rules.predicate
def is_audit_service_manager(user: Any, audit: Audit) -> bool:
    scope = user_scope(user=user)
    return _in_organisation(user, audit) and audit.team.service_id in scope.managed_service_ids


is_audit_manager = is_audit_team_manager | is_audit_service_manager


@rules.predicate
def is_audit_moderator(user: Any, audit: Audit) -> bool:
    """The assigned moderator, or any QA lead; never the audit's practitioner or auditor."""
    scope = user_scope(user=user)
    if not _in_organisation(user, audit) or scope.staff_id in (
        audit.practitioner_id,
        audit.auditor_id,
    ):
        return False
    moderation = getattr(audit, "moderation", None)
    assigned = moderation is not None and moderation.moderator_id == scope.staff_id
    return assigned or scope.has_role(Role.QA_LEAD)


rules.add_perm("audits.reflect_audit", is_audit_practitioner)
rules.add_perm("audits.conduct_audit", is_audit_auditor)
rules.add_perm("audits.moderate_audit", is_audit_moderator)
rules.add_perm("audits.acknowledge_escalation", is_audit_manager)
rules.add_perm("audits.manage_programme", is_qa_lead)
rules.add_perm("audits.edit_tool", is_qa_lead)
