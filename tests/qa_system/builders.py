"""Hand-made records for the QA reports tests: children and their allocations, audits,
actions and escalations, survey invitations and responses, and stored audit and survey
results (as their jobs would store them)."""

from datetime import date, timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from audits.models import (
    Audit,
    AuditAction,
    AuditTool,
    AuditToolVersion,
    AuditUnitResult,
    SafeguardingEscalation,
)
from coredata.models import Allocation, Child, ImportRun, Referral, Visit
from organisation.models import Organisation, StaffMember, Team, User
from surveys.models import (
    SafetyAlert,
    SurveyCampaign,
    SurveyInvitation,
    SurveyResponse,
    SurveyTemplate,
    SurveyUnitResult,
)

_numbers = count(1)


def staff_of(user: User) -> StaffMember:
    return StaffMember.objects.get(user=user)


def import_run(organisation: Organisation) -> ImportRun:
    return ImportRun.objects.create(organisation=organisation, status="succeeded")


def child_allocated_to(
    user: User, team: Team, *, since: date = date(2024, 1, 1), end: date | None = None
) -> Child:
    """A child allocated now (or until `end`) to the user's staff record in `team`."""
    organisation = team.organisation
    number = next(_numbers)
    child = Child.objects.create(
        organisation=organisation,
        child_id=f"C{number:05d}",
        pseudonym=f"pseudo{number:05d}",
        birth_date_cin=date(2015, 6, 1),
    )
    run = import_run(organisation)
    Allocation.objects.create(
        organisation=organisation,
        run=run,
        child=child,
        worker=staff_of(user),
        team=team,
        start_date=since,
        end_date=end,
    )
    Referral.objects.create(
        organisation=organisation,
        run=run,
        child=child,
        collection_year=2024,
        referral_date=since,
        source="1A",
        nfa=False,
    )
    Visit.objects.create(
        organisation=organisation,
        run=run,
        child=child,
        visit_date=since + timedelta(days=10),
        seen=True,
        seen_alone=True,
    )
    return child


def tool_version(organisation: Organisation) -> AuditToolVersion:
    tool, _ = AuditTool.objects.get_or_create(organisation=organisation, name="Test tool")
    version, _ = AuditToolVersion.objects.get_or_create(
        tool=tool, number=1, defaults={"status": "published", "published_at": timezone.now()}
    )
    return version


def audit_of(
    child: Child,
    *,
    practitioner: User,
    auditor: User,
    team: Team,
    state: str = "completed",
    completed_at: Any = None,
    grade: str = "good",
) -> Audit:
    today = timezone.localdate()
    return Audit.objects.create(
        organisation=child.organisation,
        child=child,
        tool_version=tool_version(child.organisation),
        practitioner=staff_of(practitioner),
        auditor=staff_of(auditor),
        team=team,
        month=today.replace(day=1),
        due_date=today + timedelta(days=20),
        state=state,
        overall_grade=grade if state != "planned" else "",
        completed_at=completed_at,
    )


def action_on(audit: Audit, *, owner: User, due: date, status: str = "open") -> AuditAction:
    return AuditAction.objects.create(
        audit=audit,
        description="Update the safety plan with the network",
        owner=staff_of(owner),
        due_date=due,
        status=status,
    )


def escalation_on(audit: Audit, *, by: User) -> SafeguardingEscalation:
    return SafeguardingEscalation.objects.create(audit=audit, concern="Current risk", raised_by=by)


def survey_template(
    organisation: Organisation, *, key: str = "parents", audience: str = "parents"
) -> SurveyTemplate:
    template, _ = SurveyTemplate.objects.get_or_create(
        organisation=organisation,
        key=key,
        version=1,
        defaults={"audience": audience, "status": "published", "title": {"en": "Parents"}},
    )
    return template


def invitation_for(
    child: Child, *, worker: User, team: Team, sent: bool = True
) -> SurveyInvitation:
    organisation = child.organisation
    template = survey_template(organisation)
    campaign, _ = SurveyCampaign.objects.get_or_create(
        organisation=organisation,
        template=template,
        name="Family survey after a plan ends",
        defaults={"kind": "continuous", "status": "open", "opens_on": date(2024, 1, 1)},
    )
    now = timezone.now()
    return SurveyInvitation.objects.create(
        organisation=organisation,
        campaign=campaign,
        child=child,
        worker=staff_of(worker),
        team=team,
        service=team.service,
        event="plan_ended",
        event_date=now.date(),
        expires_at=now + timedelta(days=28),
        channel="email" if sent else "handover",
        sent_at=now if sent else None,
    )


def response_to(invitation: SurveyInvitation, answers: dict[str, Any]) -> SurveyResponse:
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    return SurveyResponse.objects.create(
        organisation=invitation.organisation,
        campaign=invitation.campaign,
        template=invitation.campaign.template,
        team=invitation.team,
        service=invitation.service,
        invitation=invitation,
        child=invitation.child,
        worker=invitation.worker,
        submitted_on=timezone.localdate(),
        answers=answers,
    )


def safety_alert_from(response: SurveyResponse) -> SafetyAlert:
    return SafetyAlert.objects.create(
        organisation=response.organisation,
        response=response,
        child=response.child,
        team=response.team,
        worker=response.worker,
        places=["home"],
    )


def audit_result(
    organisation: Organisation,
    unit: tuple[str, int],
    period: tuple[str, date, date],
    measure: str,
    breakdown: str,
    numerator: float,
    denominator: float | None,
) -> AuditUnitResult:
    value = numerator if denominator is None else (numerator / denominator if denominator else None)
    return AuditUnitResult.objects.create(
        organisation=organisation,
        unit_type=unit[0],
        unit_id=unit[1],
        period_type=period[0],
        period_start=period[1],
        period_end=period[2],
        measure=measure,
        breakdown=breakdown,
        numerator=numerator,
        denominator=denominator,
        value=value,
    )


def survey_result(
    organisation: Organisation,
    unit: tuple[str, int],
    period: tuple[str, date, date],
    measure: str,
    numerator: int | None,
    denominator: int | None,
    *,
    suppressed: bool = False,
) -> SurveyUnitResult:
    value = None if suppressed or not denominator else numerator / denominator * 100  # type: ignore[operator]
    return SurveyUnitResult.objects.create(
        organisation=organisation,
        unit_type=unit[0],
        unit_id=unit[1],
        period_type=period[0],
        period_start=period[1],
        period_end=period[2],
        measure=measure,
        respondents=None if suppressed else denominator,
        numerator=None if suppressed else numerator,
        denominator=None if suppressed else denominator,
        value=value,
        suppressed=suppressed,
    )
