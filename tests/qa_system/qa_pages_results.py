"""Stored results for the QA unit pages' tests, as the refresh jobs would leave them (no
engine, no audits or responses): factories of audit and survey result rows and a
helper that gives a unit a full set of core data, audit and survey results.

Periods: the core data run of tests.coredata.indicator_results (May 2024 to June 2025),
whose latest quarter, April to June 2025 (Q1 2025-26), is the pages' default.
"""

from datetime import date, datetime
from typing import Any

import factory
from factory.django import DjangoModelFactory

from audits.models import Audit, AuditUnitResult
from coredata.models import Child, RefreshRun
from organisation.models import Organisation
from qa_system.models import Flag, FlagRule
from surveys.models import SurveyUnitResult
from tests.coredata.indicator_results import Q1, Q4, refresh, store

Q1_KEY = "2025-26-q1"


class AuditResultFactory(DjangoModelFactory[AuditUnitResult]):
    class Meta:
        model = AuditUnitResult

    organisation = factory.SubFactory("tests.factories.OrganisationFactory")
    unit_type = "team"
    unit_id = 1
    period_type = "quarter"
    period_start = Q1[0]
    period_end = Q1[1]
    measure = "completed"
    breakdown = ""
    numerator = 0.0
    denominator = None
    value = None


class SurveyResultFactory(DjangoModelFactory[SurveyUnitResult]):
    class Meta:
        model = SurveyUnitResult

    organisation = factory.SubFactory("tests.factories.OrganisationFactory")
    unit_type = "team"
    unit_id = 1
    period_type = "quarter"
    period_start = Q1[0]
    period_end = Q1[1]
    measure = "parent_understand"
    respondents = 10
    numerator = 7
    denominator = 10
    value = 70.0
    suppressed = False


def audit_results(
    organisation: Organisation,
    unit_type: str,
    unit_id: int,
    *,
    period: tuple[date, date] = Q1,
    completed: int = 10,
    good: int = 7,
    overdue: int = 2,
) -> list[AuditUnitResult]:
    """A unit's audit results for one quarter: `completed` audits, `good` of them good."""
    share = good / completed if completed else None

    def row(measure: str, breakdown: str = "", **values: Any) -> AuditUnitResult:
        return AuditResultFactory(
            organisation=organisation,
            unit_type=unit_type,
            unit_id=unit_id,
            period_start=period[0],
            period_end=period[1],
            measure=measure,
            breakdown=breakdown,
            **values,
        )

    return [
        row("completed", numerator=completed, value=completed),
        row("good_or_better", numerator=good, denominator=completed, value=share),
        row("grade", "grade=good", numerator=good, denominator=completed, value=share),
        row("practice_scale", numerator=6.5 * completed, denominator=completed, value=6.5),
        row("agreement", numerator=40, denominator=50, value=0.8),
        row("section_grade", "section=C;grade=good", numerator=3, denominator=4, value=0.75),
        row("agreement", "section=C", numerator=9, denominator=10, value=0.9),
        row("actions_open", numerator=5, value=5),
        row("actions_overdue", numerator=overdue, value=overdue),
    ]


def survey_results(
    organisation: Organisation,
    unit_type: str,
    unit_id: int,
    *,
    period: tuple[date, date] = Q1,
    respondents: int = 10,
    understand: int = 7,
    staff: bool = True,
) -> list[SurveyUnitResult]:
    """A unit's survey results for one quarter; fewer than 5 respondents are stored as
    the results job stores them: suppressed, without numbers."""
    suppressed = respondents < 5

    def row(measure: str, numerator: int, denominator: int) -> SurveyUnitResult:
        return SurveyResultFactory(
            organisation=organisation,
            unit_type=unit_type,
            unit_id=unit_id,
            period_start=period[0],
            period_end=period[1],
            measure=measure,
            respondents=None if suppressed else respondents,
            numerator=None if suppressed else numerator,
            denominator=None if suppressed else denominator,
            value=None if suppressed else 100 * numerator / denominator,
            suppressed=suppressed,
        )

    rows = [
        row("parent_understand", understand, respondents),
        row("child_safe_home", respondents - 1, respondents),
        row("rate:family", respondents, respondents * 3),
    ]
    if staff:
        rows.append(row("staff_caseload", 2, respondents))
    return rows


def core_results(run: RefreshRun, unit_type: str, unit_code: str, *, seen: float = 80.0) -> None:
    """A unit's headline core data for the latest two quarters."""
    store(
        run,
        unit_type,
        unit_code,
        [
            ("A1", "", Q1, 40, None, 40),
            ("A1", "", Q4, 30, None, 30),
            ("P4", "tier=CP", Q1, seen, 100, seen),
            ("P4", "tier=CP", Q4, 70, 100, 70.0),
            ("O1", "", Q1, 11, 50, 22.0),
            ("W5", "", Q1, 60, 4, 15.0),
        ],
    )


def seed_world(world: Any) -> RefreshRun:
    """Results for every unit of the world's organisation above and including the
    practitioner: the team North One and its practitioner, its service North, the
    organisation; the other team of the service, North Two, with audits and core data
    but too few family responses to show."""
    organisation = world.organisation
    practitioner = world.practitioner.staff_member
    run = refresh(organisation)
    core_results(run, "organisation", organisation.la_code, seen=75.0)
    core_results(run, "service", world.service.code, seen=78.0)
    core_results(run, "team", world.team.code, seen=80.0)
    core_results(run, "team", world.other_team.code, seen=60.0)
    core_results(run, "practitioner", practitioner.worker_id, seen=90.0)
    audit_results(organisation, "organisation", organisation.pk, completed=40, good=24)
    audit_results(organisation, "service", world.service.pk, completed=20, good=12)
    audit_results(organisation, "team", world.team.pk, completed=10, good=7)
    audit_results(organisation, "team", world.other_team.pk, completed=10, good=5, overdue=4)
    audit_results(organisation, "practitioner", practitioner.pk, completed=4, good=3)
    survey_results(organisation, "organisation", organisation.pk, respondents=40, understand=24)
    survey_results(organisation, "service", world.service.pk, respondents=20, understand=13)
    survey_results(organisation, "team", world.team.pk, respondents=10, understand=8)
    survey_results(organisation, "team", world.other_team.pk, respondents=3, understand=1)
    survey_results(organisation, "practitioner", practitioner.pk, respondents=6, understand=5,
                   staff=False)  # fmt: skip
    return run


def completed_audit(world: Any, *, completed_at: datetime, **columns: str) -> Audit:
    """A closed audit of a child of North One by its team manager, with its three
    columns (the themes the unit pages quote)."""
    from audits.services_tools import tool_default_load

    tool = tool_default_load(organisation=world.organisation)
    number = Audit.objects.count() + 1
    child = Child.objects.create(
        organisation=world.organisation, child_id=f"QA{number}", pseudonym=f"PS-QA{number}"
    )
    return Audit.objects.create(
        organisation=world.organisation,
        child=child,
        tool_version=tool.versions.get(number=1),
        state="closed",
        practitioner=world.practitioner.staff_member,
        auditor=world.team_manager.staff_member,
        team=world.team,
        month=completed_at.date().replace(day=1),
        due_date=completed_at.date(),
        overall_grade="good",
        practice_scale=7,
        completed_at=completed_at,
        **columns,
    )


def flag_on(organisation: Organisation, unit_type: str, unit_id: int, text: str) -> Flag:
    """A flag raised on a unit for the quarter April to June 2025 (as the flags job
    stores them)."""
    rule = FlagRule.objects.create(
        organisation=organisation, name="Voice graded good, children not told why",
        a_source="audits", a_code="section_grade", a_comparison="ge", a_threshold=60,
        wording=text,
    )  # fmt: skip
    return Flag.objects.create(
        organisation=organisation, rule=rule, unit_type=unit_type, unit_id=unit_id,
        unit_name="A unit", period_start=Q1[0], period_end=Q1[1], text=text,
    )  # fmt: skip
