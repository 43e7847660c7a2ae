"""Import runs: store the files, parse and check them, then write all or nothing.

`import_run_create` stores the uploaded files and queues the run; `import_run_execute`
(run by a Celery task, or directly by `import_data`) parses every file, and only when no
file has an error writes them all in one transaction. Any error, in a file or against
the database, leaves the database as it was. Importing a file identical to the last one
imported for the same kind (and collection year) changes nothing. The uploaded files are
deleted when their run finishes.
"""

import logging
import re
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from coredata.models import ImportProblem, ImportRun
from coredata.models.imports import ImportKind
from coredata.parsers.base import Level, ParseResult, Problem, sha256_of
from coredata.services import writers, writers_local
from coredata.services.detect import detect_kind, parser_for, unknown_kind_problem
from organisation.models import Organisation, User

logger = logging.getLogger(__name__)

# Files are written in this order, so that teams exist before staff, staff before
# allocations, children before their visits.
WRITE_ORDER = [
    ImportKind.TEAMS,
    ImportKind.STAFF,
    ImportKind.CIN_CENSUS,
    ImportKind.SSDA903,
    ImportKind.ALLOCATIONS,
    ImportKind.EARLY_HELP,
    ImportKind.VISITS,
    ImportKind.ANNEX_A,
    ImportKind.SICKNESS,
    ImportKind.VACANCIES,
    ImportKind.POPULATION,
    ImportKind.ONS_MYE2,
    ImportKind.WORKFORCE_CENSUS,
]
MAX_PROBLEMS_STORED = 5000
# The import task's hard time limit; a run "running" for longer was left by a dead worker.
IMPORT_TIME_LIMIT = 1800


@dataclass
class ParsedFile:
    entry: dict[str, Any]
    result: ParseResult


class ImportRejected(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def _storage_dir(run: ImportRun) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / str(run.organisation_id) / str(run.pk)


def _safe_name(name: str) -> str:
    base = Path(name).name
    return re.sub(r"[^A-Za-z0-9._-]", "_", base)[:100] or "upload"


def import_run_create(
    *,
    organisation: Organisation,
    user: User | None,
    uploads: Sequence[tuple[str, IO[bytes]]],
    kind: str | None = None,
    collection_year: int | None = None,
    enqueue: bool = True,
) -> ImportRun:
    """Store the uploaded files and queue their import (after the transaction commits).

    With `enqueue=False` the caller runs `import_run_execute` itself (the command line).
    """
    with transaction.atomic():
        run = ImportRun.objects.create(organisation=organisation, started_by=user)
        folder = _storage_dir(run)
        folder.mkdir(parents=True, exist_ok=True)
        entries = []
        for index, (name, stream) in enumerate(uploads):
            checksum = sha256_of(stream)
            target = folder / f"{index:02d}-{_safe_name(name)}"
            with target.open("wb") as out:
                shutil.copyfileobj(stream, out, 1 << 20)
            with target.open("rb") as stored:
                detected = kind or detect_kind(name=name, head=stored.read(4096))
            entries.append(
                {
                    "name": Path(name).name,
                    "kind": detected,
                    "checksum": checksum,
                    "size": target.stat().st_size,
                    "stored": target.name,
                    "collection_year": collection_year,
                }
            )
        run.files = entries
        run.save(update_fields=["files"])
        if enqueue:
            from coredata.tasks import import_run_execute_task

            transaction.on_commit(lambda: import_run_execute_task.delay(run.pk))
    return run


def _progress(run: ImportRun, value: int) -> None:
    ImportRun.objects.filter(pk=run.pk).update(progress=value)


def _already_imported(run: ImportRun, entry: dict[str, Any], year: int | None) -> bool:
    """True when the last successful import of this kind (and year) held the same file.

    One import may hold several files of a kind and year (an SSDA903 return's tables):
    the file is a repeat when any of them had the same checksum.
    """
    earlier = ImportRun.objects.filter(
        organisation_id=run.organisation_id, status=ImportRun.Status.SUCCEEDED
    ).exclude(pk=run.pk)
    for previous in earlier.order_by("-finished_at", "-pk").iterator():
        same_kind = [
            other
            for other in previous.files
            if other.get("kind") == entry["kind"] and other.get("year") == year
        ]
        if same_kind:
            return any(other.get("checksum") == entry["checksum"] for other in same_kind)
    return False


def import_run_execute(*, run_id: int, request_refresh: bool = True) -> ImportRun:
    """Parse, check and write the run's files.

    Idempotent: the run is claimed atomically (queued to running), so a second delivery
    of the task, or a second caller, does nothing; a run left "running" by a worker that
    died is claimed again once it is older than the task's time limit. An import that
    changed data asks for an indicator refresh (`request_refresh=False`: the caller will
    refresh itself, once, after several imports).
    """
    now = timezone.now()
    stale = now - timedelta(seconds=IMPORT_TIME_LIMIT + 60)
    claimable = Q(status=ImportRun.Status.QUEUED) | Q(
        status=ImportRun.Status.RUNNING, started_at__lt=stale
    )
    claimed = ImportRun.objects.filter(claimable, pk=run_id).update(
        status=ImportRun.Status.RUNNING, started_at=now
    )
    run = ImportRun.objects.select_related("organisation").get(pk=run_id)
    if not claimed:
        return run
    started = time.monotonic()
    try:
        parsed = _parse_all(run)
        counts, problems = _write_all(run, parsed)
    except ImportRejected as rejected:
        return _finish(run, ImportRun.Status.FAILED, {}, rejected.problems, started)
    except Exception:
        # Log the run, never the data: the exception text could quote a record.
        logger.exception("Import run %s failed unexpectedly", run.pk)
        run.failure_reason = "The import stopped on an unexpected error; nothing was changed."
        return _finish(run, ImportRun.Status.FAILED, {}, [], started)
    finished = _finish(run, ImportRun.Status.SUCCEEDED, counts, problems, started)
    if counts and request_refresh:
        # New data: refresh the indicators (coalesced with any refresh already waiting).
        from coredata.services.refresh import refresh_request

        refresh_request(organisation=finished.organisation)
    return finished


def _parse_all(run: ImportRun) -> list[ParsedFile]:
    problems: list[Problem] = []
    parsed = []
    folder = _storage_dir(run)
    for index, entry in enumerate(run.files):
        if not entry.get("kind"):
            problems.append(unknown_kind_problem(entry["name"]))
            continue
        parse: Callable[[IO[bytes], str], ParseResult] = parser_for(entry["kind"])
        with (folder / entry["stored"]).open("rb") as stream:
            result = parse(stream, entry["name"])
        problems.extend(result.problems)
        parsed.append(ParsedFile(entry, result))
        _progress(run, int(60 * (index + 1) / max(1, len(run.files))))
    if any(p.level == Level.ERROR for p in problems):
        raise ImportRejected(problems)
    # Warnings travel with the results to the end.
    for item in parsed:
        item.result.problems = [p for p in item.result.problems if p.level == Level.WARNING]
    return parsed


def _write_all(run: ImportRun, parsed: list[ParsedFile]) -> tuple[dict[str, int], list[Problem]]:
    organisation = run.organisation
    counts: dict[str, int] = {}
    problems: list[Problem] = [p for item in parsed for p in item.result.problems]
    ordered = sorted(parsed, key=lambda item: WRITE_ORDER.index(item.entry["kind"]))
    with transaction.atomic():
        for item in ordered:
            entry, result = item.entry, item.result
            year = _year_of(entry, result)
            entry["year"] = year
            if _already_imported(run, entry, year):
                problems.append(
                    Problem(Level.WARNING, entry["name"], "file", "checksum", "",
                            "This file was imported before: nothing changed.")
                )  # fmt: skip
                continue
            outcome = _write(run, organisation, entry, result)
            for name, number in outcome.counts.items():
                counts[name] = counts.get(name, 0) + number
            problems.extend(outcome.problems)
        if any(p.level == Level.ERROR for p in problems):
            raise ImportRejected(problems)
        ImportRun.objects.filter(pk=run.pk).update(files=run.files)
    return counts, problems


def _year_of(entry: dict[str, Any], result: ParseResult) -> int | None:
    if entry["kind"] in (ImportKind.CIN_CENSUS, ImportKind.WORKFORCE_CENSUS):
        return int(result.meta["collection_year"])  # type: ignore[call-overload]
    if entry["kind"] == ImportKind.SSDA903:
        years = writers.ssda903_years(result)
        if entry.get("collection_year"):
            return int(entry["collection_year"])
        return years[-1] if len(years) == 1 else None
    return None


def _write(
    run: ImportRun, organisation: Organisation, entry: dict[str, Any], result: ParseResult
) -> writers.WriteOutcome:
    kind = entry["kind"]
    if kind == ImportKind.CIN_CENSUS:
        return writers.write_cin_census(run=run, organisation=organisation, result=result)
    if kind == ImportKind.SSDA903:
        return writers.write_ssda903(
            run=run, organisation=organisation, result=result, year=entry.get("collection_year")
        )
    if kind == ImportKind.ANNEX_A:
        return _write_annex_a(run, organisation, result)
    if kind == ImportKind.WORKFORCE_CENSUS:
        return writers.write_workforce_census(run=run, organisation=organisation, result=result)
    local: dict[str, Callable[..., writers.WriteOutcome]] = {
        ImportKind.TEAMS: writers_local.write_teams,
        ImportKind.STAFF: writers_local.write_staff,
        ImportKind.SICKNESS: writers_local.write_sickness,
        ImportKind.VACANCIES: writers_local.write_vacancies,
        ImportKind.ALLOCATIONS: writers_local.write_allocations,
        ImportKind.EARLY_HELP: writers_local.write_early_help,
        ImportKind.VISITS: writers_local.write_visits,
        ImportKind.POPULATION: writers_local.write_population,
        ImportKind.ONS_MYE2: writers_local.write_population,
    }
    return local[kind](run=run, organisation=organisation, result=result)


def _write_annex_a(
    run: ImportRun, organisation: Organisation, result: ParseResult
) -> writers.WriteOutcome:
    """Annex A gives early help episodes, visits (the date each child was last seen) and
    each child's allocated team and worker."""
    outcome = writers.WriteOutcome()
    for part in (
        writers_local.write_early_help(run=run, organisation=organisation, result=result),
        writers_local.write_visits(run=run, organisation=organisation, result=result),
        writers_local.write_allocation_snapshots(run=run, organisation=organisation, result=result),
    ):
        outcome.counts.update(part.counts)
        outcome.problems.extend(part.problems)
    return outcome


def _finish(
    run: ImportRun,
    status: str,
    counts: dict[str, int],
    problems: list[Problem],
    started: float,
) -> ImportRun:
    errors = [p for p in problems if p.level == Level.ERROR]
    warnings = [p for p in problems if p.level == Level.WARNING]
    with transaction.atomic():
        ImportProblem.objects.filter(run=run).delete()
        ImportProblem.objects.bulk_create(
            [
                ImportProblem(run=run, level=p.level.value, file=p.file[:255],
                              location=p.location[:255], field=p.field[:100],
                              value=p.value[:255], reason=p.reason[:500])
                for p in (errors + warnings)[:MAX_PROBLEMS_STORED]
            ],
            batch_size=writers.BATCH,
        )  # fmt: skip
        run.status = status
        run.counts = counts
        run.error_count = len(errors)
        run.warning_count = len(warnings)
        run.progress = 100
        run.finished_at = timezone.now()
        run.save(
            update_fields=[
                "status", "counts", "error_count", "warning_count", "progress", "finished_at",
                "failure_reason",
            ]
        )  # fmt: skip
    # The stored copies hold child-level data and are no longer needed: the run keeps each
    # file's name and checksum, and a rejected file is fixed and uploaded again.
    shutil.rmtree(_storage_dir(run), ignore_errors=True)
    logger.info(
        "Import run %s %s in %.1f s: %s errors, %s warnings",
        run.pk, status, time.monotonic() - started, len(errors), len(warnings),
    )  # fmt: skip
    return run
