"""Refreshing an organisation's indicators: coalesced, locked, all or nothing.

- `refresh_request` asks for a refresh. At most one waits per organisation (a database
  constraint), so several imports in a minute cause one refresh: the task runs a minute
  after the first request.
- `refresh_execute` claims the waiting run (at most one runs per organisation: another
  constraint), reads the records into frames, runs the engine and writes the complete
  new results in one transaction. A failure, or a killed worker, leaves the previous
  results in place; a run left "running" longer than the task's time limit is marked
  failed so the next can start.
"""

import logging
import time
from datetime import timedelta
from typing import Any

import pandas as pd
from django.db import IntegrityError, transaction
from django.utils import timezone

from coredata.frames import engine_inputs_for
from coredata.indicators.registry import compute_all
from coredata.models import ImportRun, RefreshRun, UnitResults
from coredata.models.indicators import RESULT_FIELDS
from organisation.models import Organisation

logger = logging.getLogger(__name__)

REFRESH_TIME_LIMIT = 1800
COALESCE_SECONDS = 60
# Results of this many earlier succeeded runs are kept besides the current one.
KEEP_PREVIOUS = 1


class RefreshBusy(Exception):
    """Another refresh of the organisation is running."""


def refresh_request(*, organisation: Organisation, enqueue: bool = True) -> RefreshRun | None:
    """Queue a refresh unless one is already waiting (then that one will do: None)."""
    try:
        with transaction.atomic():
            run = RefreshRun.objects.create(organisation=organisation)
    except IntegrityError:
        return None
    if enqueue:
        from coredata.tasks import refresh_indicators_task

        transaction.on_commit(
            lambda: refresh_indicators_task.apply_async(args=(run.pk,), countdown=COALESCE_SECONDS)
        )
    return run


def _fail_stale_runs(organisation_id: int) -> None:
    stale = timezone.now() - timedelta(seconds=REFRESH_TIME_LIMIT + 60)
    RefreshRun.objects.filter(
        organisation_id=organisation_id,
        status=RefreshRun.Status.RUNNING,
        started_at__lt=stale,
    ).update(
        status=RefreshRun.Status.FAILED,
        finished_at=timezone.now(),
        failure_reason="Stopped before it finished (the worker was stopped or timed out).",
    )


def refresh_execute(*, run_id: int) -> RefreshRun:
    """Run a queued refresh. Raises RefreshBusy when another is running (the task retries);
    a run that is not queued (already done) is returned unchanged."""
    run = RefreshRun.objects.select_related("organisation").get(pk=run_id)
    if run.status != RefreshRun.Status.QUEUED:
        return run
    _fail_stale_runs(run.organisation_id)
    try:
        with transaction.atomic():
            claimed = RefreshRun.objects.filter(pk=run.pk, status=RefreshRun.Status.QUEUED).update(
                status=RefreshRun.Status.RUNNING, started_at=timezone.now()
            )
    except IntegrityError as busy:
        raise RefreshBusy from busy
    if not claimed:
        return RefreshRun.objects.get(pk=run.pk)
    run.refresh_from_db()
    started = time.monotonic()
    try:
        _compute_and_store(run)
    except Exception:
        logger.exception("Refresh %s failed", run.pk)
        RefreshRun.objects.filter(pk=run.pk).update(
            status=RefreshRun.Status.FAILED,
            finished_at=timezone.now(),
            failure_reason="The refresh stopped on an unexpected error; the previous "
            "results are still shown.",
        )
    run.refresh_from_db()
    logger.info("Refresh %s %s in %.1f s", run.pk, run.status, time.monotonic() - started)
    return run


def refresh_now(*, organisation: Organisation) -> RefreshRun:
    """Refresh at once (the command line): queue, or take the waiting run, and run it."""
    run = refresh_request(organisation=organisation, enqueue=False) or RefreshRun.objects.get(
        organisation=organisation, status=RefreshRun.Status.QUEUED
    )
    return refresh_execute(run_id=run.pk)


def _compute_and_store(run: RefreshRun) -> None:
    organisation = run.organisation
    imports = list(
        ImportRun.objects.filter(
            organisation=organisation, status=ImportRun.Status.SUCCEEDED
        ).values_list("pk", flat=True)
    )
    inputs = engine_inputs_for(organisation=organisation)
    results = compute_all(inputs)
    units = _by_unit(results)
    with transaction.atomic():
        UnitResults.objects.bulk_create(
            [
                UnitResults(run=run, unit_type=unit_type, unit_code=unit_code, results=data)
                for (unit_type, unit_code), data in units.items()
            ],
            batch_size=200,
        )
        RefreshRun.objects.filter(pk=run.pk).update(
            status=RefreshRun.Status.SUCCEEDED,
            finished_at=timezone.now(),
            import_run_ids=imports,
            first_month_end=inputs.first_month_end,
            last_month_end=inputs.last_month_end,
            unit_count=len(units),
            result_count=len(results),
        )
        # Older results are dropped in the same transaction, keeping the previous run's.
        older = RefreshRun.objects.filter(
            organisation=organisation, status=RefreshRun.Status.SUCCEEDED, pk__lt=run.pk
        ).order_by("-pk")[KEEP_PREVIOUS:]
        UnitResults.objects.filter(run__in=[r.pk for r in older]).delete()


def _by_unit(results: pd.DataFrame) -> dict[tuple[str, str], dict[str, list[Any]]]:
    """The results grouped by unit, each as columns of plain JSON values."""
    frame = results.copy()
    for column in ("period_start", "period_end"):
        frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    for column in ("numerator", "denominator", "value"):
        frame[column] = frame[column].astype("object").where(frame[column].notna(), None)
    units: dict[tuple[str, str], dict[str, list[Any]]] = {}
    for (unit_type, unit_code), group in frame.groupby(["unit_type", "unit_code"], sort=True):
        units[(str(unit_type), str(unit_code))] = {
            column: group[column].tolist() for column in RESULT_FIELDS
        }
    return units
