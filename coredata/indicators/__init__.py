"""The indicator engine: pure pandas, no Django (a test enforces it).

DataFrames with documented columns in (`inputs.EngineInputs`), one results frame out
(`results.RESULT_COLUMNS`), every indicator of INDICATORS.md for every unit and period.
`compute_all(inputs)` runs the registry.
"""
