"""The results job: every survey measure for every unit and period of an organisation,
with suppression, stored in `SurveyUnitResult` (replaced whole, in one transaction, so
a rerun is idempotent and readers never see half a refresh)."""

from collections.abc import Iterator
from datetime import date

from django.db import transaction
from django.utils import timezone

from organisation.models import Team
from surveys.models import (
    StaffSurveyResponse,
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyResultsRun,
    SurveyUnitResult,
)
from surveys.results_cells import (
    RATE_FAMILY,
    RATE_STAFF,
    Node,
    QuestionSpec,
    ResponseRow,
    cells_from_responses,
    hidden_cells,
    rate_cells,
    unit_rows,
)
from surveys.selectors import survey_settings_for


def _node(
    service_id: int | None, team_id: int | None, worker_id: int | None, team_service: dict[int, int]
) -> Node:
    """The path of a response: stops at the first part not known."""
    if service_id is None and team_id is not None:
        service_id = team_service.get(team_id)
    parts = []
    for part in (service_id, team_id, worker_id):
        if part is None:
            break
        parts.append(part)
    return tuple(parts)


def _questions(organisation_id: int) -> dict[int, tuple[str, tuple[QuestionSpec, ...]]]:
    """Each template version's key and questions."""
    by_template: dict[int, tuple[str, list[QuestionSpec]]] = {}
    for template_id, key, code, kind, indicator in (
        SurveyQuestion.objects.filter(template__organisation_id=organisation_id)
        .values_list("template_id", "template__key", "code", "kind", "indicator")
        .order_by("template_id", "position")
    ):
        by_template.setdefault(template_id, (key, []))[1].append(
            QuestionSpec(code, kind, indicator)
        )
    return {pk: (key, tuple(specs)) for pk, (key, specs) in by_template.items()}


def _response_rows(organisation_id: int, team_service: dict[int, int]) -> Iterator[ResponseRow]:
    questions = _questions(organisation_id)
    family = SurveyResponse.objects.filter(organisation_id=organisation_id).values_list(
        "template_id",
        "service_id",
        "team_id",
        "worker_id",
        "submitted_on",
        "answers",
        "share_comments",
    )
    for template_id, service_id, team_id, worker_id, day, answers, share in family.iterator(2000):
        key, specs = questions[template_id]
        yield ResponseRow(
            key, _node(service_id, team_id, worker_id, team_service), day, answers, share, specs
        )
    staff = StaffSurveyResponse.objects.filter(organisation_id=organisation_id).values_list(
        "template_id", "service_id", "team_id", "week_start", "answers", "share_comments"
    )
    for template_id, service_id, team_id, day, answers, share in staff.iterator(2000):
        key, specs = questions[template_id]
        yield ResponseRow(
            key, _node(service_id, team_id, None, team_service), day, answers, share, specs
        )


def _family_invitations(
    organisation_id: int, team_service: dict[int, int]
) -> Iterator[tuple[Node, date, bool]]:
    rows = SurveyInvitation.objects.filter(
        organisation_id=organisation_id, child__isnull=False
    ).values_list("service_id", "team_id", "worker_id", "created_at", "used_at")
    for service_id, team_id, worker_id, created_at, used_at in rows.iterator(2000):
        yield (
            _node(service_id, team_id, worker_id, team_service),
            timezone.localdate(created_at),
            used_at is not None,
        )


def _staff_invitations(
    organisation_id: int, team_service: dict[int, int]
) -> Iterator[tuple[Node, date, bool]]:
    """Staff response rates per campaign, dated by the campaign's opening: invited per
    team (open campaigns: their invitations; closed ones: the counts kept at closing),
    responses per team. Invitations and responses are only counted, never matched."""
    campaigns = SurveyCampaign.objects.filter(
        organisation_id=organisation_id, template__audience="staff"
    ).exclude(status="draft")
    for campaign in campaigns:
        invited: dict[int | None, int] = {}
        for key, count in (campaign.invited_counts or {}).items():
            team_id = int(key) or None
            invited[team_id] = invited.get(team_id, 0) + int(count)
        for team_id in SurveyInvitation.objects.filter(campaign=campaign).values_list(
            "team_id", flat=True
        ):
            invited[team_id] = invited.get(team_id, 0) + 1
        responded: dict[int | None, int] = {}
        for team_id in StaffSurveyResponse.objects.filter(campaign=campaign).values_list(
            "team_id", flat=True
        ):
            responded[team_id] = responded.get(team_id, 0) + 1
        for team_id in set(invited) | set(responded):
            node = _node(None, team_id, None, team_service)
            answers = responded.get(team_id, 0)
            total = max(invited.get(team_id, 0), answers)
            for index in range(total):
                yield node, campaign.opens_on, index < answers


def survey_results_compute(*, organisation_id: int, minimum: int) -> list[SurveyUnitResult]:
    """Every stored row for the organisation (not saved)."""
    team_service = dict(
        Team.objects.filter(organisation_id=organisation_id).values_list("pk", "service_id")
    )
    cells, made_of = cells_from_responses(_response_rows(organisation_id, team_service))
    cells |= rate_cells(RATE_FAMILY, _family_invitations(organisation_id, team_service))
    cells |= rate_cells(RATE_STAFF, _staff_invitations(organisation_id, team_service))
    hidden = hidden_cells(cells, made_of, minimum)
    return [
        SurveyUnitResult(organisation_id=organisation_id, **row.__dict__)
        for row in unit_rows(cells, hidden, organisation_id=organisation_id)
    ]


def survey_results_refresh(*, organisation_id: int) -> SurveyResultsRun:
    """Recompute and replace the organisation's stored survey results."""
    run = SurveyResultsRun.objects.create(organisation_id=organisation_id)
    try:
        minimum = survey_settings_for(organisation_id=organisation_id).min_responses
        rows = survey_results_compute(organisation_id=organisation_id, minimum=minimum)
        with transaction.atomic():
            SurveyUnitResult.objects.filter(organisation_id=organisation_id).delete()
            SurveyUnitResult.objects.bulk_create(rows, batch_size=2000)
    except Exception as error:
        SurveyResultsRun.objects.filter(pk=run.pk).update(
            status=SurveyResultsRun.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        raise
    SurveyResultsRun.objects.filter(pk=run.pk).update(
        status=SurveyResultsRun.Status.DONE, finished_at=timezone.now(), rows=len(rows)
    )
    run.refresh_from_db()
    return run
