"""Reading survey results: which units a user may see, the stored rows, free text in
three columns. The same rules as the core data pages: a practitioner sees their own
results; team and service managers their teams, services and the practitioners now in
their teams, and the organisation's totals; QA leads, senior leaders and
administrators everything of their organisation; nobody another organisation's.
Suppression was applied when the rows were stored; free text follows the stored
suppression of its question."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from organisation.models import Organisation, Service, StaffMember, Team
from organisation.selectors import (
    service_list_for_user,
    staff_list_for_user,
    team_list_for_user,
    user_scope,
)
from surveys.models import (
    FreeTextColumn,
    StaffSurveyResponse,
    SurveyQuestion,
    SurveyResponse,
    SurveyUnitResult,
)
from surveys.periods import period_end
from surveys.results_cells import ORGANISATION, PRACTITIONER, SERVICE, TEAM, question_measure

UNIT_TYPES = (ORGANISATION, SERVICE, TEAM, PRACTITIONER)


@dataclass(frozen=True)
class SurveyUnit:
    unit_type: str
    unit_id: int
    name: str


def survey_unit_visible(*, user: Any, unit_type: str, unit_id: int) -> bool:
    scope = user_scope(user=user)
    if scope.organisation_id is None:
        return False
    if unit_type == ORGANISATION:
        manages = bool(scope.managed_team_ids or scope.managed_service_ids)
        return unit_id == scope.organisation_id and (scope.sees_whole_organisation or manages)
    if unit_type == SERVICE:
        return service_list_for_user(user=user).filter(pk=unit_id).exists()
    if unit_type == TEAM:
        return team_list_for_user(user=user).filter(pk=unit_id).exists()
    if unit_type == PRACTITIONER:
        return staff_list_for_user(user=user).filter(pk=unit_id).exists()
    return False


def survey_unit_get_for_user(*, user: Any, unit_type: str, unit_id: int) -> SurveyUnit:
    """The unit with its name; 404 when the user may not see it."""
    if not survey_unit_visible(user=user, unit_type=unit_type, unit_id=unit_id):
        raise Http404("No such unit.")
    model: Any = {
        ORGANISATION: Organisation,
        SERVICE: Service,
        TEAM: Team,
        PRACTITIONER: StaffMember,
    }[unit_type]
    return SurveyUnit(unit_type, unit_id, str(model.objects.get(pk=unit_id).name))


def survey_unit_list_for_user(*, user: Any) -> list[SurveyUnit]:
    """Every unit whose survey results the user may see, organisation first."""
    scope = user_scope(user=user)
    if scope.organisation_id is None:
        return []
    units: list[SurveyUnit] = []
    if survey_unit_visible(user=user, unit_type=ORGANISATION, unit_id=scope.organisation_id):
        organisation = Organisation.objects.get(pk=scope.organisation_id)
        units.append(SurveyUnit(ORGANISATION, organisation.pk, organisation.name))
    units += [SurveyUnit(SERVICE, s.pk, s.name) for s in service_list_for_user(user=user)]
    units += [SurveyUnit(TEAM, t.pk, t.name) for t in team_list_for_user(user=user)]
    units += [SurveyUnit(PRACTITIONER, s.pk, s.name) for s in staff_list_for_user(user=user)]
    return units


def survey_indicator_results(
    *, organisation_id: int, unit_type: str, unit_id: int, period_type: str | None = None
) -> QuerySet[SurveyUnitResult]:
    """A unit's stored rows (no visibility check: for callers that made it)."""
    rows = SurveyUnitResult.objects.filter(
        organisation_id=organisation_id, unit_type=unit_type, unit_id=unit_id
    )
    if period_type:
        rows = rows.filter(period_type=period_type)
    return rows.order_by("measure", "period_start")


def survey_results_for_unit(
    *, user: Any, unit_type: str, unit_id: int, period_type: str | None = None
) -> QuerySet[SurveyUnitResult]:
    """A unit's stored rows; 404 when the user may not see the unit."""
    if not survey_unit_visible(user=user, unit_type=unit_type, unit_id=unit_id):
        raise Http404("No such unit.")
    organisation_id = int(user_scope(user=user).organisation_id or 0)
    return survey_indicator_results(
        organisation_id=organisation_id,
        unit_type=unit_type,
        unit_id=unit_id,
        period_type=period_type,
    )


def survey_result_list_for_user(*, user: Any) -> QuerySet[SurveyUnitResult]:
    """Every stored row of every unit the user may see (for the API)."""
    scope = user_scope(user=user)
    if scope.organisation_id is None:
        return SurveyUnitResult.objects.none()
    rows = SurveyUnitResult.objects.filter(organisation_id=scope.organisation_id)
    if scope.sees_whole_organisation:
        return rows
    visible = Q(
        unit_type=SERVICE,
        unit_id__in=list(service_list_for_user(user=user).values_list("pk", flat=True)),
    )
    visible |= Q(
        unit_type=TEAM, unit_id__in=list(team_list_for_user(user=user).values_list("pk", flat=True))
    )
    visible |= Q(
        unit_type=PRACTITIONER,
        unit_id__in=list(staff_list_for_user(user=user).values_list("pk", flat=True)),
    )
    if scope.managed_team_ids or scope.managed_service_ids:
        visible |= Q(unit_type=ORGANISATION, unit_id=scope.organisation_id)
    return rows.filter(visible)


@dataclass
class FreeTextColumnView:
    column: str
    label: str
    suppressed: bool
    comments: list[str] = field(default_factory=list)


@dataclass
class FreeTextBlock:
    template_key: str
    title: str
    columns: list[FreeTextColumnView]


def _responses_of_unit(
    organisation_id: int, unit_type: str, unit_id: int, start: date, end: date, staff: bool
) -> QuerySet[Any]:
    model: Any = StaffSurveyResponse if staff else SurveyResponse
    date_field = "week_start" if staff else "submitted_on"
    rows = model.objects.filter(
        organisation_id=organisation_id,
        share_comments=True,
        **{f"{date_field}__gte": start, f"{date_field}__lte": end},
    )
    if unit_type == SERVICE:
        rows = rows.filter(service_id=unit_id)
    elif unit_type == TEAM:
        rows = rows.filter(team_id=unit_id)
    elif unit_type == PRACTITIONER:
        # As counted: a practitioner's responses are those with their team known too.
        rows = rows.filter(worker_id=unit_id, team__isnull=False) if not staff else rows.none()
    return rows


def survey_free_text_for_unit(
    *, user: Any, unit_type: str, unit_id: int, period_type: str, period_start: date
) -> list[FreeTextBlock]:
    """What respondents wrote (those who chose to share it), per survey, in the three
    columns, for one unit and period; a column is empty and `suppressed` when its
    stored result is suppressed (or there is none). Comments are sorted, so their order
    says nothing about who wrote them or when."""
    if not survey_unit_visible(user=user, unit_type=unit_type, unit_id=unit_id):
        raise Http404("No such unit.")
    organisation_id = int(user_scope(user=user).organisation_id or 0)
    end = period_end(period_type, period_start)
    stored = {
        row.measure: row.suppressed
        for row in survey_indicator_results(
            organisation_id=organisation_id,
            unit_type=unit_type,
            unit_id=unit_id,
            period_type=period_type,
        ).filter(period_start=period_start, measure__startswith="q:")
    }
    questions = (
        SurveyQuestion.objects.filter(template__organisation_id=organisation_id)
        .exclude(column="")
        .select_related("template")
        .order_by("template__key", "-template__version", "position")
    )
    blocks: dict[str, FreeTextBlock] = {}
    seen: set[tuple[str, str]] = set()
    for question in questions:
        template = question.template
        if (template.key, question.code) in seen:
            continue
        seen.add((template.key, question.code))
        measure = question_measure(template.key, question.code)
        if measure not in stored:
            continue
        block = blocks.setdefault(
            template.key,
            FreeTextBlock(template.key, str(template.title.get("en", template.key)), []),
        )
        suppressed = stored[measure]
        comments: list[str] = []
        if not suppressed:
            responses = _responses_of_unit(
                organisation_id, unit_type, unit_id, period_start, end, template.audience == "staff"
            ).filter(template__key=template.key)
            comments = sorted(
                str(answers[question.code])
                for answers in responses.values_list("answers", flat=True)
                if answers.get(question.code)
            )
        block.columns.append(
            FreeTextColumnView(
                question.column, str(FreeTextColumn(question.column).label), suppressed, comments
            )
        )
    return list(blocks.values())
