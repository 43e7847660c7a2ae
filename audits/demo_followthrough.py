"""The demo audits' follow-through after the conversation: actions, safeguarding
escalations and moderation (written directly with past dates, as `audits.demo` explains)."""

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from audits.demo_content import ACTIONS, GRADES, moment
from audits.models import (
    Audit,
    AuditAction,
    AuditEvent,
    AuditModeration,
    AuditState,
    Grade,
    SafeguardingEscalation,
)
from audits.services_moderation import moderation_sampled
from organisation.models import Role, StaffMember

if TYPE_CHECKING:
    from audits.demo import DemoBuilder


def demo_actions(builder: "DemoBuilder", audit: Audit, rng: random.Random, completed: date) -> None:
    """One or two actions from the conversation, done on time, late or still open."""
    team_manager = audit.auditor
    for number in range(rng.randint(1, 2)):
        owner = audit.practitioner if number == 0 else team_manager
        due = completed + timedelta(days=rng.choice([14, 21, 28]))
        status, done_at = AuditAction.Status.OPEN, None
        if due < builder.today or rng.random() < 0.3:
            late = rng.random() < 0.25
            finished = (
                due + timedelta(days=rng.randint(1, 14))
                if late
                else due - timedelta(days=rng.randint(0, 7))
            )
            if finished < builder.today and rng.random() < 0.9:
                status, done_at = AuditAction.Status.DONE, moment(max(finished, completed), 14)
        action = AuditAction.objects.create(
            audit=audit,
            description=rng.choice(ACTIONS),
            owner=owner,
            due_date=due,
            status=status,
            completed_at=done_at,
            created_by=builder.login_of(audit.auditor),
            created_at=moment(completed, 15),
        )
        builder.event(
            audit,
            completed,
            builder.login_of(audit.auditor),
            AuditEvent.Kind.ACTION,
            field=f"action {action.pk}",
            new=f"{owner.name}, due {due.isoformat()}",
        )


def demo_escalate(builder: "DemoBuilder", audit: Audit, rng: random.Random, day: date) -> None:
    """A safeguarding escalation, acknowledged by the team manager unless recent."""
    builder.escalations += 1
    acknowledged = (builder.today - day).days > 20 or rng.random() < 0.4
    manager = StaffMember.objects.filter(
        roles__role=Role.TEAM_MANAGER, roles__team=audit.team, user__isnull=False
    ).first()
    by = builder.login_of(audit.auditor) or (manager.user if manager else None)
    if by is None:
        return
    SafeguardingEscalation.objects.create(
        audit=audit,
        concern="Current risk: a new incident reported by school has not been responded to.",
        raised_by=by,
        raised_at=moment(day, 12),
        acknowledged_by=(manager.user if manager and acknowledged else None),
        acknowledged_at=moment(day + timedelta(days=1), 9) if manager and acknowledged else None,
        acknowledgement_note="Strategy discussion held the next morning." if acknowledged else "",
    )
    builder.event(audit, day, by, AuditEvent.Kind.ESCALATION, field="escalation", new="raised")


def demo_moderation(
    builder: "DemoBuilder", audit: Audit, rng: random.Random, completed: date
) -> AuditModeration | None:
    """Moderation of every inadequate audit and of the sampled share, done by a QA lead
    who took no part once three weeks have passed."""
    if audit.overall_grade == Grade.INADEQUATE:
        because = AuditModeration.Reason.INADEQUATE
    elif moderation_sampled(
        organisation_id=builder.organisation.pk,
        audit_id=audit.pk,
        percent=builder.settings.moderation_percent,
    ):
        because = AuditModeration.Reason.SAMPLE
    else:
        return None
    moderation = AuditModeration.objects.create(
        audit=audit,
        selected_because=because,
        original_grade=audit.overall_grade,
        selected_at=moment(completed, 16),
    )
    moderated = completed + timedelta(days=rng.randint(5, 20))
    if moderated >= builder.today or (builder.today - completed).days < 21:
        return moderation
    moderators = [
        s for s in builder.qa_leads if s.pk not in (audit.practitioner_id, audit.auditor_id)
    ]
    if not moderators:
        return moderation
    agrees = rng.random() < 0.8
    grade = audit.overall_grade
    if not agrees:
        index = GRADES.index(grade)
        grade = GRADES[index + 1] if index < 2 else GRADES[index - 1]
    moderation.moderator = moderators[0]
    moderation.agrees = agrees
    moderation.moderated_grade = grade
    moderation.reason = "" if agrees else "The evidence on the file supports a different grade."
    moderation.moderated_at = moment(moderated, 11)
    moderation.save()
    if not agrees:
        audit.overall_grade = grade
    builder.move(
        audit,
        moderated,
        moderators[0],
        AuditState.MODERATED,
        moderated_at=moment(moderated, 11),
    )
    return moderation
