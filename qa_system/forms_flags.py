"""The flag rule form: parses input; the rule's validity is the service's to judge
(`qa_system.flag_rule_checks`), and its problems come back onto these fields."""

from typing import Any

from django import forms

from qa_system.flags import PLACEHOLDERS
from qa_system.models import UNIT_TYPES, Comparison, MeasureSource, SecondCondition

UNIT_CHOICES = [
    (u, f"{u.capitalize()}s" if u != "organisation" else "The organisation") for u in UNIT_TYPES
]
MEASURE_HELP = (
    "Core data: an indicator code such as P2 or W5, with its breakdown (for example "
    "tier=CP;view=open;min=2y). Audits: section_grade (breakdown "
    "section=C;grade=outstanding|good), good_or_better, agreement, actions_overdue... "
    "Surveys: an indicator such as staff_caseload, a question "
    "q:&lt;survey&gt;:&lt;question&gt;, or rate:family. Separate alternatives read "
    "together with |."
)


class FlagRuleForm(forms.Form):
    name = forms.CharField(max_length=200, required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    unit_types = forms.MultipleChoiceField(
        label="Units the rule looks at",
        choices=UNIT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    a_source = forms.ChoiceField(
        label="Measure A comes from",
        choices=[("", "Choose")] + MeasureSource.choices,
        required=False,
    )
    a_code = forms.CharField(
        label="Measure A code", max_length=120, required=False, help_text=MEASURE_HELP
    )
    a_breakdown = forms.CharField(label="Measure A breakdown", max_length=120, required=False)
    a_comparison = forms.ChoiceField(
        label="Measure A condition",
        choices=[("", "Choose")] + Comparison.choices,
        required=False,
    )
    a_threshold = forms.CharField(
        label="Measure A threshold",
        required=False,
        help_text="A number, in the measure's own unit: percentages from 0 to 100.",
    )
    a_min_base = forms.IntegerField(
        label="Judge measure A only when it counts at least",
        min_value=0,
        initial=0,
        required=False,
    )
    b_condition = forms.ChoiceField(
        label="Second condition", choices=SecondCondition.choices, required=False
    )
    b_source = forms.ChoiceField(
        label="Measure B comes from",
        choices=[("", "None")] + MeasureSource.choices,
        required=False,
    )
    b_code = forms.CharField(label="Measure B code", max_length=120, required=False)
    b_breakdown = forms.CharField(label="Measure B breakdown", max_length=120, required=False)
    b_comparison = forms.ChoiceField(
        label="Measure B condition",
        choices=[("", "None")] + Comparison.choices,
        required=False,
        help_text="Against a threshold, or (for a comparison with the organisation) whether "
        "the unit is above or below it.",
    )
    b_threshold = forms.CharField(
        label="Measure B threshold",
        required=False,
        help_text="For a comparison with the organisation: the margin (0 for any difference).",
    )
    b_periods = forms.CharField(label="Trend over how many periods", required=False)
    b_min_base = forms.IntegerField(
        label="Judge measure B only when it counts at least",
        min_value=0,
        initial=0,
        required=False,
    )
    wording = forms.CharField(
        label="Wording of the flag",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Placeholders: "
        + "; ".join(f"{{{name}}} {words}" for name, words in PLACEHOLDERS.items())
        + ".",
    )

    def rule_fields(self) -> dict[str, Any]:
        """The cleaned input as the services take it (numbers as typed; they judge)."""
        data = dict(self.cleaned_data)
        for name in ("a_threshold", "b_threshold", "b_periods"):
            value = (data.get(name) or "").strip()
            data[name] = _number(value)
        if data["b_periods"] is not None and float(data["b_periods"]).is_integer():
            data["b_periods"] = int(data["b_periods"])
        data["a_min_base"] = data.get("a_min_base") or 0
        data["b_min_base"] = data.get("b_min_base") or 0
        data["b_condition"] = data.get("b_condition") or "none"
        return data


def _number(value: str) -> float | str | None:
    """A number, or the text itself so that the service names the problem."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return value


def initial_from_rule(rule: Any) -> dict[str, Any]:
    from qa_system.flag_rule_checks import RULE_FIELDS

    initial = {name: getattr(rule, name) for name in RULE_FIELDS}
    for name in ("a_threshold", "b_threshold"):
        value = initial[name]
        initial[name] = "" if value is None else f"{value:g}"
    initial["b_periods"] = "" if rule.b_periods is None else str(rule.b_periods)
    return initial
