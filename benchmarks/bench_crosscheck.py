"""The engine against DuckDB SQL and against a per-unit ORM approach (issue 4).

Two datasets, timed side by side in one run:

- a large authority: 20,000 referrals a year for 5 years, imported through the real
  importers into a throwaway SQLite database (as bench_engine does); the engine on
  every indicator and on the cross-checked subset, DuckDB SQL (coredata.crosscheck) on
  the subset, whose results are compared with the engine's, and a Django ORM query per
  unit and period for A1 and P1, timed on a sample of units and periods and
  extrapolated to all of them;
- England: 650,000 referrals a year across 150 organisations (about 4,333 each) for 5
  years, each organisation's frames built straight from the generator (too large to
  import through the ORM); the engine and DuckDB per organisation, summed. Timed on a
  sample of ENGLAND_SAMPLE organisations and extrapolated to 150 (all 150 with
  SIGHTLINE_BENCH_ENGLAND_ALL=1, about 10 minutes more), and with 2 worker processes.

Seconds are the median of REPEATS runs; peak memory is the process's resident memory
high-water mark during a run above what it held before (Linux: VmHWM, reset through
/proc/self/clear_refs), which counts DuckDB's own allocations too. DuckDB runs with its
default threads (2 here); the engine in one process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import re
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from django.db import connections

from benchmarks.bench_engine import REFERRALS_PER_YEAR, SEED, TEAMS, YEARS
from benchmarks.throwaway import throwaway_database

T = TypeVar("T")
REPEATS = 3
ORM_UNITS = 20  # units sampled for the per-unit ORM approach
ORM_PERIOD_STEP = 20  # every 20th period of those units
ENGLAND_ORGANISATIONS = 150
ENGLAND_REFERRALS = 650_000
ENGLAND_SAMPLE = 30
ENGLAND_TEAMS = [
    (f"{area}{number:02d}", f"{name} {area}", area, f"Locality {area}")
    for area in ("N", "S")
    for number, name in enumerate(
        ["Assessment", "Child in Need", "Child Protection", "Children in Care", "Leaving Care"],
        start=1,
    )
]


def _memory_kib(field: str) -> int:
    status = Path("/proc/self/status").read_text()
    found = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) if found else 0


def measured(function: Callable[[], T]) -> tuple[T, float, float]:
    """(result, seconds, peak MiB above the memory held before)."""
    with contextlib.suppress(OSError):  # resets VmHWM to the current RSS
        Path("/proc/self/clear_refs").write_text("5")
    before = _memory_kib("VmRSS")
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    return result, seconds, max(_memory_kib("VmHWM") - before, 0) / 1024


def repeated(function: Callable[[], T], times: int = REPEATS) -> tuple[T, float, float]:
    """(last result, median seconds, largest peak MiB) of several runs."""
    runs = [measured(function) for _ in range(times)]
    return runs[-1][0], statistics.median(r[1] for r in runs), max(r[2] for r in runs)


def disagreements(engine: Any, duck: Any) -> Counter[tuple[str, str]]:
    """Rows where the engine and DuckDB differ, counted by indicator and period end."""
    from coredata import crosscheck

    wrong = crosscheck.differences(engine, duck)
    ends = wrong["period_end"].dt.strftime("%Y-%m-%d")
    return Counter(zip(wrong["indicator"].astype(str), ends, strict=True))


def _describe(counts: Counter[tuple[str, str]]) -> str:
    if not counts:
        return "none"
    return ", ".join(f"{code} at R={end}: {n}" for (code, end), n in sorted(counts.items()))


# --- the large authority ----------------------------------------------------------------


def _generate(path: str) -> None:
    from coredata.synthetic import generate

    data = generate(la_code="999", teams=TEAMS, workers=None, start=date(2021, 4, 1),
                    years=YEARS, referrals_per_year=REFERRALS_PER_YEAR, seed=SEED)  # fmt: skip
    Path(path).write_bytes(pickle.dumps(data))


def _sample_units(units: list[Any], size: int) -> list[Any]:
    """`size` units taken in turn from each unit type (the organisation, Unallocated,
    services, teams, practitioners), so that every type is timed."""
    by_type: dict[str, list[Any]] = {}
    for unit in units:
        by_type.setdefault(unit.unit_type, []).append(unit)
    chosen: list[Any] = []
    while len(chosen) < min(size, len(units)):
        for group in by_type.values():
            if group and len(chosen) < size:
                chosen.append(group.pop(0))
    return chosen


def _orm_sample(organisation: Any, inputs: Any, engine: Any) -> dict[str, float]:
    """A1 and P1 by a Django ORM query per unit and period, on ORM_UNITS units (of every
    type) and every ORM_PERIOD_STEP-th period, extrapolated to every unit and period
    (the mean seconds of a cell of each unit type × that type's units × periods); with
    the share of sampled cells whose figures equal the engine's."""
    from benchmarks import per_unit_orm
    from coredata.indicators.periods import periods_between

    units = per_unit_orm.units_of(organisation)
    periods = periods_between(inputs.first_month_end, inputs.last_month_end)
    chosen = list(periods.iloc[::ORM_PERIOD_STEP].itertuples())
    sample = [(u, p) for u in _sample_units(units, ORM_UNITS) for p in chosen]
    per_type = {u.unit_type: 0 for u in units}
    for unit in units:
        per_type[unit.unit_type] += 1
    figures: dict[str, float] = {
        "orm_units": float(len(units)),
        "orm_cells": float(len(units) * len(periods)),
        "orm_sample_cells": float(len(sample)),
    }
    by_key = engine.set_index(
        ["indicator", "breakdown", "unit_type", "unit_code", "period_start", "period_end"]
    )["numerator"].to_dict()

    def engine_value(code: str, text: str, unit: Any, period: Any) -> float:
        key = (code, text, unit.unit_type, unit.unit_code, period.period_start, period.period_end)
        return float(by_key.get(key, 0.0))

    for code in ("A1", "P1"):

        def run_sample(code: str = code) -> tuple[int, dict[str, list[float]]]:
            same, seconds = 0, {t: [] for t in per_type}
            for unit, period in sample:
                start, end = period.period_start.date(), period.period_end.date()
                started = time.perf_counter()
                if code == "A1":
                    got = {"": per_unit_orm.a1_referrals(organisation, unit, start, end)}
                else:
                    counts = per_unit_orm.p1_children_by_tier(organisation, unit, end)
                    got = {f"tier={tier}": n for tier, n in counts.items()}
                seconds[unit.unit_type].append(time.perf_counter() - started)
                same += all(engine_value(code, text, unit, period) == n for text, n in got.items())
            return same, seconds

        (agree, seconds), elapsed, peak = measured(run_sample)
        figures[f"orm_{code}_sample_seconds"] = elapsed
        figures[f"orm_{code}_seconds"] = sum(
            statistics.mean(seconds[t]) * per_type[t] * len(periods) for t in per_type
        )
        figures[f"orm_{code}_peak_mib"] = peak
        figures[f"orm_{code}_agree_share"] = agree / len(sample)
    return figures


def large_authority() -> tuple[dict[str, float], str]:
    from coredata import crosscheck
    from coredata.demo import synthetic_load
    from coredata.frames import engine_inputs_for
    from coredata.indicators.registry import compute_all
    from organisation.models import Organisation

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        connections.close_all()
        child = multiprocessing.get_context("fork").Process(
            target=_generate, args=(str(folder / "data.pickle"),)
        )
        child.start()
        child.join()
        assert child.exitcode == 0, "generating the data failed"
        data = pickle.loads((folder / "data.pickle").read_bytes())  # noqa: S301 - our own file
        with throwaway_database(folder):
            organisation = Organisation.objects.create(name="Bigshire", la_code="999")
            synthetic_load(organisation=organisation, data=data, folder=folder / "files")
            inputs = engine_inputs_for(organisation=organisation, today=date(2026, 4, 30))
            figures: dict[str, float] = {"referrals": float(len(inputs.frame("referrals")))}
            for label, run in (
                ("engine_all", lambda: compute_all(inputs)),
                ("engine_subset", lambda: compute_all(inputs, codes=crosscheck.CODES)),
                ("duckdb_subset", lambda: crosscheck.compute(inputs)),
            ):
                result, seconds, peak = repeated(run)
                figures[f"{label}_seconds"], figures[f"{label}_peak_mib"] = seconds, peak
                if label == "engine_subset":
                    engine = result
                if label == "duckdb_subset":
                    wrong = disagreements(engine, result)
                    figures["differences"] = float(sum(wrong.values()))
                    figures["subset_rows"] = float(len(result))
            figures.update(_orm_sample(organisation, inputs, engine))
            return figures, _describe(wrong)


# --- England ----------------------------------------------------------------------------


def _england_inputs(number: int) -> Any:
    from benchmarks.synthetic_frames import inputs_from_synthetic
    from coredata.synthetic import generate

    data = generate(
        la_code=f"{100 + number:03d}", teams=ENGLAND_TEAMS, workers=None,
        start=date(2021, 4, 1), years=5,
        referrals_per_year=ENGLAND_REFERRALS // ENGLAND_ORGANISATIONS, seed=5000 + number,
    )  # fmt: skip
    return inputs_from_synthetic(data)


def _engine_seconds(path: str) -> float:
    """In a worker process: the engine on every indicator for one organisation's saved
    inputs (loading them not timed)."""
    from coredata.indicators.registry import compute_all

    inputs = pickle.loads(Path(path).read_bytes())  # noqa: S301 - our own file
    started = time.perf_counter()
    compute_all(inputs)
    return time.perf_counter() - started


def england() -> tuple[dict[str, float], str]:
    from coredata import crosscheck
    from coredata.indicators.registry import compute_all

    everyone = os.environ.get("SIGHTLINE_BENCH_ENGLAND_ALL") == "1"
    count = ENGLAND_ORGANISATIONS if everyone else ENGLAND_SAMPLE
    totals = {"engine_all": 0.0, "engine_subset": 0.0, "duckdb_subset": 0.0}
    peaks = dict.fromkeys(totals, 0.0)
    referrals = 0
    wrong: Counter[tuple[str, str]] = Counter()
    with tempfile.TemporaryDirectory() as temporary:
        paths = []
        for number in range(count):
            inputs = _england_inputs(number)
            referrals += len(inputs.frame("referrals"))
            path = Path(temporary) / f"org{number}.pickle"
            path.write_bytes(pickle.dumps(inputs))
            paths.append(str(path))
            runs = {
                "engine_all": lambda: compute_all(inputs),  # noqa: B023 - called at once
                "engine_subset": lambda: compute_all(inputs, codes=crosscheck.CODES),  # noqa: B023
                "duckdb_subset": lambda: crosscheck.compute(inputs),  # noqa: B023
            }
            results = {}
            for label, run in runs.items():
                results[label], seconds, peak = measured(run)
                totals[label] += seconds
                peaks[label] = max(peaks[label], peak)
            wrong += disagreements(results["engine_subset"], results["duckdb_subset"])
        started = time.perf_counter()
        with multiprocessing.get_context("fork").Pool(2) as pool:
            pool.map(_engine_seconds, paths)
        two_workers = time.perf_counter() - started
    scale = ENGLAND_ORGANISATIONS / count
    figures = {
        "organisations_timed": float(count),
        "referrals_timed": float(referrals),
        "scale": scale,
        "differences": float(sum(wrong.values())),
        "engine_all_2_workers_seconds": two_workers * scale,
    }
    for label in totals:
        figures[f"{label}_seconds"] = totals[label] * scale
        figures[f"{label}_peak_mib"] = peaks[label]
    figures["cpu_parallel_speedup"] = _parallel_speedup()
    return figures, _describe(wrong)


def _spin(_: int) -> float:
    started = time.perf_counter()
    total = 0
    for number in range(30_000_000):
        total += number
    return time.perf_counter() - started


def _parallel_speedup() -> float:
    """How much faster two CPU-bound processes finish two tasks than one does: 2.0 on two
    free cores, less when other work shares the machine."""
    alone = _spin(0) * 2
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_spin, [0, 1])
    return alone / (time.perf_counter() - started)


# --- the table --------------------------------------------------------------------------


def _table(
    large: dict[str, float], country: dict[str, float], large_wrong: str, england_wrong: str
) -> str:
    duck_large, duck_england = large["duckdb_subset_seconds"], country["duckdb_subset_seconds"]
    rows = [
        ("engine, all indicators", "engine_all", None),
        ("engine, subset", "engine_subset", "duck"),
        ("DuckDB SQL, subset", "duckdb_subset", "duck"),
    ]
    lines = [
        f"{'':34}{'large authority':>30}{'England (150 organisations)':>36}",
        f"{'':34}{'seconds':>10}{'peak MiB':>10}{'/DuckDB':>10}"
        f"{'seconds':>12}{'peak MiB':>12}{'/DuckDB':>12}",
    ]
    for name, key, ratio in rows:
        r1 = f"{large[f'{key}_seconds'] / duck_large:.2f}" if ratio else ""
        r2 = f"{country[f'{key}_seconds'] / duck_england:.2f}" if ratio else ""
        lines.append(
            f"{name:34}{large[f'{key}_seconds']:10.2f}{large[f'{key}_peak_mib']:10.0f}{r1:>10}"
            f"{country[f'{key}_seconds']:12.1f}{country[f'{key}_peak_mib']:12.0f}{r2:>12}"
        )
    lines.append(
        f"{'engine, all, 2 worker processes':34}{'':30}"
        f"{country['engine_all_2_workers_seconds']:12.1f}"
    )
    for code in ("A1", "P1"):
        lines.append(
            f"{'ORM per unit and period, ' + code:34}{large[f'orm_{code}_seconds']:10.1f}"
            f"{large[f'orm_{code}_peak_mib']:10.0f}"
            f"{large[f'orm_{code}_seconds'] / duck_large:>10.0f}"
        )
    lines += [
        f"Subset: {', '.join(_codes())}. Rows where the engine and DuckDB differ: large "
        f"authority {large['differences']:.0f} of {large['subset_rows']:.0f} ({large_wrong}); "
        f"England {country['differences']:.0f} ({england_wrong}).",
        f"ORM: timed on {large['orm_sample_cells']:.0f} (unit, period) cells ({ORM_UNITS} "
        f"units of every type, every {ORM_PERIOD_STEP}th period) and extrapolated to "
        f"{large['orm_cells']:.0f} cells ({large['orm_units']:.0f} units); its figures equal "
        f"the engine's in {large['orm_A1_agree_share']:.0%} (A1) and "
        f"{large['orm_P1_agree_share']:.0%} (P1) of the sampled cells.",
        f"England: {country['organisations_timed']:.0f} organisations of about "
        f"{ENGLAND_REFERRALS // ENGLAND_ORGANISATIONS:,} referrals a year timed one after "
        f"another, extrapolated x{country['scale']:.0f} to {ENGLAND_ORGANISATIONS}; peak "
        "memory is one organisation's. 2 worker processes: wall time, loading each "
        "organisation's frames included; two CPU-bound processes ran "
        f"{country['cpu_parallel_speedup']:.1f}x as fast as one on this machine at the time.",
        "Targets: large authority under 5 s for everything, England under 120 s, within 2x "
        "of DuckDB.",
    ]
    return "\n".join(lines)


def _codes() -> list[str]:
    from coredata.crosscheck import CODES

    return CODES


def run() -> dict[str, float]:
    large, large_wrong = large_authority()
    country, england_wrong = england()
    print(_table(large, country, large_wrong, england_wrong), flush=True)
    figures = {f"large_{key}": value for key, value in large.items()}
    figures.update({f"england_{key}": value for key, value in country.items()})
    return figures
