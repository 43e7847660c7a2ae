"""Core data pages: the organisation, a service, a team, a practitioner, and my core data.

Each unit comes through `coredata.selectors.results_unit_for_user`, the one rule set for
whose aggregate results a user may read (the API and the downloads use it too; outside
it a unit does not exist: 404; the organisation's page is 403), and its figures through
`coredata.selectors_indicators`. The `period` query parameter picks the period (see
`coredata.indicator_display`); without it, unit pages show the latest complete quarter
and my core data the 12 months to the latest month end.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from coredata.indicators.members import is_listed
from coredata.indicators.units import ORGANISATION, PRACTITIONER, SERVICE, TEAM
from coredata.selectors import results_unit_for_user, results_visible
from coredata.selectors_caseload import allocation_list_current_for_user, caseload_for_staff
from coredata.selectors_children import (
    service_children_listable,
    staff_children_listable,
    team_children_listable,
    unit_children_list,
)
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
    service_list_for_user,
    staff_current_team,
    staff_list_for_user,
    team_list_for_user,
    team_members_current,
    user_scope,
)
from organisation.services import access_log_record_many

ME_ROUTE = "coredata:indicators_me"
CHILDREN_ROUTE = "coredata:indicators_children"
Link = tuple[str, str]


def _unit_or_404(request: HttpRequest, unit_type: str, pk: int) -> Any:
    """The unit (a Service, Team or StaffMember) whose page is asked for, if the user may
    read its results (coredata.selectors.results_unit_for_user); otherwise 404."""
    unit = results_unit_for_user(user=request.user, unit_type=unit_type, pk=pk)
    if unit is None:
        raise Http404
    return unit


def _trail(
    scope: UserScope,
    organisation: Organisation,
    service: Service | None = None,
    team: Team | None = None,
) -> list[Link]:
    """The breadcrumbs up to a unit: only the units the user may open."""
    trail = []
    if results_visible(scope=scope, unit_type=ORGANISATION, unit=organisation):
        trail.append((organisation.name, reverse("coredata:indicators_organisation")))
    if service is not None and results_visible(scope=scope, unit_type=SERVICE, unit=service):
        trail.append((service.name, reverse("coredata:indicators_service", args=[service.pk])))
    if team is not None and results_visible(scope=scope, unit_type=TEAM, unit=team):
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
    children_url: str = "",
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
        # Where the children behind a figure are listed: empty if the user may not.
        "children_url": children_url,
    }
    return render(request, "coredata/indicators_unit.html", context)


@login_required
@require_GET
def indicators_organisation(request: HttpRequest) -> HttpResponse:
    scope = user_scope(user=request.user)
    organisation = results_unit_for_user(
        user=request.user, unit_type=ORGANISATION, pk=scope.organisation_id
    )
    if not isinstance(organisation, Organisation):  # aggregates only: 403 for the rest
        raise PermissionDenied
    services = list(service_list_for_user(user=request.user).order_by("name"))
    # A team manager sees no service: their teams are listed instead.
    teams = list(
        team_list_for_user(user=request.user)
        .exclude(service__in=[s.pk for s in services])
        .order_by("name")
    )
    below = [(s.name, reverse("coredata:indicators_service", args=[s.pk])) for s in services]
    below += [(t.name, reverse("coredata:indicators_team", args=[t.pk])) for t in teams]
    title = {(True, False): "Services", (False, True): "Teams"}
    return _render_unit(
        request,
        organisation_id=organisation.pk,
        unit=unit_for_organisation(organisation),
        kind="Organisation",
        parent=None,
        trail=[],
        below=below,
        below_title=title.get((bool(services), bool(teams)), "Services and teams"),
    )


@login_required
@require_GET
def indicators_service(request: HttpRequest, pk: int) -> HttpResponse:
    service: Service = _unit_or_404(request, SERVICE, pk)
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
        children_url=_children_url(
            service_children_listable(scope=scope, service=service), "services", pk
        ),
    )


@login_required
@require_GET
def indicators_team(request: HttpRequest, pk: int) -> HttpResponse:
    team: Team = _unit_or_404(request, TEAM, pk)
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
        children_url=_children_url(team_children_listable(scope=scope, team=team), "teams", pk),
    )


@login_required
@require_GET
def indicators_practitioner(request: HttpRequest, pk: int) -> HttpResponse:
    staff: StaffMember = _unit_or_404(request, PRACTITIONER, pk)
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
        children_url=_children_url(
            staff_children_listable(scope=scope, staff=staff, current_team=team),
            "practitioners",
            pk,
        ),
    )


def _children_url(listable: bool, kind: str, pk: int) -> str:
    return reverse("coredata:indicators_children", args=[kind, pk]) if listable else ""


def _listed_unit(request: HttpRequest, kind: str, pk: int) -> tuple[Unit, Organisation, list[Link]]:
    """The unit whose children are asked for, its organisation and the breadcrumbs down
    to its page. Outside the user's visibility: 404; seen but not listable: 403."""
    scope = user_scope(user=request.user)
    if kind == "services":
        service: Service = _unit_or_404(request, SERVICE, pk)
        listable = service_children_listable(scope=scope, service=service)
        unit, organisation = unit_for_service(service), service.organisation
        trail = _trail(scope, organisation, service)
    elif kind == "teams":
        team: Team = _unit_or_404(request, TEAM, pk)
        listable = team_children_listable(scope=scope, team=team)
        unit, organisation = unit_for_team(team), Organisation.objects.get(pk=team.organisation_id)
        trail = _trail(scope, organisation, team.service, team)
    elif kind == "practitioners":
        staff: StaffMember = _unit_or_404(request, PRACTITIONER, pk)
        current = staff_current_team(staff=staff)
        listable = staff_children_listable(scope=scope, staff=staff, current_team=current)
        unit = unit_for_staff(staff)
        organisation = Organisation.objects.get(pk=staff.organisation_id)
        parent = Service.objects.get(pk=current.service_id) if current else None
        trail = _trail(scope, organisation, parent, current)
        page = reverse("coredata:indicators_practitioner", args=[pk])
        trail.append((staff.name, page))
    else:
        raise Http404
    if not listable:
        raise PermissionDenied
    return unit, organisation, trail


@login_required
@require_GET
def indicators_children(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The children behind one figure of a unit's page (`indicator`, `breakdown` and
    `period` as the page links them; without them, the children in any tier). Child-level
    data: each child listed is written to the access log, in one insert.

    Worked out on demand from the organisation's records (see
    `coredata.selectors_children.unit_children_list` for the cost): the page is opened
    rarely, and a stored copy of every list would hold child-level data for every unit
    and period."""
    unit, organisation, trail = _listed_unit(request, kind, pk)
    indicator = request.GET.get("indicator") or "P1"
    breakdown = request.GET.get("breakdown", "") if "indicator" in request.GET else "tier=total"
    if not is_listed(indicator, breakdown):
        raise Http404
    listing = unit_children_list(
        organisation=organisation,
        unit=unit,
        indicator=indicator,
        breakdown=breakdown,
        period_key=request.GET.get("period"),
    )
    access_log_record_many(
        user=request.user,  # type: ignore[arg-type]
        objects=[row.child for row in listing.rows],
        route=CHILDREN_ROUTE,
    )
    return render(
        request,
        "coredata/indicators_children.html",
        {"unit": unit, "listing": listing, "trail": trail},
    )


def _own_staff(request: HttpRequest) -> StaffMember:
    scope = user_scope(user=request.user)
    if scope.staff_id is None:
        raise Http404
    staff: StaffMember = _unit_or_404(request, PRACTITIONER, scope.staff_id)
    return staff


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
    access_log_record_many(
        user=request.user,  # type: ignore[arg-type]
        objects=[allocation.child for allocation in allocations],
        route=ME_ROUTE,
    )
    return render(
        request,
        "coredata/indicators_me.html",
        {"staff": staff, "caseload": caseload, "allocations": allocations},
    )
