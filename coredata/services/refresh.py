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

import numpy as np
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
    """The results grouped by unit, each as columns of plain JSON values.

    Millions of rows for a large authority: the dates are formatted once per distinct
    date (a few hundred), and each unit's rows are a slice of the sorted columns."""
    if results.empty:
        return {}
    frame = results.sort_values(["unit_type", "unit_code"], kind="stable")
    columns: dict[str, np.ndarray] = {}
    for column in ("indicator", "breakdown"):
        columns[column] = frame[column].to_numpy(dtype=object)
    for column in ("period_start", "period_end"):
        codes, days = pd.factorize(frame[column])
        labels = pd.DatetimeIndex(days).strftime("%Y-%m-%d").to_numpy(dtype=object)
        columns[column] = labels[codes]
    for column in ("numerator", "denominator", "value"):
        numbers = frame[column].to_numpy(dtype="float64", na_value=np.nan)
        plain = numbers.astype(object)
        plain[np.isnan(numbers)] = None
        columns[column] = plain
    keys = frame["unit_type"].astype(str) + "\x00" + frame["unit_code"].astype(str)
    starts = np.flatnonzero(np.r_[True, keys.to_numpy()[1:] != keys.to_numpy()[:-1]])
    ends = np.r_[starts[1:], len(frame)]
    unit_types = frame["unit_type"].to_numpy(dtype=object)
    unit_codes = frame["unit_code"].to_numpy(dtype=object)
    return {
        (str(unit_types[lo]), str(unit_codes[lo])): {
            column: columns[column][lo:hi].tolist() for column in RESULT_FIELDS
        }
        for lo, hi in zip(starts, ends, strict=True)
    }
