"""The audit lists on each person's home page, by role (read by `qa_system.home`).

Each list is one query (at most `LIMIT` items, soonest due first); due dates are shown
and anything past due is marked overdue. Items name the audit by its number and the
child by the authority's own child ID for the people who work the case, by the case
reference (keyed pseudonym) in the moderation queue; never by name.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from audits.links import audit_path, escalation_path, moderate_path, programme_list_path
from audits.models import Audit, AuditAction, AuditState
from audits.selectors import audit_list_for_user, audit_list_team, audit_list_to_conduct
from audits.selectors_work import (
    action_list_managed,
    action_list_owned,
    draw_list_for_user,
    escalation_list_to_acknowledge,
    moderation_queue_for_user,
    programme_list_for_user,
)
from organisation.models import Role
from organisation.selectors import UserScope
from organisation.waiting import WaitingItem, WaitingList

LIMIT = 10


def _due(day: Any) -> str:
    return f"{day:%d %b %Y}"


def _audit_item(audit: Audit, today: Any) -> WaitingItem:
    return WaitingItem(
        f"Audit {audit.pk} (case {audit.child.child_id}): {audit.get_state_display().lower()}, "
        f"due {_due(audit.due_date)}",
        audit_path(audit.pk),
        audit.is_overdue(today),
    )


def _action_item(action: AuditAction, today: Any, with_owner: bool = False) -> WaitingItem:
    owner = f"{action.owner.name}: " if with_owner else ""
    return WaitingItem(
        f"{owner}action from audit {action.audit_id}, due {_due(action.due_date)}",
        audit_path(action.audit_id),
        action.is_overdue(today),
    )


def audit_waiting_lists(*, user: Any, scope: UserScope) -> dict[str, list[WaitingList]]:
    """For each role the audits app has lists for, those lists for this person (only the
    roles the person holds are worked out)."""
    today = timezone.localdate()
    lists: dict[str, list[WaitingList]] = {}
    if scope.has_role(Role.PRACTITIONER):
        reflect = (
            audit_list_for_user(user=user)
            .filter(
                practitioner_id=scope.staff_id,
                state__in=[AuditState.PLANNED, AuditState.REFLECTION],
            )
            .select_related("child")
            .order_by("due_date", "pk")[:LIMIT]
        )
        actions = action_list_owned(user=user).order_by("due_date", "pk")[:LIMIT]
        lists[Role.PRACTITIONER] = [
            WaitingList(
                "Audits waiting for your reflection",
                "No audits are waiting for you.",
                [_audit_item(a, today) for a in reflect],
            ),
            WaitingList(
                "Your actions",
                "You have no open actions from audits.",
                [_action_item(a, today) for a in actions],
            ),
        ]
    conduct = WaitingList(
        "Audit conversations to hold",
        "No audit conversations are due.",
        [
            _audit_item(a, today)
            for a in audit_list_to_conduct(user=user).order_by("due_date", "pk")[:LIMIT]
        ]
        if scope.has_role(Role.TEAM_MANAGER) or scope.has_role(Role.QA_LEAD)
        else [],
    )
    if scope.has_role(Role.TEAM_MANAGER):
        escalations = escalation_list_to_acknowledge(user=user)[:LIMIT]
        overdue = (
            action_list_managed(user=user)
            .filter(due_date__lt=today)
            .select_related("owner")
            .order_by("due_date", "pk")[:LIMIT]
        )
        lists[Role.TEAM_MANAGER] = [
            conduct,
            WaitingList(
                "Safeguarding escalations to acknowledge",
                "No escalations.",
                [_escalation_item(e) for e in escalations],
            ),
            WaitingList(
                "Your team's overdue actions",
                "No actions are overdue.",
                [_action_item(a, today, with_owner=True) for a in overdue],
            ),
        ]
    if scope.has_role(Role.SERVICE_MANAGER):
        escalations = escalation_list_to_acknowledge(user=user)[:LIMIT]
        follow_ups = (
            audit_list_team(user=user)
            .filter(
                kind=Audit.Kind.FOLLOW_UP,
                state__in=[AuditState.PLANNED, AuditState.REFLECTION, AuditState.CONVERSATION],
            )
            .order_by("due_date", "pk")[:LIMIT]
        )
        lists[Role.SERVICE_MANAGER] = [
            WaitingList(
                "Escalations in your service",
                "Nothing has been escalated to you.",
                [_escalation_item(e) for e in escalations],
            ),
            WaitingList(
                "Follow-up audits",
                "No follow-up audits are due.",
                [_audit_item(a, today) for a in follow_ups],
            ),
        ]
    if scope.has_role(Role.QA_LEAD):
        qa_lists = [
            _programme_list(user, today),
            WaitingList(
                "Audits to moderate",
                "No audits are waiting for moderation.",
                [
                    WaitingItem(
                        # Moderators see the case reference (pseudonym), as on the
                        # audit pages: they judge the practice, not the case.
                        f"Audit {m.audit_id} (case reference {m.audit.child.pseudonym}): "
                        f"{m.get_selected_because_display().lower()}, "
                        f"graded {m.audit.get_overall_grade_display().lower()}",
                        moderate_path(m.audit_id),
                    )
                    for m in moderation_queue_for_user(user=user)[:LIMIT]
                ],
            ),
        ]
        if not scope.has_role(Role.TEAM_MANAGER):
            qa_lists.insert(0, conduct)
        lists[Role.QA_LEAD] = qa_lists
    return lists


def _escalation_item(escalation: Any) -> WaitingItem:
    raised = timezone.localtime(escalation.raised_at)
    return WaitingItem(
        f"Audit {escalation.audit_id} (case {escalation.audit.child.child_id}): "
        f"raised {raised:%d %b %Y %H:%M}",
        escalation_path(escalation.pk),
        overdue=timezone.now() - escalation.raised_at > timedelta(days=1),
    )


def _programme_list(user: Any, today: Any) -> WaitingList:
    """Each active programme with this month's draw (or that it is still to be drawn)."""
    month = today.replace(day=1)
    draws = {d.programme_id: d for d in draw_list_for_user(user=user).filter(month=month)}
    items = []
    for programme in programme_list_for_user(user=user).filter(active=True)[:LIMIT]:
        draw = draws.get(programme.pk)
        if draw is None:
            text = f"{programme.name}: not drawn yet for {month:%B %Y}"
        else:
            text = f"{programme.name}: {draw.selected_count} audits drawn for {month:%B %Y}" + (
                f" ({len(draw.shortfalls)} shortfalls)" if draw.shortfalls else ""
            )
        items.append(
            WaitingItem(text, programme_list_path(), overdue=draw is None and today.day > 1)
        )
    return WaitingList("This month's audit programme", "No audit programme has been set up.", items)
