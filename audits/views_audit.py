"""The audit itself: its page (the task list of sections, the people, the buttons that
move it on), one section per page saved as you go, the stale-save conflict page, and the
history. Every page that shows an audit writes the access log (`viewed_audit`)."""

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audits import policy
from audits.forms_section import (
    AUDITOR_KEYS,
    COLUMNS,
    FIELD_LABELS,
    PRACTITIONER_KEYS,
    AuditSectionForm,
    rating_name,
    section_fields_editable,
)
from audits.models import Audit, AuditAction, AuditState, Grade, SectionKind
from audits.rules import is_audit_auditor, is_audit_practitioner, is_audit_qa_lead
from audits.selectors import (
    SECTION_FIELDS,
    AuditPermissions,
    audit_get_for_user,
    audit_history,
    audit_permissions,
    audit_section_get,
    audit_task_list,
)
from audits.services_form import StaleSaveError, audit_section_save
from audits.views_common import Refusal, form_error, may_see_child_id, require, viewed_audit
from qa_system.errors import ApplicationError

DETAIL = "audits:detail"
SECTION = "audits:section"
HISTORY = "audits:history"
CONTEXT_LABELS = (
    ("tier", "Plan tier"),
    ("team", "Team"),
    ("worker", "Allocated worker"),
    ("referral_date", "Latest referral"),
    ("plan_start_date", "Current plan started"),
    ("last_visit_date", "Last seen"),
)
TIER_LABELS = {"EH": "Early help", "CIN": "Child in need", "CP": "Child protection",
               "LAC": "Looked after"}  # fmt: skip


def detail_context(request: HttpRequest, audit: Audit) -> dict[str, Any]:
    """What the audit's page shows (also used when a transition is refused)."""
    permissions = audit_permissions(user=request.user, audit=audit)
    today = timezone.localdate()
    moderation = getattr(audit, "moderation", None)
    return {
        "audit": audit,
        "permissions": permissions,
        "tasks": audit_task_list(audit=audit),
        "actions": list(audit.actions.select_related("owner")),
        "escalations": list(audit.escalations.select_related("raised_by__staff_member",
                                                              "acknowledged_by__staff_member")),
        "moderation": moderation,
        "may_request_moderation": moderation is None
        and audit.state == AuditState.COMPLETED
        and bool(is_audit_qa_lead(request.user, audit)),
        "show_child_id": may_see_child_id(request.user, audit),
        "can_act_on_actions": permissions.can_add_action,
        "finished": audit.state in ("completed", "moderated", "closed"),
        "today": today,
        "soon": today + timedelta(days=7),
        "grade_label": Grade(audit.overall_grade).label if audit.overall_grade else "",
        "open_action_status": AuditAction.Status.OPEN,
    }  # fmt: skip


@login_required
@require_GET
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    audit = viewed_audit(request, pk, DETAIL)
    return render(request, "audits/audit_detail.html", detail_context(request, audit))


def render_refused(request: HttpRequest, audit: Audit, refusal: Refusal) -> HttpResponse:
    context = detail_context(request, audit)
    context["form"] = refusal
    return render(request, "audits/audit_detail.html", context)


def _editable(permissions: AuditPermissions) -> frozenset[str]:
    keys: set[str] = set()
    if permissions.can_edit_practitioner:
        keys |= PRACTITIONER_KEYS
    if permissions.can_edit_auditor:
        keys |= AUDITOR_KEYS
    return frozenset(keys)


def context_rows(audit: Audit) -> list[tuple[str, str]]:
    """Section A, from core data, as label and text."""
    rows = []
    for key, label in CONTEXT_LABELS:
        value = audit.context.get(key)
        if key == "tier" and value:
            value = TIER_LABELS.get(value, value)
        elif key.endswith("_date") and value:
            value = f"{date.fromisoformat(value):%-d %B %Y}"
        rows.append((label, value or "Not recorded"))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def audit_section(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """One section of the audit. Each save posts the version the page showed; if someone
    else saved the section since, nothing is written and both versions are shown."""
    autosave = request.method == "POST" and request.headers.get("X-Autosave") == "1"
    # An autosave shows nothing: the page it comes from was logged when it was opened.
    audit = (
        audit_get_for_user(user=request.user, pk=pk)
        if autosave
        else viewed_audit(request, pk, SECTION)
    )
    section_form = audit_section_get(audit=audit, code=code)
    section = section_form.section
    permissions = audit_permissions(user=request.user, audit=audit)
    edit_fields = section_fields_editable(
        section.kind,
        can_edit_auditor=permissions.can_edit_auditor,
        can_edit_family=permissions.can_edit_family_feedback,
    )
    editable = _editable(permissions) if section.kind == SectionKind.RATED else frozenset()
    may_edit = bool(editable) or edit_fields
    form = AuditSectionForm(
        request.POST if request.method == "POST" else None,
        section_form=section_form,
        editable=editable,
        edit_fields=edit_fields,
    )
    if autosave:
        require(may_edit)
        return _autosave(request, audit, section_form, form)
    if request.method == "POST":
        require(may_edit)
        if form.is_valid():
            ratings, fields = form.changes(request.POST)
            if not ratings and not fields:  # nothing new (or all of it autosaved)
                messages.success(request, f"Section {section.code} is saved.")
                return _after_save(request, audit, section_form.next_code)
            try:
                audit_section_save(
                    audit=audit,
                    section=section,
                    by=request.user,
                    base_version=_int(request.POST.get("base_version")),
                    ratings=ratings,
                    fields=fields,
                )
            except StaleSaveError as error:
                return _conflict(request, audit, section_form, form, error.extra)
            except ApplicationError as error:
                form_error(form, error)
            else:
                messages.success(request, f"Section {section.code} is saved.")
                return _after_save(request, audit, section_form.next_code)
    return render(
        request,
        "audits/audit_section.html",
        {
            "audit": audit,
            "section_form": section_form,
            "section": section,
            "form": form,
            "may_edit": may_edit,
            "items": form.item_views(),
            "field_views": form.field_views(),
            "context_rows": context_rows(audit) if section.kind == SectionKind.CONTEXT else [],
            "escalations": list(audit.escalations.all())
            if section.kind == SectionKind.ESCALATION
            else [],
            "permissions": permissions,
            "show_child_id": may_see_child_id(request.user, audit),
            "read_only_reason": "" if may_edit else _read_only_reason(request, audit, section),
        },
    )


def _autosave(
    request: HttpRequest, audit: Audit, section_form: Any, form: AuditSectionForm
) -> JsonResponse:
    """Save what changed, answering in JSON for `static/js/audit-autosave.js`: the new
    version (200), a stale save (409: nothing written; the person saves by hand to see
    both versions), or why the values cannot be saved (400)."""
    if not form.is_valid():
        return JsonResponse(
            {"message": "Not saved automatically: check your answers and select Save."},
            status=400,
        )
    ratings, fields = form.changes(request.POST)
    base = _int(request.POST.get("base_version"))
    if not ratings and not fields:
        return JsonResponse({"version": base, "message": ""})
    try:
        state = audit_section_save(
            audit=audit,
            section=section_form.section,
            by=request.user,
            base_version=base,
            ratings=ratings,
            fields=fields,
        )
    except StaleSaveError as error:
        return JsonResponse(
            {
                "message": f"{error.extra.get('saved_by') or 'Someone else'} saved this "
                "section after you opened it, so your changes are not saved yet. Select "
                "Save to compare the two versions."
            },
            status=409,
        )
    except ApplicationError as error:
        return JsonResponse({"message": f"Not saved: {error.message}"}, status=400)
    saved_at = timezone.localtime(state.updated_at) if state.updated_at else timezone.localtime()
    return JsonResponse({"version": state.version, "message": f"Saved at {saved_at:%H:%M}."})


def _read_only_reason(request: HttpRequest, audit: Audit, section: Any) -> str:
    """Why the practitioner or auditor cannot change the section now (others just read)."""
    if section.kind not in (SectionKind.RATED, *SECTION_FIELDS):
        return ""
    if is_audit_practitioner(request.user, audit) and section.kind == SectionKind.RATED:
        return policy.refuse_practitioner_edit(request.user, audit)
    if is_audit_auditor(request.user, audit):
        if section.kind == SectionKind.FAMILY_FEEDBACK:
            return policy.refuse_family_feedback_edit(request.user, audit)
        return policy.refuse_auditor_edit(request.user, audit)
    return ""


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _after_save(request: HttpRequest, audit: Audit, next_code: str | None) -> HttpResponse:
    if request.POST.get("then") == "next" and next_code:
        return redirect(SECTION, pk=audit.pk, code=next_code)
    return redirect(DETAIL, pk=audit.pk)


def _text(name: str, value: Any) -> str:
    """A saved value as the conflict page shows it."""
    if value in (None, ""):
        return ""
    if name.endswith("grade") or name.endswith("_rating"):
        try:
            return str(Grade(value).label)
        except ValueError:
            return str(value).capitalize()
    return str(value)


def _conflict(
    request: HttpRequest,
    audit: Audit,
    section_form: Any,
    form: AuditSectionForm,
    extra: dict[str, Any],
) -> HttpResponse:
    """Both versions side by side: for each value the person changed that differs from
    what is saved now, they choose theirs or the saved one (the saved one is chosen
    unless they change it, so nothing of the other person's is lost by a click)."""
    yours, theirs = extra.get("yours", {}), extra.get("theirs", {})
    codes = {entry.item.pk: entry.item.code for entry in section_form.items}
    headings = {key: heading for _, rating, comment, heading in COLUMNS
                for key in (rating, comment)}  # fmt: skip
    rows = []
    saved_ratings = {int(pk): values for pk, values in theirs.get("ratings", {}).items()}
    for item_pk, values in yours.get("ratings", {}).items():
        for key, mine in values.items():
            saved = saved_ratings.get(int(item_pk), {}).get(key, "")
            if str(mine or "") != str(saved or ""):
                kind = "comment" if key.endswith("comment") else "rating"
                rows.append({
                    "name": rating_name(int(item_pk), key),
                    "label": f"{codes.get(int(item_pk), '')}: {headings[key]} ({kind})",
                    "mine": mine, "saved": saved,
                    "mine_text": _text(key, mine), "saved_text": _text(key, saved),
                })  # fmt: skip
    saved_fields = theirs.get("fields", {})
    for name, mine in yours.get("fields", {}).items():
        saved = saved_fields.get(name)
        if str("" if mine is None else mine) != str("" if saved is None else saved):
            rows.append({
                "name": name, "label": FIELD_LABELS.get(name, name),
                "mine": "" if mine is None else mine, "saved": "" if saved is None else saved,
                "mine_text": _text(name, mine), "saved_text": _text(name, saved),
            })  # fmt: skip
    saved_at = extra.get("saved_at")
    return render(
        request,
        "audits/audit_conflict.html",
        {
            "audit": audit,
            "section": section_form.section,
            "rows": rows,
            "saved_by": extra.get("saved_by") or "Someone else",
            "saved_at": datetime.fromisoformat(saved_at) if saved_at else None,
            "current_version": extra.get("current_version"),
        },
        status=409,
    )


@login_required
@require_GET
def audit_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    audit = viewed_audit(request, pk, HISTORY)
    return render(
        request,
        "audits/audit_history.html",
        {
            "audit": audit,
            "events": audit_history(audit=audit),
            "show_child_id": may_see_child_id(request.user, audit),
        },  # fmt: skip
    )
