"""What each user may see of surveys: one visibility selector per model, and the
predicates that decide what a person who sees a record may do with it.

- Templates: QA leads, senior leaders and administrators of the organisation.
- Campaigns: whole-organisation roles see all; team and service managers, and
  practitioners, see the campaigns that target their teams (or every team).
- Family invitations (child-level): the worker of the case, the managers of its team
  and service, QA leads. Staff invitations are never listed to anyone.
- Child safety alerts: the worker of the case, the managers of its team and service,
  QA leads (senior leaders see aggregates only).
- Managing templates and campaigns: QA leads and administrators.
Outside these a record does not exist (404).
"""

import time
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from organisation.models import Role, StaffMember, Team
from organisation.selectors import UserScope, staff_current_team, user_scope
from surveys.models import (
    SafetyAlert,
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
    SurveySettings,
    SurveyTemplate,
    TemplateStatus,
)

MANAGING_ROLES = frozenset({Role.QA_LEAD, Role.ADMINISTRATOR})
DEFAULT_REMINDER_DAYS = (7, 14)


def survey_settings_for(*, organisation_id: int) -> SurveySettings:
    """The organisation's survey settings (an unsaved row of defaults when it has none)."""
    found = SurveySettings.objects.filter(organisation_id=organisation_id).first()
    return found or SurveySettings(organisation_id=organisation_id)


def reminder_days(settings_row: SurveySettings) -> tuple[int, ...]:
    """Days after sending when reminders go: the setting, or 7 and 14 days."""
    days = settings_row.reminder_after_days or DEFAULT_REMINDER_DAYS
    return tuple(sorted(int(day) for day in days))


def survey_user_can_manage(*, user: Any) -> bool:
    """May create and edit templates and campaigns (QA leads, administrators)."""
    return bool(user_scope(user=user).roles & MANAGING_ROLES)


# --- Templates ------------------------------------------------------------------------


def survey_template_list_for_user(*, user: Any) -> QuerySet[SurveyTemplate]:
    scope = user_scope(user=user)
    if scope.organisation_id is None or not scope.sees_whole_organisation:
        return SurveyTemplate.objects.none()
    return SurveyTemplate.objects.filter(organisation_id=scope.organisation_id)


def survey_template_get_for_user(*, user: Any, pk: int) -> SurveyTemplate:
    return get_object_or_404(survey_template_list_for_user(user=user), pk=pk)


# Published versions never change, so their questions are kept in memory per process
# (keyed by the version and its publication time, so a reused pk never matches).
_PUBLISHED_QUESTIONS: dict[tuple[int, str], list[SurveyQuestion]] = {}
_PUBLISHED_QUESTIONS_MAX = 256

# The template (and its organisation) behind a respondent's survey, read on every page
# of every survey: a published version is kept in memory per process for a few minutes
# (the organisation's name, shown on the pages, is the only part that can change).
# Respondent code only reads these shared objects.
_RESPONDENT_TEMPLATES: dict[int, tuple[float, SurveyTemplate]] = {}
RESPONDENT_TEMPLATE_SECONDS = 300.0


def survey_template_for_respondent(*, template_id: int) -> SurveyTemplate:
    """A campaign's template with its organisation, for the respondent pages."""
    now = time.monotonic()
    kept = _RESPONDENT_TEMPLATES.get(template_id)
    if kept is not None and kept[0] > now:
        return kept[1]
    template = SurveyTemplate.objects.select_related("organisation").get(pk=template_id)
    if template.status != TemplateStatus.DRAFT and template.published_at is not None:
        if len(_RESPONDENT_TEMPLATES) >= _PUBLISHED_QUESTIONS_MAX:
            _RESPONDENT_TEMPLATES.clear()
        _RESPONDENT_TEMPLATES[template_id] = (now + RESPONDENT_TEMPLATE_SECONDS, template)
    return template


def survey_respondent_cache_clear() -> None:
    """Forget the kept templates (tests: each starts from an empty database)."""
    _RESPONDENT_TEMPLATES.clear()


def survey_question_list(*, template: SurveyTemplate) -> list[SurveyQuestion]:
    """A template's questions in page order (from memory for a published version)."""
    if template.status == TemplateStatus.DRAFT or template.published_at is None:
        return list(template.questions.order_by("position"))
    key = (template.pk, template.published_at.isoformat())
    questions = _PUBLISHED_QUESTIONS.get(key)
    if questions is None:
        questions = list(template.questions.order_by("position"))
        if len(_PUBLISHED_QUESTIONS) >= _PUBLISHED_QUESTIONS_MAX:
            _PUBLISHED_QUESTIONS.clear()
        _PUBLISHED_QUESTIONS[key] = questions
    return list(questions)


def template_languages(*, template: SurveyTemplate, questions: list[SurveyQuestion]) -> list[str]:
    """The languages every question of the template is written in (English first)."""
    languages = set(template.title)
    for question in questions:
        languages &= set(question.text)
    return ["en", *sorted(languages - {"en"})]


# --- Campaigns ------------------------------------------------------------------------


def _followed_team_ids(scope: UserScope) -> list[int]:
    """The teams whose campaigns a person who does not see the whole organisation
    follows: the teams they manage, the teams of services they manage, and their own
    current team when they are a practitioner."""
    ids = list(
        Team.objects.filter(
            Q(pk__in=scope.managed_team_ids) | Q(service_id__in=scope.managed_service_ids),
            organisation_id=scope.organisation_id or 0,
        ).values_list("pk", flat=True)
    )
    if scope.has_role(Role.PRACTITIONER) and scope.staff_id is not None:
        team = staff_current_team(staff=StaffMember(pk=scope.staff_id))
        if team is not None:
            ids.append(team.pk)
    return ids


def survey_campaign_list_for_user(*, user: Any) -> QuerySet[SurveyCampaign]:
    scope = user_scope(user=user)
    if scope.organisation_id is None:
        return SurveyCampaign.objects.none()
    campaigns = SurveyCampaign.objects.filter(organisation_id=scope.organisation_id)
    if scope.sees_whole_organisation:
        return campaigns.select_related("template")
    team_ids = _followed_team_ids(scope)
    if not team_ids:
        return SurveyCampaign.objects.none()
    ids = campaigns.filter(Q(all_teams=True) | Q(teams__in=team_ids)).values("pk")
    return SurveyCampaign.objects.filter(pk__in=ids).select_related("template")


def survey_campaign_get_for_user(*, user: Any, pk: int) -> SurveyCampaign:
    return get_object_or_404(survey_campaign_list_for_user(user=user), pk=pk)


# --- Invitations ----------------------------------------------------------------------


def _case_scope(scope: UserScope) -> Q | None:
    """Which family records (by worker, team, service) a person sees, None for none."""
    if scope.organisation_id is None:
        return None
    if scope.has_role(Role.QA_LEAD):
        return Q()
    condition = Q(team_id__in=scope.managed_team_ids) | Q(
        team__service_id__in=scope.managed_service_ids
    )
    if scope.staff_id is not None and scope.has_role(Role.PRACTITIONER):
        condition |= Q(worker_id=scope.staff_id)
    elif not (scope.managed_team_ids or scope.managed_service_ids):
        return None
    return condition


def survey_invitation_list_for_user(*, user: Any) -> QuerySet[SurveyInvitation]:
    """Family and child invitations the user may see (never staff invitations)."""
    scope = user_scope(user=user)
    condition = _case_scope(scope)
    if condition is None:
        return SurveyInvitation.objects.none()
    return (
        SurveyInvitation.objects.filter(
            condition, organisation_id=scope.organisation_id or 0, child__isnull=False
        )
        .select_related("campaign__template", "child", "worker", "team")
        .order_by("-created_at", "-pk")
    )


def survey_invitation_get_for_user(*, user: Any, pk: int) -> SurveyInvitation:
    return get_object_or_404(survey_invitation_list_for_user(user=user), pk=pk)


def survey_invitation_can_hand_over(*, user: Any, invitation: SurveyInvitation) -> bool:
    """May issue a link (and QR code) or send the invitation: the case's worker, the
    managers of its team and service, QA leads."""
    scope = user_scope(user=user)
    if invitation.organisation_id != scope.organisation_id or invitation.child_id is None:
        return False
    team_service = invitation.team.service_id if invitation.team_id and invitation.team else None
    return (
        scope.has_role(Role.QA_LEAD)
        or invitation.worker_id == scope.staff_id
        or invitation.team_id in scope.managed_team_ids
        or team_service in scope.managed_service_ids
    )


def survey_invitations_to_hand_over(*, user: Any) -> QuerySet[SurveyInvitation]:
    """The user's own cases' invitations not yet used, sent or expired, in open
    campaigns (the worker's list of surveys to offer)."""
    scope = user_scope(user=user)
    if scope.staff_id is None:
        return SurveyInvitation.objects.none()
    return (
        SurveyInvitation.objects.filter(
            worker_id=scope.staff_id,
            child__isnull=False,
            used_at__isnull=True,
            sent_at__isnull=True,
            expires_at__gt=timezone.now(),
            campaign__status="open",
        )
        .select_related("campaign__template", "child")
        .order_by("expires_at")
    )


# --- Child safety alerts --------------------------------------------------------------


def safety_alert_list_for_user(*, user: Any) -> QuerySet[SafetyAlert]:
    scope = user_scope(user=user)
    condition = _case_scope(scope)
    if condition is None:
        return SafetyAlert.objects.none()
    return SafetyAlert.objects.filter(
        condition, organisation_id=scope.organisation_id or 0
    ).select_related("child", "team__service", "worker", "acknowledged_by")


def safety_alert_get_for_user(*, user: Any, pk: int) -> SafetyAlert:
    return get_object_or_404(safety_alert_list_for_user(user=user), pk=pk)


def safety_alert_can_acknowledge(*, user: Any, alert: SafetyAlert) -> bool:
    """The managers of the alert's team and service, and QA leads (not the worker: the
    acknowledgement is a manager's)."""
    scope = user_scope(user=user)
    if alert.organisation_id != scope.organisation_id:
        return False
    service_id = alert.team.service_id if alert.team_id and alert.team else None
    return (
        scope.has_role(Role.QA_LEAD)
        or alert.team_id in scope.managed_team_ids
        or service_id in scope.managed_service_ids
    )


def safety_alerts_to_acknowledge(*, user: Any) -> QuerySet[SafetyAlert]:
    """Unacknowledged alerts for the teams the user manages (oldest first)."""
    scope = user_scope(user=user)
    if scope.organisation_id is None or not scope.managed_team_ids:
        return SafetyAlert.objects.none()
    return (
        SafetyAlert.objects.filter(
            organisation_id=scope.organisation_id,
            team_id__in=scope.managed_team_ids,
            acknowledged_at__isnull=True,
        )
        .select_related("child", "team")
        .order_by("created_at")
    )


def safety_alerts_escalated_to(*, user: Any) -> QuerySet[SafetyAlert]:
    """Unacknowledged, escalated alerts in the services the user manages."""
    scope = user_scope(user=user)
    if scope.organisation_id is None or not scope.managed_service_ids:
        return SafetyAlert.objects.none()
    return (
        SafetyAlert.objects.filter(
            organisation_id=scope.organisation_id,
            team__service_id__in=scope.managed_service_ids,
            acknowledged_at__isnull=True,
            escalated_at__isnull=False,
        )
        .select_related("child", "team")
        .order_by("created_at")
    )
