"""Creating audits: one case at a time (the monthly draw, a follow-up, or a QA lead or
manager choosing a case), with section A filled from core data.

The auditor of a new audit is, by default, a manager of the case's team who is not the
practitioner; failing that a manager of its service; failing that a QA lead. An audit is
never of a case by its own allocated practitioner (a database constraint as well).
"""

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from audits.casefacts import CaseFacts, case_facts_on
from audits.history import event_record
from audits.links import audit_path
from audits.models import (
    OPEN_STATES,
    Audit,
    AuditEvent,
    AuditProgramme,
    AuditSectionState,
    AuditTool,
    AuditToolVersion,
    SampleDraw,
)
from audits.notify import notify, staff_holding, user_of
from audits.selectors import audit_settings_for
from audits.selectors_work import tool_version_current
from coredata.models import Child
from organisation.models import Role, StaffMember, Team
from organisation.selectors import staff_current_team, user_scope
from qa_system.errors import ApplicationError


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def default_auditor(*, team: Team, practitioner: StaffMember) -> StaffMember | None:
    """A manager of the team who is not the practitioner; else one of its service; else a
    QA lead; None when the organisation has nobody else."""
    for candidates in (
        staff_holding(Role.TEAM_MANAGER, team_id=team.pk),
        staff_holding(Role.SERVICE_MANAGER, service_id=team.service_id),
        staff_holding(Role.QA_LEAD, staff__organisation_id=team.organisation_id),
    ):
        for staff in candidates:
            if staff.pk != practitioner.pk:
                return staff
    return None


# --- Creating an audit ----------------------------------------------------------------


def _context(facts: CaseFacts | None, team: Team, practitioner: StaffMember) -> dict[str, Any]:
    def iso(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "tier": facts.tier if facts else None,
        "team": team.name,
        "worker": practitioner.name,
        "referral_date": iso(facts.referral_date) if facts else None,
        "plan_start_date": iso(facts.plan_start_date) if facts else None,
        "last_visit_date": iso(facts.last_visit_date) if facts else None,
    }


def _may_create(by: Any, organisation_id: int, team: Team) -> None:
    scope = user_scope(user=by)
    allowed = scope.organisation_id == organisation_id and (
        scope.has_role(Role.QA_LEAD)
        or team.pk in scope.managed_team_ids
        or team.service_id in scope.managed_service_ids
    )
    if not allowed:
        raise ApplicationError(
            "Only a QA lead or a manager of the child's team can start an audit."
        )


def audit_create(
    *,
    child: Child,
    by: Any,
    kind: str = Audit.Kind.AD_HOC,
    tool_version: AuditToolVersion | None = None,
    practitioner: StaffMember | None = None,
    team: Team | None = None,
    auditor: StaffMember | None = None,
    due_date: date | None = None,
    programme: AuditProgramme | None = None,
    draw: SampleDraw | None = None,
    follow_up_of: Audit | None = None,
    on: date | None = None,
) -> Audit:
    """A planned audit of a child's case, with section A filled from core data on `on`
    (today by default). The practitioner is the worker allocated on that date (or the one
    given); the auditor by default a manager of the team (`default_auditor`). Refused for
    a child with an open audit, a child with nobody allocated, or an auditor who is the
    practitioner. `by` None is the system (the draw, a follow-up)."""
    organisation_id = child.organisation_id
    on = on or timezone.localdate()
    facts = case_facts_on(organisation_id=organisation_id, on=on, child_ids=[child.pk]).get(
        child.pk
    )
    if practitioner is None:
        if facts is None:
            raise ApplicationError(
                "This child has no allocated worker, so there is nobody to reflect."
            )
        practitioner = StaffMember.objects.get(pk=facts.worker_id)
    if team is None:
        team = (
            Team.objects.get(pk=facts.team_id)
            if facts and facts.worker_id == practitioner.pk
            else staff_current_team(staff=practitioner, on=on)
        )
    if team is None or practitioner.organisation_id != organisation_id:
        raise ApplicationError("The practitioner must be in a team of the child's organisation.")
    if by is not None:
        _may_create(by, organisation_id, team)
    if tool_version is None:
        tool = (
            programme.tool
            if programme
            else AuditTool.objects.filter(organisation_id=organisation_id, is_default=True).first()
        )
        tool_version = tool_version_current(tool=tool) if tool else None
    if tool_version is None or tool_version.is_draft:
        raise ApplicationError("Choose a published audit tool.")
    if tool_version.tool.organisation_id != organisation_id:
        raise ApplicationError("Choose one of your organisation's audit tools.")
    auditor = auditor or default_auditor(team=team, practitioner=practitioner)
    if auditor is None:
        raise ApplicationError("There is nobody other than the practitioner to audit this case.")
    if auditor.pk == practitioner.pk:
        raise ApplicationError(
            "A practitioner cannot audit their own case. Choose another auditor."
        )
    if auditor.organisation_id != organisation_id:
        raise ApplicationError("The auditor must work for the child's organisation.")
    deadline = programme.deadline_days if programme else 28
    with transaction.atomic():
        if Audit.objects.select_for_update().filter(child=child, state__in=OPEN_STATES).exists():
            raise ApplicationError("This child's case already has an audit under way.")
        audit = Audit.objects.create(
            organisation_id=organisation_id,
            child=child,
            tool_version=tool_version,
            kind=kind,
            programme=programme,
            draw=draw,
            follow_up_of=follow_up_of,
            practitioner=practitioner,
            auditor=auditor,
            team=team,
            month=first_of_month(on),
            due_date=due_date or on + timedelta(days=deadline),
            context=_context(facts, team, practitioner),
        )
        AuditSectionState.objects.bulk_create(
            AuditSectionState(audit=audit, section=section)
            for section in tool_version.sections.all()
        )
        event_record(audit=audit, by=by, kind=AuditEvent.Kind.CREATED, new=audit.get_kind_display())
    _notify_assigned(audit)
    return audit


def _notify_assigned(audit: Audit) -> None:
    due = f"{audit.due_date:%d %B %Y}"
    url = audit_path(audit.pk)
    notify(
        recipients=[user_of(audit.practitioner)],
        organisation_id=audit.organisation_id,
        kind="audit_assigned",
        subject="A case of yours has been chosen for audit",
        body=f"Please reflect on the case and rate it before the audit conversation. Due {due}.",
        url=url,
        dedupe_key=f"audit-assigned:{audit.pk}",
    )
    notify(
        recipients=[user_of(audit.auditor)],
        organisation_id=audit.organisation_id,
        kind="audit_assigned",
        subject="You have an audit to carry out",
        body=f"You are the auditor. The audit is due {due}.",
        url=url,
        dedupe_key=f"audit-assigned:{audit.pk}",
    )


def audit_followup_schedule(*, audit: Audit) -> Audit | None:
    """An inadequate audit: tell the service's managers (and the QA leads when the
    service has none) at once, and plan a follow-up audit of the same case due within
    the organisation's `follow_up_weeks`, with the worker allocated now (or the same
    practitioner) and the same auditor where possible. Returns the follow-up, or None
    when it could not be created (the reason is kept in the history)."""
    from audits.notify import managers_of_service, qa_leads

    settings = audit_settings_for(organisation_id=audit.organisation_id)
    today = timezone.localdate()
    due = today + timedelta(weeks=settings.follow_up_weeks)
    recipients = managers_of_service(audit.team.service_id) or qa_leads(audit.organisation_id)
    notify(
        recipients=recipients,
        organisation_id=audit.organisation_id,
        kind="audit_inadequate",
        subject="An audit in your service was graded inadequate",
        body=f"A follow-up audit of the case is planned, due by {due:%d %B %Y}.",
        url=audit_path(audit.pk),
        dedupe_key=f"audit-inadequate:{audit.pk}",
    )
    facts = case_facts_on(
        organisation_id=audit.organisation_id, on=today, child_ids=[audit.child_id]
    ).get(audit.child_id)
    if facts is not None:
        practitioner = StaffMember.objects.get(pk=facts.worker_id)
        team = Team.objects.get(pk=facts.team_id)
    else:
        practitioner, team = audit.practitioner, audit.team
    auditor = audit.auditor if audit.auditor_id != practitioner.pk else None
    try:
        follow_up = audit_create(
            child=audit.child,
            by=None,
            kind=Audit.Kind.FOLLOW_UP,
            tool_version=tool_version_current(tool=audit.tool_version.tool),
            practitioner=practitioner,
            team=team,
            auditor=auditor,
            due_date=due,
            follow_up_of=audit,
            on=today,
        )
    except ApplicationError as error:
        event_record(
            audit=audit,
            by=None,
            kind=AuditEvent.Kind.FIELD,
            field="follow_up",
            note=f"No follow-up audit was created: {error.message}",
        )
        return None
    event_record(
        audit=audit,
        by=None,
        kind=AuditEvent.Kind.FIELD,
        field="follow_up",
        new=f"Audit {follow_up.pk}, due {due.isoformat()}",
    )
    return follow_up
