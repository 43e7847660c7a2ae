"""What makes a flag rule valid: checked by the services (and so the form) before a rule
is saved, with a plain-English message per field."""

from __future__ import annotations

import string
from typing import Any

from coredata.indicator_display import PCT, measure_kind
from coredata.indicators.registry import INDICATORS
from qa_system.flag_measures import AUDIT_LABELS, SURVEY_LABELS
from qa_system.flags import (
    AUDITS,
    COMPARISON_WORDS,
    COREDATA,
    FALLING,
    LT_OR_TOO_FEW,
    NONE,
    RISING,
    SURVEYS,
    THRESHOLD,
    VERSUS_ORGANISATION,
    wording_errors,
)
from qa_system.models import UNIT_TYPES, MeasureSource, SecondCondition

RULE_FIELDS = (
    "name",
    "description",
    "unit_types",
    "a_source",
    "a_code",
    "a_breakdown",
    "a_comparison",
    "a_threshold",
    "a_min_base",
    "b_condition",
    "b_source",
    "b_code",
    "b_breakdown",
    "b_comparison",
    "b_threshold",
    "b_periods",
    "b_min_base",
    "wording",
)
MAX_TREND_PERIODS = 8
# Placeholders that only mean something with a given second condition.
B_PLACEHOLDERS = {
    "b": {THRESHOLD, RISING, FALLING, VERSUS_ORGANISATION},
    "b_threshold": {THRESHOLD, VERSUS_ORGANISATION},
    "b_start": {RISING, FALLING},
    "periods": {RISING, FALLING},
    "b_organisation": {VERSUS_ORGANISATION},
}


def _code_problem(source: str, code: str) -> str:
    """Why a measure code is not one its source stores ('' when it is)."""
    if not code:
        return "Enter the measure's code."
    for part in code.split("|"):
        if source == COREDATA:
            from coredata.indicators import catalogue  # noqa: F401 - registers them

            if part not in INDICATORS:
                return f"{part} is not a core data indicator (for example P2 or W5)."
        elif source == AUDITS and part not in AUDIT_LABELS:
            return f"{part} is not an audit measure (for example section_grade)."
        elif source == SURVEYS and not (part in SURVEY_LABELS or part.startswith(("q:", "rate:"))):
            return (
                f"{part} is not a survey measure (an indicator, q:<survey>:<question> "
                "or rate:family)."
            )
    return ""


def _is_percentage(source: str, code: str, breakdown: str) -> bool:
    first = code.split("|")[0]
    if source == COREDATA:
        definition = INDICATORS.get(first)
        return definition is not None and measure_kind(definition.unit, breakdown) == PCT
    if source == AUDITS:
        from qa_system.flag_measures import AUDIT_COUNTS, AUDIT_MEANS

        return first not in AUDIT_COUNTS | AUDIT_MEANS
    return source == SURVEYS


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _measure_problems(
    fields: dict[str, Any], prefix: str, *, comparison_needed: bool
) -> dict[str, str]:
    problems: dict[str, str] = {}
    source = fields.get(f"{prefix}_source") or ""
    code = (fields.get(f"{prefix}_code") or "").strip()
    breakdown = (fields.get(f"{prefix}_breakdown") or "").strip()
    name = prefix.upper()
    if source not in MeasureSource.values:
        problems[f"{prefix}_source"] = f"Choose where measure {name} comes from."
        return problems
    if problem := _code_problem(source, code):
        problems[f"{prefix}_code"] = problem
    comparison = fields.get(f"{prefix}_comparison") or ""
    if comparison_needed and comparison not in COMPARISON_WORDS:
        problems[f"{prefix}_comparison"] = f"Choose how measure {name} is compared."
    if comparison == LT_OR_TOO_FEW and source != SURVEYS:
        problems[f"{prefix}_comparison"] = "Only survey figures can have too few responses to show."
    threshold = _number(fields.get(f"{prefix}_threshold"))
    if comparison_needed and threshold is None:
        problems[f"{prefix}_threshold"] = f"Enter measure {name}'s threshold as a number."
    elif (
        threshold is not None
        and f"{prefix}_code" not in problems
        and _is_percentage(source, code, breakdown)
        and not 0 <= threshold <= 100
    ):
        problems[f"{prefix}_threshold"] = "A percentage threshold is between 0 and 100."
    return problems


def rule_problems(fields: dict[str, Any]) -> dict[str, str]:
    """Each field's problem, in plain English (empty when the rule is valid)."""
    problems: dict[str, str] = {}
    if not (fields.get("name") or "").strip():
        problems["name"] = "Enter a name for the rule."
    unit_types = list(fields.get("unit_types") or [])
    if not unit_types or any(u not in UNIT_TYPES for u in unit_types):
        problems["unit_types"] = "Choose at least one kind of unit the rule looks at."
    problems.update(_measure_problems(fields, "a", comparison_needed=True))
    condition = fields.get("b_condition") or NONE
    if condition not in SecondCondition.values:
        problems["b_condition"] = "Choose the second condition."
        return problems
    if condition != NONE:
        problems.update(_measure_problems(fields, "b", comparison_needed=condition == THRESHOLD))
    if condition in (RISING, FALLING):
        periods = _number(fields.get("b_periods"))
        if periods is None or not periods.is_integer() or not 1 <= periods <= MAX_TREND_PERIODS:
            problems["b_periods"] = (
                f"Enter over how many periods, a whole number from 1 to {MAX_TREND_PERIODS}."
            )
    if condition == VERSUS_ORGANISATION:
        if (fields.get("b_comparison") or "") not in COMPARISON_WORDS or (
            fields.get("b_comparison") == LT_OR_TOO_FEW
        ):
            problems["b_comparison"] = "Choose whether the unit is above or below the organisation."
        if unit_types == ["organisation"]:
            problems["unit_types"] = (
                "A comparison with the organisation needs services, teams or practitioners."
            )
    wording = fields.get("wording") or ""
    errors = wording_errors(wording)
    if errors:
        problems["wording"] = errors[0]
    else:
        for _, field, _, _ in string.Formatter().parse(wording):
            if field in B_PLACEHOLDERS and condition not in B_PLACEHOLDERS[field]:
                problems["wording"] = f"{{{field}}} has no value with this second condition."
                break
    return problems
