"""The parts of a QA unit page that repeat once per unit below it (a large team's page
lists hundreds of practitioners): built here in one pass, with the same markup, rather
than by a template loop resolving a dozen variables per row or by format_html per cell
(both measured: a third of such a page's time). Text is escaped with the standard
library's html.escape, which escapes the same five characters as Django's escape."""

from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

CELL = '<td class="govuk-table__cell govuk-table__cell--numeric">'


def _query(period: Any) -> str:
    return escape(f"?period={period.key}") if period else ""


@register.simple_tag
def qa_children_links(children: list[Any], period: Any) -> SafeString:
    """The units below as links to their pages for the period, separated by commas."""
    query = _query(period)
    return mark_safe(  # noqa: S308 - every value escaped above
        ", ".join(
            f'<a class="govuk-link" href="{escape(child.url)}{query}">{escape(child.name)}</a>'
            for child in children
        )
    )


@register.simple_tag
def qa_comparison_rows(comparison: Any, period: Any) -> SafeString:
    """The comparison table's body rows: each unit's name and its measures (each
    measure's `html` is already safe)."""
    query = _query(period)
    rows = []
    for row in comparison.rows:
        cells = "".join(f"{CELL}{measure.html}</td>" for measure in row.cells)
        rows.append(
            '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
            f'<a class="govuk-link" href="{escape(row.url)}{query}">{escape(row.unit.name)}</a>'
            f"</th>{cells}</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped above
