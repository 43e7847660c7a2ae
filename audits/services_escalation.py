"""Section K, safeguarding escalation: the auditor finds a child at current risk and
raises it in one step. The team's managers and the service's managers are alerted at
once (in the app and by email), one of them must acknowledge it, and they are reminded
every day until one does.

The alert's body carries the child's LA reference: it is what the managers must act on
(the subject never does).
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from audits import policy
from audits.history import event_record
from audits.links import escalation_path
from audits.models import Audit, AuditEvent, SafeguardingEscalation
from audits.notify import managers_of_service, managers_of_team, notify, qa_leads
from qa_system.errors import ApplicationError

REMIND_AFTER_HOURS = 24


def _recipients(audit: Audit) -> list[Any]:
    """Team managers and service managers; the QA leads when neither exists."""
    recipients = managers_of_team(audit.team_id) + managers_of_service(audit.team.service_id)
    return recipients or qa_leads(audit.organisation_id)


def escalation_raise(*, audit: Audit, by: Any, concern: str) -> SafeguardingEscalation:
    """Raise a safeguarding escalation on the audit and alert the managers at once."""
    if reason := policy.refuse_escalate(by, audit):
        raise ApplicationError(reason)
    concern = concern.strip()
    if not concern:
        raise ApplicationError("Describe the current risk to the child.")
    with transaction.atomic():
        escalation = SafeguardingEscalation.objects.create(
            audit=audit, concern=concern, raised_by=by
        )
        event_record(
            audit=audit,
            by=by,
            kind=AuditEvent.Kind.ESCALATION,
            field=f"escalation {escalation.pk}",
            new="raised",
            note=concern,
        )
        notify(
            recipients=_recipients(audit),
            organisation_id=audit.organisation_id,
            kind="audit_escalation",
            subject="Safeguarding escalation from an audit: please acknowledge",
            body=(
                f"An audit has found a child at current risk (case reference "
                f"{audit.child.child_id}). Read the concern and acknowledge it now."
            ),
            url=escalation_path(escalation.pk),
            dedupe_key=f"audit-escalation:{escalation.pk}",
        )
    return escalation


def escalation_acknowledge(
    *, escalation: SafeguardingEscalation, by: Any, note: str = ""
) -> SafeguardingEscalation:
    """A manager of the team or service acknowledges the escalation (once)."""
    with transaction.atomic():
        escalation = (
            SafeguardingEscalation.objects.select_for_update()
            .select_related("audit__team")
            .get(pk=escalation.pk)
        )
        if reason := policy.refuse_acknowledge(by, escalation):
            raise ApplicationError(reason)
        escalation.acknowledged_by = by
        escalation.acknowledged_at = timezone.now()
        escalation.acknowledgement_note = note.strip()
        escalation.save(
            update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement_note"]
        )
        event_record(
            audit=escalation.audit,
            by=by,
            kind=AuditEvent.Kind.ESCALATION,
            field=f"escalation {escalation.pk}",
            old="raised",
            new="acknowledged",
            note=escalation.acknowledgement_note,
        )
    return escalation


def escalations_remind(*, now: datetime | None = None) -> int:
    """Remind the managers of every escalation unacknowledged for a day or more, once a
    day (deduplicated by date). Returns the number of escalations reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    pending = SafeguardingEscalation.objects.filter(
        acknowledged_at__isnull=True, raised_at__lte=now - timedelta(hours=REMIND_AFTER_HOURS)
    ).select_related("audit__team", "audit__child")
    reminded = 0
    for escalation in pending:
        audit = escalation.audit
        notify(
            recipients=_recipients(audit),
            organisation_id=audit.organisation_id,
            kind="audit_escalation_reminder",
            subject="Reminder: a safeguarding escalation is waiting for acknowledgement",
            body=(
                f"Raised {timezone.localtime(escalation.raised_at):%d %B %Y %H:%M} (case "
                f"reference {audit.child.child_id}). Please read it and acknowledge it."
            ),
            url=escalation_path(escalation.pk),
            dedupe_key=f"audit-escalation-reminder:{escalation.pk}:{today.isoformat()}",
        )
        reminded += 1
    return reminded
