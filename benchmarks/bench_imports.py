"""How long a large authority's returns take to import, and the memory the import needs.

Generates a synthetic large authority (17,300 referrals a year: about 25,000 children in
its latest CIN census) into a temporary folder, in a forked child process so that the
generator's memory is not counted. Then, in a throwaway SQLite database, imports the
largest CIN census return and the SSDA903 return of the same year through
coredata.services.imports, as the import task does (import_run_create with
enqueue=False, then import_run_execute). Peak memory is the rise of the process's
maximum resident set size during the CIN import (ru_maxrss, Linux kilobytes).
"""

import multiprocessing
import resource
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.db import connections

from benchmarks.throwaway import throwaway_database

REFERRALS_PER_YEAR = 17_300
YEARS = 2
SEED = 2026


def _write_dataset(folder: str) -> None:
    from coredata.synthetic import generate, write_files

    teams = [
        (f"{area}{number:02d}", f"{name} {area}", area, f"Locality {area}")
        for area in ("N", "E", "S", "W")
        for number, name in enumerate(
            ["Assessment", "Child in Need", "Child Protection", "Children in Care"], start=1
        )
    ]
    data = generate(la_code="999", teams=teams, workers=None, start=date(2022, 4, 1),
                    years=YEARS, referrals_per_year=REFERRALS_PER_YEAR, seed=SEED)  # fmt: skip
    write_files(data, Path(folder))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _import(organisation: Any, paths: list[Path], year: int | None = None) -> Any:
    from coredata.models import ImportRun
    from coredata.services.imports import import_run_create, import_run_execute

    streams = [(path.name, path.open("rb")) for path in paths]
    try:
        run = import_run_create(organisation=organisation, user=None, uploads=list(streams),
                                collection_year=year, enqueue=False)  # fmt: skip
    finally:
        for _, stream in streams:
            stream.close()
    run = import_run_execute(run_id=run.pk)
    assert run.status == ImportRun.Status.SUCCEEDED, run.failure_reason or run.error_count
    return run


def run() -> dict[str, float]:
    from organisation.models import Organisation

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        connections.close_all()
        child = multiprocessing.get_context("fork").Process(
            target=_write_dataset, args=(str(folder / "data"),)
        )
        child.start()
        child.join()
        assert child.exitcode == 0, "generating the data failed"
        with throwaway_database(folder):
            organisation = Organisation.objects.create(name="Bigshire", la_code="999")
            cin = max((folder / "data").glob("cin_census_*.xml"), key=lambda p: p.stat().st_size)
            year = int(cin.stem.rsplit("_", 1)[1])
            before = _peak_mb()
            started = time.perf_counter()
            cin_run = _import(organisation, [cin])
            cin_seconds = time.perf_counter() - started
            peak = _peak_mb() - before
            returns = folder / "data" / f"ssda903_{year}"
            started = time.perf_counter()
            tables = [returns / f"{name}.csv" for name in ("header", "episodes", "oc3")]
            care_run = _import(organisation, tables, year)
            care_seconds = time.perf_counter() - started
            return {
                "cin_children": float(cin_run.counts["children"]),
                "cin_referrals": float(cin_run.counts["referrals"]),
                "cin_seconds": cin_seconds,
                "cin_peak_mb": peak,
                "ssda903_seconds": care_seconds,
                "ssda903_episodes": float(care_run.counts["care_episodes"]),
            }
