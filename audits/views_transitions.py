"""Moving an audit on: the buttons of its page (start the reflection, finish it, complete,
close), going ahead without the reflection, cancelling, and changing the auditor.

Someone whose role does not allow the step is refused (403). Someone whose role allows
it but whose audit is not ready (an item not rated, the wrong state) sees the audit's
page again with the service's reason as the error summary.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from audits.forms import AuditorForm, ReasonForm
from audits.models import Audit
from audits.rules import (
    is_audit_auditor,
    is_audit_manager,
    is_audit_practitioner,
    is_audit_qa_lead,
)
from audits.services_transitions import (
    audit_auditor_assign,
    audit_cancel,
    audit_close,
    audit_complete,
    audit_reflection_skip,
    audit_reflection_start,
    audit_reflection_submit,
)
from audits.views_audit import DETAIL, render_refused
from audits.views_common import Refusal, form_error, posted, require, viewed_audit
from organisation.selectors import staff_list_for_user
from qa_system.errors import ApplicationError

TRANSITION = "audits:transition"

# step: (service, who may, what they are told)
STEPS: dict[str, tuple[Callable[..., Audit], Any, str]] = {
    "start-reflection": (
        audit_reflection_start,
        is_audit_practitioner | is_audit_auditor | is_audit_qa_lead,
        "The reflection has started: the practitioner can now rate the case.",
    ),
    "submit-reflection": (
        audit_reflection_submit,
        is_audit_practitioner,
        "Your reflection is finished. The auditor is told the audit is ready for the conversation.",
    ),
    "complete": (audit_complete, is_audit_auditor, "The audit is completed."),
    "close": (audit_close, is_audit_auditor | is_audit_qa_lead, "The audit is closed."),
}


@login_required
@require_POST
def audit_transition(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    audit = viewed_audit(request, pk, TRANSITION)
    if step not in STEPS:
        raise Http404
    service, who, done = STEPS[step]
    require(bool(who(request.user, audit)))
    try:
        service(audit=audit, by=request.user)
    except ApplicationError as error:
        return render_refused(request, audit, Refusal(error, anchor="sections"))
    messages.success(request, done)
    return redirect(DETAIL, pk=audit.pk)


def _reason_page(
    request: HttpRequest,
    audit: Audit,
    *,
    act: Callable[[str], Any],
    title: str,
    label: str,
    hint: str,
    button: str,
    done: str,
    warning: bool = False,
) -> HttpResponse:
    form = ReasonForm(posted(request))
    form.fields["reason"].label = label
    form.fields["reason"].help_text = hint
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data["reason"])
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, done)
            return redirect(DETAIL, pk=audit.pk)
    return render(
        request,
        "audits/audit_reason_form.html",
        {"audit": audit, "form": form, "title": title, "button": button, "warning": warning},
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_skip_reflection(request: HttpRequest, pk: int) -> HttpResponse:
    audit = viewed_audit(request, pk, "audits:skip_reflection")
    require(bool(is_audit_auditor(request.user, audit) or is_audit_qa_lead(request.user, audit)))
    return _reason_page(
        request,
        audit,
        act=lambda reason: audit_reflection_skip(audit=audit, by=request.user, reason=reason),
        title="Go to the conversation without the practitioner's reflection",
        label="Why the audit goes ahead without the reflection",
        hint="For example, the practitioner has left. The reason is kept in the history.",
        button="Go to the conversation",
        done="The audit is ready for the conversation.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    audit = viewed_audit(request, pk, "audits:cancel")
    require(bool(is_audit_qa_lead(request.user, audit)))
    return _reason_page(
        request,
        audit,
        act=lambda reason: audit_cancel(audit=audit, by=request.user, reason=reason),
        title="Cancel this audit",
        label="Why the audit is cancelled",
        hint="For example, the case closed before the audit. The reason is kept in the history.",
        button="Cancel the audit",
        done="The audit is cancelled.",
        warning=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_assign_auditor(request: HttpRequest, pk: int) -> HttpResponse:
    audit = viewed_audit(request, pk, "audits:assign_auditor")
    require(bool(is_audit_qa_lead(request.user, audit) or is_audit_manager(request.user, audit)))
    choices = staff_list_for_user(user=request.user).exclude(pk=audit.practitioner_id)
    form = AuditorForm(
        posted(request),
        staff=choices.filter(user__isnull=False).order_by("name"),
        initial={"auditor": audit.auditor_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            audit_auditor_assign(audit=audit, by=request.user, auditor=form.cleaned_data["auditor"])
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"{audit.auditor.name} is now the auditor and is told.")
            return redirect(DETAIL, pk=audit.pk)
    return render(request, "audits/audit_auditor_form.html", {"audit": audit, "form": form})
