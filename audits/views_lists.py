"""Lists of audits, actions and escalations, with due and overdue marked.

- Audits: my audits (of my cases) and the audits I conduct or moderate, for everyone;
- Team audits: the audits of the teams and services a manager manages (QA leads: the
  whole organisation), filtered by state, overdue, or a programme's draw;
- Actions: my open actions and my teams' open actions;
- Escalations: those waiting for my acknowledgement and those recently raised.

Each list shows case references, so each audit listed is written to the access log.
"""

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audits.models import OPEN_STATES, Audit, AuditState
from audits.selectors import (
    audit_list_for_user,
    audit_list_mine,
    audit_list_team,
    audit_list_to_conduct,
)
from audits.selectors_work import (
    action_list_managed,
    action_list_owned,
    escalation_list_for_user,
    escalation_list_to_acknowledge,
    moderation_queue_for_user,
)
from organisation.models import Role
from organisation.selectors import user_scope
from organisation.services import access_log_record_many

PAGE_SIZE = 50
SOON_DAYS = 7


def _log(request: HttpRequest, audits: list[Audit], route: str) -> None:
    if audits:
        access_log_record_many(user=request.user, objects=audits, route=route)  # type: ignore[arg-type]


def _soon() -> date:
    return timezone.localdate() + timedelta(days=SOON_DAYS)


@login_required
@require_GET
def audit_index(request: HttpRequest) -> HttpResponse:
    """My audits: audits of my cases, the ones I conduct, and those I may moderate."""
    mine = list(audit_list_mine(user=request.user).order_by("-month", "due_date")[:50])
    to_conduct = list(audit_list_to_conduct(user=request.user).order_by("due_date", "pk"))
    to_moderate = moderation_queue_for_user(user=request.user)
    _log(request, [*mine, *to_conduct, *(m.audit for m in to_moderate)], "audits:index")
    scope = user_scope(user=request.user)
    return render(
        request,
        "audits/audit_index.html",
        {
            "open_mine": [a for a in mine if a.state in OPEN_STATES],
            "finished_mine": [a for a in mine if a.state not in OPEN_STATES],
            "to_conduct": to_conduct,
            "to_moderate": to_moderate,
            "is_manager": bool(scope.managed_team_ids or scope.managed_service_ids),
            "is_qa_lead": scope.has_role(Role.QA_LEAD),
            "soon": _soon(),
        },
    )


@login_required
@require_GET
def audit_team_list(request: HttpRequest) -> HttpResponse:
    """My team's audits (managers), or the organisation's (QA leads)."""
    scope = user_scope(user=request.user)
    if scope.has_role(Role.QA_LEAD):
        audits = audit_list_for_user(user=request.user).select_related(
            "child", "team", "practitioner", "auditor"
        )
    elif scope.managed_team_ids or scope.managed_service_ids:
        audits = audit_list_team(user=request.user)
    else:
        raise PermissionDenied
    state = request.GET.get("state", "")
    if state in AuditState.values:
        audits = audits.filter(state=state)
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        audits = audits.filter(state__in=OPEN_STATES, due_date__lt=timezone.localdate())
    draw = request.GET.get("draw", "")
    if draw.isdigit():
        audits = audits.filter(draw_id=int(draw))
    page = Paginator(audits.order_by("-month", "due_date", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _log(request, list(page.object_list), "audits:team_list")
    return render(
        request,
        "audits/audit_team_list.html",
        {
            "page": page,
            "states": AuditState.choices,
            "state": state,
            "overdue": overdue,
            "draw": draw if draw.isdigit() else "",
            "whole_organisation": scope.has_role(Role.QA_LEAD),
            "soon": _soon(),
        },
    )


@login_required
@require_GET
def action_list(request: HttpRequest) -> HttpResponse:
    owned = list(action_list_owned(user=request.user).select_related("audit__team"))
    managed = list(
        action_list_managed(user=request.user)
        .select_related("audit__team")
        .order_by("due_date", "pk")[:200]
    )
    _log(request, [action.audit for action in [*owned, *managed]], "audits:action_list")
    scope = user_scope(user=request.user)
    return render(
        request,
        "audits/action_list.html",
        {
            "owned": owned,
            "managed": managed,
            "is_manager": bool(scope.managed_team_ids or scope.managed_service_ids),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def escalation_list(request: HttpRequest) -> HttpResponse:
    scope = user_scope(user=request.user)
    if not (scope.managed_team_ids or scope.managed_service_ids or scope.has_role(Role.QA_LEAD)):
        raise PermissionDenied
    waiting = escalation_list_to_acknowledge(user=request.user)
    since = timezone.now() - timedelta(days=90)
    recent = list(
        escalation_list_for_user(user=request.user)
        .filter(Q(raised_at__gte=since) | Q(acknowledged_at__isnull=True))
        .order_by("-raised_at")[:100]
    )
    _log(request, [e.audit for e in [*waiting, *recent]], "audits:escalation_list")
    return render(request, "audits/escalation_list.html", {"waiting": waiting, "recent": recent})
