"""Run the benchmarks: `python -m benchmarks [name ...]`."""

import argparse
import os
import sys
import time
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_system.settings")
django.setup()

from benchmarks import registry  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    args = parser.parse_args()
    chosen: dict[str, Callable[[], dict[str, float]]] = {
        name: bench
        for name, bench in registry.BENCHMARKS.items()
        if not args.names or name in args.names
    }
    if not chosen:
        print("No benchmark matches.", file=sys.stderr)
        return 2
    for name, bench in chosen.items():
        started = time.perf_counter()
        results = bench()
        elapsed = time.perf_counter() - started
        figures = ", ".join(f"{key}={value:.3f}" for key, value in results.items())
        print(f"{name}: {figures} (total {elapsed:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
