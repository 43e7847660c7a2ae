"""Forms of the audits pages. They parse input only; services check the rules.

Widgets are rendered with GOV.UK Frontend's patterns by `templates/audits/_field.html`
(radios and checkboxes in a fieldset with a legend, the date as three inputs, text
areas with a character count).
"""

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from audits.models import (
    AuditProgramme,
    AuditTool,
    Grade,
    RatingScale,
    SectionKind,
    Tier,
)
from coredata.models import Child
from organisation.models import StaffMember, Team

TEXT_LIMIT = 10000
REASON_LIMIT = 2000


def _text(label: str, *, help_text: str = "", required: bool = True, limit: int = REASON_LIMIT,
          rows: int = 5) -> forms.CharField:  # fmt: skip
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year as three inputs (GOV.UK's date input)."""

    def __init__(self) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()])

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    widget = GovukDateWidget

    def __init__(self, **kwargs: Any) -> None:
        parts = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=parts, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str]) -> date | None:
        if not data_list or not any(data_list):
            return None
        day, month, year = (part.strip() if part else "" for part in data_list)
        if not (day and month and year):
            raise ValidationError("Enter a day, a month and a year.")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError("Enter a real date, for example 27 3 2026.") from None


# --- Tools ----------------------------------------------------------------------------


class ToolCreateForm(forms.Form):
    name = forms.CharField(label="Name of the tool", max_length=200)
    description = _text("Description (optional)", required=False, rows=3)
    rating_scale = forms.ChoiceField(
        label="How items are rated",
        choices=RatingScale.choices,
        initial=RatingScale.OFSTED,
        widget=forms.RadioSelect,
        help_text="Each item can use another scale if it needs to.",
    )


class ToolEditForm(forms.Form):
    name = forms.CharField(label="Name of the tool", max_length=200)
    description = _text("Description (optional)", required=False, rows=3)


class ToolImportForm(forms.Form):
    file = forms.FileField(
        label="Tool file (JSON)",
        help_text="A file exported from this page or another Sightline installation. "
        "It becomes a draft: check it, then publish it.",
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise ValidationError("The file must be smaller than 2 MB.")
        data: bytes = upload.read()
        return data


class VersionForm(forms.Form):
    rating_scale = forms.ChoiceField(
        label="How items are rated", choices=RatingScale.choices, widget=forms.RadioSelect
    )
    notes = _text(
        "What changed in this version (optional)", required=False, limit=TEXT_LIMIT, rows=3
    )


class SectionForm(forms.Form):
    code = forms.CharField(label="Code", max_length=8, help_text="A short code, such as B.")
    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(
        label="What the section holds", choices=SectionKind.choices, widget=forms.RadioSelect
    )
    guidance = _text("Guidance for the auditor (optional)", required=False, limit=TEXT_LIMIT)


class ItemForm(forms.Form):
    code = forms.CharField(label="Code", max_length=12, help_text="A short code, such as B1.")
    text = _text("What is looked for", limit=TEXT_LIMIT, rows=3)
    guidance = _text("Guidance: what good looks like (optional)", required=False, limit=TEXT_LIMIT)
    rating_scale = forms.ChoiceField(
        label="How this item is rated",
        choices=[("", "As the rest of the tool"), *RatingScale.choices],
        required=False,
        widget=forms.RadioSelect,
    )


# --- Programme ------------------------------------------------------------------------


class ProgrammeForm(forms.Form):
    name = forms.CharField(label="Name of the programme", max_length=200)
    tool = forms.ModelChoiceField(
        label="Audit tool", queryset=AuditTool.objects.none(), empty_label=None,
        widget=forms.RadioSelect,
    )  # fmt: skip
    unit = forms.ChoiceField(
        label="Audits are counted", choices=AuditProgramme.Unit.choices, widget=forms.RadioSelect
    )
    audits_per_unit = forms.IntegerField(
        label="Audits each month, per team or per practitioner", min_value=1, max_value=50
    )
    tiers = forms.MultipleChoiceField(
        label="Cases eligible, by tier",
        choices=Tier.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cases open on the first of the month. Choose none for every tier.",
    )
    teams = forms.ModelMultipleChoiceField(
        label="Teams",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose none for every team.",
    )
    weight_long_cp = forms.IntegerField(
        label="Extra weight: child protection plan open 18 months or more",
        min_value=0, max_value=10, initial=0, help_text="0 is off; 1 to 10 raises the chance.",
    )  # fmt: skip
    weight_re_referral = forms.IntegerField(
        label="Extra weight: re-referral in the last 12 months",
        min_value=0, max_value=10, initial=0, help_text="0 is off; 1 to 10 raises the chance.",
    )  # fmt: skip
    weight_not_seen = forms.IntegerField(
        label="Extra weight: not seen within the plan's visiting interval",
        min_value=0, max_value=10, initial=0, help_text="0 is off; 1 to 10 raises the chance.",
    )  # fmt: skip
    is_thematic = forms.BooleanField(
        label="Thematic audit: audit a chosen set of cases", required=False
    )
    theme = forms.CharField(label="Theme (for a thematic audit)", max_length=200, required=False)
    thematic_cases = _text(
        "Cases of a thematic audit (optional)",
        required=False,
        limit=TEXT_LIMIT,
        help_text="One case a line: the LA child ID or the case reference.",
    )
    deadline_days = forms.IntegerField(
        label="Days to complete each audit", min_value=1, max_value=180, initial=28
    )
    active = forms.BooleanField(label="Active: draw a sample each month", required=False)

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_id = organisation_id
        tool_field = self.fields["tool"]
        assert isinstance(tool_field, forms.ModelChoiceField)  # noqa: S101
        tool_field.queryset = AuditTool.objects.filter(
            organisation_id=organisation_id, versions__status="published"
        ).distinct()
        team_field = self.fields["teams"]
        assert isinstance(team_field, forms.ModelMultipleChoiceField)  # noqa: S101
        team_field.queryset = Team.objects.filter(organisation_id=organisation_id).order_by("name")

    def clean_thematic_cases(self) -> list[int]:
        """The children named, one a line, by LA child ID or reference (pseudonym)."""
        lines = [line.strip() for line in self.cleaned_data["thematic_cases"].splitlines()]
        wanted = [line for line in lines if line]
        if not wanted:
            return []
        found = Child.objects.filter(
            Q(child_id__in=wanted) | Q(pseudonym__in=wanted), organisation_id=self.organisation_id
        )
        by_key: dict[str, int] = {}
        for child in found:
            by_key[child.child_id] = child.pk
            by_key[child.pseudonym] = child.pk
        unknown = [value for value in wanted if value not in by_key]
        if unknown:
            raise ValidationError(
                f"No case of your organisation has the ID or reference on line "
                f"{lines.index(unknown[0]) + 1}. Check it and try again."
            )
        return sorted({by_key[value] for value in wanted})


class SettingsForm(forms.Form):
    follow_up_weeks = forms.IntegerField(
        label="Weeks within which an inadequate audit is followed up", min_value=1, max_value=52
    )
    moderation_percent = forms.IntegerField(
        label="Share of completed audits moderated (%)",
        min_value=0,
        max_value=100,
        help_text="Every inadequate audit is moderated as well.",
    )
    reminder_days = forms.IntegerField(
        label="Days before a due date that reminders are sent", min_value=0, max_value=30
    )


# --- The audit ------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = _text("Reason")


class AuditorForm(forms.Form):
    auditor = forms.ModelChoiceField(
        label="Auditor", queryset=StaffMember.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        auditor_field = self.fields["auditor"]
        assert isinstance(auditor_field, forms.ModelChoiceField)  # noqa: S101
        auditor_field.queryset = staff


class ActionForm(forms.Form):
    description = _text("What needs to happen", help_text="One action: who does what.")
    owner = forms.ModelChoiceField(
        label="Owner", queryset=StaffMember.objects.none(), empty_label="Choose the owner"
    )
    due_date = GovukDateField(label="Due date", help_text="For example, 27 3 2026.")

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)  # noqa: S101
        owner_field.queryset = owners


class EscalationForm(forms.Form):
    concern = _text(
        "The current risk to the child",
        help_text="Say what you found and why the child may be at risk now. The team "
        "manager and service manager are alerted at once.",
    )


class AcknowledgeForm(forms.Form):
    note = _text("What you are doing about it (optional)", required=False)


class ModerationForm(forms.Form):
    agrees = forms.ChoiceField(
        label="Do you agree with the grade?",
        choices=[("yes", "Yes, I agree with the grade"), ("no", "No, it should change")],
        widget=forms.RadioSelect,
    )
    grade = forms.ChoiceField(
        label="If not, the grade it should have",
        choices=Grade.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    reason = _text(
        "Your reason",
        required=False,
        help_text="Needed when you change the grade.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("agrees") == "no":
            if not cleaned.get("grade"):
                self.add_error("grade", "Choose the grade you think the audit should have.")
            if not cleaned.get("reason", "").strip():
                self.add_error("reason", "Give your reason for changing the grade.")
        return cleaned
