"""The benchmarks `make bench` runs, by name."""

from collections.abc import Callable

from benchmarks import (
    bench_crosscheck,
    bench_engine,
    bench_imports,
    bench_qa_pages,
    bench_surveys,
    bench_visibility,
)

BENCHMARKS: dict[str, Callable[[], dict[str, float]]] = {
    "visibility": bench_visibility.run,
    "imports": bench_imports.run,
    "engine": bench_engine.run,
    "engine_vs_duckdb": bench_crosscheck.run,
    "qa_pages": bench_qa_pages.run,
    "surveys": bench_surveys.run,
}
