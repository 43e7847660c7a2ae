"""Where the measures disagree: judging one flag rule for one unit and period.

Pure functions over plain values (no database): the flags service reads the stored
per-unit results of core data, audits and surveys into a `Lookup`, and this module says
whether a rule is raised, with the numbers behind it and the sentence it shows.

A rule raises a flag when measure A meets its condition (a comparison with a threshold)
**and** its second condition holds: none, measure B against a threshold, measure B rising
(or falling) in each of the last N periods, or measure B compared with the
organisation's own value. A measure with no value, or counting fewer than the rule's
minimum base, cannot be judged: nothing is raised. Survey figures suppressed for too few
responses are never shown or guessed: only the "too few" comparison uses the fact.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from coredata.indicator_display import COUNT, PCT, format_value

COREDATA = "coredata"
AUDITS = "audits"
SURVEYS = "surveys"
ORGANISATION = "organisation"

LT, LE, GT, GE, LT_OR_TOO_FEW = "lt", "le", "gt", "ge", "lt_or_too_few"
NONE, THRESHOLD, RISING, FALLING, VERSUS_ORGANISATION = (
    "none",
    "threshold",
    "rising",
    "falling",
    "organisation",
)
COMPARISON_WORDS = {
    LT: "below",
    LE: "at most",
    GT: "above",
    GE: "at least",
    LT_OR_TOO_FEW: "below (or too few responses to show)",
}
TOO_FEW_TEXT = "too few responses to show"

# What a rule's wording may say, in {braces}.
PLACEHOLDERS = {
    "unit": "the unit's name",
    "period": "the period, e.g. Q1 2025-26",
    "a": "measure A's value",
    "a_base": "how many measure A counts (e.g. '12 audits' base: 12)",
    "a_threshold": "measure A's threshold",
    "b": "measure B's value",
    "b_threshold": "measure B's threshold (or margin over the organisation)",
    "b_start": "measure B's value at the start of the trend",
    "b_organisation": "the organisation's value of measure B",
    "periods": "the number of periods of the trend",
}

UnitKey = tuple[str, int]  # (unit type, pk)
PeriodKey = tuple[str, date, date]  # (period type, start, end)


@dataclass(frozen=True)
class Measure:
    source: str
    code: str
    breakdown: str = ""

    def as_json(self) -> dict[str, str]:
        return {"source": self.source, "code": self.code, "breakdown": self.breakdown}


@dataclass(frozen=True)
class Value:
    """One stored figure: `value` None when there is no data; `too_few` when the source
    suppressed it for too few responses (then no number is known). `kind`: count, pct,
    ratio or rate_10k (percentages are 0 to 100)."""

    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    too_few: bool = False
    kind: str = PCT

    @property
    def base(self) -> float | None:
        """How many the figure counts: the denominator, or a count's own value."""
        return self.denominator if self.denominator is not None else self.numerator

    @property
    def text(self) -> str:
        if self.too_few:
            return TOO_FEW_TEXT
        return "no data" if self.value is None else format_value(self.kind, self.value)

    def as_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "too_few": self.too_few,
            "kind": self.kind,
            "text": self.text,
        }


Lookup = Mapping[tuple[Measure, UnitKey, PeriodKey], Value]


@dataclass(frozen=True)
class RuleSpec:
    """A rule as the judge needs it (built from a FlagRule by `rule_spec`)."""

    a: Measure
    a_comparison: str
    a_threshold: float
    wording: str
    a_min_base: int = 0
    b_condition: str = NONE
    b: Measure | None = None
    b_comparison: str = ""
    b_threshold: float | None = None
    b_periods: int | None = None
    b_min_base: int = 0
    unit_types: tuple[str, ...] = ("organisation", "service", "team", "practitioner")


def rule_spec(rule: Any) -> RuleSpec:
    """The judge's view of a FlagRule (or anything with its fields)."""
    has_b = rule.b_condition != NONE
    return RuleSpec(
        a=Measure(rule.a_source, rule.a_code, rule.a_breakdown or ""),
        a_comparison=rule.a_comparison,
        a_threshold=float(rule.a_threshold),
        a_min_base=rule.a_min_base or 0,
        wording=rule.wording,
        b_condition=rule.b_condition,
        b=Measure(rule.b_source, rule.b_code, rule.b_breakdown or "") if has_b else None,
        b_comparison=rule.b_comparison or "",
        b_threshold=None if rule.b_threshold is None else float(rule.b_threshold),
        b_periods=rule.b_periods,
        b_min_base=rule.b_min_base or 0,
        unit_types=tuple(rule.unit_types or ()),
    )


def compare(value: Value, comparison: str, threshold: float) -> bool:
    """Whether a figure meets a comparison (False when it has no number to compare)."""
    if comparison == LT_OR_TOO_FEW and value.too_few:
        return True
    if value.value is None or value.too_few:
        return False
    number = value.value
    return {
        LT: number < threshold,
        LE: number <= threshold,
        GT: number > threshold,
        GE: number >= threshold,
        LT_OR_TOO_FEW: number < threshold,
    }[comparison]


def _judgeable(value: Value | None, min_base: int, comparison: str = "") -> bool:
    if value is None:
        return False
    if value.too_few:
        return comparison == LT_OR_TOO_FEW
    if value.value is None:
        return False
    return not min_base or (value.base or 0) >= min_base


@dataclass(frozen=True)
class Evaluation:
    """The judgement of one rule for one unit and period: `raised`, and when raised the
    sentence and the numbers behind it (JSON, stored on the Flag)."""

    raised: bool
    text: str = ""
    numbers: dict[str, Any] | None = None


NOT_RAISED = Evaluation(False)


def threshold_text(kind: str, threshold: float | None) -> str:
    if threshold is None:
        return ""
    return format_value(COUNT if kind == COUNT else kind, threshold)


def evaluate(
    rule: RuleSpec,
    *,
    unit: UnitKey,
    unit_name: str,
    period: PeriodKey,
    period_label: str,
    earlier: list[PeriodKey],
    earlier_labels: list[str],
    organisation_unit: UnitKey,
    values: Lookup,
    label_of: Callable[[Measure], str],
) -> Evaluation:
    """Whether `rule` is raised for `unit` in `period`. `earlier` are the periods of the
    same type before `period`, oldest first (for trends), with their labels."""
    if unit[0] not in rule.unit_types:
        return NOT_RAISED
    a_value = values.get((rule.a, unit, period))
    if a_value is None or not _judgeable(a_value, rule.a_min_base, rule.a_comparison):
        return NOT_RAISED
    if not compare(a_value, rule.a_comparison, rule.a_threshold):
        return NOT_RAISED
    numbers: dict[str, Any] = {
        "a": {
            **rule.a.as_json(),
            **a_value.as_json(),
            "label": label_of(rule.a),
            "condition": f"{COMPARISON_WORDS[rule.a_comparison]} "
            f"{threshold_text(a_value.kind, rule.a_threshold)}",
        },
        "b_condition": rule.b_condition,
    }
    fill: dict[str, str] = {
        "unit": unit_name,
        "period": period_label,
        "a": a_value.text,
        "a_base": "" if a_value.base is None else f"{a_value.base:,.0f}",
        "a_threshold": threshold_text(a_value.kind, rule.a_threshold),
        "b": "",
        "b_threshold": "",
        "b_start": "",
        "b_organisation": "",
        "periods": str(rule.b_periods or ""),
    }
    if rule.b_condition != NONE:
        second = _second(
            rule, unit, period, period_label, earlier, earlier_labels, organisation_unit, values
        )
        if second is None:
            return NOT_RAISED
        b_numbers, b_fill = second
        numbers["b"] = {**b_numbers, "label": label_of(rule.b)} if rule.b else b_numbers
        fill.update(b_fill)
    return Evaluation(True, wording_render(rule.wording, fill), numbers)


def _second(
    rule: RuleSpec,
    unit: UnitKey,
    period: PeriodKey,
    period_label: str,
    earlier: list[PeriodKey],
    earlier_labels: list[str],
    organisation_unit: UnitKey,
    values: Lookup,
) -> tuple[dict[str, Any], dict[str, str]] | None:
    """Measure B's condition: its numbers and placeholders when it holds, else None."""
    b = rule.b
    if b is None:
        return None
    b_value = values.get((b, unit, period))
    if b_value is None or not _judgeable(b_value, rule.b_min_base, rule.b_comparison):
        return None
    numbers: dict[str, Any] = {**b.as_json(), **b_value.as_json()}
    fill = {"b": b_value.text}
    if rule.b_condition == THRESHOLD:
        if rule.b_threshold is None or not compare(b_value, rule.b_comparison, rule.b_threshold):
            return None
        words = COMPARISON_WORDS[rule.b_comparison]
        numbers["condition"] = f"{words} {threshold_text(b_value.kind, rule.b_threshold)}"
        fill["b_threshold"] = threshold_text(b_value.kind, rule.b_threshold)
        return numbers, fill
    if rule.b_condition in (RISING, FALLING):
        steps = rule.b_periods or 1
        if len(earlier) < steps:
            return None
        keys = [*earlier[-steps:], period]
        labels = [*earlier_labels[-steps:], period_label]
        series = [values.get((b, unit, key)) for key in keys]
        figures = [s.value if s is not None and not s.too_few else None for s in series]
        if any(f is None for f in figures):
            return None
        pairs = list(zip(figures, figures[1:], strict=False))
        rising = rule.b_condition == RISING
        if not all((after > before) if rising else (after < before) for before, after in pairs):  # type: ignore[operator]
            return None
        numbers["condition"] = (
            f"{'rising' if rising else 'falling'} in each of the last {steps} {period[0]}s"
        )
        numbers["series"] = [
            {
                "period": label,
                "start": key[1].isoformat(),
                "end": key[2].isoformat(),
                **(s.as_json() if s else {}),
            }
            for label, key, s in zip(labels, keys, series, strict=True)
        ]
        first = series[0]
        fill["b_start"] = first.text if first else ""
        return numbers, fill
    if rule.b_condition == VERSUS_ORGANISATION:
        if unit == organisation_unit:
            return None
        org_value = values.get((b, organisation_unit, period))
        if org_value is None or org_value.value is None or org_value.too_few:
            return None
        assert b_value.value is not None  # _judgeable checked it  # noqa: S101
        margin = rule.b_threshold or 0.0
        difference = Value(b_value.value - org_value.value, kind=b_value.kind)
        comparison = rule.b_comparison or GT
        if not compare(difference, comparison, margin):
            return None
        words = COMPARISON_WORDS[comparison]
        numbers["condition"] = f"{words} the organisation's" + (
            f" by more than {threshold_text(b_value.kind, margin)}" if margin else ""
        )
        numbers["organisation"] = org_value.as_json()
        fill["b_organisation"] = org_value.text
        fill["b_threshold"] = threshold_text(b_value.kind, margin)
        return numbers, fill
    return None


# --- Wording --------------------------------------------------------------------------


def wording_errors(wording: str) -> list[str]:
    """What is wrong with a rule's wording: unknown or malformed placeholders."""
    errors: list[str] = []
    try:
        parsed = list(string.Formatter().parse(wording))
    except ValueError:
        return ["Check the braces: each placeholder is a name in {braces}, like {a}."]
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            errors.append(
                f"{{{field}}} is not a placeholder. Use: "
                + ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
                + "."
            )
    if not wording.strip():
        errors.append("Enter the wording of the flag.")
    return errors


def wording_render(wording: str, fill: Mapping[str, str]) -> str:
    """The wording with its placeholders filled; wording with a broken placeholder is
    shown as written (forms refuse it: `wording_errors`)."""
    if wording_errors(wording):
        return wording
    return wording.format_map({name: fill.get(name, "") for name in PLACEHOLDERS})
