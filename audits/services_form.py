"""Saving one section of the long audit form, never silently over another person's save.

Each section of each audit has a version number (`AuditSectionState.version`). The page
sends back the version it showed (`base_version`); the save succeeds only if that is
still the current version, which it bumps by one in the same UPDATE (atomic on every
database). Otherwise nothing is written and `StaleSaveError` carries both versions:
what the person submitted and what is saved now, so the page can show both and let
them re-apply their changes.
"""

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audits import policy
from audits.history import changes_record
from audits.models import (
    SCALE_VALUES,
    Audit,
    AuditEvent,
    AuditRating,
    AuditSectionState,
    AuditToolSection,
    RatingScale,
    SectionKind,
)
from audits.selectors import SECTION_FIELDS
from qa_system.errors import ApplicationError

PRACTITIONER_KEYS = ("practitioner_rating", "practitioner_comment")
AUDITOR_KEYS = ("auditor_rating", "auditor_comment", "agreed_rating", "agreed_comment")
RATING_KEYS = PRACTITIONER_KEYS + AUDITOR_KEYS
TEXT_LIMIT = 10000


class StaleSaveError(ApplicationError):
    """Someone else saved the section since it was opened. `extra`: section,
    your_version, current_version, saved_by, saved_at, yours, theirs."""


def _section_values(audit: Audit, section: AuditToolSection) -> dict[str, Any]:
    """What is saved now, in the shape the save takes."""
    ratings = {
        rating.item_id: {key: getattr(rating, key) for key in RATING_KEYS}
        for rating in AuditRating.objects.filter(audit=audit, item__section=section)
    }
    fresh = Audit.objects.get(pk=audit.pk)
    fields = {name: getattr(fresh, name) for name in SECTION_FIELDS.get(section.kind, ())}
    return {"ratings": ratings, "fields": fields}


def _check_rating(value: str, scale: str, code: str) -> None:
    allowed = SCALE_VALUES[scale]
    if value and scale == RatingScale.FREE_TEXT:
        raise ApplicationError(f"Item {code} takes comments only, not a rating.")
    if value and value not in allowed:
        raise ApplicationError(f"{value!r} is not a rating on item {code}'s scale.")


def _allowed_keys(by: Any, audit: Audit) -> set[str]:
    keys: set[str] = set()
    if not policy.refuse_practitioner_edit(by, audit):
        keys.update(PRACTITIONER_KEYS)
    if not policy.refuse_auditor_edit(by, audit):
        keys.update(AUDITOR_KEYS)
    return keys


def _clean_fields(
    by: Any, audit: Audit, section: AuditToolSection, fields: dict[str, Any]
) -> dict[str, Any]:
    allowed = SECTION_FIELDS.get(section.kind, ())
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ApplicationError(f"Section {section.code} has no field {', '.join(sorted(unknown))}.")
    if not fields:
        return {}
    if section.kind == SectionKind.FAMILY_FEEDBACK:
        if reason := policy.refuse_family_feedback_edit(by, audit):
            raise ApplicationError(reason)
    elif reason := policy.refuse_auditor_edit(by, audit):
        raise ApplicationError(reason)
    clean: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "practice_scale":
            if value in ("", None):
                clean[name] = None
                continue
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise ApplicationError(
                    "The practice scale is a whole number from 0 to 10."
                ) from None
            if not 0 <= number <= 10:
                raise ApplicationError("The practice scale is a whole number from 0 to 10.")
            clean[name] = number
        elif name == "overall_grade":
            value = value or ""
            _check_rating(value, RatingScale.OFSTED, "H (overall grade)")
            clean[name] = value
        else:
            text = str(value or "").strip()
            if len(text) > TEXT_LIMIT:
                raise ApplicationError(
                    f"Keep {name.replace('_', ' ')} under {TEXT_LIMIT} characters."
                )
            clean[name] = text
    return clean


def audit_section_save(
    *,
    audit: Audit,
    section: AuditToolSection,
    by: Any,
    base_version: int,
    ratings: dict[int, dict[str, Any]] | None = None,
    fields: dict[str, Any] | None = None,
) -> AuditSectionState:
    """Save a section's ratings (by item pk) and fields; see the module docstring for the
    version check and `audits/INTERFACE.md` for who may write which column when."""
    ratings = ratings or {}
    fields = fields or {}
    if section.version_id != audit.tool_version_id:
        raise ApplicationError("That section is not part of this audit's tool.")
    audit.refresh_from_db(fields=["state"])
    if section.kind in (SectionKind.CONTEXT, SectionKind.ESCALATION) and (ratings or fields):
        raise ApplicationError(f"Section {section.code} cannot be edited on the form.")
    items = {item.pk: item for item in section.items.all()}
    allowed = _allowed_keys(by, audit)
    scale = audit.tool_version.rating_scale
    clean_ratings: dict[int, dict[str, str]] = {}
    for item_id, values in ratings.items():
        item = items.get(int(item_id))
        if item is None:
            raise ApplicationError(f"Section {section.code} has no such item.")
        given = {key: str(value or "").strip() for key, value in values.items()}
        unknown = set(given) - set(RATING_KEYS)
        if unknown:
            raise ApplicationError(f"Unknown rating column: {', '.join(sorted(unknown))}.")
        refused = set(given) - allowed
        if refused:
            column = sorted(refused)[0]
            reason = (
                policy.refuse_practitioner_edit(by, audit)
                if column in PRACTITIONER_KEYS
                else policy.refuse_auditor_edit(by, audit)
            )
            raise ApplicationError(reason or "You cannot change these ratings.")
        for key, value in given.items():
            if key.endswith("_rating"):
                _check_rating(value, item.scale(scale), item.code)
            elif len(value) > TEXT_LIMIT:
                raise ApplicationError(f"Keep comments under {TEXT_LIMIT} characters.")
        clean_ratings[item.pk] = given
    clean_fields = _clean_fields(by, audit, section, fields)
    if not clean_ratings and not clean_fields and not allowed:
        raise ApplicationError(
            policy.refuse_practitioner_edit(by, audit) or "You cannot change this section."
        )

    with transaction.atomic():
        state, _ = AuditSectionState.objects.get_or_create(audit=audit, section=section)
        bumped = AuditSectionState.objects.filter(pk=state.pk, version=base_version).update(
            version=F("version") + 1, updated_at=timezone.now(), updated_by=by
        )
        if not bumped:
            state.refresh_from_db()
            raise StaleSaveError(
                "Someone else saved this section while you were editing it. "
                "Your changes have not been saved: compare them with the saved version below.",
                {
                    "section": section.code,
                    "your_version": base_version,
                    "current_version": state.version,
                    "saved_by": _name(state.updated_by),
                    "saved_at": state.updated_at.isoformat() if state.updated_at else None,
                    "yours": {"ratings": clean_ratings, "fields": clean_fields},
                    "theirs": _section_values(audit, section),
                },
            )
        _write(audit, by, items, clean_ratings, clean_fields)
        state.refresh_from_db()
    return state


def _name(user: Any) -> str:
    staff = getattr(user, "staff_member", None) if user else None
    return staff.name if staff else ""


def _write(
    audit: Audit,
    by: Any,
    items: dict[int, Any],
    ratings: dict[int, dict[str, str]],
    fields: dict[str, Any],
) -> None:
    existing = {r.item_id: r for r in AuditRating.objects.filter(audit=audit, item_id__in=ratings)}
    for item_id, values in ratings.items():
        rating = existing.get(item_id) or AuditRating(audit=audit, item_id=item_id)
        changes = [
            (f"{items[item_id].code} {key.replace('_', ' ')}", getattr(rating, key), value)
            for key, value in values.items()
        ]
        for key, value in values.items():
            setattr(rating, key, value)
        rating.save()
        changes_record(audit=audit, by=by, kind=AuditEvent.Kind.RATING, changes=changes)
    if fields:
        fresh = Audit.objects.select_for_update().get(pk=audit.pk)
        changes = [(name, getattr(fresh, name), value) for name, value in fields.items()]
        Audit.objects.filter(pk=audit.pk).update(**fields)
        for name, value in fields.items():
            setattr(audit, name, value)
        changes_record(audit=audit, by=by, kind=AuditEvent.Kind.FIELD, changes=changes)
