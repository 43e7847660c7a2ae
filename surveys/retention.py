"""Removing survey responses past an organisation's retention period (called by the
nightly retention job, `qa_system.services_retention`).

- A family or child response goes with its invitation (and the invitation's tokens and
  any safety alert) once the day it was sent is before the cutoff.
- An invitation never answered goes once it expired before the cutoff (it names a
  child, or a member of staff, and a contact).
- A staff response goes once its week began before the cutoff.

The survey results job then works the stored results out from the responses kept.
"""

from datetime import date, datetime, time

from django.db.models import Q
from django.utils import timezone

from qa_system.deletion import delete_counting
from surveys.models import StaffSurveyResponse, SurveyInvitation


def survey_responses_remove_before(*, organisation_id: int, before: date) -> dict[str, int]:
    """Remove what is past `before`; returns how many rows of each model went."""
    start_of_day = timezone.make_aware(datetime.combine(before, time.min))
    return delete_counting(
        SurveyInvitation.objects.filter(organisation_id=organisation_id).filter(
            Q(response__submitted_on__lt=before)
            | Q(response__isnull=True, expires_at__lt=start_of_day)
        ),
        StaffSurveyResponse.objects.filter(organisation_id=organisation_id, week_start__lt=before),
    )
