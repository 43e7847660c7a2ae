"""Downloads of a unit's survey results as CSV or XLSX: the stored rows, so with the
same suppression as the pages (a suppressed row is written with its numbers empty and
`suppressed` = yes). Aggregates only: no child-level data, so no access log entry."""

import csv
import io
from typing import Any

from openpyxl import Workbook

from surveys.models import SurveyIndicator, SurveyQuestion, SurveyUnitResult
from surveys.results_cells import RATE_FAMILY, RATE_STAFF
from surveys.selectors_results import survey_results_for_unit, survey_unit_get_for_user

COLUMNS = [
    "unit_type", "unit_id", "unit_name", "period_type", "period_start", "period_end",
    "measure", "measure_name", "respondents", "numerator", "denominator", "value",
    "suppressed",
]  # fmt: skip
RATE_NAMES = {RATE_FAMILY: "Response rate (families)", RATE_STAFF: "Response rate (staff)"}


def measure_names(*, organisation_id: int) -> dict[str, str]:
    """A readable name for every measure: indicators, rates, and questions (their
    English text, from the latest version of each survey)."""
    names: dict[str, str] = {str(code): str(label) for code, label in SurveyIndicator.choices}
    names |= RATE_NAMES
    questions = SurveyQuestion.objects.filter(
        template__organisation_id=organisation_id
    ).values_list("template__key", "code", "text", "template__version")
    for key, code, text, _ in sorted(questions, key=lambda row: row[3]):
        names[f"q:{key}:{code}"] = str(text.get("en", code))
    return names


def _table(*, user: Any, unit_type: str, unit_id: int, period_type: str | None) -> list[list[Any]]:
    unit = survey_unit_get_for_user(user=user, unit_type=unit_type, unit_id=unit_id)
    rows: list[SurveyUnitResult] = list(
        survey_results_for_unit(
            user=user, unit_type=unit_type, unit_id=unit_id, period_type=period_type
        )
    )
    names = measure_names(organisation_id=rows[0].organisation_id) if rows else {}
    return [
        [
            row.unit_type,
            row.unit_id,
            unit.name,
            row.period_type,
            row.period_start.isoformat(),
            row.period_end.isoformat(),
            row.measure,
            names.get(row.measure, row.measure),
            row.respondents,
            row.numerator,
            row.denominator,
            row.value,
            "yes" if row.suppressed else "no",
        ]
        for row in rows
    ]


def survey_results_csv(
    *, user: Any, unit_type: str, unit_id: int, period_type: str | None = None
) -> str:
    """The unit's results as CSV text (404 when the user may not see the unit)."""
    table = _table(user=user, unit_type=unit_type, unit_id=unit_id, period_type=period_type)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows([["" if cell is None else cell for cell in row] for row in table])
    return out.getvalue()


def survey_results_xlsx(
    *, user: Any, unit_type: str, unit_id: int, period_type: str | None = None
) -> bytes:
    """The unit's results as an XLSX workbook (one sheet, "results")."""
    table = _table(user=user, unit_type=unit_type, unit_id=unit_id, period_type=period_type)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("results")
    sheet.append(COLUMNS)
    for row in table:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
