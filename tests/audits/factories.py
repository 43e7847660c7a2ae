"""Building blocks for audit tests: cases (a child allocated to a worker), the default
tool, audits taken to any state through the real services."""

from datetime import date, timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from audits.models import (
    Audit,
    AuditState,
    AuditTool,
    AuditToolSection,
    RatingScale,
    SectionKind,
)
from audits.selectors_work import tool_version_current
from audits.services_form import audit_section_save
from audits.services_programme import audit_create
from audits.services_tools import tool_default_load
from audits.services_transitions import (
    audit_complete,
    audit_reflection_start,
    audit_reflection_submit,
)
from coredata.models import (
    Allocation,
    CareEpisode,
    Child,
    CPPlan,
    ImportRun,
    Referral,
    Visit,
)
from organisation.models import Organisation, StaffMember, Team, User

_numbers = count(1)
LONG_AGO = date(2020, 1, 1)


def import_run(organisation: Organisation) -> ImportRun:
    run = ImportRun.objects.filter(organisation=organisation).first()
    return run or ImportRun.objects.create(organisation=organisation, status="succeeded")


def staff_of(user: User) -> StaffMember:
    return user.staff_member


def case(
    *,
    worker: User | StaffMember,
    team: Team,
    start: date = LONG_AGO,
    end: date | None = None,
    tier: str | None = "CIN",
    plan_start: date = LONG_AGO,
) -> Child:
    """A child allocated to `worker` in `team` from `start`, with an open plan of `tier`."""
    staff = worker if isinstance(worker, StaffMember) else worker.staff_member
    organisation = team.organisation
    number = next(_numbers)
    child = Child.objects.create(
        organisation=organisation, child_id=f"C{number:05d}", pseudonym=f"PS{number:05d}"
    )
    run = import_run(organisation)
    Allocation.objects.create(
        organisation=organisation,
        run=run,
        child=child,
        worker=staff,
        team=team,
        start_date=start,
        end_date=end,
    )
    common = {"organisation": organisation, "child": child, "collection_year": 2025, "run": run}
    if tier in ("CIN", "CP"):
        Referral.objects.create(**common, referral_date=plan_start, source="1A", nfa=False)
    if tier == "CP":
        CPPlan.objects.create(
            **common,
            referral_date=plan_start,
            start_date=plan_start,
            initial_category="NEG",
            latest_category="NEG",
        )
    if tier == "LAC":
        CareEpisode.objects.create(
            **common, decom=plan_start, rne="S", legal_status="C2", place="U1"
        )
    return child


def visit(child: Child, day: date, seen: bool = True) -> None:
    Visit.objects.create(
        organisation_id=child.organisation_id,
        run=import_run(child.organisation),
        child=child,
        visit_date=day,
        seen=seen,
    )


def default_tool(organisation: Organisation) -> AuditTool:
    return tool_default_load(organisation=organisation)


def new_audit(world: Any, *, child: Child | None = None, **kwargs: Any) -> Audit:
    """An audit (planned) of a case of the world's practitioner in team N1, audited by
    the team manager, created by the QA lead."""
    default_tool(world.organisation)
    child = child or case(worker=world.practitioner, team=world.team)
    return audit_create(child=child, by=world.qa_lead, **kwargs)


def section(audit: Audit, code: str) -> AuditToolSection:
    return AuditToolSection.objects.get(version=audit.tool_version, code=code)


def first_value(scale: str) -> str:
    return {
        RatingScale.OFSTED: "good",
        RatingScale.ZERO_TEN: "7",
        RatingScale.YES_PARTLY_NO: "yes",
    }.get(scale, "")


def rate_all(audit: Audit, by: User, column: str, value: str | None = None) -> None:
    """Rate every rated item of every section in one column (practitioner or auditor)."""
    scale = audit.tool_version.rating_scale
    for row in AuditToolSection.objects.filter(version=audit.tool_version, kind=SectionKind.RATED):
        ratings = {}
        for item in row.items.all():
            item_scale = item.scale(scale)
            if item_scale == RatingScale.FREE_TEXT:
                continue
            chosen = (
                value if value and item_scale == RatingScale.OFSTED else first_value(item_scale)
            )
            ratings[item.pk] = {f"{column}_rating": chosen}
        state = audit.section_states.get(section=row)
        audit_section_save(
            audit=audit, section=row, by=by, base_version=state.version, ratings=ratings
        )


def fill_judgement(audit: Audit, by: User, grade: str = "good", scale: int = 7) -> None:
    for code, fields in (
        ("H", {"overall_grade": grade, "practice_scale": scale}),
        (
            "I",
            {
                "working_well": "A clear safety network.",
                "worries": "The plan is not reviewed.",
                "next_steps": "Review the plan with the network.",
            },
        ),
    ):
        row = section(audit, code)
        state = audit.section_states.get(section=row)
        audit_section_save(
            audit=audit, section=row, by=by, base_version=state.version, fields=fields
        )


def audit_in_state(world: Any, state: str, *, grade: str = "good", **kwargs: Any) -> Audit:
    """An audit taken through the real services to `state` (planned, reflection,
    conversation or completed)."""
    audit = new_audit(world, **kwargs)
    if state == AuditState.PLANNED:
        return audit
    audit_reflection_start(audit=audit, by=world.practitioner)
    if state == AuditState.REFLECTION:
        return audit
    rate_all(audit, world.practitioner, "practitioner")
    audit_reflection_submit(audit=audit, by=world.practitioner)
    if state == AuditState.CONVERSATION:
        return audit
    rate_all(audit, world.team_manager, "auditor", grade)
    fill_judgement(audit, world.team_manager, grade=grade)
    audit_complete(audit=audit, by=world.team_manager)
    audit.refresh_from_db()
    return audit


def current_version(organisation: Organisation) -> Any:
    return tool_version_current(tool=default_tool(organisation))


def days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)
