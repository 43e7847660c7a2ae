from celery import shared_task

from coredata.services.imports import IMPORT_TIME_LIMIT, import_run_execute


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
