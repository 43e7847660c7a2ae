"""How a refresh stores its results: the JSON text assembled column by column
(coredata.services.refresh.unit_results_json) is exactly what json.dumps writes for each
unit's dict of lists formatted the straightforward way, row by row (on hand-built rows,
on any rows, and on an engine run over generated data), and reads back as the same
results."""

import json
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.synthetic_frames import inputs_from_synthetic
from coredata.indicators.registry import compute_all
from coredata.indicators.results import RESULT_COLUMNS, RESULT_DTYPES
from coredata.models import RefreshRun, UnitResults
from coredata.models.indicators import RESULT_FIELDS
from coredata.selectors import unit_results_frame
from coredata.services.refresh import unit_results_insert, unit_results_json
from coredata.synthetic import generate
from organisation.models import Organisation


def reference(results: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Each unit's stored text, the plain way: a dict of lists built row by row (ISO dates,
    floats, None for a missing number), units sorted by type and code, json.dumps."""
    units: dict[tuple[str, str], dict[str, list[Any]]] = {}
    for row in results.to_dict("records"):
        lists = units.setdefault(
            (row["unit_type"], row["unit_code"]), {field: [] for field in RESULT_FIELDS}
        )
        for field in RESULT_FIELDS:
            value = row[field]
            if pd.isna(value):
                lists[field].append(None)
            elif field in ("period_start", "period_end"):
                lists[field].append(value.strftime("%Y-%m-%d"))
            elif field in ("numerator", "denominator", "value"):
                lists[field].append(float(value))
            else:
                lists[field].append(str(value))
    return [(kind, code, json.dumps(units[(kind, code)])) for kind, code in sorted(units)]


def results_frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    for column in ("period_start", "period_end"):
        frame[column] = pd.to_datetime(frame[column])
    return frame.astype(RESULT_DTYPES)


HAND_BUILT = results_frame([
    ("team", "T2", "A1", "", "2024-04-01", "2025-03-31", 12.0, None, 12.0),
    ("organisation", "970", "A2", "source=1A", "2024-04-01", "2025-03-31", 1.0, 3.0,
     100 / 3),
    ("team", "T1", "P2", "tier=CP;view=open;min=6m", "2024-02-29", "2025-02-28", 0.0, 7.0,
     0.0),
    ("organisation", "970", "W2", "", "2024-03-01", "2024-03-31", 0.1 + 0.2, 1e-7, 3e6),
    ("team", "T2", "W5", "", "2024-01-01", "2024-03-31", 2.5, 0.0, None),
    ("practitioner", "Wé \"1\"", "W5", "", "2024-01-01", "2024-03-31", -0.0, 1e22, 1e-300),
    ("team", "T1", "A1", "measure=rate_10k", "2024-04-01", "2025-03-31", 4.0, 1.0, 40000.0),
    ("unallocated", "970", "A1", "", "2024-04-01", "2025-03-31", None, None, None),
])  # fmt: skip


def test_the_text_is_what_json_dumps_writes_row_by_row() -> None:
    got = unit_results_json(HAND_BUILT)
    assert got == reference(HAND_BUILT)
    assert [unit[:2] for unit in got] == [
        ("organisation", "970"), ("practitioner", 'Wé "1"'), ("team", "T1"), ("team", "T2"),
        ("unallocated", "970"),
    ]  # fmt: skip
    # Rows keep their order within a unit; missing numbers are null; -0.0 stays itself.
    team = json.loads(got[2][2])
    assert team["indicator"] == ["P2", "A1"]
    assert team["period_start"] == ["2024-02-29", "2024-04-01"]
    assert json.loads(got[3][2])["value"] == [12.0, None]
    assert '"numerator": [-0.0]' in got[1][2]
    assert unit_results_json(HAND_BUILT.iloc[0:0]) == []


UNITS = st.sampled_from([
    ("organisation", "970"), ("service", "S1"), ("team", "T1"), ("team", "T10"),
    ("practitioner", "W1"), ("unallocated", "970"),
])  # fmt: skip
NUMBERS = st.one_of(
    st.none(), st.integers(0, 5000).map(float), st.floats(allow_nan=False, allow_infinity=False)
)
ROWS = st.tuples(
    UNITS,
    st.sampled_from(["A1", "A3", "P2", "W5"]),
    st.sampled_from(["", "outcome=EH", "tier=CP;view=ended;min=2y", "measure=rate_10k"]),
    st.dates(date(2019, 4, 1), date(2026, 3, 31)),
    NUMBERS,
    NUMBERS,
    NUMBERS,
)


@settings(max_examples=60)
@given(st.lists(ROWS, min_size=1, max_size=40))
def test_any_results_give_the_text_json_dumps_writes(rows: list[tuple[Any, ...]]) -> None:
    frame = results_frame(
        [(*unit, code, text, day, day, *figures) for unit, code, text, day, *figures in rows]
    )
    assert unit_results_json(frame) == reference(frame)


@pytest.mark.django_db
def test_stored_rows_read_back_as_the_results() -> None:
    organisation = Organisation.objects.create(name="Testshire", la_code="970")
    run = RefreshRun.objects.create(organisation=organisation, status="succeeded")
    unit_results_insert(run_id=run.pk, units=unit_results_json(HAND_BUILT))
    stored = {
        (row.unit_type, row.unit_code): row.results for row in UnitResults.objects.filter(run=run)
    }
    expected = {(kind, code): json.loads(text) for kind, code, text in reference(HAND_BUILT)}
    assert stored == expected
    if connection.vendor == "sqlite":  # stored as the text itself (jsonb re-encodes it)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT unit_type, unit_code, results FROM coredata_unitresults"
                " WHERE run_id = %s ORDER BY id",
                [run.pk],
            )
            assert cursor.fetchall() == reference(HAND_BUILT)
    # A reader gets the unit's rows back as the engine gave them.
    team = unit_results_frame(run=run, unit_type="team", unit_code="T1")
    want = HAND_BUILT[HAND_BUILT["unit_code"] == "T1"].reset_index(drop=True)
    pd.testing.assert_frame_equal(team, want)
    assert np.isnan(
        unit_results_frame(run=run, unit_type="team", unit_code="T2")["value"].to_numpy(
            dtype="float64", na_value=np.nan
        )[1]
    )


def test_an_engine_run_on_generated_data_is_stored_as_json_dumps_writes_it() -> None:
    """Every indicator for every unit and period of two years of generated data."""
    data = generate(la_code="971", teams=[("N01", "Assessment N", "N", "Locality N"),
                                          ("S01", "Assessment S", "S", "Locality S")],
                    workers=None, start=date(2023, 4, 1), years=2, referrals_per_year=300,
                    seed=5)  # fmt: skip
    results = compute_all(inputs_from_synthetic(data))
    assert len(results) > 10_000
    assert results["denominator"].isna().any()  # counts have none
    assert unit_results_json(results) == reference(results)
