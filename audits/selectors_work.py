"""Reading tools, the programme, actions, escalations and the moderation queue.

Tools are read by every member of their organisation (the guidance is not sensitive);
the programme and its draws by QA leads; actions, escalations and moderations follow
the visibility of their audit (`audit_list_for_user`), plus a person's own actions.
"""

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from audits.models import (
    AuditAction,
    AuditModeration,
    AuditProgramme,
    AuditState,
    AuditTool,
    AuditToolVersion,
    SafeguardingEscalation,
    SampleDraw,
)
from audits.policy import refuse_acknowledge, refuse_moderate
from audits.selectors import audit_list_for_user
from organisation.models import Role
from organisation.selectors import user_scope

# --- Tools ----------------------------------------------------------------------------


def tool_list_for_user(*, user: Any) -> QuerySet[AuditTool]:
    scope = user_scope(user=user)
    if scope.organisation_id is None:
        return AuditTool.objects.none()
    return AuditTool.objects.filter(organisation_id=scope.organisation_id)


def tool_get_for_user(*, user: Any, pk: int) -> AuditTool:
    return get_object_or_404(tool_list_for_user(user=user), pk=pk)


def tool_version_list_for_user(*, user: Any) -> QuerySet[AuditToolVersion]:
    return AuditToolVersion.objects.filter(tool__in=tool_list_for_user(user=user)).select_related(
        "tool"
    )


def tool_version_get_for_user(*, user: Any, pk: int) -> AuditToolVersion:
    return get_object_or_404(tool_version_list_for_user(user=user), pk=pk)


def tool_version_current(*, tool: AuditTool) -> AuditToolVersion | None:
    """The latest published version (what new audits use), or None."""
    return (
        tool.versions.filter(status=AuditToolVersion.Status.PUBLISHED).order_by("-number").first()
    )


def tool_version_draft(*, tool: AuditTool) -> AuditToolVersion | None:
    return tool.versions.filter(status=AuditToolVersion.Status.DRAFT).first()


# --- Programme ------------------------------------------------------------------------


def programme_list_for_user(*, user: Any) -> QuerySet[AuditProgramme]:
    """QA leads see their organisation's programmes; nobody else does."""
    scope = user_scope(user=user)
    if scope.organisation_id is None or not scope.has_role(Role.QA_LEAD):
        return AuditProgramme.objects.none()
    return AuditProgramme.objects.filter(organisation_id=scope.organisation_id).select_related(
        "tool"
    )


def programme_get_for_user(*, user: Any, pk: int) -> AuditProgramme:
    return get_object_or_404(programme_list_for_user(user=user), pk=pk)


def draw_list_for_user(*, user: Any) -> QuerySet[SampleDraw]:
    return SampleDraw.objects.filter(
        programme__in=programme_list_for_user(user=user)
    ).select_related("programme")


# --- Actions --------------------------------------------------------------------------


def action_list_for_user(*, user: Any) -> QuerySet[AuditAction]:
    """Actions of audits the user sees, and actions the user owns."""
    scope = user_scope(user=user)
    if scope.organisation_id is None:
        return AuditAction.objects.none()
    return AuditAction.objects.filter(
        Q(audit__in=audit_list_for_user(user=user).values("pk")) | Q(owner_id=scope.staff_id),
        audit__organisation_id=scope.organisation_id,
    ).select_related("audit__child", "owner")


def action_get_for_user(*, user: Any, pk: int) -> AuditAction:
    return get_object_or_404(action_list_for_user(user=user), pk=pk)


def action_list_owned(*, user: Any) -> QuerySet[AuditAction]:
    """The user's own open actions, soonest due first."""
    scope = user_scope(user=user)
    return action_list_for_user(user=user).filter(
        owner_id=scope.staff_id, status=AuditAction.Status.OPEN
    )


def action_list_managed(*, user: Any) -> QuerySet[AuditAction]:
    """Open actions of the teams and services the user manages."""
    scope = user_scope(user=user)
    if not scope.managed_team_ids and not scope.managed_service_ids:
        return AuditAction.objects.none()
    return action_list_for_user(user=user).filter(
        Q(audit__team_id__in=scope.managed_team_ids)
        | Q(audit__team__service_id__in=scope.managed_service_ids),
        status=AuditAction.Status.OPEN,
    )


# --- Escalations ----------------------------------------------------------------------


def escalation_list_for_user(*, user: Any) -> QuerySet[SafeguardingEscalation]:
    return SafeguardingEscalation.objects.filter(
        audit__in=audit_list_for_user(user=user).values("pk")
    ).select_related("audit__child", "audit__team__service", "raised_by", "acknowledged_by")


def escalation_get_for_user(*, user: Any, pk: int) -> SafeguardingEscalation:
    return get_object_or_404(escalation_list_for_user(user=user), pk=pk)


def escalation_list_to_acknowledge(*, user: Any) -> list[SafeguardingEscalation]:
    """Unacknowledged escalations this user may acknowledge, oldest first."""
    scope = user_scope(user=user)
    if not scope.managed_team_ids and not scope.managed_service_ids:
        return []
    pending = escalation_list_for_user(user=user).filter(acknowledged_at__isnull=True)
    return [e for e in pending.order_by("raised_at") if not refuse_acknowledge(user, e)]


# --- Moderation -----------------------------------------------------------------------


def moderation_queue_for_user(*, user: Any) -> list[AuditModeration]:
    """Pending moderations the user may do, oldest first."""
    pending = (
        AuditModeration.objects.filter(
            audit__in=audit_list_for_user(user=user).values("pk"),
            moderated_at__isnull=True,
            audit__state=AuditState.COMPLETED,
        )
        .select_related("audit__child", "audit__team", "audit__auditor", "moderator")
        .order_by("selected_at", "pk")
    )
    return [m for m in pending if not refuse_moderate(user, m.audit)]


def moderation_list_for_user(*, user: Any) -> QuerySet[AuditModeration]:
    return AuditModeration.objects.filter(
        audit__in=audit_list_for_user(user=user).values("pk")
    ).select_related("audit", "moderator")


def moderation_agreement(*, organisation_id: int, since: date | None = None) -> tuple[int, int]:
    """(moderations that agreed with the grade, moderations done)."""
    done = AuditModeration.objects.filter(
        audit__organisation_id=organisation_id, moderated_at__isnull=False
    )
    if since is not None:
        done = done.filter(moderated_at__date__gte=since)
    return done.filter(agrees=True).count(), done.count()
