"""Writing an audit's history (`AuditEvent`): every change, who, when, old and new."""

from typing import Any

from audits.models import Audit, AuditEvent


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def event_record(
    *,
    audit: Audit,
    by: Any,
    kind: str,
    field: str = "",
    old: Any = "",
    new: Any = "",
    note: str = "",
) -> AuditEvent:
    """One history row. `by` is the acting user, or None for the system (a scheduled job)."""
    return AuditEvent.objects.create(
        audit=audit,
        by=by if getattr(by, "pk", None) else None,
        kind=kind,
        field=field,
        old=_text(old),
        new=_text(new),
        note=note,
    )


def changes_record(
    *, audit: Audit, by: Any, kind: str, changes: list[tuple[str, Any, Any]]
) -> None:
    """Several field changes at once (field, old, new), skipping unchanged values."""
    rows = [
        AuditEvent(
            audit=audit,
            by=by if getattr(by, "pk", None) else None,
            kind=kind,
            field=field,
            old=_text(old),
            new=_text(new),
        )
        for field, old, new in changes
        if _text(old) != _text(new)
    ]
    AuditEvent.objects.bulk_create(rows)
