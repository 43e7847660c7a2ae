"""The indicator engine on a large authority: 20,000 referrals a year for five years.

Generates the synthetic history, imports it through the real importers into a throwaway
SQLite database, builds the engine's frames from the ORM (timed), then times the engine
over every unit and every period (budget: under 5 s on 2 cores, DESIGN.md; wall time and
the process's CPU time, which other work on the machine does not inflate), each
indicator on its own, and a refresh's storing of the results: the JSON text of every
unit (`store_format`) and its INSERTs in one transaction (`store_insert`, rolled back).
"""

import multiprocessing
import pickle
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.db import connections, transaction

from benchmarks.throwaway import throwaway_database

REFERRALS_PER_YEAR = 20_000
YEARS = 5
SEED = 2027
TEAMS = [
    (f"{area}{number:02d}", f"{name} {area}", area, f"Locality {area}")
    for area in ("N", "E", "S", "W")
    for number, name in enumerate(
        ["Assessment", "Child in Need", "Child Protection", "Children in Care", "Leaving Care"],
        start=1,
    )
]


def _generate(path: str) -> None:
    from coredata.synthetic import generate

    data = generate(la_code="999", teams=TEAMS, workers=None, start=date(2021, 4, 1),
                    years=YEARS, referrals_per_year=REFERRALS_PER_YEAR, seed=SEED)  # fmt: skip
    Path(path).write_bytes(pickle.dumps(data))


def run() -> dict[str, float]:
    from coredata.demo import synthetic_load
    from coredata.frames import engine_inputs_for
    from coredata.indicators import catalogue  # noqa: F401
    from coredata.indicators.registry import INDICATORS, compute_all
    from organisation.models import Organisation

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        connections.close_all()
        # Generated in a child process so its memory does not weigh on the timings.
        child = multiprocessing.get_context("fork").Process(
            target=_generate, args=(str(folder / "data.pickle"),)
        )
        child.start()
        child.join()
        assert child.exitcode == 0, "generating the data failed"
        data = pickle.loads((folder / "data.pickle").read_bytes())  # noqa: S301 - our own file
        with throwaway_database(folder):
            organisation = Organisation.objects.create(name="Bigshire", la_code="999")
            started = time.perf_counter()
            synthetic_load(organisation=organisation, data=data, folder=folder / "files")
            import_seconds = time.perf_counter() - started
            started = time.perf_counter()
            inputs = engine_inputs_for(organisation=organisation, today=date(2026, 4, 30))
            frames_seconds = time.perf_counter() - started
            timings, cpu = [], []
            for _ in range(3):
                started, cpu_started = time.perf_counter(), time.process_time()
                results = compute_all(inputs)
                timings.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
            figures = {
                "referrals": float(len(inputs.frame("referrals"))),
                "months": float(len(inputs.frame("referrals")) and
                                (inputs.last_month_end.year - inputs.first_month_end.year) * 12
                                + inputs.last_month_end.month - inputs.first_month_end.month + 1),
                "import_seconds": import_seconds,
                "frames_seconds": frames_seconds,
                "engine_seconds_median": statistics.median(timings),
                # The process's own CPU time: what a busy machine does not inflate.
                "engine_cpu_seconds_median": statistics.median(cpu),
                "result_rows": float(len(results)),
            }  # fmt: skip
            figures.update(_storing(organisation, results))
            for code in sorted(INDICATORS):
                started = time.perf_counter()
                compute_all(inputs, codes=[code])
                figures[f"{code}_seconds"] = time.perf_counter() - started
            return figures


def _storing(organisation: Any, results: Any) -> dict[str, float]:
    """Median seconds (wall and CPU) of a refresh's two storing steps on these results:
    the JSON text of every unit, and its INSERTs in a transaction (rolled back)."""
    from coredata.models import RefreshRun
    from coredata.services.refresh import unit_results_insert, unit_results_json

    run = RefreshRun.objects.create(organisation=organisation, status="succeeded")
    timings: dict[str, list[float]] = {}
    for _ in range(3):
        started, cpu_started = time.perf_counter(), time.process_time()
        units = unit_results_json(results)
        formatted, cpu_formatted = time.perf_counter(), time.process_time()
        with transaction.atomic():
            unit_results_insert(run_id=run.pk, units=units)
            transaction.set_rollback(True)
        stored, cpu_stored = time.perf_counter(), time.process_time()
        for name, value in (
            ("store_format_seconds", formatted - started),
            ("store_format_cpu_seconds", cpu_formatted - cpu_started),
            ("store_insert_seconds", stored - formatted),
            ("store_insert_cpu_seconds", cpu_stored - cpu_formatted),
            ("store_seconds", stored - started),
        ):
            timings.setdefault(name, []).append(value)
        del units
    return {name: statistics.median(values) for name, values in timings.items()}
