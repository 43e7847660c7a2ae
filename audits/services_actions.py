"""Actions agreed in an audit: each has an owner and a due date and stays on the owner's
and their manager's home pages until done. The audit closes when its last action is
done (and its moderation, if selected, is done)."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from audits import policy
from audits.history import event_record
from audits.links import audit_path
from audits.models import Audit, AuditAction, AuditEvent
from audits.notify import notify, user_of
from audits.rules import is_audit_auditor, is_audit_qa_lead
from organisation.models import StaffMember
from qa_system.errors import ApplicationError


def _check(description: str, owner: StaffMember, due_date: date, audit: Audit) -> None:
    if not description.strip():
        raise ApplicationError("Describe the action.")
    if len(description) > 2000:
        raise ApplicationError("Keep the action under 2,000 characters.")
    if owner.organisation_id != audit.organisation_id:
        raise ApplicationError("The owner must work for the same organisation.")
    if due_date < timezone.localdate():
        raise ApplicationError("The due date cannot be in the past.")


def action_create(
    *, audit: Audit, by: Any, description: str, owner: StaffMember, due_date: date
) -> AuditAction:
    """An action agreed in the audit conversation (or added after completion); the owner
    is told."""
    if reason := policy.refuse_action_add(by, audit):
        raise ApplicationError(reason)
    _check(description, owner, due_date, audit)
    with transaction.atomic():
        action = AuditAction.objects.create(
            audit=audit,
            description=description.strip(),
            owner=owner,
            due_date=due_date,
            created_by=by,
        )
        event_record(
            audit=audit,
            by=by,
            kind=AuditEvent.Kind.ACTION,
            field=f"action {action.pk}",
            new=f"{owner.name}, due {due_date.isoformat()}: {action.description}",
        )
    notify(
        recipients=[user_of(owner)],
        organisation_id=audit.organisation_id,
        kind="audit_action",
        subject="You have a new action from an audit",
        body=f"Due {due_date:%d %B %Y}. Open the audit to see what was agreed.",
        url=audit_path(audit.pk),
        dedupe_key=f"audit-action:{action.pk}",
    )
    return action


def action_update(
    *,
    action: AuditAction,
    by: Any,
    description: str | None = None,
    owner: StaffMember | None = None,
    due_date: date | None = None,
) -> AuditAction:
    """Change an open action (auditor or QA lead), keeping the change in the history."""
    audit = action.audit
    if not (is_audit_auditor(by, audit) or is_audit_qa_lead(by, audit)):
        raise ApplicationError("Only the auditor or a QA lead can change actions.")
    if action.status != AuditAction.Status.OPEN:
        raise ApplicationError(f"This action is already {action.get_status_display().lower()}.")
    new_description = description if description is not None else action.description
    new_owner = owner or action.owner
    new_due = due_date or action.due_date
    if due_date is not None:
        _check(new_description, new_owner, new_due, audit)
    elif not new_description.strip():
        raise ApplicationError("Describe the action.")
    changes = [
        ("description", action.description, new_description.strip()),
        ("owner", action.owner.name, new_owner.name),
        ("due date", action.due_date.isoformat(), new_due.isoformat()),
    ]
    with transaction.atomic():
        action.description = new_description.strip()
        action.owner = new_owner
        action.due_date = new_due
        action.save()
        for field, old, new in changes:
            if old != new:
                event_record(
                    audit=audit,
                    by=by,
                    kind=AuditEvent.Kind.ACTION,
                    field=f"action {action.pk} {field}",
                    old=old,
                    new=new,
                )
    return action


def action_status_set(*, action: AuditAction, by: Any, status: str) -> AuditAction:
    """Mark an open action done or cancelled (its owner, the auditor, a manager of the
    team or a QA lead). The audit closes when nothing else is outstanding."""
    from audits.services_transitions import audit_close_if_done

    if status not in (AuditAction.Status.DONE, AuditAction.Status.CANCELLED):
        raise ApplicationError("An action can be marked done or cancelled.")
    with transaction.atomic():
        action = (
            AuditAction.objects.select_for_update().select_related("audit__team").get(pk=action.pk)
        )
        if reason := policy.refuse_action_status(by, action):
            raise ApplicationError(reason)
        old = action.status
        action.status = status
        action.completed_at = timezone.now() if status == AuditAction.Status.DONE else None
        action.save(update_fields=["status", "completed_at"])
        event_record(
            audit=action.audit,
            by=by,
            kind=AuditEvent.Kind.ACTION,
            field=f"action {action.pk} status",
            old=old,
            new=status,
        )
        audit_close_if_done(audit=action.audit, by=by)
    return action
