"""The survey lists on each person's home page, by role (read by `qa_system.home`)."""

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from organisation.models import Role
from organisation.selectors import UserScope
from organisation.waiting import WaitingItem, WaitingList
from surveys.links import page_path
from surveys.models import CampaignStatus, SafetyAlert, SafetyPlace, StaffSurveyResponse
from surveys.selectors import (
    safety_alerts_escalated_to,
    safety_alerts_to_acknowledge,
    survey_campaign_list_for_user,
    survey_invitations_to_hand_over,
    survey_settings_for,
)

LIMIT = 10


def _alert_text(alert: SafetyAlert) -> str:
    places = ", ".join(str(SafetyPlace(p).label).lower() for p in alert.places)
    team = alert.team.name if alert.team else "no team"
    return f"Case {alert.child.child_id} ({team}): does not feel safe {places}"


def _alert_items(alerts: Any, *, overdue_hours: int) -> list[WaitingItem]:
    now = timezone.now()
    return [
        WaitingItem(
            _alert_text(alert),
            page_path("surveys:alert_detail", pk=alert.pk),
            overdue=(now - alert.created_at).total_seconds() > overdue_hours * 3600,
        )
        for alert in alerts[:LIMIT]
    ]


def _campaign_items(user: Any) -> list[WaitingItem]:
    campaigns = (
        survey_campaign_list_for_user(user=user)
        .filter(status=CampaignStatus.OPEN)
        .annotate(
            invited=Count("invitations"),
            answered=Count("invitations", filter=Q(invitations__used_at__isnull=False)),
        )
        .order_by("closes_on", "name")[:LIMIT]
    )
    items = []
    for campaign in campaigns:
        if campaign.template.audience == "staff":
            # Staff answers are counted from the responses (never from invitations).
            answered = StaffSurveyResponse.objects.filter(campaign=campaign).count()
        else:
            answered = campaign.answered
        rate = (
            f"{round(100 * answered / campaign.invited)}%"
            if campaign.invited
            else "no invitations yet"
        )
        items.append(
            WaitingItem(
                f"{campaign.name}: {answered} of {campaign.invited} answered ({rate})",
                page_path("surveys:campaign_detail", pk=campaign.pk),
            )
        )
    return items


def survey_waiting_lists(*, user: Any, scope: UserScope) -> dict[str, list[WaitingList]]:
    """For each role the surveys app has lists for, those lists for this person."""
    if scope.organisation_id is None:
        return {}
    hours = survey_settings_for(organisation_id=scope.organisation_id).alert_escalation_hours
    lists: dict[str, list[WaitingList]] = {}
    if scope.has_role(Role.PRACTITIONER):
        lists[Role.PRACTITIONER] = [
            WaitingList(
                "Surveys to offer families",
                "No surveys are waiting to be offered.",
                [
                    WaitingItem(
                        f"Case {invitation.child.child_id}: {invitation.campaign.name}",
                        page_path("surveys:invitation_detail", pk=invitation.pk),
                        overdue=invitation.expires_at - timezone.now() < timedelta(days=3),
                    )
                    for invitation in survey_invitations_to_hand_over(user=user)[:LIMIT]
                    if invitation.child
                ],
            )
        ]
    if scope.has_role(Role.TEAM_MANAGER):
        lists[Role.TEAM_MANAGER] = [
            WaitingList(
                "Child safety alerts to acknowledge",
                "No child safety alerts.",
                _alert_items(safety_alerts_to_acknowledge(user=user), overdue_hours=hours),
            )
        ]
    if scope.has_role(Role.SERVICE_MANAGER):
        lists[Role.SERVICE_MANAGER] = [
            WaitingList(
                "Child safety alerts escalated to you",
                "No alerts have been escalated.",
                _alert_items(safety_alerts_escalated_to(user=user), overdue_hours=0),
            )
        ]
    if scope.has_role(Role.QA_LEAD):
        lists[Role.QA_LEAD] = [
            WaitingList(
                "Open survey campaigns", "No survey campaigns are open.", _campaign_items(user)
            )
        ]
    return lists
