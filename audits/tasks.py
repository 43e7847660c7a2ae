"""Celery tasks of the audits app: IDs only, idempotent, each calling one service."""

import logging

from celery import shared_task
from django.utils import timezone

from audits.models import AuditProgramme
from organisation.models import Organisation
from qa_system.errors import ApplicationError

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def draw_monthly_samples() -> int:
    """Draw this month's sample of every active programme (idempotent per programme and
    month: a rerun, or a retry after a crash, draws nothing twice). Returns the number
    of programmes drawn for."""
    from audits.services_programme import programme_draw

    month = timezone.localdate().replace(day=1)
    drawn = 0
    for programme_id in AuditProgramme.objects.filter(active=True).values_list("pk", flat=True):
        programme = AuditProgramme.objects.select_related("tool").get(pk=programme_id)
        try:
            programme_draw(programme=programme, month=month)
        except ApplicationError:
            # A programme that cannot draw (its tool unpublished) must not stop the others;
            # the QA lead sees no draw for the month on the programme page.
            logger.warning("Audit programme %s could not draw for %s", programme_id, month)
            continue
        drawn += 1
    return drawn


@shared_task(acks_late=True, time_limit=600)
def notify_deadlines() -> int:
    """Reminders before audits and actions are due; overdue notices and escalation."""
    from audits.services_deadlines import deadlines_notify

    return deadlines_notify()


@shared_task(acks_late=True, time_limit=600)
def notify_unacknowledged_escalations() -> int:
    """Daily reminders of safeguarding escalations nobody has acknowledged."""
    from audits.services_escalation import escalations_remind

    return escalations_remind()


@shared_task(acks_late=True, time_limit=900)
def refresh_audit_results(organisation_id: int) -> int:
    """Recompute one organisation's stored audit results."""
    from audits.services_results import audit_results_refresh

    return audit_results_refresh(organisation_id=organisation_id)


@shared_task(acks_late=True, time_limit=3600)
def refresh_audit_results_all() -> int:
    """Recompute every organisation's audit results (nightly)."""
    from audits.services_results import audit_results_refresh

    return sum(
        audit_results_refresh(organisation_id=pk)
        for pk in Organisation.objects.values_list("pk", flat=True)
    )
