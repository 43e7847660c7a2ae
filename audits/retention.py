"""Removing audits past an organisation's retention period (called by the nightly
retention job, `qa_system.services_retention`).

Only audits that are over are removed: closed ones from when they were closed, and
cancelled ones from their last recorded change. Their ratings, section states, history,
actions and moderation go with them (cascade); their safeguarding escalations first,
as an escalation protects its audit. The audit results job then works the stored
results out from the audits kept.
"""

from datetime import datetime

from django.db.models import DateTimeField, Max
from django.db.models.functions import Coalesce

from audits.models import Audit, AuditState, SafeguardingEscalation
from qa_system.deletion import delete_counting


def audits_remove_before(*, organisation_id: int, before: datetime) -> dict[str, int]:
    """Remove the organisation's closed and cancelled audits that ended before `before`;
    returns how many rows of each model went (by model label)."""
    ended = (
        Audit.objects.filter(
            organisation_id=organisation_id, state__in=[AuditState.CLOSED, AuditState.CANCELLED]
        )
        .annotate(
            ended_at=Coalesce(
                "closed_at", Max("events__at"), "created_at", output_field=DateTimeField()
            )
        )
        .filter(ended_at__lt=before)
        .values_list("pk", flat=True)
    )
    ids = list(ended)
    if not ids:
        return {}
    return delete_counting(
        SafeguardingEscalation.objects.filter(audit_id__in=ids),
        Audit.objects.filter(pk__in=ids),
    )
