"""Template helpers of the audits pages' forms."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import template
from django.forms import BoundField

register = template.Library()


@dataclass(frozen=True)
class DatePart:
    name: str
    id: str
    label: str
    value: str
    width: int


@register.filter
def date_parts(field: BoundField) -> list[DatePart]:
    """The day, month and year inputs of a GovukDateField, the first with the field's id
    (so that the error summary's link lands on it)."""
    value: Any = field.value()
    if isinstance(value, date):
        values = [str(value.day), str(value.month), str(value.year)]
    elif isinstance(value, list | tuple):
        values = ["" if part is None else str(part) for part in value]
    else:
        values = ["", "", ""]
    labels = (("Day", 2), ("Month", 2), ("Year", 4))
    return [
        DatePart(
            name=f"{field.html_name}_{index}",
            id=field.auto_id if index == 0 else f"{field.auto_id}-{label.lower()}",
            label=label,
            value=values[index] if index < len(values) else "",
            width=width,
        )
        for index, (label, width) in enumerate(labels)
    ]
