"""Child safety alerts: raised when a child answers that they do not feel safe,
acknowledged by a manager, escalated when nobody does.

Who is told: the team managers of the case's team at the time of the invitation, at
once (in the app and by email). When that team has no manager with a login, the
service managers are told at once instead; failing those, the QA leads. The
notification's subject names no child; its body carries the case reference (the
authority's child ID), which is what the manager must act on (DESIGN.md).
"""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from organisation.models import Role
from organisation.selectors import (
    users_managing_service,
    users_managing_team,
    users_with_organisation_role,
)
from organisation.services import notification_send
from qa_system.errors import ApplicationError
from surveys.links import page_path
from surveys.models import SafetyAlert, SafetyPlace, SurveyQuestion, SurveyResponse
from surveys.questions import is_unsafe
from surveys.selectors import safety_alert_can_acknowledge, survey_settings_for

ALERT_KIND = "survey_safety_alert"
ESCALATION_KIND = "survey_safety_alert_escalated"


def unsafe_places(*, questions: list[SurveyQuestion], answers: dict[str, Any]) -> list[str]:
    """The places (SafetyPlace values) the answers say the child does not feel safe."""
    return [
        question.safety_place
        for question in questions
        if question.safety_place and is_unsafe(question.kind, answers.get(question.code))
    ]


def _places_text(places: list[str]) -> str:
    labels = [str(SafetyPlace(place).label).lower() for place in places]
    return ", ".join(labels)


def _fallback_recipients(organisation_id: int, service_id: int | None) -> list[Any]:
    recipients = users_managing_service(service_id=service_id) if service_id else []
    return recipients or users_with_organisation_role(
        organisation_id=organisation_id, role=Role.QA_LEAD
    )


def _alert_body(alert: SafetyAlert, *, escalated: bool) -> str:
    lead = (
        "A child safety alert has not been acknowledged and has been passed to you."
        if escalated
        else "A child answered a survey saying they do not feel safe."
    )
    return (
        f"{lead}\n\nCase reference: {alert.child.child_id}\n"
        f"Where they do not feel safe: {_places_text(alert.places)}\n\n"
        "Please make sure the child's worker follows this up today, and acknowledge the "
        "alert in the app."
    )


def safety_alert_raise(
    *, response: SurveyResponse, questions: list[SurveyQuestion]
) -> SafetyAlert | None:
    """Create the alert for a response with unsafe answers (None when there are none)
    and tell the team managers at once. Called inside the submit transaction; the
    notification emails go after commit."""
    places = unsafe_places(questions=questions, answers=response.answers)
    if not places:
        return None
    alert = SafetyAlert.objects.create(
        organisation_id=response.organisation_id,
        response=response,
        child_id=response.child_id,
        team_id=response.team_id,
        worker_id=response.worker_id,
        places=places,
    )
    recipients = users_managing_team(team_id=response.team_id) if response.team_id else []
    if not recipients:
        recipients = _fallback_recipients(response.organisation_id, response.service_id)
    for user in recipients:
        notification_send(
            recipient=user,
            organisation_id=alert.organisation_id,
            kind=ALERT_KIND,
            subject="Child safety alert: a child said they do not feel safe",
            body=_alert_body(alert, escalated=False),
            url=page_path("surveys:alert_detail", pk=alert.pk),
            email=True,
            dedupe_key=f"survey-alert:{alert.pk}",
        )
    return alert


def safety_alert_acknowledge(*, alert: SafetyAlert, by: Any, note: str = "") -> SafetyAlert:
    """A manager acknowledges the alert (once). Refused for someone who may not, or when
    it is already acknowledged."""
    if not safety_alert_can_acknowledge(user=by, alert=alert):
        raise ApplicationError("You cannot acknowledge this alert.")
    now = timezone.now()
    updated = SafetyAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=by, acknowledgement_note=note.strip()[:2000]
    )
    if updated != 1:
        raise ApplicationError("This alert has already been acknowledged.")
    alert.refresh_from_db()
    return alert


def safety_alerts_escalate_unacknowledged(*, now: datetime | None = None) -> int:
    """Pass every alert not acknowledged within its organisation's hours to the service
    managers of its team's service (or the QA leads). Idempotent: an alert is escalated
    once (a conditional update claims it; notifications carry a dedupe key)."""
    now = now or timezone.now()
    escalated = 0
    pending = SafetyAlert.objects.filter(
        acknowledged_at__isnull=True, escalated_at__isnull=True
    ).select_related("child", "team")
    hours_by_organisation: dict[int, int] = {}
    for alert in pending:
        hours = hours_by_organisation.setdefault(
            alert.organisation_id,
            survey_settings_for(organisation_id=alert.organisation_id).alert_escalation_hours,
        )
        if alert.created_at > now - timedelta(hours=hours):
            continue
        with transaction.atomic():
            claimed = SafetyAlert.objects.filter(
                pk=alert.pk, acknowledged_at__isnull=True, escalated_at__isnull=True
            ).update(escalated_at=now)
            if claimed != 1:
                continue
            service_id = alert.team.service_id if alert.team else None
            for user in _fallback_recipients(alert.organisation_id, service_id):
                notification_send(
                    recipient=user,
                    organisation_id=alert.organisation_id,
                    kind=ESCALATION_KIND,
                    subject="Child safety alert not acknowledged",
                    body=_alert_body(alert, escalated=True),
                    url=page_path("surveys:alert_detail", pk=alert.pk),
                    email=True,
                    dedupe_key=f"survey-alert-escalated:{alert.pk}",
                )
        escalated += 1
    return escalated
