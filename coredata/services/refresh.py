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

import json
import logging
import time
from datetime import timedelta

import numpy as np
import pandas as pd
from django.db import IntegrityError, connection, transaction
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
    units = unit_results_json(results)
    with transaction.atomic():
        unit_results_insert(run_id=run.pk, units=units)
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


# --- storing the results ----------------------------------------------------------------
#
# A large authority has millions of results (4.3 million in the benchmark), which Python
# objects and json.dumps turned into the stored text row by row, taking longer than the
# engine. The text is assembled here instead: each column's distinct values (a few
# thousand at most) are written as JSON once, each column's rows joined into one string,
# and every unit's rows cut out of it by character offsets. The text is byte for byte
# what json.dumps gives for the unit's dict of lists (tests/coredata/test_refresh_storage
# checks it against that), and it is written as it is, one INSERT per unit.

UnitJSON = tuple[str, str, str]  # unit_type, unit_code, the results as JSON text


def unit_results_json(results: pd.DataFrame) -> list[UnitJSON]:
    """Each unit's results (in the engine's results format) as the JSON text a
    UnitResults row stores: `{"indicator": [...], "breakdown": [...], ...}`, the
    RESULT_FIELDS in order, each a list with one value per result in the order of
    `results` (dates as ISO text, missing numbers as null), exactly as json.dumps
    writes it. Units in order of unit type, then unit code."""
    if results.empty:
        return []
    type_codes, unit_types = pd.factorize(results["unit_type"], sort=True)
    code_codes, unit_codes = pd.factorize(results["unit_code"], sort=True)
    unit = type_codes.astype("int64") * max(len(unit_codes), 1) + code_codes
    order = np.argsort(unit, kind="stable")
    unit = unit[order]
    firsts = np.flatnonzero(np.r_[True, unit[1:] != unit[:-1]])
    bounds = np.r_[firsts, len(order)]
    columns = [_json_column(results[field], order) for field in RESULT_FIELDS]
    units = []
    for number, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        parts = [
            f'"{field}": [{text[offsets[lo] : offsets[hi] - 2]}]'
            for field, (text, offsets) in zip(RESULT_FIELDS, columns, strict=True)
        ]
        first = unit[firsts[number]]
        units.append(
            (
                str(unit_types[first // max(len(unit_codes), 1)]),
                str(unit_codes[first % max(len(unit_codes), 1)]),
                "{" + ", ".join(parts) + "}",
            )
        )
    return units


def _json_column(values: pd.Series, order: np.ndarray) -> tuple[str, np.ndarray]:
    """One column's values, in `order`, as JSON joined by ", " into one string, and the
    character offset where each row starts (plus one past the end + 2): row i is
    text[offsets[i] : offsets[i + 1] - 2]."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        codes, distinct = pd.factorize(values.to_numpy(dtype="datetime64[ns]"))
        texts = [f'"{day}"' for day in pd.DatetimeIndex(distinct).strftime("%Y-%m-%d")]
    elif pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.to_numpy(dtype="float64", na_value=np.nan, copy=True)
        numbers[np.isnan(numbers)] = np.nan  # one NaN, however it was made
        # By bit pattern: -0.0 and 0.0 are written differently.
        codes, bits = pd.factorize(numbers.view("int64"))
        distinct_numbers = bits.view("float64")
        texts = [
            "null" if np.isnan(number) else json.dumps(number)
            for number in distinct_numbers.tolist()
        ]
    else:
        text_codes, words = pd.factorize(values)
        codes, texts = text_codes, [json.dumps(str(word)) for word in words.tolist()]
    codes = np.asarray(codes, dtype="int64")[order]
    # A missing value (code -1) is written as null: the last entry.
    labels = np.array([*texts, "null"], dtype=object)
    lengths = np.array([len(text) + 2 for text in labels], dtype="int64")
    offsets = np.zeros(len(codes) + 1, dtype="int64")
    np.cumsum(lengths[codes], out=offsets[1:])
    return ", ".join(labels[codes].tolist()), offsets


def unit_results_insert(*, run_id: int, units: list[UnitJSON]) -> None:
    """Store each unit's results (unit_results_json) for the run: one INSERT per unit,
    the JSON text written as it is (a json column on SQLite, jsonb on PostgreSQL)."""
    meta = UnitResults._meta
    quote = connection.ops.quote_name
    column_of = {field.name: str(field.column) for field in meta.concrete_fields}
    columns = ", ".join(
        quote(column_of[name]) for name in ("run", "unit_type", "unit_code", "results")
    )
    value = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    # Table and column names from the model, quoted; every value a parameter.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES (%s, %s, %s, {value})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(run_id, *unit) for unit in units])
