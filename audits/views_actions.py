"""Actions agreed in an audit (add, change, mark done or cancelled) and safeguarding
escalations (raised in one step by the auditor; acknowledged by a manager of the team or
of its service)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from audits.forms import AcknowledgeForm, ActionForm, EscalationForm
from audits.models import Audit, AuditAction
from audits.rules import is_audit_auditor, is_audit_manager, is_audit_qa_lead
from audits.selectors_work import action_get_for_user, escalation_get_for_user
from audits.services_actions import action_create, action_status_set, action_update
from audits.services_escalation import escalation_acknowledge, escalation_raise
from audits.views_audit import DETAIL
from audits.views_common import form_error, may_see_child_id, posted, require, viewed_audit
from organisation.models import StaffMember
from organisation.selectors import team_members_current, user_scope
from qa_system.errors import ApplicationError


def _owners(audit: Audit) -> QuerySet[StaffMember]:
    """Who may own an action: the practitioner, the auditor and the team's members now."""
    members = team_members_current(team=audit.team).values("pk")
    return StaffMember.objects.filter(
        pk__in=[audit.practitioner_id, audit.auditor_id, *(m["pk"] for m in members)]
    ).order_by("name")


def _may_change_actions(user: Any, audit: Audit) -> bool:
    return bool(is_audit_auditor(user, audit) or is_audit_qa_lead(user, audit))


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    audit = viewed_audit(request, pk, "audits:action_new")
    require(_may_change_actions(request.user, audit))
    form = ActionForm(
        posted(request), owners=_owners(audit), initial={"owner": audit.practitioner_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            action_create(audit=audit, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "The action is added and its owner is told.")
            if request.POST.get("then") == "another":
                return redirect("audits:action_new", pk=audit.pk)
            return redirect(DETAIL, pk=audit.pk)
    return render(
        request, "audits/action_form.html", {"audit": audit, "form": form, "action": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = action_get_for_user(user=request.user, pk=pk)
    audit = viewed_audit(request, action.audit_id, "audits:action_edit")
    require(_may_change_actions(request.user, audit))
    initial = {"description": action.description, "owner": action.owner_id,
               "due_date": action.due_date}  # fmt: skip
    form = ActionForm(posted(request), owners=_owners(audit), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            action_update(action=action, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "The action is saved.")
            return redirect(DETAIL, pk=audit.pk)
    return render(
        request, "audits/action_form.html", {"audit": audit, "form": form, "action": action}
    )


def _may_set_status(user: Any, action: AuditAction) -> bool:
    """The action's owner, the auditor, a manager of the team or a QA lead (the service
    says why when the action is no longer open)."""
    audit = action.audit
    return bool(
        user_scope(user=user).staff_id == action.owner_id
        or _may_change_actions(user, audit)
        or is_audit_manager(user, audit)
    )


@login_required
@require_POST
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an action done or cancelled, then back where the person came from (the audit
    or the actions list)."""
    action: AuditAction = action_get_for_user(user=request.user, pk=pk)
    require(_may_set_status(request.user, action))
    try:
        action_status_set(action=action, by=request.user, status=request.POST.get("status", ""))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        done = request.POST.get("status") == AuditAction.Status.DONE
        messages.success(
            request, "The action is marked done." if done else "The action is cancelled."
        )
    if request.POST.get("back") == "list":
        return redirect("audits:action_list")
    return redirect(DETAIL, pk=action.audit_id)


@login_required
@require_http_methods(["GET", "POST"])
def escalation_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Section K: raise a safeguarding escalation in one step."""
    audit = viewed_audit(request, pk, "audits:escalation_new")
    require(_may_change_actions(request.user, audit))
    form = EscalationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            escalation = escalation_raise(
                audit=audit, by=request.user, concern=form.cleaned_data["concern"]
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                "The escalation is raised. The team manager and service manager are alerted "
                "now and must acknowledge it.",
            )
            return redirect("audits:escalation", pk=escalation.pk)
    return render(request, "audits/escalation_form.html", {"audit": audit, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def escalation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An escalation, and for a manager of the team or service, acknowledging it."""
    escalation = escalation_get_for_user(user=request.user, pk=pk)
    audit = viewed_audit(request, escalation.audit_id, "audits:escalation")
    may_acknowledge = bool(is_audit_manager(request.user, audit))
    form = AcknowledgeForm(posted(request))
    if request.method == "POST":
        require(may_acknowledge)
        if form.is_valid():
            try:
                escalation_acknowledge(
                    escalation=escalation, by=request.user, note=form.cleaned_data["note"]
                )
            except ApplicationError as error:
                form_error(form, error)
            else:
                messages.success(request, "You have acknowledged the escalation.")
                return redirect("audits:escalation", pk=escalation.pk)
    return render(
        request,
        "audits/escalation_detail.html",
        {
            "audit": audit,
            "escalation": escalation,
            "form": form,
            "may_acknowledge": may_acknowledge and not escalation.is_acknowledged,
            "show_child_id": may_see_child_id(request.user, audit),
        },
    )
