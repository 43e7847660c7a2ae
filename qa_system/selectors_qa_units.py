"""Which unit a QA page is about, and what lies around it: its parent, the breadcrumbs up
to it and (for managers) the units below it, all through the organisation's visibility
selectors.

The rules are the core data pages' (`coredata.views_indicators`): a practitioner opens
their own page ("my practice"); a team manager their teams and the practitioners in
them; a service manager their services, their teams and practitioners; QA leads, senior
leaders and administrators every unit of the organisation (aggregates only). The
organisation's page is for whole-organisation roles and for managers (aggregates), like
the core data organisation page; anyone else signed in gets 403. A unit outside a
user's visibility, or of another organisation, does not exist (404).

Each function reads a fixed number of rows, whatever the size of the organisation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.functional import cached_property

from coredata.indicators.units import ORGANISATION, PRACTITIONER, SERVICE, TEAM
from coredata.selectors_indicators import Unit
from organisation.models import Organisation, Service, StaffMember, Team, TeamMembership
from organisation.selectors import (
    UserScope,
    organisation_for_user,
    service_list_for_user,
    staff_list_for_user,
    team_list_for_user,
    team_members_current,
    user_scope,
)

# The URL segment of each unit type (pages and API).
URL_KINDS = {SERVICE: "services", TEAM: "teams", PRACTITIONER: "practitioners"}
UNIT_TYPES_BY_KIND = {kind: unit_type for unit_type, kind in URL_KINDS.items()}
Link = tuple[str, str]


@dataclass(frozen=True)
class QaUnit:
    """A unit of the organisation as the QA pages name it: its type, database id, the
    code the core data results use (LA code, service or team code, worker ID), name."""

    unit_type: str
    pk: int
    code: str
    name: str
    organisation_id: int

    @property
    def core(self) -> Unit:
        return Unit(self.unit_type, self.code, self.name)

    @cached_property
    def url(self) -> str:
        if self.unit_type == ORGANISATION:
            return reverse("qa:unit_organisation")
        return unit_page_url(self.unit_type, self.pk)

    @property
    def kind_label(self) -> str:
        return self.unit_type.capitalize()


# A team's page links to each of its practitioners (hundreds in a large team), so the
# address of a unit's page is reverse()d once per unit type and filled in per unit.
_SENTINEL = 987654321
_URL_PARTS: dict[tuple[str, str], tuple[str, str]] = {}


def unit_page_url(unit_type: str, pk: int) -> str:
    """The same as reverse(f"qa:unit_{unit_type}", args=[pk]) for a service, team or
    practitioner."""
    key = (unit_type, get_script_prefix())
    parts = _URL_PARTS.get(key)
    if parts is None:
        before, _, after = reverse(f"qa:unit_{unit_type}", args=[_SENTINEL]).partition(
            str(_SENTINEL)
        )
        parts = _URL_PARTS[key] = (before, after)
    return f"{parts[0]}{int(pk)}{parts[1]}"


def qa_unit_of_organisation(organisation: Organisation) -> QaUnit:
    return QaUnit(
        ORGANISATION, organisation.pk, organisation.la_code, organisation.name, organisation.pk
    )


def qa_unit_of_service(service: Service) -> QaUnit:
    return QaUnit(SERVICE, service.pk, service.code, service.name, service.organisation_id)


def qa_unit_of_team(team: Team) -> QaUnit:
    return QaUnit(TEAM, team.pk, team.code, team.name, team.organisation_id)


def qa_unit_of_staff(staff: StaffMember) -> QaUnit:
    return QaUnit(PRACTITIONER, staff.pk, staff.worker_id, staff.name, staff.organisation_id)


@dataclass(frozen=True)
class UnitPlace:
    """A unit with what is around it, as the user may see it."""

    unit: QaUnit
    organisation: Organisation
    # The parent's figures are shown beside the unit's whether or not the user may open
    # the parent's page; `parent_url` is empty when they may not.
    parent: QaUnit | None
    parent_url: str
    trail: list[Link]
    children: list[QaUnit] = field(default_factory=list)
    children_title: str = ""
    is_own: bool = False


def _may_see_organisation(scope: UserScope) -> bool:
    return scope.sees_whole_organisation or bool(
        scope.managed_team_ids or scope.managed_service_ids
    )


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
    if _may_see_organisation(scope):
        trail.append((organisation.name, reverse("qa:unit_organisation")))
    if service is not None and _may_see_service(scope, service.pk):
        trail.append((service.name, reverse("qa:unit_service", args=[service.pk])))
    if team is not None and _may_see_team(scope, team):
        trail.append((team.name, reverse("qa:unit_team", args=[team.pk])))
    return trail


def qa_place_organisation(*, user: Any) -> UnitPlace:
    """The organisation's page: its services (a team manager, who sees no service, gets
    their teams instead)."""
    scope = user_scope(user=user)
    organisation = organisation_for_user(user=user)
    if organisation is None or not _may_see_organisation(scope):
        raise PermissionDenied
    services = list(service_list_for_user(user=user).order_by("name"))
    teams = list(
        team_list_for_user(user=user).exclude(service__in=[s.pk for s in services]).order_by("name")
    )
    title = {(True, False): "Services", (False, True): "Teams"}
    return UnitPlace(
        unit=qa_unit_of_organisation(organisation),
        organisation=organisation,
        parent=None,
        parent_url="",
        trail=[],
        children=[qa_unit_of_service(s) for s in services] + [qa_unit_of_team(t) for t in teams],
        children_title=title.get((bool(services), bool(teams)), "Services and teams"),
    )


def qa_place_service(*, user: Any, pk: int) -> UnitPlace:
    service = get_object_or_404(
        service_list_for_user(user=user).select_related("organisation"), pk=pk
    )
    scope = user_scope(user=user)
    organisation = service.organisation
    teams = team_list_for_user(user=user).filter(service=service).order_by("name")
    return UnitPlace(
        unit=qa_unit_of_service(service),
        organisation=organisation,
        parent=qa_unit_of_organisation(organisation),
        parent_url=reverse("qa:unit_organisation") if _may_see_organisation(scope) else "",
        trail=_trail(scope, organisation),
        children=[qa_unit_of_team(t) for t in teams],
        children_title="Teams",
    )


def qa_place_team(*, user: Any, pk: int) -> UnitPlace:
    team = get_object_or_404(
        team_list_for_user(user=user).select_related("service__organisation"), pk=pk
    )
    scope = user_scope(user=user)
    organisation = team.service.organisation
    visible = staff_list_for_user(user=user).values("pk")
    members = (
        team_members_current(team=team)
        .prefetch_related(None)
        .filter(pk__in=visible)
        .order_by("name")
    )
    return UnitPlace(
        unit=qa_unit_of_team(team),
        organisation=organisation,
        parent=qa_unit_of_service(team.service),
        parent_url=(
            reverse("qa:unit_service", args=[team.service_id])
            if _may_see_service(scope, team.service_id)
            else ""
        ),
        trail=_trail(scope, organisation, team.service),
        children=[qa_unit_of_staff(m) for m in members],
        children_title="Practitioners",
    )


def qa_place_practitioner(*, user: Any, pk: int) -> UnitPlace:
    staff = get_object_or_404(staff_list_for_user(user=user).select_related("organisation"), pk=pk)
    scope = user_scope(user=user)
    team = _current_team(staff)
    service = team.service if team else None
    organisation = staff.organisation
    return UnitPlace(
        unit=qa_unit_of_staff(staff),
        organisation=organisation,
        parent=qa_unit_of_team(team) if team else None,
        parent_url=(
            reverse("qa:unit_team", args=[team.pk]) if team and _may_see_team(scope, team) else ""
        ),
        trail=_trail(scope, organisation, service, team),
        is_own=staff.pk == scope.staff_id,
    )


def _current_team(staff: StaffMember) -> Team | None:
    """The staff member's team today, with its service (organisation.selectors'
    staff_current_team, one query)."""
    today = timezone.localdate()
    membership = (
        TeamMembership.objects.filter(
            Q(staff=staff, start_date__lte=today), Q(end_date__isnull=True) | Q(end_date__gte=today)
        )
        .select_related("team__service")
        .first()
    )
    return membership.team if membership else None


def qa_place_me(*, user: Any) -> UnitPlace:
    """My practice: the signed-in person's own practitioner page (404 without a staff
    record)."""
    scope = user_scope(user=user)
    if scope.staff_id is None:
        raise Http404
    return qa_place_practitioner(user=user, pk=scope.staff_id)


def qa_place_for_user(*, user: Any, unit_type: str, pk: int | None) -> UnitPlace:
    """A unit's place by type (organisation, service, team, practitioner) and id: what
    the API and the pages share. The organisation's id must be the user's own."""
    if unit_type == ORGANISATION:
        place = qa_place_organisation(user=user)
        if pk is not None and place.unit.pk != pk:
            raise Http404
        return place
    if pk is None:
        raise Http404
    if unit_type == SERVICE:
        return qa_place_service(user=user, pk=pk)
    if unit_type == TEAM:
        return qa_place_team(user=user, pk=pk)
    if unit_type == PRACTITIONER:
        return qa_place_practitioner(user=user, pk=pk)
    raise Http404
