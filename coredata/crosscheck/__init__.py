"""A second, independent computation of indicators in DuckDB SQL, to check the engine.

The engine (`coredata.indicators`) is vectorised pandas; this package computes A1, A3,
P1, P2, O1, O2 and W2 again from the same input frames (`EngineInputs`, registered as
DuckDB views) with one readable SQL query per indicator, written from INDICATORS.md. It
shares nothing else with the engine: even the periods (their starts and ends) are
derived again in SQL, and events are matched to periods day by day.
`compute(inputs)` gives rows in the results format; `differences(a, b)` lists where two
results disagree. Used by tests/coredata/test_crosscheck.py and by `make bench`
(benchmarks/bench_crosscheck.py). Not part of the running application: duckdb is a
development dependency only, and nothing here imports Django.
"""

from coredata.crosscheck.run import CODES, compute, connect, differences

__all__ = ["CODES", "compute", "connect", "differences"]
