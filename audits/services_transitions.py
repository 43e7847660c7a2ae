"""Moving an audit through its states. Each transition checks who may make it
(`audits.policy`) and refuses with the reason; each is recorded in the history.

    planned → reflection → conversation → completed → moderated → closed
                                            └──────────────────────→ closed
    planned / reflection / conversation → cancelled

An audit closes by itself once it is completed (and moderated, when selected) and has
no open action; `audit_close` does the same by hand and says what is outstanding.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from audits import policy
from audits.history import event_record
from audits.links import audit_path
from audits.models import (
    Audit,
    AuditAction,
    AuditEvent,
    AuditRating,
    AuditState,
    RatingScale,
    SectionKind,
)
from audits.notify import notify, user_of
from organisation.models import StaffMember
from qa_system.errors import ApplicationError


def _refuse(reason: str) -> None:
    if reason:
        raise ApplicationError(reason)


def _lock(audit: Audit) -> Audit:
    """Re-read the audit's state under a row lock, so two transitions cannot interleave."""
    fresh = Audit.objects.select_for_update().get(pk=audit.pk)
    audit.state = fresh.state
    return audit


def _move(audit: Audit, by: Any, to: str, note: str = "", **stamps: Any) -> Audit:
    old = audit.state
    audit.state = to
    for name, value in stamps.items():
        setattr(audit, name, value)
    audit.save(update_fields=["state", *stamps])
    event_record(
        audit=audit, by=by, kind=AuditEvent.Kind.STATE, field="state", old=old, new=to, note=note
    )
    return audit


def _rated_items(audit: Audit) -> list[Any]:
    scale = audit.tool_version.rating_scale
    return [
        item
        for section in audit.tool_version.sections.filter(kind=SectionKind.RATED).prefetch_related(
            "items"
        )
        for item in section.items.all()
        if item.scale(scale) != RatingScale.FREE_TEXT
    ]


def _first_unrated(audit: Audit, column: str) -> str | None:
    ratings = {r.item_id: r for r in AuditRating.objects.filter(audit=audit)}
    for item in _rated_items(audit):
        rating = ratings.get(item.pk)
        if rating is None or not getattr(rating, column):
            return item.code
    return None


def audit_reflection_start(*, audit: Audit, by: Any) -> Audit:
    """planned → reflection: the practitioner can now rate the case."""
    with transaction.atomic():
        _lock(audit)
        _refuse(policy.refuse_reflection_start(by, audit))
        return _move(audit, by, AuditState.REFLECTION, reflection_started_at=timezone.now())


def audit_reflection_submit(*, audit: Audit, by: Any) -> Audit:
    """reflection → conversation: the practitioner has rated every item; the auditor is
    told the audit is ready for the conversation."""
    with transaction.atomic():
        _lock(audit)
        _refuse(policy.refuse_reflection_submit(by, audit))
        missing = _first_unrated(audit, "practitioner_rating")
        if missing:
            raise ApplicationError(
                f"Rate every item before you finish. Item {missing} has no rating yet."
            )
        _move(audit, by, AuditState.CONVERSATION, conversation_started_at=timezone.now())
    notify(
        recipients=[user_of(audit.auditor)],
        organisation_id=audit.organisation_id,
        kind="audit_ready",
        subject="An audit is ready for the conversation",
        body="The practitioner has finished their reflection. Arrange the audit conversation.",
        url=audit_path(audit.pk),
        dedupe_key=f"audit-ready:{audit.pk}",
    )
    return audit


def audit_reflection_skip(*, audit: Audit, by: Any, reason: str) -> Audit:
    """planned/reflection → conversation without the practitioner's reflection (for
    example the practitioner has left), with the reason kept."""
    with transaction.atomic():
        _lock(audit)
        _refuse(policy.refuse_reflection_skip(by, audit))
        if not reason.strip():
            raise ApplicationError("Say why the audit goes ahead without the reflection.")
        return _move(
            audit,
            by,
            AuditState.CONVERSATION,
            note=reason.strip(),
            conversation_started_at=timezone.now(),
            reflection_skipped_reason=reason.strip(),
        )


def audit_complete(*, audit: Audit, by: Any) -> Audit:
    """conversation → completed, then: moderation selection, the inadequate flow, the
    results refresh, and closing when nothing is outstanding."""
    from audits.services_creation import audit_followup_schedule
    from audits.services_moderation import moderation_select_on_completion

    with transaction.atomic():
        _lock(audit)
        _refuse(policy.refuse_complete(by, audit))
        missing = _first_unrated(audit, "auditor_rating")
        if missing:
            raise ApplicationError(
                f"Rate every item before completing. Item {missing} has no auditor rating."
            )
        audit.refresh_from_db()
        if not audit.overall_grade:
            raise ApplicationError("Give the overall grade before completing the audit.")
        if audit.practice_scale is None:
            raise ApplicationError("Give the practice scale (0 to 10) before completing the audit.")
        if not (audit.working_well.strip() and audit.worries.strip() and audit.next_steps.strip()):
            raise ApplicationError(
                "Write up all three columns (what's working well, what we are worried about, "
                "what needs to happen) before completing the audit."
            )
        _move(audit, by, AuditState.COMPLETED, completed_at=timezone.now())
        moderation_select_on_completion(audit=audit)
        if audit.overall_grade == "inadequate":
            audit_followup_schedule(audit=audit)
        audit_close_if_done(audit=audit)
        _results_refresh_after_commit(audit.organisation_id)
    return audit


def _results_refresh_after_commit(organisation_id: int) -> None:
    from audits.tasks import refresh_audit_results

    transaction.on_commit(lambda: refresh_audit_results.delay(organisation_id))


def audit_close_if_done(*, audit: Audit, by: Any = None) -> bool:
    """Close a completed or moderated audit when its moderation (if selected) is done and
    it has no open action. True when it closed."""
    if _outstanding(audit) or audit.state not in (AuditState.COMPLETED, AuditState.MODERATED):
        return False
    _move(audit, by, AuditState.CLOSED, note="Nothing outstanding", closed_at=timezone.now())
    return True


def _outstanding(audit: Audit) -> str:
    moderation = getattr(audit, "moderation", None)
    if audit.state == AuditState.COMPLETED and moderation is not None and moderation.is_pending:
        return "It is waiting for moderation."
    open_actions = audit.actions.filter(status=AuditAction.Status.OPEN).count()
    if open_actions:
        plural = "action is" if open_actions == 1 else "actions are"
        return f"{open_actions} {plural} still open."
    return ""


def audit_close(*, audit: Audit, by: Any) -> Audit:
    """completed/moderated → closed by hand; refused while anything is outstanding."""
    with transaction.atomic():
        _lock(audit)
        _refuse(policy.refuse_close(by, audit))
        if reason := _outstanding(audit):
            raise ApplicationError(f"This audit cannot close yet. {reason}")
        _move(audit, by, AuditState.CLOSED, closed_at=timezone.now())
    return audit


def audit_cancel(*, audit: Audit, by: Any, reason: str) -> Audit:
    """An open audit is cancelled by a QA lead (for example the case closed)."""
    with transaction.atomic():
        _lock(audit)
        _refuse(policy.refuse_cancel(by, audit))
        if not reason.strip():
            raise ApplicationError("Say why the audit is cancelled.")
        _move(audit, by, AuditState.CANCELLED, note=reason.strip(), cancelled_reason=reason.strip())
    return audit


def audit_auditor_assign(*, audit: Audit, by: Any, auditor: StaffMember) -> Audit:
    """Give an open audit another auditor (never the practitioner); they are notified."""
    with transaction.atomic():
        _lock(audit)
        _refuse(policy.refuse_assign_auditor(by, audit))
        if auditor.pk == audit.practitioner_id:
            raise ApplicationError(
                "A practitioner cannot audit their own case. Choose another auditor."
            )
        if auditor.organisation_id != audit.organisation_id:
            raise ApplicationError("The auditor must work for the same organisation.")
        if auditor.pk == audit.auditor_id:
            return audit
        old = audit.auditor
        audit.auditor = auditor
        audit.save(update_fields=["auditor"])
        event_record(
            audit=audit,
            by=by,
            kind=AuditEvent.Kind.ASSIGNMENT,
            field="auditor",
            old=old.name,
            new=auditor.name,
        )
    notify(
        recipients=[user_of(auditor)],
        organisation_id=audit.organisation_id,
        kind="audit_assigned",
        subject="You have an audit to carry out",
        body=f"You are now the auditor. The audit is due {audit.due_date:%d %B %Y}.",
        url=audit_path(audit.pk),
        dedupe_key=f"audit-assigned:{audit.pk}",
    )
    return audit
