"""The demo's last touch: each demo login has something waiting on their home page."""

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from audits.casefacts import case_facts_on
from audits.demo_content import ACTIONS, moment, month_seed
from audits.models import Audit, AuditAction, AuditEvent, AuditState, SafeguardingEscalation
from audits.services_creation import default_auditor
from organisation.models import Role, StaffMember

if TYPE_CHECKING:
    from audits.demo import DemoBuilder


def demo_showcase(builder: "DemoBuilder") -> None:
    """Make sure each demo login has something waiting: the practitioner an audit to
    reflect on and an open action, the team manager a conversation to hold and an
    escalation to acknowledge (the draw alone might leave them none)."""
    from organisation.demo import LOGIN_EMAIL

    practitioner = StaffMember.objects.filter(
        organisation=builder.organisation, user__email=LOGIN_EMAIL[Role.PRACTITIONER]
    ).first()
    if practitioner is None:
        return
    month = builder.today.replace(day=1)
    rng = random.Random(month_seed(builder.organisation.pk, month) + 1)  # noqa: S311 - demo data
    mine = Audit.objects.filter(practitioner=practitioner)
    if not mine.filter(state__in=[AuditState.PLANNED, AuditState.REFLECTION]).exists():
        facts = case_facts_on(organisation_id=builder.organisation.pk, on=builder.today)
        own = sorted(
            f.child_id
            for f in facts.values()
            if f.worker_id == practitioner.pk and f.child_id not in builder.open_children
        )
        team = builder.teams.get(facts[own[0]].team_id) if own else None
        auditor = default_auditor(team=team, practitioner=practitioner) if team else None
        if own and team and auditor:
            audit = builder.add_audit(
                child_id=own[0],
                practitioner=practitioner,
                auditor=auditor,
                team=team,
                month=month,
                due_date=builder.today + timedelta(days=21),
                kind=Audit.Kind.AD_HOC,
                context=facts[own[0]],
            )
            builder.move(
                audit,
                builder.today,
                practitioner,
                AuditState.REFLECTION,
                reflection_started_at=moment(builder.today, 9),
            )
    finished = mine.filter(
        state__in=[AuditState.COMPLETED, AuditState.MODERATED, AuditState.CLOSED]
    )
    latest = finished.order_by("-completed_at").first()
    owned = AuditAction.objects.filter(owner=practitioner, status=AuditAction.Status.OPEN)
    if latest is not None and not owned.exists():
        AuditAction.objects.create(
            audit=latest,
            description=ACTIONS[0],
            owner=practitioner,
            due_date=builder.today + timedelta(days=10),
            created_by=builder.login_of(latest.auditor),
            created_at=latest.completed_at or moment(builder.today),
        )
        if latest.state == AuditState.CLOSED:
            latest.state, latest.closed_at = AuditState.COMPLETED, None
            latest.save(update_fields=["state", "closed_at"])
    team_audits = Audit.objects.filter(team__memberships__staff=practitioner).distinct()
    if not team_audits.filter(state=AuditState.CONVERSATION).exists():
        candidate = (
            team_audits.filter(state=AuditState.REFLECTION)
            .exclude(practitioner=practitioner)
            .first()
        )
        if candidate is not None:
            builder.rate(candidate, rng, practitioner=True)
            builder.move(
                candidate,
                builder.today,
                candidate.practitioner,
                AuditState.CONVERSATION,
                conversation_started_at=moment(builder.today, 9),
            )
    pending = SafeguardingEscalation.objects.filter(
        audit__in=team_audits, acknowledged_at__isnull=True
    )
    recent = team_audits.filter(completed_at__isnull=False).order_by("-completed_at").first()
    raiser = recent.auditor.user if recent is not None else None
    if recent is not None and raiser is not None and not pending.exists():
        day = builder.today - timedelta(days=1)
        SafeguardingEscalation.objects.create(
            audit=recent,
            raised_by=raiser,
            raised_at=moment(day, 12),
            concern="Current risk: the child disclosed a new incident during direct work.",
        )
        builder.event(
            recent,
            day,
            recent.auditor.user,
            AuditEvent.Kind.ESCALATION,
            field="escalation",
            new="raised",
        )
