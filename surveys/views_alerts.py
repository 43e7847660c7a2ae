"""Child safety alerts: the list, one alert with its case reference, acknowledging it.

A child who answers that they do not feel safe raises an alert for the case's team
managers; one not acknowledged in time is escalated to the service managers. The
selector decides who sees an alert (outside it: 404); acknowledging is for the
managers of its team and service and QA leads (the worker sees it: 403). The case
reference is child-level data: every page showing it writes the access log.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from organisation.services import access_log_record, access_log_record_many
from qa_system.errors import ApplicationError
from surveys.forms import AlertAcknowledgeForm
from surveys.models import SafetyAlert, SafetyPlace
from surveys.selectors import (
    safety_alert_can_acknowledge,
    safety_alert_get_for_user,
    safety_alert_list_for_user,
)
from surveys.services_alerts import safety_alert_acknowledge
from surveys.views_common import survey_nav

ACKNOWLEDGED_SHOWN = 50


def places_text(alert: SafetyAlert) -> str:
    return ", ".join(str(SafetyPlace(place).label).lower() for place in alert.places)


@login_required
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    alerts = safety_alert_list_for_user(user=request.user)
    waiting = list(alerts.filter(acknowledged_at__isnull=True).order_by("created_at"))
    done = list(alerts.filter(acknowledged_at__isnull=False).order_by("-created_at"))
    done = done[:ACKNOWLEDGED_SHOWN]
    access_log_record_many(
        user=request.user,  # type: ignore[arg-type]
        objects=[alert.child for alert in [*waiting, *done]],
        route="surveys:alert_list",
    )
    return render(
        request,
        "surveys/alert_list.html",
        {
            "waiting": [(alert, places_text(alert)) for alert in waiting],
            "done": [(alert, places_text(alert)) for alert in done],
            "nav": survey_nav(request),
        },
    )


@login_required
@require_GET
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = safety_alert_get_for_user(user=request.user, pk=pk)
    access_log_record(
        user=request.user,  # type: ignore[arg-type]
        obj=alert.child,
        route="surveys:alert_detail",
    )
    can_acknowledge = not alert.is_acknowledged and safety_alert_can_acknowledge(
        user=request.user, alert=alert
    )
    return render(
        request,
        "surveys/alert_detail.html",
        {
            "alert": alert,
            "places": places_text(alert),
            "form": AlertAcknowledgeForm() if can_acknowledge else None,
        },
    )


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alert = safety_alert_get_for_user(user=request.user, pk=pk)
    if not safety_alert_can_acknowledge(user=request.user, alert=alert):
        raise PermissionDenied
    form = AlertAcknowledgeForm(request.POST)
    if not form.is_valid():
        access_log_record(
            user=request.user,  # type: ignore[arg-type]
            obj=alert.child,
            route="surveys:alert_acknowledge",
        )
        return render(
            request,
            "surveys/alert_detail.html",
            {"alert": alert, "places": places_text(alert), "form": form},
            status=400,
        )
    try:
        safety_alert_acknowledge(alert=alert, by=request.user, note=form.cleaned_data["note"])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Alert acknowledged.")
    return redirect("surveys:alert_detail", pk=alert.pk)
