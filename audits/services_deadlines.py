"""Deadlines: reminders before an audit or action is due, and after it, a notice to the
person and escalation to their manager. Run daily (`audits.tasks.notify_deadlines`);
every notification is deduplicated per thing and day, so a second run the same day
sends nothing.

Who is responsible for an open audit: the practitioner while it is planned or in
reflection, the auditor in the conversation. Their manager: the audit team's managers
(leaving out the person themself), else the service's managers, else the QA leads.
For an action: its owner, and the managers of the owner's current team.
"""

from datetime import date, timedelta
from functools import cache
from typing import Any

from django.utils import timezone

from audits.links import audit_path
from audits.models import Audit, AuditAction, AuditState
from audits.notify import (
    managers_of_service,
    managers_of_staff,
    managers_of_team,
    notify,
    qa_leads,
    user_of,
)
from audits.selectors import audit_settings_for


@cache
def _team_managers(team_id: int) -> list[Any]:
    return managers_of_team(team_id)


@cache
def _service_managers(service_id: int) -> list[Any]:
    return managers_of_service(service_id)


def _audit_managers(audit: Audit, responsible: Any) -> list[Any]:
    skip = responsible.pk if responsible else None
    for group in (_team_managers(audit.team_id), _service_managers(audit.team.service_id)):
        managers = [u for u in group if u.pk != skip]
        if managers:
            return managers
    return qa_leads(audit.organisation_id)


def deadlines_notify(*, today: date | None = None) -> int:
    """Send today's reminders and overdue notices; returns how many were sent."""
    today = today or timezone.localdate()
    # Managers are looked up once per team and service in a run (not once per audit).
    _team_managers.cache_clear()
    _service_managers.cache_clear()
    sent = 0
    reminder_days: dict[int, int] = {}

    def days_before(organisation_id: int) -> int:
        if organisation_id not in reminder_days:
            reminder_days[organisation_id] = audit_settings_for(
                organisation_id=organisation_id
            ).reminder_days
        return reminder_days[organisation_id]

    audits = Audit.objects.filter(
        state__in=[AuditState.PLANNED, AuditState.REFLECTION, AuditState.CONVERSATION],
        due_date__lte=today + timedelta(days=30),
    ).select_related("practitioner__user", "auditor__user", "team", "child")
    for audit in audits:
        stage_person = (
            audit.auditor if audit.state == AuditState.CONVERSATION else audit.practitioner
        )
        person = user_of(stage_person)
        url = audit_path(audit.pk)
        if today < audit.due_date <= today + timedelta(days=days_before(audit.organisation_id)):
            sent += notify(
                recipients=[person],
                organisation_id=audit.organisation_id,
                kind="audit_due_soon",
                subject="An audit is due soon",
                body=f"Due {audit.due_date:%d %B %Y} ({audit.get_state_display().lower()}).",
                url=url,
                dedupe_key=f"audit-due:{audit.pk}:{audit.state}",
            )
        elif audit.due_date < today:
            key = f"audit-overdue:{audit.pk}:{today.isoformat()}"
            sent += notify(
                recipients=[person],
                organisation_id=audit.organisation_id,
                kind="audit_overdue",
                subject="An audit is overdue",
                body=f"It was due {audit.due_date:%d %B %Y} ({audit.get_state_display().lower()}).",
                url=url,
                dedupe_key=key,
            )
            sent += notify(
                recipients=_audit_managers(audit, person),
                organisation_id=audit.organisation_id,
                kind="audit_overdue_escalated",
                subject="An audit in your team is overdue",
                body=f"Due {audit.due_date:%d %B %Y}; now {audit.get_state_display().lower()}.",
                url=url,
                dedupe_key=key,
            )

    actions = AuditAction.objects.filter(
        status=AuditAction.Status.OPEN, due_date__lte=today + timedelta(days=30)
    ).select_related("owner__user", "audit")
    for action in actions:
        organisation_id = action.audit.organisation_id
        url = audit_path(action.audit_id)
        owner = user_of(action.owner)
        if today < action.due_date <= today + timedelta(days=days_before(organisation_id)):
            sent += notify(
                recipients=[owner],
                organisation_id=organisation_id,
                kind="audit_action_due_soon",
                subject="An audit action is due soon",
                body=f"Due {action.due_date:%d %B %Y}. Open the audit to see the action.",
                url=url,
                dedupe_key=f"audit-action-due:{action.pk}",
            )
        elif action.due_date < today:
            key = f"audit-action-overdue:{action.pk}:{today.isoformat()}"
            sent += notify(
                recipients=[owner],
                organisation_id=organisation_id,
                kind="audit_action_overdue",
                subject="An audit action is overdue",
                body=f"It was due {action.due_date:%d %B %Y}. Open the audit to see the action.",
                url=url,
                dedupe_key=key,
            )
            sent += notify(
                recipients=managers_of_staff(action.owner),
                organisation_id=organisation_id,
                kind="audit_action_overdue_escalated",
                subject="An audit action in your team is overdue",
                body=f"{action.owner.name}'s action was due {action.due_date:%d %B %Y}.",
                url=url,
                dedupe_key=key,
            )
    return sent
