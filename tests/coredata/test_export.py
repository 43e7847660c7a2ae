"""Exporting results: the results format, and suppression for publication."""

from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from coredata.services.export import suppress_for_publication


def _results(rows: list[tuple[str, str, float, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("team", "T1", indicator, breakdown, "2024-04-01", "2025-03-31", numerator,
             denominator, numerator if denominator is None else numerator * 100 / denominator)
            for indicator, breakdown, numerator, denominator in rows
        ],
        columns=["unit_type", "unit_code", "indicator", "breakdown", "period_start",
                 "period_end", "numerator", "denominator", "value"],
    )  # fmt: skip


def test_small_counts_are_suppressed_for_publication() -> None:
    published = suppress_for_publication(
        _results([("A1", "", 3, None), ("A1", "", 12, None), ("O1", "", 0, 10)])
    )
    assert published["numerator"].tolist() == ["c", 12, 0]
    assert published["value"].tolist() == ["c", 12, 0.0]


def test_a_second_cell_is_suppressed_where_one_could_be_recovered() -> None:
    published = suppress_for_publication(
        _results([
            ("A3", "outcome=LAC", 2, 40), ("A3", "outcome=CP", 8, 40),
            ("A3", "outcome=CIN", 30, 40), ("A3", "outcome=NFA", 0, 40),
        ])
    )  # fmt: skip
    assert published["numerator"].tolist() == ["c", "c", 30, 0]


def test_the_command_needs_a_finished_refresh(db: None) -> None:
    from organisation.models import Organisation

    Organisation.objects.create(name="Testshire", la_code="901")
    with pytest.raises(CommandError, match="No refresh has finished"):
        call_command("export_indicators", "--organisation", "901")


def test_the_command_writes_the_results_format(db: None, tmp_path: Path) -> None:
    from coredata.models import RefreshRun, UnitResults
    from organisation.models import Organisation

    organisation = Organisation.objects.create(name="Testshire", la_code="901")
    run = RefreshRun.objects.create(organisation=organisation, status="succeeded")
    UnitResults.objects.create(
        run=run, unit_type="organisation", unit_code="901",
        results={"indicator": ["A1", "A1"], "breakdown": ["", "measure=rate_10k"],
                 "period_start": ["2024-04-01"] * 2, "period_end": ["2025-03-31"] * 2,
                 "numerator": [3.0, 3.0], "denominator": [None, 20000.0],
                 "value": [3.0, 1.5]},
    )  # fmt: skip
    out = StringIO()
    call_command("export_indicators", "--organisation", "901", stdout=out)
    assert out.getvalue().splitlines() == [
        "unit_type,unit_code,indicator,breakdown,period_start,period_end,numerator,"
        "denominator,value",
        "organisation,901,A1,,2024-04-01,2025-03-31,3.0,,3.0",
        "organisation,901,A1,measure=rate_10k,2024-04-01,2025-03-31,3.0,20000.0,1.5",
    ]
    published = StringIO()
    call_command("export_indicators", "--organisation", "901", "--for-publication",
                 stdout=published)  # fmt: skip
    assert published.getvalue().splitlines()[1] == "organisation,901,A1,,2024-04-01,2025-03-31,c,,c"
    xlsx = tmp_path / "results.xlsx"
    call_command("export_indicators", "--organisation", "901", "--format", "xlsx",
                 "--output", str(xlsx))  # fmt: skip
    assert pd.read_excel(xlsx)["indicator"].tolist() == ["A1", "A1"]
