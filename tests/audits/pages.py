"""Helpers of the audit page tests: a signed-in client and what a page says."""

import re
from typing import Any

from django.test import Client

from organisation.models import AccessLogEntry


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    """The page's text, tags removed and spaces collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def error_summary(response: Any) -> list[str]:
    """The messages of the page's error summary, in order."""
    html = response.content.decode()
    found = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    if not found:
        return []
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip()
            for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]  # fmt: skip


def logged(user: Any, route: str) -> list[tuple[str, str, str]]:
    """(object type, object id, action) of the user's access log entries through a route."""
    return list(
        AccessLogEntry.objects.filter(user=user, route=route)
        .order_by("pk")
        .values_list("object_type", "object_id", "action")
    )
