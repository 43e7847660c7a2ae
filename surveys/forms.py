"""Forms of the staff survey pages. They parse input only; the services decide.

Texts shown to respondents are kept per language; the forms offer English (required)
and Welsh (optional). A field's name ending `_en` or `_cy` is one language of a text.
"""

from typing import Any

from django import forms
from django.db.models import QuerySet

from organisation.models import Team
from surveys.models import (
    Audience,
    CampaignKind,
    DeliveryChannel,
    FreeTextColumn,
    QuestionKind,
    SafetyPlace,
    SurveyIndicator,
    SurveyTemplate,
)
from surveys.models.campaigns import AUTOMATIC_EVENTS

LANGUAGES = (("en", "English"), ("cy", "Welsh"))


def _texts(cleaned: dict[str, Any], name: str) -> dict[str, str]:
    """The per-language text {"en": ..., "cy": ...} of the fields `name_en`, `name_cy`."""
    return {code: cleaned.get(f"{name}_{code}") or "" for code, _ in LANGUAGES}


def _initial_texts(values: dict[str, str], name: str) -> dict[str, str]:
    return {f"{name}_{code}": values.get(code, "") for code, _ in LANGUAGES}


def _text_fields(name: str, label: str, *, required: bool, long: bool = False) -> dict[str, Any]:
    widget = forms.Textarea(attrs={"rows": 3}) if long else forms.TextInput
    return {
        f"{name}_en": forms.CharField(label=f"{label} (English)", required=required, widget=widget),
        f"{name}_cy": forms.CharField(
            label=f"{label} (Welsh, optional)", required=False, widget=widget
        ),
    }


class TemplateTextsForm(forms.Form):
    """The title, introduction and child safety notice of a survey template."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_text_fields("title", "Title", required=True))
        self.fields.update(_text_fields("intro", "Introduction", required=False, long=True))
        self.fields.update(
            _text_fields("safety_notice", "Child safety notice", required=False, long=True)
        )
        self.fields["safety_notice_en"].help_text = (
            "Shown to a child before the questions when the survey asks if they feel safe: "
            "that if they say they don't feel safe, someone will be told."
        )

    @staticmethod
    def initial_for(template: SurveyTemplate) -> dict[str, str]:
        return {
            **_initial_texts(template.title, "title"),
            **_initial_texts(template.intro, "intro"),
            **_initial_texts(template.safety_notice, "safety_notice"),
        }

    def texts(self) -> dict[str, dict[str, str]]:
        return {
            "title": _texts(self.cleaned_data, "title"),
            "intro": _texts(self.cleaned_data, "intro"),
            "safety_notice": _texts(self.cleaned_data, "safety_notice"),
        }


class TemplateCreateForm(TemplateTextsForm):
    key = forms.SlugField(
        label="Short name",
        max_length=50,
        help_text="Letters, numbers and hyphens, for example parents-2026. Every version "
        "of the survey keeps it.",
    )
    audience = forms.ChoiceField(label="Who is it for?", choices=Audience.choices)


def _blank(choices: list[tuple[str, str]], label: str) -> list[tuple[str, str]]:
    return [("", label), *choices]


class QuestionForm(forms.Form):
    """A question of a draft template. `code` is asked only when adding."""

    code = forms.SlugField(
        label="Code",
        max_length=50,
        help_text="Answers are stored under it; keep it the same across versions.",
    )
    kind = forms.ChoiceField(label="How is it answered?", choices=QuestionKind.choices)
    required = forms.BooleanField(label="An answer is required", required=False)
    safety_place = forms.ChoiceField(
        label="Is it a 'feel safe' question?",
        choices=_blank(SafetyPlace.choices, "No"),
        required=False,
        help_text="An unsafe answer by a child raises a child safety alert.",
    )
    indicator = forms.ChoiceField(
        label="Indicator it counts towards",
        choices=_blank(SurveyIndicator.choices, "None"),
        required=False,
    )
    column = forms.ChoiceField(
        label="Column of the three columns (free text only)",
        choices=_blank(FreeTextColumn.choices, "None"),
        required=False,
    )
    position = forms.IntegerField(label="Position", min_value=1, required=False)

    def __init__(self, *args: Any, adding: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        text_fields = {
            **_text_fields("text", "Question", required=True, long=True),
            **_text_fields("hint", "Hint", required=False),
        }
        ordered = {"code": self.fields["code"], "kind": self.fields["kind"], **text_fields}
        ordered.update({k: v for k, v in self.fields.items() if k not in ordered})
        self.fields = ordered
        if adding:
            del self.fields["position"]
        else:
            del self.fields["code"]

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "text": _texts(data, "text"),
            "hint": _texts(data, "hint"),
            "required": data["required"],
            "safety_place": data.get("safety_place") or "",
            "indicator": data.get("indicator") or "",
            "column": data.get("column") or "",
        }


class CampaignForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    template = forms.ModelChoiceField(
        label="Survey", queryset=SurveyTemplate.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(
        label="When is it offered?", choices=CampaignKind.choices, widget=forms.RadioSelect
    )
    opens_on = forms.DateField(label="Opens on", widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(
        label="Closes on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Needed for a fixed window; optional for a continuous campaign.",
    )
    events = forms.MultipleChoiceField(
        label="Offer it after (continuous campaigns)",
        choices=[(event.value, event.label) for event in AUTOMATIC_EVENTS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    teams = forms.ModelMultipleChoiceField(
        label="Teams",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave every team unticked to offer it across the whole organisation.",
    )

    def __init__(
        self,
        *args: Any,
        templates: QuerySet[SurveyTemplate],
        teams: QuerySet[Team],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]
        self.fields["template"].label_from_instance = (  # type: ignore[attr-defined]
            lambda t: f"{t.title.get('en', t.key)} (version {t.version})"
        )
        self.fields["teams"].queryset = teams  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == CampaignKind.FIXED and not data.get("closes_on"):
            self.add_error("closes_on", "Enter the date a fixed-window campaign closes.")
        return data


class InvitationCreateForm(forms.Form):
    child = forms.ChoiceField(label="Child", choices=())

    def __init__(self, *args: Any, children: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [(str(pk), label) for pk, label in children]  # type: ignore[attr-defined]


class InvitationSendForm(forms.Form):
    channel = forms.ChoiceField(
        label="Send it by",
        choices=[
            (DeliveryChannel.EMAIL, "Email"),
            (DeliveryChannel.SMS, "Text message"),
        ],
        widget=forms.RadioSelect,
    )
    contact = forms.CharField(
        label="Email address or mobile number",
        max_length=254,
        help_text="Kept only to send reminders, and deleted once the survey is answered "
        "or the campaign closes.",
    )


class AlertAcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="What has been done",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the worker has spoken to the child today.",
    )
