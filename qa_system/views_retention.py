"""How long the organisation keeps child-level records, and what the nightly job
removed. Whole-organisation roles (QA leads, senior leaders, administrators) read the
policy; administrators change it; other members are refused (403)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from organisation.models import Role
from organisation.selectors import organisation_for_user, user_scope
from qa_system.errors import ApplicationError
from qa_system.selectors import retention_policy_for, retention_runs_for
from qa_system.services_retention import (
    LABELS,
    LIMITS,
    retention_cutoffs,
    retention_policy_update,
)

RUNS_SHOWN = 14


class RetentionForm(forms.Form):
    audit_months = forms.IntegerField(
        label="Keep closed and cancelled audits for (months)",
        required=False,
        help_text="Counted from when the audit was closed or cancelled.",
    )
    survey_response_months = forms.IntegerField(
        label="Keep survey responses for (months)",
        required=False,
        help_text="Counted from the day a response was sent (staff: its week); links "
        "never used, from when they expired.",
    )
    imported_data_months = forms.IntegerField(
        label="Keep imported data for (months)",
        required=False,
        help_text="Statutory returns by collection year; local records from when they "
        "ended. The indicators look back up to five years.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def retention(request: HttpRequest) -> HttpResponse:
    scope = user_scope(user=request.user)
    organisation = organisation_for_user(user=request.user)
    if organisation is None or not scope.sees_whole_organisation:
        raise PermissionDenied
    editable = scope.has_role(Role.ADMINISTRATOR)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    policy = retention_policy_for(organisation_id=organisation.pk)
    form = RetentionForm(
        request.POST or None, initial={name: getattr(policy, name) for name in LIMITS}
    )
    if request.method == "POST" and form.is_valid():
        try:
            retention_policy_update(
                organisation=organisation, by=request.user, months=form.cleaned_data
            )
        except ApplicationError as error:
            for name, message in error.extra.get("errors", {}).items():
                form.add_error(name, message)
        else:
            messages.success(request, "Retention periods saved. They apply from tonight.")
            return redirect("qa:retention")
    return render(
        request,
        "qa_system/retention.html",
        {
            "form": form,
            "editable": editable,
            "policy": policy,
            "kinds": [
                (LABELS[name], getattr(policy, name), cutoff)
                for name, cutoff in retention_cutoffs(
                    policy=policy, today=timezone.localdate()
                ).items()
            ],
            "runs": retention_runs_for(organisation_id=organisation.pk)[:RUNS_SHOWN],
        },
    )
