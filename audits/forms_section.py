"""The form of one section of an audit, built from the section's items and what the
person may edit now (their own column, the auditor's and agreed columns, the section's
fields). Columns they may not edit are shown as text beside the ones they may.
"""

from dataclasses import dataclass, field
from typing import Any

from django import forms

from audits.models import Grade, RatingScale, SectionKind
from audits.selectors import SECTION_FIELDS, SectionForm

TEXT_LIMIT = 10000
NOT_RATED = ("", "Not rated yet")

# (column, rating key, comment key, heading)
COLUMNS = (
    ("practitioner", "practitioner_rating", "practitioner_comment", "Practitioner's reflection"),
    ("auditor", "auditor_rating", "auditor_comment", "Auditor's view"),
    ("agreed", "agreed_rating", "agreed_comment", "Agreed"),
)
PRACTITIONER_KEYS = frozenset({"practitioner_rating", "practitioner_comment"})
AUDITOR_KEYS = frozenset({"auditor_rating", "auditor_comment", "agreed_rating", "agreed_comment"})
FIELD_LABELS = {
    "overall_grade": "Overall grade",
    "practice_scale": "Practice scale (0 to 10)",
    "working_well": "What's working well",
    "worries": "What are we worried about",
    "next_steps": "What needs to happen",
    "appreciative_notes": "Appreciative inquiry notes (optional)",
    "family_feedback": "The family's feedback (optional)",
}


def rating_name(item_pk: int, key: str) -> str:
    return f"i{item_pk}_{key}"


@dataclass
class ColumnView:
    heading: str
    rating: forms.BoundField | None = None
    comment: forms.BoundField | None = None
    rating_text: str = ""
    comment_text: str = ""
    rated_on_scale: bool = True
    context: str = ""


@dataclass
class ItemView:
    item: Any
    scale_label: str
    columns: list[ColumnView] = field(default_factory=list)
    disagrees: bool = False


def _label(choices: list[tuple[str, str]], value: str) -> str:
    return dict(choices).get(value, value)


class AuditSectionForm(forms.Form):
    """`editable`: the rating keys the person may write; `edit_fields`: whether they may
    write the section's own fields (H, I, J)."""

    def __init__(
        self,
        *args: Any,
        section_form: SectionForm,
        editable: frozenset[str],
        edit_fields: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.section_form = section_form
        self.editable = editable
        self.edit_fields = edit_fields
        self.rating_keys: dict[str, tuple[int, str]] = {}
        for entry in section_form.items:
            rating = entry.rating
            for _, rating_key, comment_key, heading in COLUMNS:
                if rating_key in editable and entry.scale != RatingScale.FREE_TEXT:
                    self._add_rating(entry, rating_key, heading)
                if comment_key in editable:
                    name = rating_name(entry.item.pk, comment_key)
                    self.fields[name] = forms.CharField(
                        label=f"{heading}: comments on {entry.item.code}",
                        required=False,
                        max_length=TEXT_LIMIT,
                        widget=forms.Textarea(attrs={"rows": 3}),
                        initial=getattr(rating, comment_key, "") if rating else "",
                    )
                    self.rating_keys[name] = (entry.item.pk, comment_key)
        if edit_fields:
            for name, value in section_form.fields.items():
                self.fields[name] = self._section_field(name, value)

    def _add_rating(self, entry: Any, key: str, heading: str) -> None:
        name = rating_name(entry.item.pk, key)
        value = getattr(entry.rating, key, "") if entry.rating else ""
        self.fields[name] = forms.ChoiceField(
            label=f"{heading}: rating of {entry.item.code}",
            choices=[NOT_RATED, *entry.choices],
            required=False,
            widget=forms.RadioSelect,
            initial=value,
        )
        self.fields[name].inline = True  # type: ignore[attr-defined]
        self.rating_keys[name] = (entry.item.pk, key)

    def _section_field(self, name: str, value: Any) -> forms.Field:
        label = FIELD_LABELS.get(name, name)
        if name == "overall_grade":
            return forms.ChoiceField(
                label=label, choices=[("", "Not graded yet"), *Grade.choices], required=False,
                widget=forms.RadioSelect, initial=value or "",
            )  # fmt: skip
        if name == "practice_scale":
            choice = forms.ChoiceField(
                label=label,
                help_text="0 is practice that leaves the child unsafe; 10 is excellent Signs "
                "of Safety practice.",
                choices=[("", "Not scored yet"), *((str(n), str(n)) for n in range(11))],
                required=False,
                widget=forms.RadioSelect,
                initial="" if value is None else str(value),
            )
            choice.inline = True  # type: ignore[attr-defined]
            return choice
        return forms.CharField(
            label=label, required=False, max_length=TEXT_LIMIT,
            widget=forms.Textarea(attrs={"rows": 5}), initial=value or "",
        )  # fmt: skip

    # --- What the template shows ---

    def item_views(self) -> list[ItemView]:
        views = []
        for entry in self.section_form.items:
            rating = entry.rating
            on_scale = entry.scale != RatingScale.FREE_TEXT
            view = ItemView(
                item=entry.item,
                scale_label=RatingScale(entry.scale).label,
                disagrees=bool(rating and rating.disagrees),
            )
            for _, rating_key, comment_key, heading in COLUMNS:
                rating_name_ = rating_name(entry.item.pk, rating_key)
                comment_name = rating_name(entry.item.pk, comment_key)
                view.columns.append(
                    ColumnView(
                        heading=heading,
                        rating=self[rating_name_] if rating_name_ in self.fields else None,
                        comment=self[comment_name] if comment_name in self.fields else None,
                        rating_text=_label(entry.choices, getattr(rating, rating_key, ""))
                        if rating
                        else "",
                        comment_text=getattr(rating, comment_key, "") if rating else "",
                        rated_on_scale=on_scale,
                        context=f" of {entry.item.code}: {heading.lower()}",
                    )
                )
            views.append(view)
        return views

    def field_views(self) -> list[tuple[str, forms.BoundField | None, str]]:
        """The section's own fields: (label, bound field if editable, saved text)."""
        views = []
        for name, value in self.section_form.fields.items():
            text = Grade(value).label if name == "overall_grade" and value else value
            views.append(
                (
                    FIELD_LABELS.get(name, name),
                    self[name] if name in self.fields else None,
                    "" if text is None else str(text),
                )
            )
        return views

    # --- What is saved ---

    def changes(self, posted: Any) -> tuple[dict[int, dict[str, str]], dict[str, Any]]:
        """The ratings (by item pk) and fields the person changed, among those posted.

        Only names present in the request count, so a page that posts some fields (the
        conflict page) leaves the others as they are."""
        ratings: dict[int, dict[str, str]] = {}
        fields: dict[str, Any] = {}
        for name in self.changed_data:
            if name not in posted:
                continue
            value = self.cleaned_data[name]
            if name in self.rating_keys:
                item_pk, key = self.rating_keys[name]
                ratings.setdefault(item_pk, {})[key] = value
            else:
                fields[name] = _field_value(name, value)
        return ratings, fields


def _field_value(name: str, value: Any) -> Any:
    if name == "practice_scale":
        return None if value in ("", None) else int(value)
    return value


def section_fields_editable(kind: str, *, can_edit_auditor: bool, can_edit_family: bool) -> bool:
    if kind == SectionKind.FAMILY_FEEDBACK:
        return can_edit_family
    return kind in SECTION_FIELDS and can_edit_auditor
