from typing import Any

from django import forms

from coredata.models.imports import ImportKind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ImportForm(forms.Form):
    files = MultipleFileField(  # type: ignore[assignment]
        label="Files to import",
        help_text="One or several files: CIN census or workforce census XML, SSDA903 CSV or "
        "XML, Annex A xlsx, ONS population CSV, or the local files (teams.csv, staff.csv, "
        "allocations.csv, ...). Files imported together succeed or fail together.",
    )
    kind = forms.ChoiceField(
        label="Format (optional)",
        choices=[("", "Tell from each file")] + list(ImportKind.choices),
        required=False,
        help_text="Leave this to be told from each file unless it is recognised wrongly.",
    )
    collection_year = forms.IntegerField(
        label="Collection year of an SSDA903 return (optional)",
        min_value=2000,
        max_value=2100,
        required=False,
        help_text="The year the return ends on 31 March, e.g. 2024 for 2023 to 2024. "
        "Stacked extracts carry their own YEAR column.",
    )
