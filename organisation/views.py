"""Pages about the organisation's structure and people. Each reads one selector."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organisation.selectors import (
    notification_list_for_user,
    service_get_for_user,
    service_list_for_user,
    staff_current_team,
    staff_get_for_user,
    team_get_for_user,
    team_list_for_user,
    team_members_current,
    user_scope,
)
from organisation.services import (
    notification_mark_all_read,
    notification_mark_read,
    user_deactivate,
)
from qa_system.errors import ApplicationError


@login_required
@require_GET
def structure(request: HttpRequest) -> HttpResponse:
    """The services and teams the user oversees."""
    teams = team_list_for_user(user=request.user).order_by("service__name", "name")
    visible_services = set(service_list_for_user(user=request.user).values_list("pk", flat=True))
    # Teams are grouped under their service. A team manager sees the service's name as a
    # heading, but only a service's managers and the whole-organisation roles get a link.
    groups: dict[int, dict[str, Any]] = {}
    for team in teams:
        group = groups.setdefault(
            team.service_id,
            {"service": team.service, "linked": team.service_id in visible_services, "teams": []},
        )
        group["teams"].append(team)
    return render(request, "organisation/structure.html", {"groups": list(groups.values())})


@login_required
@require_GET
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = service_get_for_user(user=request.user, pk=pk)
    teams = team_list_for_user(user=request.user).filter(service=service)
    return render(request, "organisation/service_detail.html", {"service": service, "teams": teams})


@login_required
@require_GET
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_get_for_user(user=request.user, pk=pk)
    members = team_members_current(team=team)
    return render(request, "organisation/team_detail.html", {"team": team, "members": members})


@login_required
@require_GET
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = staff_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "organisation/staffmember_detail.html",
        {
            "staff": staff,
            "team": staff_current_team(staff=staff),
            "roles": staff.roles.select_related("team", "service"),
            "memberships": staff.memberships.select_related("team").order_by("-start_date"),
            "can_deactivate": staff.user is not None
            and staff.user.is_active
            and request.user.has_perm("organisation.deactivate_staffmember", staff),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    staff = staff_get_for_user(user=request.user, pk=pk)
    if not request.user.has_perm("organisation.deactivate_staffmember", staff):
        raise PermissionDenied
    if staff.user is None or not staff.user.is_active:
        messages.info(request, f"{staff.name} has no active login.")
        return redirect("organisation:staff_detail", pk=staff.pk)
    if request.method == "POST":
        try:
            user_deactivate(user=staff.user, by=request.user)  # type: ignore[arg-type]
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{staff.name}'s login is deactivated and signed out.")
        return redirect("organisation:staff_detail", pk=staff.pk)
    return render(request, "organisation/staffmember_deactivate.html", {"staff": staff})


@login_required
@require_GET
def my_account(request: HttpRequest) -> HttpResponse:
    scope = user_scope(user=request.user)
    staff = staff_get_for_user(user=request.user, pk=scope.staff_id) if scope.staff_id else None
    return render(
        request,
        "organisation/my_account.html",
        {
            "staff": staff,
            "roles": staff.roles.select_related("team", "service") if staff else [],
        },
    )


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """The person's own notifications, newest first, unread ones marked."""
    notifications = notification_list_for_user(user=request.user)[:100]
    return render(request, "organisation/notification_list.html", {"notifications": notifications})


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the person's notifications read and go to the page it is about."""
    notification = get_object_or_404(notification_list_for_user(user=request.user), pk=pk)
    notification_mark_read(notification=notification)
    safe = url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None)
    return redirect(notification.url if notification.url and safe else "organisation:notifications")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = notification_mark_all_read(user=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("organisation:notifications")
