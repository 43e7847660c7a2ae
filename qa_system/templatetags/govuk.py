"""Renders Django form widgets with GOV.UK Frontend's classes."""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()

WIDGET_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
    "multiplefile": "govuk-file-upload",
}


@register.filter
def govuk_widget(field: BoundField) -> SafeString:
    widget_type = field.widget_type
    css = WIDGET_CLASSES.get(widget_type, "govuk-input")
    if field.errors:
        css += f" {css}--error"
    attrs: dict[str, str | bool] = {"class": css}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
