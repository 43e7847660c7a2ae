"""The pack's evidence ("how do we know it?") and actions ("what are we doing about
it?"), read from the audit and survey records (counts and dates only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from audits.models import FINISHED_STATES, Audit, AuditAction, SafeguardingEscalation
from coredata.indicator_display import Period
from surveys.models import StaffSurveyResponse, SurveyCampaign, SurveyInvitation, SurveyResponse
from surveys.selectors import survey_settings_for

if TYPE_CHECKING:
    from qa_system.pack import Pack


@dataclass(frozen=True)
class TeamActions:
    team: str
    open: int
    overdue: int
    done: int
    done_on_time: int


def _moment(day: date, end: bool = False) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


def pack_evidence(*, pack: Pack, chosen: Period) -> None:
    """How do we know it: audits completed and moderated (counts and dates), survey
    campaigns, invitations and responses (counts under the minimum withheld)."""
    start, end = _moment(chosen.start), _moment(chosen.end, end=True)
    service = pack.service
    audits = Audit.objects.filter(organisation=pack.organisation)
    if service is not None:
        audits = audits.filter(team__service=service)
    done = audits.filter(state__in=FINISHED_STATES, completed_at__range=(start, end)).aggregate(
        count=Count("pk"),
        first=Min("completed_at"),
        last=Max("completed_at"),
        moderated=Count("pk", filter=Q(moderated_at__isnull=False)),
    )
    pack.audits_completed = done["count"]
    pack.audits_first = timezone.localdate(done["first"]) if done["first"] else None
    pack.audits_last = timezone.localdate(done["last"]) if done["last"] else None
    pack.audits_moderated = done["moderated"]
    pack.audits_in_progress = audits.filter(
        state__in=["planned", "reflection", "conversation"]
    ).count()
    campaigns = SurveyCampaign.objects.filter(
        Q(closes_on__isnull=True) | Q(closes_on__gte=chosen.start),
        organisation=pack.organisation,
        opens_on__lte=chosen.end,
    ).exclude(status="draft")
    if service is not None:
        campaigns = campaigns.filter(Q(all_teams=True) | Q(teams__service=service)).distinct()
    pack.campaigns = list(campaigns.select_related("template").order_by("opens_on", "name"))
    by_unit = {"service": service} if service is not None else {}
    pack.invitations = SurveyInvitation.objects.filter(
        organisation=pack.organisation,
        child__isnull=False,
        created_at__range=(start, end),
        **by_unit,
    ).count()
    minimum = survey_settings_for(organisation_id=pack.organisation.pk).min_responses
    family = SurveyResponse.objects.filter(
        organisation=pack.organisation, submitted_on__range=(chosen.start, chosen.end), **by_unit
    ).count()
    staff = StaffSurveyResponse.objects.filter(
        organisation=pack.organisation, week_start__range=(chosen.start, chosen.end), **by_unit
    ).count()
    pack.family_responses = (
        f"{family:,}" if family >= minimum or family == 0 else f"fewer than {minimum}"
    )
    pack.staff_responses = (
        f"{staff:,}" if staff >= minimum or staff == 0 else f"fewer than {minimum}"
    )


def pack_actions(*, pack: Pack, chosen: Period) -> None:
    """What are we doing about it: audit actions by team, safeguarding escalations."""
    start, end = _moment(chosen.start), _moment(chosen.end, end=True)
    today = timezone.localdate()
    actions = AuditAction.objects.filter(audit__organisation=pack.organisation)
    escalations = SafeguardingEscalation.objects.filter(audit__organisation=pack.organisation)
    if pack.service is not None:
        actions = actions.filter(audit__team__service=pack.service)
        escalations = escalations.filter(audit__team__service=pack.service)
    done_in_period = Q(status="done", completed_at__range=(start, end))
    rows = (
        actions.annotate(done_on=TruncDate("completed_at"))
        .values("audit__team__name")
        .annotate(
            open=Count("pk", filter=Q(status="open")),
            overdue=Count("pk", filter=Q(status="open", due_date__lt=today)),
            done=Count("pk", filter=done_in_period),
            on_time=Count("pk", filter=done_in_period & Q(done_on__lte=F("due_date"))),
        )
        .order_by("audit__team__name")
    )
    pack.team_actions = [
        TeamActions(r["audit__team__name"], r["open"], r["overdue"], r["done"], r["on_time"])
        for r in rows
    ]
    pack.escalations_raised = escalations.filter(raised_at__range=(start, end)).count()
    pack.escalations_unacknowledged = escalations.filter(acknowledged_at__isnull=True).count()
