"""Reading audits: who sees which audit, what they may do with it, and the long form.

Visibility (`audit_list_for_user`; DESIGN.md "Visibility"):
- the audit's practitioner, auditor and assigned moderator see it, and so does the
  worker a child is allocated to now (audits of their own cases);
- team managers see their teams' audits, service managers their services';
- QA leads see every audit of the organisation;
- senior leaders, data officers and administrators see none (aggregates only, through
  the results);
- nobody sees another organisation's audits.
Outside it an audit does not exist (404).
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from audits import policy
from audits.models import (
    SCALE_VALUES,
    Audit,
    AuditEvent,
    AuditRating,
    AuditSectionState,
    AuditSettings,
    AuditState,
    AuditToolItem,
    AuditToolSection,
    RatingScale,
    SectionKind,
)
from coredata.models import Allocation
from organisation.models import Role
from organisation.selectors import user_scope


def audit_settings_for(*, organisation_id: int) -> AuditSettings:
    """The organisation's audit settings (created with the defaults when first read)."""
    settings, _ = AuditSettings.objects.get_or_create(organisation_id=organisation_id)
    return settings


def audit_list_for_user(*, user: Any) -> QuerySet[Audit]:
    """The audits the user may see (the one visibility rule; see the module docstring)."""
    scope = user_scope(user=user)
    if scope.organisation_id is None:
        return Audit.objects.none()
    audits = Audit.objects.filter(organisation_id=scope.organisation_id)
    if scope.has_role(Role.QA_LEAD):
        return audits
    visible = Q()
    if scope.staff_id is not None:
        today = timezone.localdate()
        own_cases = Allocation.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today),
            worker_id=scope.staff_id,
            start_date__lte=today,
        ).values("child_id")
        visible |= (
            Q(practitioner_id=scope.staff_id)
            | Q(auditor_id=scope.staff_id)
            | Q(moderation__moderator_id=scope.staff_id)
            | Q(child_id__in=own_cases)
        )
    if scope.managed_team_ids:
        visible |= Q(team_id__in=scope.managed_team_ids)
    if scope.managed_service_ids:
        visible |= Q(team__service_id__in=scope.managed_service_ids)
    if not visible:
        return Audit.objects.none()
    return audits.filter(visible)


def _with_relations(audits: QuerySet[Audit]) -> QuerySet[Audit]:
    return audits.select_related(
        "child", "team__service", "practitioner", "auditor", "tool_version__tool"
    )


def audit_get_for_user(*, user: Any, pk: int) -> Audit:
    """One audit the user may see (404 otherwise), with its people and tool loaded."""
    return get_object_or_404(_with_relations(audit_list_for_user(user=user)), pk=pk)


def audit_list_mine(*, user: Any) -> QuerySet[Audit]:
    """Audits of the user's own practice: where they are the practitioner."""
    scope = user_scope(user=user)
    return _with_relations(audit_list_for_user(user=user).filter(practitioner_id=scope.staff_id))


def audit_list_to_conduct(*, user: Any) -> QuerySet[Audit]:
    """Open audits the user is the auditor of."""
    scope = user_scope(user=user)
    return _with_relations(
        audit_list_for_user(user=user).filter(
            auditor_id=scope.staff_id,
            state__in=[AuditState.PLANNED, AuditState.REFLECTION, AuditState.CONVERSATION],
        )
    )


def audit_list_team(*, user: Any) -> QuerySet[Audit]:
    """Audits of the teams and services the user manages."""
    scope = user_scope(user=user)
    if not scope.managed_team_ids and not scope.managed_service_ids:
        return Audit.objects.none()
    return _with_relations(
        audit_list_for_user(user=user).filter(
            Q(team_id__in=scope.managed_team_ids)
            | Q(team__service_id__in=scope.managed_service_ids)
        )
    )


def audit_history(*, audit: Audit) -> QuerySet[AuditEvent]:
    """Every change to the audit, oldest first, with who made it."""
    return audit.events.select_related("by__staff_member").order_by("at", "pk")


# --- What the user may do -------------------------------------------------------------


@dataclass(frozen=True)
class AuditPermissions:
    can_start_reflection: bool
    can_edit_practitioner: bool
    can_submit_reflection: bool
    can_skip_reflection: bool
    can_edit_auditor: bool
    can_edit_family_feedback: bool
    can_complete: bool
    can_add_action: bool
    can_escalate: bool
    can_acknowledge: bool
    can_moderate: bool
    can_assign_auditor: bool
    can_cancel: bool
    can_close: bool
    can_view_history: bool


def audit_permissions(*, user: Any, audit: Audit) -> AuditPermissions:
    """What the user may do to an audit they can see (policy's answers as booleans)."""
    unacknowledged = [e for e in audit.escalations.all() if not e.is_acknowledged]
    return AuditPermissions(
        can_start_reflection=not policy.refuse_reflection_start(user, audit),
        can_edit_practitioner=not policy.refuse_practitioner_edit(user, audit),
        can_submit_reflection=not policy.refuse_reflection_submit(user, audit),
        can_skip_reflection=not policy.refuse_reflection_skip(user, audit),
        can_edit_auditor=not policy.refuse_auditor_edit(user, audit),
        can_edit_family_feedback=not policy.refuse_family_feedback_edit(user, audit),
        can_complete=not policy.refuse_complete(user, audit),
        can_add_action=not policy.refuse_action_add(user, audit),
        can_escalate=not policy.refuse_escalate(user, audit),
        can_acknowledge=any(not policy.refuse_acknowledge(user, e) for e in unacknowledged),
        can_moderate=not policy.refuse_moderate(user, audit),
        can_assign_auditor=not policy.refuse_assign_auditor(user, audit),
        can_cancel=not policy.refuse_cancel(user, audit),
        can_close=not policy.refuse_close(user, audit),
        can_view_history=True,
    )


# --- The long form --------------------------------------------------------------------

JUDGEMENT_FIELDS = ("overall_grade", "practice_scale")
LEARNING_FIELDS = ("working_well", "worries", "next_steps", "appreciative_notes")
FAMILY_FIELDS = ("family_feedback",)
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    SectionKind.JUDGEMENT: JUDGEMENT_FIELDS,
    SectionKind.LEARNING: LEARNING_FIELDS,
    SectionKind.FAMILY_FEEDBACK: FAMILY_FIELDS,
}


@dataclass(frozen=True)
class SectionTask:
    """A row of the audit's task list."""

    section: AuditToolSection
    status: str
    version: int
    rated: int = 0
    total: int = 0


def _item_scale(item: AuditToolItem, version_scale: str) -> str:
    return item.scale(version_scale)


def audit_task_list(*, audit: Audit) -> list[SectionTask]:
    """Each section with its status for the audit's stage (three queries)."""
    sections = list(
        AuditToolSection.objects.filter(version_id=audit.tool_version_id).prefetch_related("items")
    )
    states = {s.section_id: s.version for s in AuditSectionState.objects.filter(audit=audit)}
    ratings = {r.item_id: r for r in AuditRating.objects.filter(audit=audit)}
    scale = audit.tool_version.rating_scale
    auditor_stage = audit.state not in (AuditState.PLANNED, AuditState.REFLECTION)
    tasks = []
    for section in sections:
        version = states.get(section.pk, 0)
        if section.kind == SectionKind.CONTEXT:
            tasks.append(SectionTask(section, "Filled from core data", version))
            continue
        if section.kind == SectionKind.ESCALATION:
            raised = audit.escalations.exists()
            tasks.append(SectionTask(section, "Escalated" if raised else "No escalation", version))
            continue
        if section.kind in SECTION_FIELDS:
            values = [getattr(audit, name) for name in SECTION_FIELDS[section.kind]]
            filled = sum(1 for value in values if value not in ("", None))
            if section.kind == SectionKind.FAMILY_FEEDBACK and not filled:
                status = "Optional"
            else:
                status = _status(filled, len(values))
            tasks.append(SectionTask(section, status, version, filled, len(values)))
            continue
        rated_items = [
            item
            for item in section.items.all()
            if _item_scale(item, scale) != RatingScale.FREE_TEXT
        ]
        column = "auditor_rating" if auditor_stage else "practitioner_rating"
        rated = sum(
            1 for item in rated_items if item.pk in ratings and getattr(ratings[item.pk], column)
        )
        tasks.append(
            SectionTask(section, _status(rated, len(rated_items)), version, rated, len(rated_items))
        )
    return tasks


def _status(done: int, total: int) -> str:
    if total == 0 or done >= total:
        return "Completed"
    return "In progress" if done else "Not started"


@dataclass(frozen=True)
class ItemForm:
    item: AuditToolItem
    scale: str
    choices: list[tuple[str, str]]
    rating: AuditRating | None


@dataclass(frozen=True)
class SectionForm:
    section: AuditToolSection
    version: int
    items: list[ItemForm] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    previous_code: str | None = None
    next_code: str | None = None


def scale_choices(scale: str) -> list[tuple[str, str]]:
    """(value, label) pairs of a rating scale, in order (empty for free text)."""
    from audits.models import Grade, YesPartlyNo

    if scale == RatingScale.OFSTED:
        return list(Grade.choices)
    if scale == RatingScale.YES_PARTLY_NO:
        return list(YesPartlyNo.choices)
    return [(value, value) for value in SCALE_VALUES.get(scale, ())]


def audit_section_get(*, audit: Audit, code: str) -> SectionForm:
    """One section of the audit for its page: items with their guidance, scale and the
    rating row, the audit fields it edits, its version (send it back as base_version),
    and the codes of the sections before and after it. 404 for an unknown code."""
    sections = list(
        AuditToolSection.objects.filter(version_id=audit.tool_version_id).values_list(
            "code", flat=True
        )
    )
    section = get_object_or_404(
        AuditToolSection.objects.prefetch_related("items"),
        version_id=audit.tool_version_id,
        code=code,
    )
    index = sections.index(section.code)
    state = AuditSectionState.objects.filter(audit=audit, section=section).first()
    ratings = {r.item_id: r for r in AuditRating.objects.filter(audit=audit, item__section=section)}
    scale = audit.tool_version.rating_scale
    items = [
        ItemForm(
            item=item,
            scale=_item_scale(item, scale),
            choices=scale_choices(_item_scale(item, scale)),
            rating=ratings.get(item.pk),
        )
        for item in section.items.all()
    ]
    return SectionForm(
        section=section,
        version=state.version if state else 0,
        items=items,
        fields={name: getattr(audit, name) for name in SECTION_FIELDS.get(section.kind, ())},
        previous_code=sections[index - 1] if index > 0 else None,
        next_code=sections[index + 1] if index + 1 < len(sections) else None,
    )
