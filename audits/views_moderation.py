"""Moderation: the queue (QA leads), the moderation form (the moderator agrees with the
grade or changes it with a reason), and asking for an audit that was not sampled."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audits import policy
from audits.forms import ModerationForm
from audits.models import Grade
from audits.rules import is_audit_moderator, is_audit_qa_lead
from audits.selectors_work import (
    moderation_agreement,
    moderation_list_for_user,
    moderation_queue_for_user,
)
from audits.services_moderation import audit_moderate, moderation_request
from audits.views_audit import DETAIL
from audits.views_common import (
    form_error,
    may_see_child_id,
    posted,
    require,
    require_qa_lead,
    viewed_audit,
)
from qa_system.errors import ApplicationError


@login_required
@require_GET
def moderation_queue(request: HttpRequest) -> HttpResponse:
    organisation_id = require_qa_lead(request)
    done = (
        moderation_list_for_user(user=request.user)
        .filter(moderated_at__isnull=False)
        .select_related("audit__team", "moderator")
        .order_by("-moderated_at")[:20]
    )
    agreed, moderated = moderation_agreement(organisation_id=organisation_id)
    return render(
        request,
        "audits/moderation_queue.html",
        {
            "queue": moderation_queue_for_user(user=request.user),
            "done": done,
            "agreed": agreed,
            "moderated": moderated,
            "agreement": round(100 * agreed / moderated) if moderated else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def audit_moderate_view(request: HttpRequest, pk: int) -> HttpResponse:
    audit = viewed_audit(request, pk, "audits:moderate")
    require(bool(is_audit_moderator(request.user, audit)))
    not_waiting = policy.refuse_moderate(request.user, audit)
    form = ModerationForm(posted(request))
    if request.method == "POST" and not not_waiting and form.is_valid():
        agrees = form.cleaned_data["agrees"] == "yes"
        try:
            audit_moderate(
                audit=audit,
                by=request.user,
                agrees=agrees,
                grade="" if agrees else form.cleaned_data["grade"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                "You agreed with the grade."
                if agrees
                else "The grade is changed and your reason is kept with the audit.",
            )
            return redirect(DETAIL, pk=audit.pk)
    return render(
        request,
        "audits/audit_moderate.html",
        {
            "audit": audit,
            "form": form,
            "not_waiting": not_waiting,
            "grade_label": Grade(audit.overall_grade).label if audit.overall_grade else "",
            "show_child_id": may_see_child_id(request.user, audit),
        },
    )


@login_required
@require_POST
def audit_moderation_request(request: HttpRequest, pk: int) -> HttpResponse:
    """A QA lead asks for a completed audit that was not sampled to be moderated."""
    audit = viewed_audit(request, pk, "audits:moderation_request")
    require(bool(is_audit_qa_lead(request.user, audit)))
    try:
        moderation_request(audit=audit, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The audit is added to the moderation queue.")
    return redirect(DETAIL, pk=audit.pk)
