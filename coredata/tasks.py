from celery import Task, shared_task

from coredata.services.imports import IMPORT_TIME_LIMIT, import_run_execute
from coredata.services.refresh import (
    REFRESH_TIME_LIMIT,
    RefreshBusy,
    refresh_execute,
    refresh_request,
)
from organisation.models import Organisation


@shared_task(
    name="coredata.tasks.import_run_execute",
    acks_late=True,
    soft_time_limit=IMPORT_TIME_LIMIT - 100,
    time_limit=IMPORT_TIME_LIMIT,
)
def import_run_execute_task(run_id: int) -> None:
    """Run one import. Takes the run's ID only; a finished run is left as it is, so a
    redelivered message does nothing."""
    import_run_execute(run_id=run_id)


@shared_task(
    name="coredata.tasks.refresh_indicators",
    bind=True,
    acks_late=True,
    max_retries=60,
    soft_time_limit=REFRESH_TIME_LIMIT - 100,
    time_limit=REFRESH_TIME_LIMIT,
)
def refresh_indicators_task(self: Task, run_id: int) -> None:
    """Run one queued refresh (its ID only). If another refresh of the organisation is
    running, try again in a minute: the two never interleave."""
    try:
        refresh_execute(run_id=run_id)
    except RefreshBusy as busy:
        raise self.retry(countdown=60) from busy


@shared_task(name="coredata.tasks.refresh_all_organisations", time_limit=60)
def refresh_all_organisations_task() -> None:
    """Nightly: ask for a refresh of every organisation (coalesced with any waiting)."""
    for organisation in Organisation.objects.all():
        refresh_request(organisation=organisation)
