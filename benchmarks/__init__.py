"""Benchmarks, run by `make bench` (never by the test suite).

Each benchmark module registers itself in `BENCHMARKS`; `python -m benchmarks [name...]`
runs them and prints one line per measurement. Later parts of the product (imports, the
indicator engine, pages, survey submissions) add theirs.
"""
