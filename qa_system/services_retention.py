"""Retention (DESIGN.md): each organisation sets how long audits, survey responses and
imported data are kept, and a nightly job removes what is past it.

`retention_apply` removes, in one transaction, what each app's retention function
finds past its cutoff (`audits.retention`, `surveys.retention`, `coredata.retention`)
and records a `RetentionRun` with the cutoffs and the counts. Running it again the same
day removes nothing more. When imported data went, an indicator refresh is requested
(coalesced), so the stored indicators are worked out from what is kept.
"""

import calendar
from collections import Counter
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from audits.retention import audits_remove_before
from coredata.retention import imported_data_remove_before
from coredata.services.refresh import refresh_request
from organisation.models import Organisation
from qa_system.errors import ApplicationError
from qa_system.models import RetentionPolicy, RetentionRun
from qa_system.selectors import retention_policy_for
from surveys.retention import survey_responses_remove_before

# The shortest and longest periods a policy may set, in months. Under a year nothing
# could be compared year on year; 25 years covers a child's file to adulthood.
LIMITS = {
    "audit_months": (12, 300),
    "survey_response_months": (12, 300),
    "imported_data_months": (24, 300),
}
LABELS = {
    "audit_months": "Audits",
    "survey_response_months": "Survey responses",
    "imported_data_months": "Imported data",
}


def retention_policy_update(
    *, organisation: Organisation, by: Any, months: dict[str, int | None]
) -> RetentionPolicy:
    """Set the organisation's periods (months each). ApplicationError, with
    extra["errors"] naming each field and its problem, when any is out of bounds."""
    errors = {}
    for name, (low, high) in LIMITS.items():
        value = months.get(name)
        if value is None:
            errors[name] = f"Enter how many months to keep {LABELS[name].lower()}."
        elif not low <= value <= high:
            errors[name] = (
                f"{LABELS[name]} must be kept for between {low} and {high} months "
                f"({low // 12} to {high // 12} years)."
            )
    if errors:
        raise ApplicationError("Some periods cannot be used.", {"errors": errors})
    policy, _ = RetentionPolicy.objects.update_or_create(
        organisation=organisation,
        defaults={**{name: months[name] for name in LIMITS}, "updated_by": by,
                  "updated_at": timezone.now()},
    )  # fmt: skip
    return policy


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def retention_cutoffs(*, policy: RetentionPolicy, today: date) -> dict[str, date]:
    """The first day kept for each kind: today less the policy's months."""
    return {name: months_before(today, getattr(policy, name)) for name in LIMITS}


def retention_apply(*, organisation_id: int, today: date | None = None) -> RetentionRun:
    """Remove what is past the organisation's policy and record what went."""
    today = today or timezone.localdate()
    organisation = Organisation.objects.get(pk=organisation_id)
    policy = retention_policy_for(organisation_id=organisation_id)
    cutoffs = retention_cutoffs(policy=policy, today=today)
    with transaction.atomic():
        audit_start = timezone.make_aware(datetime.combine(cutoffs["audit_months"], time.min))
        removed = Counter(audits_remove_before(organisation_id=organisation_id, before=audit_start))
        removed.update(
            survey_responses_remove_before(
                organisation_id=organisation_id, before=cutoffs["survey_response_months"]
            )
        )
        imported = imported_data_remove_before(
            organisation_id=organisation_id, before=cutoffs["imported_data_months"]
        )
        removed.update(imported)
        run = RetentionRun.objects.create(
            organisation=organisation,
            audits_before=cutoffs["audit_months"],
            survey_responses_before=cutoffs["survey_response_months"],
            imported_data_before=cutoffs["imported_data_months"],
            removed={label: count for label, count in sorted(removed.items()) if count},
        )
        if any(imported.values()):
            refresh_request(organisation=organisation)
    return run
