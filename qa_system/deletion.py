"""Deleting querysets and counting what went (the retention functions of each app)."""

from collections import Counter
from typing import Any

from django.db.models import QuerySet


def delete_counting(*querysets: QuerySet[Any]) -> dict[str, int]:
    """Delete each queryset in turn (cascades included); how many rows of each model
    went, by model label ("audits.Audit")."""
    removed: Counter[str] = Counter()
    for queryset in querysets:
        _, counts = queryset.delete()
        removed.update(counts)
    return dict(removed)
