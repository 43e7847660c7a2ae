"""Links from a QA unit page to the reports about it: every flag, the flag rules, and the
self-evaluation pack of the organisation or a service (only those the viewer may open)."""

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from organisation.selectors import user_scope

register = template.Library()


@register.simple_tag(takes_context=True)
def qa_report_links(context: template.Context) -> list[tuple[str, str]]:
    """(text, url) pairs for the page's `unit` (a QaUnit) and `page.period`."""
    user = context.get("user")
    unit: Any = context.get("unit")
    page: Any = context.get("page")
    period = getattr(page, "period", None)
    query = f"?{urlencode({'period': period.key})}" if period is not None else ""
    scope = user_scope(user=user)
    links = [("Every flag you can see", reverse("qa:flag_list"))]
    if scope.sees_whole_organisation:
        links.append(("Flag rules", reverse("qa:rule_list")))
    unit_type = getattr(unit, "unit_type", "")
    if unit_type == "organisation" and scope.sees_whole_organisation:
        links.append(("The QA board and self-evaluation pack", reverse("qa:pack") + query))
    elif unit_type == "service" and (
        scope.sees_whole_organisation or unit.pk in scope.managed_service_ids
    ):
        url = reverse("qa:pack_service", args=[unit.pk]) + query
        links.append((f"The self-evaluation pack for {unit.name}", url))
    return links
