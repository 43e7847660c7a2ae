"""Moderation: a second reviewer agrees with an audit's grade or changes it, with a reason.

Selection happens when an audit completes: every inadequate audit, and a share of the
rest (the organisation's `moderation_percent`, default 10%). The share is reproducible:
an audit is sampled when a hash of its organisation and its own id falls below the
share, so the same audits are always selected for the same setting, and about the
right share of any large set is.
"""

import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from audits import policy
from audits.history import event_record
from audits.links import moderate_path
from audits.models import Audit, AuditEvent, AuditModeration, AuditState, Grade
from audits.notify import notify, qa_leads, user_of
from audits.selectors import audit_settings_for
from organisation.models import StaffMember
from qa_system.errors import ApplicationError


def moderation_sampled(*, organisation_id: int, audit_id: int, percent: int) -> bool:
    """Whether an audit falls in the moderation share (deterministic)."""
    digest = hashlib.sha256(f"moderation:{organisation_id}:{audit_id}".encode()).digest()
    fraction = int.from_bytes(digest[:8], "big") / 2**64
    return fraction < percent / 100


def moderation_select_on_completion(*, audit: Audit) -> AuditModeration | None:
    """Put a just-completed audit in the moderation queue when it is inadequate or in the
    sampled share; the QA leads are told. None when it is not selected."""
    if hasattr(audit, "moderation"):
        return audit.moderation
    settings = audit_settings_for(organisation_id=audit.organisation_id)
    if audit.overall_grade == Grade.INADEQUATE:
        because = AuditModeration.Reason.INADEQUATE
    elif moderation_sampled(
        organisation_id=audit.organisation_id,
        audit_id=audit.pk,
        percent=settings.moderation_percent,
    ):
        because = AuditModeration.Reason.SAMPLE
    else:
        return None
    return _select(audit, because, by=None)


def _select(audit: Audit, because: str, by: Any) -> AuditModeration:
    moderation = AuditModeration.objects.create(
        audit=audit, selected_because=because, original_grade=audit.overall_grade
    )
    audit.moderation = moderation
    event_record(
        audit=audit,
        by=by,
        kind=AuditEvent.Kind.MODERATION,
        field="moderation",
        new=moderation.get_selected_because_display(),
    )
    notify(
        recipients=qa_leads(audit.organisation_id),
        organisation_id=audit.organisation_id,
        kind="audit_moderation",
        subject="An audit is waiting for moderation",
        body=f"Selected for moderation: {moderation.get_selected_because_display().lower()}.",
        url=moderate_path(audit.pk),
        dedupe_key=f"audit-moderation:{audit.pk}",
        email=False,
    )
    return moderation


def moderation_request(*, audit: Audit, by: Any) -> AuditModeration:
    """A QA lead asks for a completed audit that was not sampled to be moderated."""
    if reason := policy.refuse_qa_lead(by, audit.organisation_id, "ask for a moderation"):
        raise ApplicationError(reason)
    with transaction.atomic():
        audit = Audit.objects.select_for_update().get(pk=audit.pk)
        if audit.state != AuditState.COMPLETED or hasattr(audit, "moderation"):
            raise ApplicationError(
                "Only a completed audit that has not been selected for moderation can be added."
            )
        return _select(audit, AuditModeration.Reason.REQUESTED, by)


def moderation_assign(
    *, moderation: AuditModeration, by: Any, moderator: StaffMember
) -> AuditModeration:
    """A QA lead names the moderator of a pending moderation (not the practitioner or
    auditor); they are notified."""
    audit = moderation.audit
    if reason := policy.refuse_qa_lead(by, audit.organisation_id, "assign moderators"):
        raise ApplicationError(reason)
    if not moderation.is_pending:
        raise ApplicationError("This audit has already been moderated.")
    if moderator.pk in (audit.practitioner_id, audit.auditor_id):
        raise ApplicationError(
            "The moderator must be someone other than the practitioner and the auditor."
        )
    if moderator.organisation_id != audit.organisation_id:
        raise ApplicationError("The moderator must work for the same organisation.")
    old = moderation.moderator.name if moderation.moderator else ""
    moderation.moderator = moderator
    moderation.save(update_fields=["moderator"])
    event_record(
        audit=audit,
        by=by,
        kind=AuditEvent.Kind.ASSIGNMENT,
        field="moderator",
        old=old,
        new=moderator.name,
    )
    notify(
        recipients=[user_of(moderator)],
        organisation_id=audit.organisation_id,
        kind="audit_moderation",
        subject="You have an audit to moderate",
        body="Read the completed audit and agree with its grade or change it, with your reason.",
        url=moderate_path(audit.pk),
        dedupe_key=f"audit-moderator:{audit.pk}",
    )
    return moderation


def audit_moderate(
    *, audit: Audit, by: Any, agrees: bool, grade: str = "", reason: str = ""
) -> Audit:
    """The moderator agrees with the grade, or changes it (a reason is required, and the
    new grade becomes the audit's). completed → moderated; then closes when no action is
    open."""
    from audits.services_transitions import (
        _move,
        _results_refresh_after_commit,
        audit_close_if_done,
    )

    with transaction.atomic():
        locked = Audit.objects.select_for_update().get(pk=audit.pk)
        audit.state = locked.state
        if hasattr(audit, "moderation"):
            audit.moderation.refresh_from_db()
        if refused := policy.refuse_moderate(by, audit):
            raise ApplicationError(refused)
        moderation = audit.moderation
        reason = reason.strip()
        if agrees:
            grade = audit.overall_grade
        else:
            if grade not in Grade.values:
                raise ApplicationError("Choose the grade you think the audit should have.")
            if grade == audit.overall_grade:
                raise ApplicationError(
                    "The grade is unchanged: choose 'agree' or a different grade."
                )
            if not reason:
                raise ApplicationError("Give your reason for changing the grade.")
        from organisation.selectors import user_scope

        moderation.moderator_id = user_scope(user=by).staff_id
        moderation.agrees = agrees
        moderation.moderated_grade = grade
        moderation.reason = reason
        moderation.moderated_at = timezone.now()
        moderation.save()
        event_record(
            audit=audit,
            by=by,
            kind=AuditEvent.Kind.MODERATION,
            field="overall_grade",
            old=audit.overall_grade,
            new=grade,
            note=reason or "Agreed with the grade",
        )
        if not agrees:
            audit.overall_grade = grade
            audit.save(update_fields=["overall_grade"])
            if grade == Grade.INADEQUATE:
                from audits.services_creation import audit_followup_schedule

                audit_followup_schedule(audit=audit)
        _move(audit, by, AuditState.MODERATED, moderated_at=moderation.moderated_at)
        audit_close_if_done(audit=audit)
        _results_refresh_after_commit(audit.organisation_id)
    return audit
