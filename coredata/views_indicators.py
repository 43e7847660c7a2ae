"""Core data pages: the organisation, a service, a team, a practitioner, and my core data.

Each unit comes through the organisation's visibility selectors (outside a user's scope
it does not exist: 404) and its figures through `coredata.selectors_indicators`. The
`period` query parameter picks the period (see `coredata.indicator_display`); without
it, unit pages show the latest complete quarter and my core data the 12 months to the
latest month end.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from coredata.selectors_caseload import allocation_list_current_for_user, caseload_for_staff
from coredata.selectors_indicators import (
    Unit,
    indicator_page_for_unit,
    unit_for_organisation,
    unit_for_service,
    unit_for_staff,
    unit_for_team,
)
from organisation.models import Organisation, Service, StaffMember, Team
from organisation.selectors import (
    UserScope,
    organisation_for_user,
    service_get_for_user,
    service_list_for_user,
    staff_current_team,
    staff_get_for_user,
    staff_list_for_user,
    team_get_for_user,
    team_list_for_user,
    team_members_current,
    user_scope,
)
from organisation.services import access_log_record

ME_ROUTE = "coredata:indicators_me"
Link = tuple[str, str]


def _may_see_service(scope: UserScope, service_id: int) -> bool:
    return scope.sees_whole_organisation or service_id in scope.managed_service_ids


def _may_see_team(scope: UserScope, team: Team) -> bool:
    return _may_see_service(scope, team.service_id) or team.pk in scope.managed_team_ids


def _trail(
    scope: UserScope,
    organisation: Organisation,
    service: Service | None = None,
    team: Team | None = None,
) -> list[Link]:
    """The breadcrumbs up to a unit: only the units the user may open."""
    trail = []
    if scope.sees_whole_organisation:
        trail.append((organisation.name, reverse("coredata:indicators_organisation")))
    if service is not None and _may_see_service(scope, service.pk):
        trail.append((service.name, reverse("coredata:indicators_service", args=[service.pk])))
    if team is not None and _may_see_team(scope, team):
        trail.append((team.name, reverse("coredata:indicators_team", args=[team.pk])))
    return trail


def _render_unit(
    request: HttpRequest,
    *,
    organisation_id: int,
    unit: Unit,
    kind: str,
    parent: Unit | None,
    trail: list[Link],
    below: list[Link],
    below_title: str = "",
) -> HttpResponse:
    page = indicator_page_for_unit(
        organisation_id=organisation_id,
        unit=unit,
        parent=parent,
        period_key=request.GET.get("period"),
    )
    context: dict[str, Any] = {
        "unit": unit,
        "kind": kind,
        "parent": parent,
        "page": page,
        "trail": trail,
        "below": below,
        "below_title": below_title,
    }
    return render(request, "coredata/indicators_unit.html", context)


@login_required
@require_GET
def indicators_organisation(request: HttpRequest) -> HttpResponse:
    scope = user_scope(user=request.user)
    organisation = organisation_for_user(user=request.user)
    if organisation is None or not scope.sees_whole_organisation:
        raise PermissionDenied
    services = service_list_for_user(user=request.user).order_by("name")
    return _render_unit(
        request,
        organisation_id=organisation.pk,
        unit=unit_for_organisation(organisation),
        kind="Organisation",
        parent=None,
        trail=[],
        below=[(s.name, reverse("coredata:indicators_service", args=[s.pk])) for s in services],
        below_title="Services",
    )


@login_required
@require_GET
def indicators_service(request: HttpRequest, pk: int) -> HttpResponse:
    service = service_get_for_user(user=request.user, pk=pk)
    scope = user_scope(user=request.user)
    teams = team_list_for_user(user=request.user).filter(service=service).order_by("name")
    return _render_unit(
        request,
        organisation_id=service.organisation_id,
        unit=unit_for_service(service),
        kind="Service",
        parent=unit_for_organisation(service.organisation),
        trail=_trail(scope, service.organisation),
        below=[(t.name, reverse("coredata:indicators_team", args=[t.pk])) for t in teams],
        below_title="Teams",
    )


@login_required
@require_GET
def indicators_team(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_get_for_user(user=request.user, pk=pk)
    scope = user_scope(user=request.user)
    visible = staff_list_for_user(user=request.user).values("pk")
    members = team_members_current(team=team).prefetch_related(None).filter(pk__in=visible)
    organisation = Organisation.objects.get(pk=team.organisation_id)
    return _render_unit(
        request,
        organisation_id=team.organisation_id,
        unit=unit_for_team(team),
        kind="Team",
        parent=unit_for_service(team.service),
        trail=_trail(scope, organisation, team.service),
        below=[
            (m.name, reverse("coredata:indicators_practitioner", args=[m.pk]))
            for m in members.order_by("name")
        ],
        below_title="Practitioners",
    )


@login_required
@require_GET
def indicators_practitioner(request: HttpRequest, pk: int) -> HttpResponse:
    staff = staff_get_for_user(user=request.user, pk=pk)
    scope = user_scope(user=request.user)
    team = staff_current_team(staff=staff)
    service = Service.objects.get(pk=team.service_id) if team else None
    organisation = Organisation.objects.get(pk=staff.organisation_id)
    return _render_unit(
        request,
        organisation_id=staff.organisation_id,
        unit=unit_for_staff(staff),
        kind="Practitioner",
        parent=unit_for_team(team) if team else None,
        trail=_trail(scope, organisation, service, team),
        below=[],
    )


def _own_staff(request: HttpRequest) -> StaffMember:
    scope = user_scope(user=request.user)
    if scope.staff_id is None:
        raise Http404
    return staff_get_for_user(user=request.user, pk=scope.staff_id)


@login_required
@require_GET
def indicators_me(request: HttpRequest) -> HttpResponse:
    """My core data: the numbers that help with a caseload, and the children in it. The
    list is child-level data: each child shown is written to the access log."""
    staff = _own_staff(request)
    caseload = caseload_for_staff(
        organisation_id=staff.organisation_id, staff=staff, period_key=request.GET.get("period")
    )
    allocations = list(allocation_list_current_for_user(user=request.user))
    with transaction.atomic():
        for allocation in allocations:
            access_log_record(user=request.user, obj=allocation.child, route=ME_ROUTE)  # type: ignore[arg-type]
    return render(
        request,
        "coredata/indicators_me.html",
        {"staff": staff, "caseload": caseload, "allocations": allocations},
    )
