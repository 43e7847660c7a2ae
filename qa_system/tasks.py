"""The project package's tasks: the beat heartbeat, flags where the measures disagree,
retention, and the weekly digest to managers. IDs only; each calls one service and is
idempotent."""

from typing import Any

from celery import shared_task
from celery.signals import task_postrun
from django.db import transaction

from organisation.models import Organisation
from qa_system.services import heartbeat_record
from qa_system.services_flags import flags_refresh

FLAGS_TIME_LIMIT = 600
# The refreshes after which an organisation's flags are recomputed (their first argument
# names the organisation, or for core data the refresh run).
REFRESH_TASKS = {
    "coredata.tasks.refresh_indicators",
    "audits.tasks.refresh_audit_results",
    "surveys.tasks.refresh_survey_results",
}


@shared_task(name="qa_system.tasks.heartbeat", time_limit=30, soft_time_limit=20)
def heartbeat() -> None:
    heartbeat_record()


@shared_task(
    name="qa_system.tasks.refresh_flags_for_organisation",
    acks_late=True,
    soft_time_limit=FLAGS_TIME_LIMIT - 60,
    time_limit=FLAGS_TIME_LIMIT,
)
def refresh_flags_for_organisation(organisation_id: int) -> int:
    """Recompute one organisation's flags for its latest quarters (replaces them)."""
    return flags_refresh(organisation_id=organisation_id)


@shared_task(
    name="qa_system.tasks.refresh_flags_all", acks_late=True, soft_time_limit=50, time_limit=60
)
def refresh_flags_all() -> None:
    """Nightly, after the core data, audit and survey refreshes: every organisation's
    flags, one task each."""
    for organisation_id in Organisation.objects.values_list("pk", flat=True):
        refresh_flags_for_organisation.delay(organisation_id)


@shared_task(
    name="qa_system.tasks.retention_apply_for_organisation",
    acks_late=True,
    soft_time_limit=3300,
    time_limit=3600,
)
def retention_apply_for_organisation(organisation_id: int) -> int:
    """Remove what is past one organisation's retention policy; returns the rows removed
    (idempotent: a second run the same day removes nothing)."""
    from qa_system.services_retention import retention_apply

    return retention_apply(organisation_id=organisation_id).removed_total


@shared_task(
    name="qa_system.tasks.retention_apply_all", acks_late=True, soft_time_limit=50, time_limit=60
)
def retention_apply_all() -> None:
    """Nightly: every organisation's retention, one task each."""
    for organisation_id in Organisation.objects.values_list("pk", flat=True):
        retention_apply_for_organisation.delay(organisation_id)


@shared_task(name="qa_system.tasks.notify_weekly_digest", acks_late=True, time_limit=600)
def notify_weekly_digest() -> int:
    """Monday morning: each manager's digest of the week (once per person and week)."""
    from qa_system.services_digest import digests_send

    return digests_send()


def _organisation_of(task_name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int | None:
    first = args[0] if args else next(iter(kwargs.values()), None)
    if first is None:
        return None
    if task_name == "coredata.tasks.refresh_indicators":
        from coredata.models import RefreshRun

        run = RefreshRun.objects.filter(pk=first, status=RefreshRun.Status.SUCCEEDED).first()
        return run.organisation_id if run else None
    return int(first)


@task_postrun.connect
def _flags_after_refresh(
    sender: Any = None,
    args: tuple[Any, ...] = (),
    kwargs: dict[str, Any] | None = None,
    state: str | None = None,
    **_: Any,
) -> None:
    """After a successful refresh of core data, audit or survey results, recompute the
    organisation's flags (coredata, audits and surveys know nothing of flags)."""
    name = getattr(sender, "name", "")
    if name not in REFRESH_TASKS or state != "SUCCESS":
        return
    organisation_id = _organisation_of(name, tuple(args or ()), dict(kwargs or {}))
    if organisation_id is not None:
        transaction.on_commit(lambda: refresh_flags_for_organisation.delay(organisation_id))
