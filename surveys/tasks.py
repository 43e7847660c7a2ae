"""Celery tasks of the surveys app: IDs only, each calling one service, idempotent
(safe under late acknowledgement and retries). Scheduled in settings
(CELERY_BEAT_SCHEDULE); `notify_*` tasks go to the notifications queue."""

from celery import shared_task

from organisation.models import Organisation
from surveys.models import CampaignStatus, SurveyCampaign
from surveys.services_alerts import safety_alerts_escalate_unacknowledged
from surveys.services_campaigns import survey_campaigns_close_ended
from surveys.services_invitations import (
    survey_invitation_reminders_send,
    survey_invitations_create_from_events,
)
from surveys.services_results import survey_results_refresh

TIME_LIMIT = 600


@shared_task(acks_late=True, soft_time_limit=TIME_LIMIT - 60, time_limit=TIME_LIMIT)
def create_event_invitations() -> int:
    """Invitations from core data events for every organisation with an open
    continuous campaign (one task per organisation)."""
    organisation_ids = (
        SurveyCampaign.objects.filter(status=CampaignStatus.OPEN, kind="continuous")
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    ids = list(organisation_ids)
    for organisation_id in ids:
        create_event_invitations_for.delay(organisation_id)
    return len(ids)


@shared_task(acks_late=True, soft_time_limit=TIME_LIMIT - 60, time_limit=TIME_LIMIT)
def create_event_invitations_for(organisation_id: int) -> int:
    return survey_invitations_create_from_events(organisation_id=organisation_id)


@shared_task(acks_late=True, soft_time_limit=TIME_LIMIT - 60, time_limit=TIME_LIMIT)
def notify_invitation_reminders() -> int:
    """Reminders that are due (each reminder claimed once)."""
    return survey_invitation_reminders_send()


@shared_task(acks_late=True, soft_time_limit=TIME_LIMIT - 60, time_limit=TIME_LIMIT)
def notify_unacknowledged_safety_alerts() -> int:
    """Escalate child safety alerts not acknowledged in time (each once)."""
    return safety_alerts_escalate_unacknowledged()


@shared_task(acks_late=True, soft_time_limit=TIME_LIMIT - 60, time_limit=TIME_LIMIT)
def close_ended_campaigns() -> int:
    """Close campaigns past their closing date (deleting staff invitations)."""
    return survey_campaigns_close_ended()


@shared_task(acks_late=True, soft_time_limit=TIME_LIMIT - 60, time_limit=TIME_LIMIT)
def refresh_survey_results_all() -> int:
    """Queue the results job for every organisation."""
    ids = list(Organisation.objects.values_list("pk", flat=True))
    for organisation_id in ids:
        refresh_survey_results.delay(organisation_id)
    return len(ids)


@shared_task(acks_late=True, soft_time_limit=TIME_LIMIT - 60, time_limit=TIME_LIMIT)
def refresh_survey_results(organisation_id: int) -> int:
    """Recompute one organisation's stored survey results (replaced whole)."""
    return survey_results_refresh(organisation_id=organisation_id).rows
