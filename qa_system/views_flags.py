"""Flags where the measures disagree, and the rules that raise them.

Flags: everyone signed in lists the flags of the units they may see; a flag outside them
is a 404. Rules: another organisation's rule is a 404; whole-organisation roles read the
rules, QA leads change them, other members are refused (403).
"""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organisation.models import User
from organisation.selectors import organisation_for_user
from qa_system.errors import ApplicationError
from qa_system.flag_measures import quarter_label
from qa_system.forms_flags import FlagRuleForm, initial_from_rule
from qa_system.models import FlagRule
from qa_system.selectors_flags import (
    flag_detail,
    flag_get_for_user,
    flag_list_for_user,
    flag_periods_for_user,
    flag_rule_get_for_user,
    flag_rule_list_for_user,
    flag_rules_editable,
    flag_rules_readable,
)
from qa_system.services_flags import flag_rule_create, flag_rule_set_active, flag_rule_update

FLAGS_SHOWN = 200


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here requires a sign-in)."""
    return cast(User, request.user)


@login_required
@require_GET
def flag_list(request: HttpRequest) -> HttpResponse:
    """The flags of one quarter (`?quarter=2025-04-01`, default the latest with flags)."""
    periods = flag_periods_for_user(user=request.user)
    chosen = next((p for p in periods if p[0].isoformat() == request.GET.get("quarter")), None)
    chosen = chosen or (periods[0] if periods else None)
    flags = flag_list_for_user(user=request.user)
    if chosen:
        flags = flags.filter(period_start=chosen[0])
    context: dict[str, Any] = {
        "flags": list(flags.order_by("rule__name", "unit_type", "unit_name")[:FLAGS_SHOWN]),
        "periods": [(p[0].isoformat(), quarter_label(("quarter", *p))) for p in periods],
        "chosen": chosen[0].isoformat() if chosen else "",
        "chosen_label": quarter_label(("quarter", *chosen)) if chosen else "",
        "rules_readable": flag_rules_readable(user=request.user),
    }
    return render(request, "qa_system/flag_list.html", context)


@login_required
@require_GET
def flag_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    flag = flag_get_for_user(user=request.user, pk=pk)
    detail = flag_detail(user=request.user, flag=flag)
    return render(
        request,
        "qa_system/flag_detail.html",
        {"detail": detail, "flag": flag, "rules_readable": flag_rules_readable(user=request.user)},
    )


@login_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    if not flag_rules_readable(user=request.user):
        raise PermissionDenied
    rules = flag_rule_list_for_user(user=request.user).select_related("updated_by")
    return render(
        request,
        "qa_system/rule_list.html",
        {"rules": rules, "editable": flag_rules_editable(user=request.user)},
    )


def _errors_onto(form: FlagRuleForm, error: ApplicationError) -> None:
    problems: dict[str, str] = error.extra.get("errors") or {}
    for name, message in problems.items():
        form.add_error(name if name in form.fields else None, message)
    if not problems:
        form.add_error(None, error.message)


@login_required
@require_http_methods(["GET", "POST"])
def rule_create(request: HttpRequest) -> HttpResponse:
    if not flag_rules_editable(user=request.user):
        raise PermissionDenied
    organisation = organisation_for_user(user=request.user)
    if organisation is None:  # pragma: no cover - a QA lead always has one
        raise PermissionDenied
    form = FlagRuleForm(request.POST or None, initial={"b_condition": "none"})
    if request.method == "POST" and form.is_valid():
        try:
            rule = flag_rule_create(
                organisation=organisation, by=_user(request), **form.rule_fields()
            )
        except ApplicationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, f"Rule “{rule.name}” added. Its flags are being worked out.")
            return redirect("qa:rule_list")
    return render(request, "qa_system/rule_form.html", {"form": form, "rule": None})


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = flag_rule_get_for_user(user=request.user, pk=pk)
    if not flag_rules_editable(user=request.user):
        raise PermissionDenied
    form = FlagRuleForm(request.POST or None, initial=initial_from_rule(rule))
    if request.method == "POST" and form.is_valid():
        try:
            flag_rule_update(rule=rule, by=_user(request), **form.rule_fields())
        except ApplicationError as error:
            _errors_onto(form, error)
        else:
            messages.success(request, f"Rule “{rule.name}” saved. Its flags are being worked out.")
            return redirect("qa:rule_list")
    return render(request, "qa_system/rule_form.html", {"form": form, "rule": rule})


@login_required
@require_POST
def rule_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    rule: FlagRule = flag_rule_get_for_user(user=request.user, pk=pk)
    if not flag_rules_editable(user=request.user):
        raise PermissionDenied
    flag_rule_set_active(rule=rule, by=_user(request), active=not rule.active)
    state = "turned on" if rule.active else "turned off"
    messages.success(request, f"Rule “{rule.name}” {state}.")
    return redirect(reverse("qa:rule_list"))
