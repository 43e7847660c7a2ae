"""The case card: one child's journey from core data, the audits of the case, whether
survey invitations were sent and answered, open actions and alerts.

Who may open a child's card (DESIGN.md "Visibility"): a practitioner their own allocated
children; team managers the children allocated in their teams; service managers those
in their services' teams (allocations open today); QA leads the audited cases. Senior
leaders, data officers and administrators see aggregates only. Outside that a child does
not exist (404). Core data has no single-child selector (its lists are of a unit's
children), so this is it; each part of the card then goes through its own app's
visibility selector (audits, invitations, alerts).

**Family and child survey answers are never shown here**: only that an invitation was
offered, sent and answered. Answers are only ever shown in aggregate (surveys' results).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from audits.models import Audit, AuditAction, SafeguardingEscalation
from audits.selectors import audit_list_for_user
from coredata.models import (
    Allocation,
    Assessment,
    CareEpisode,
    Child,
    CINPlan,
    CPPlan,
    EarlyHelpEpisode,
    Referral,
    Section47,
    Visit,
)
from organisation.models import Role
from organisation.selectors import user_scope
from surveys.selectors import safety_alert_list_for_user, survey_invitation_list_for_user

VISITS_SHOWN = 10


def child_list_for_user(*, user: Any, on: date | None = None) -> QuerySet[Child]:
    """The children whose case card the user may open (the rule in the module doc)."""
    scope = user_scope(user=user)
    if scope.organisation_id is None:
        return Child.objects.none()
    on = on or timezone.localdate()
    open_allocations = Allocation.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on),
        organisation_id=scope.organisation_id,
        start_date__lte=on,
    )
    allocated = Q(pk=None)
    if scope.staff_id is not None and scope.has_role(Role.PRACTITIONER):
        allocated = Q(worker_id=scope.staff_id)
    if scope.managed_team_ids or scope.managed_service_ids:
        allocated |= Q(team_id__in=scope.managed_team_ids) | Q(
            team__service_id__in=scope.managed_service_ids
        )
    visible = Q(pk__in=open_allocations.filter(allocated).values("child_id"))
    if scope.has_role(Role.QA_LEAD):
        audited = Audit.objects.filter(organisation_id=scope.organisation_id)
        visible |= Q(pk__in=audited.values("child_id"))
    return Child.objects.filter(visible, organisation_id=scope.organisation_id)


def child_get_for_user(*, user: Any, pk: int) -> Child:
    return get_object_or_404(child_list_for_user(user=user), pk=pk)


@dataclass(frozen=True)
class Event:
    on: date
    kind: str
    text: str


@dataclass(frozen=True)
class InvitationRow:
    """An invitation as the card shows it: never an answer."""

    survey: str
    offered_on: date
    event: str
    sent_on: date | None
    channel: str
    answered: bool
    expired: bool


@dataclass(frozen=True)
class AuditRow:
    audit: Audit
    url: str  # the audit's page ("" when the audit pages are not installed)


def _audit_url(pk: int) -> str:
    try:
        return reverse("audits:detail", args=[pk])
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class AlertRow:
    """A child safety alert as the card shows it: when, and whether it was dealt with
    (never where the child said they feel unsafe: that is their answer)."""

    raised_on: date
    acknowledged_on: date | None
    escalated_on: date | None


def _local(moment: Any) -> date | None:
    return timezone.localdate(moment) if moment else None


@dataclass(frozen=True)
class CaseCard:
    child: Child
    age: int | None
    allocated_to: str
    allocated_team: str
    allocated_since: date | None
    timeline: list[Event]
    visit_count: int
    seen_alone_count: int
    audits: list[AuditRow]
    invitations: list[InvitationRow]
    actions: list[AuditAction]
    escalations: list[SafeguardingEscalation]
    safety_alerts: list[AlertRow]
    today: date = field(default_factory=timezone.localdate)


def _latest_return(records: QuerySet[Any], key: str) -> list[Any]:
    """Each record once: the latest statutory return's version (by `key` date)."""
    chosen: dict[Any, Any] = {}
    for record in records.order_by("collection_year"):
        chosen[getattr(record, key)] = record
    return list(chosen.values())


def _age(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _timeline(child: Child) -> list[Event]:
    """The child's journey, newest first: one query per kind of record."""
    events: list[Event] = []
    for r in _latest_return(Referral.objects.filter(child=child), "referral_date"):
        nfa = ", no further action" if r.nfa else ""
        events.append(Event(r.referral_date, "Referral", f"Referral (source {r.source}){nfa}"))
        if r.closure_date:
            reason = f" ({r.closure_reason})" if r.closure_reason else ""
            events.append(Event(r.closure_date, "Closure", f"Episode of need closed{reason}"))
    for a in _latest_return(Assessment.objects.filter(child=child), "start_date"):
        events.append(Event(a.start_date, "Assessment", "Assessment started"))
        if a.authorisation_date:
            events.append(Event(a.authorisation_date, "Assessment", "Assessment completed"))
    for s in _latest_return(Section47.objects.filter(child=child), "start_date"):
        events.append(Event(s.start_date, "Section 47", "Section 47 enquiry started"))
        if s.icpc_date:
            events.append(Event(s.icpc_date, "Conference", "Initial child protection conference"))
    for plan in _latest_return(CINPlan.objects.filter(child=child), "start_date"):
        events.append(Event(plan.start_date, "Plan", "Child in need plan started"))
        if plan.end_date:
            events.append(Event(plan.end_date, "Plan", "Child in need plan ended"))
    for plan in _latest_return(CPPlan.objects.filter(child=child), "start_date"):
        category = f" (category {plan.initial_category})" if plan.initial_category else ""
        events.append(Event(plan.start_date, "Plan", f"Child protection plan started{category}"))
        if plan.end_date:
            events.append(Event(plan.end_date, "Plan", "Child protection plan ended"))
    for ep in _latest_return(CareEpisode.objects.filter(child=child), "decom"):
        events.append(
            Event(
                ep.decom,
                "Care",
                f"Care episode began (legal status {ep.legal_status}, placement {ep.place})",
            )
        )
        if ep.dec:
            reason = f" ({ep.rec})" if ep.rec else ""
            events.append(Event(ep.dec, "Care", f"Care episode ended{reason}"))
    for eh in EarlyHelpEpisode.objects.filter(child=child):
        events.append(Event(eh.start_date, "Early help", "Early help started"))
        if eh.end_date:
            events.append(Event(eh.end_date, "Early help", "Early help ended"))
    for al in Allocation.objects.filter(child=child).select_related("worker", "team"):
        events.append(
            Event(al.start_date, "Allocation", f"Allocated to {al.worker.name}, {al.team.name}")
        )
    visits = Visit.objects.filter(child=child).order_by("-visit_date")[:VISITS_SHOWN]
    for v in visits:
        seen = "seen alone" if v.seen_alone else ("seen" if v.seen else "not seen")
        events.append(Event(v.visit_date, "Visit", f"Child {seen}"))
    return sorted(events, key=lambda e: (e.on, e.kind), reverse=True)


def case_card_for(*, user: Any, child: Child) -> CaseCard:
    """The card of a child the user may see (`child_get_for_user`). Queries do not grow
    with the length of the child's history."""
    today = timezone.localdate()
    current = (
        Allocation.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today), child=child, start_date__lte=today
        )
        .select_related("worker", "team")
        .order_by("-start_date")
        .first()
    )
    visits = Visit.objects.filter(child=child)
    audits = list(
        audit_list_for_user(user=user)
        .filter(child=child)
        .select_related("team", "practitioner", "auditor")
        .order_by("-month", "-pk")
    )
    audit_ids = [a.pk for a in audits]
    now = timezone.now()
    invitations = [
        InvitationRow(
            survey=inv.campaign.name,
            offered_on=timezone.localdate(inv.created_at),
            event=inv.get_event_display(),
            sent_on=timezone.localdate(inv.sent_at) if inv.sent_at else None,
            channel=inv.get_channel_display() if inv.sent_at else "",
            answered=inv.used_at is not None,
            expired=inv.used_at is None and inv.expires_at < now,
        )
        for inv in survey_invitation_list_for_user(user=user).filter(child=child)
    ]
    return CaseCard(
        child=child,
        age=_age(child.birth_date, today),
        allocated_to=current.worker.name if current else "Not allocated",
        allocated_team=current.team.name if current else "",
        allocated_since=current.start_date if current else None,
        timeline=_timeline(child),
        visit_count=visits.count(),
        seen_alone_count=visits.filter(seen_alone=True).count(),
        audits=[AuditRow(audit, _audit_url(audit.pk)) for audit in audits],
        invitations=invitations,
        actions=list(
            AuditAction.objects.filter(audit_id__in=audit_ids, status=AuditAction.Status.OPEN)
            .select_related("owner")
            .order_by("due_date")
        ),
        escalations=list(
            SafeguardingEscalation.objects.filter(audit_id__in=audit_ids).order_by("-raised_at")
        ),
        safety_alerts=[
            AlertRow(
                raised_on=timezone.localdate(alert.created_at),
                acknowledged_on=_local(alert.acknowledged_at),
                escalated_on=_local(alert.escalated_at),
            )
            for alert in safety_alert_list_for_user(user=user)
            .filter(child=child)
            .order_by("-created_at")
        ],
        today=today,
    )
