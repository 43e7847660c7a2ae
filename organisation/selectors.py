"""What each user may see of the organisation: one visibility selector per model.

Every view, API endpoint, export and task reads organisations, services, teams and staff
through these. Outside a user's scope a record does not exist: `..._get_for_user` raises
404. The rules:

- everyone sees themselves and their own organisation;
- QA leads, senior leaders and administrators see the whole organisation's structure and
  staff;
- a service manager sees their services, the teams in them and the staff currently in
  those teams;
- a team manager sees their teams and the staff currently in them;
- practitioners and data officers see no team or service pages;
- nobody sees anything of another organisation.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from organisation.models import (
    AccessLogEntry,
    Notification,
    Organisation,
    Role,
    RoleAssignment,
    Service,
    StaffMember,
    Team,
    TeamMembership,
)

WHOLE_ORGANISATION_ROLES = frozenset({Role.QA_LEAD, Role.SENIOR_LEADER, Role.ADMINISTRATOR})


@dataclass(frozen=True)
class UserScope:
    """Who a user is in their organisation: worked out once per request."""

    organisation_id: int | None
    staff_id: int | None
    roles: frozenset[str]
    managed_team_ids: frozenset[int]
    managed_service_ids: frozenset[int]

    @property
    def sees_whole_organisation(self) -> bool:
        return bool(self.roles & WHOLE_ORGANISATION_ROLES)

    def has_role(self, role: str) -> bool:
        return role in self.roles


NO_SCOPE = UserScope(None, None, frozenset(), frozenset(), frozenset())


def user_scope(*, user: Any) -> UserScope:
    """The user's organisation, roles and managed units (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return NO_SCOPE
    cached: UserScope | None = getattr(user, "_qa_scope", None)
    if cached is not None:
        return cached
    staff = StaffMember.objects.filter(user_id=user.pk).only("id", "organisation_id").first()
    if staff is None:
        scope = NO_SCOPE
    else:
        assignments = list(
            RoleAssignment.objects.filter(staff=staff).values_list("role", "team_id", "service_id")
        )
        scope = UserScope(
            organisation_id=staff.organisation_id,
            staff_id=staff.id,
            roles=frozenset(role for role, _, _ in assignments),
            managed_team_ids=frozenset(team for _, team, _ in assignments if team),
            managed_service_ids=frozenset(service for _, _, service in assignments if service),
        )
    user._qa_scope = scope
    return scope


def organisation_for_user(*, user: Any) -> Organisation | None:
    scope = user_scope(user=user)
    if scope.organisation_id is None:
        return None
    return Organisation.objects.get(pk=scope.organisation_id)


def organisation_list_for_user(*, user: Any) -> QuerySet[Organisation]:
    scope = user_scope(user=user)
    if scope.organisation_id is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(pk=scope.organisation_id)


def service_list_for_user(*, user: Any) -> QuerySet[Service]:
    scope = user_scope(user=user)
    if scope.organisation_id is None:
        return Service.objects.none()
    services = Service.objects.filter(organisation_id=scope.organisation_id)
    if scope.sees_whole_organisation:
        return services
    return services.filter(pk__in=scope.managed_service_ids)


def service_get_for_user(*, user: Any, pk: int) -> Service:
    return get_object_or_404(service_list_for_user(user=user), pk=pk)


def team_list_for_user(*, user: Any) -> QuerySet[Team]:
    scope = user_scope(user=user)
    if scope.organisation_id is None:
        return Team.objects.none()
    teams = Team.objects.filter(organisation_id=scope.organisation_id).select_related("service")
    if scope.sees_whole_organisation:
        return teams
    return teams.filter(
        Q(pk__in=scope.managed_team_ids) | Q(service_id__in=scope.managed_service_ids)
    )


def team_get_for_user(*, user: Any, pk: int) -> Team:
    return get_object_or_404(team_list_for_user(user=user), pk=pk)


def _current(on: date) -> Q:
    return Q(memberships__start_date__lte=on) & (
        Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=on)
    )


def staff_list_for_user(*, user: Any, on: date | None = None) -> QuerySet[StaffMember]:
    """Staff the user may see: themselves, plus those currently in teams they oversee."""
    scope = user_scope(user=user)
    if scope.organisation_id is None:
        return StaffMember.objects.none()
    staff = StaffMember.objects.filter(organisation_id=scope.organisation_id)
    if scope.sees_whole_organisation:
        return staff
    on = on or timezone.localdate()
    overseen = Q(
        _current(on),
        Q(memberships__team_id__in=scope.managed_team_ids)
        | Q(memberships__team__service_id__in=scope.managed_service_ids),
    )
    visible_ids = staff.filter(overseen).values("pk")
    return staff.filter(Q(pk=scope.staff_id) | Q(pk__in=visible_ids))


def staff_get_for_user(*, user: Any, pk: int) -> StaffMember:
    return get_object_or_404(staff_list_for_user(user=user), pk=pk)


def team_members_current(*, team: Team, on: date | None = None) -> QuerySet[StaffMember]:
    """The staff in a team on a date (today by default)."""
    on = on or timezone.localdate()
    ids = TeamMembership.objects.filter(
        Q(team=team, start_date__lte=on), Q(end_date__isnull=True) | Q(end_date__gte=on)
    ).values("staff_id")
    return StaffMember.objects.filter(pk__in=ids).prefetch_related("roles")


def staff_current_team(*, staff: StaffMember, on: date | None = None) -> Team | None:
    on = on or timezone.localdate()
    membership = (
        TeamMembership.objects.filter(
            Q(staff=staff, start_date__lte=on), Q(end_date__isnull=True) | Q(end_date__gte=on)
        )
        .select_related("team")
        .first()
    )
    return membership.team if membership else None


def access_log_list_for_user(*, user: Any) -> QuerySet[AccessLogEntry]:
    """Administrators read their organisation's access log; nobody else does."""
    scope = user_scope(user=user)
    if scope.organisation_id is None or not scope.has_role(Role.ADMINISTRATOR):
        return AccessLogEntry.objects.none()
    return AccessLogEntry.objects.filter(organisation_id=scope.organisation_id).select_related(
        "user"
    )


def notification_list_for_user(*, user: Any) -> QuerySet[Notification]:
    """A person's own notifications, newest first (nobody sees anyone else's)."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk)


def notification_unread_count(*, user: Any) -> int:
    return notification_list_for_user(user=user).filter(read_at__isnull=True).count()


def users_managing_team(*, team_id: int) -> list[Any]:
    """The active logins of the team's managers (who an alert about the team goes to)."""
    return [
        assignment.staff.user
        for assignment in RoleAssignment.objects.filter(
            role=Role.TEAM_MANAGER, team_id=team_id, staff__user__is_active=True
        ).select_related("staff__user")
    ]


def users_managing_service(*, service_id: int) -> list[Any]:
    """The active logins of the service's managers (the next manager up from a team)."""
    return [
        assignment.staff.user
        for assignment in RoleAssignment.objects.filter(
            role=Role.SERVICE_MANAGER, service_id=service_id, staff__user__is_active=True
        ).select_related("staff__user")
    ]


def users_with_organisation_role(*, organisation_id: int, role: str) -> list[Any]:
    """The active logins holding an organisation-wide role (for example the QA leads)."""
    return [
        assignment.staff.user
        for assignment in RoleAssignment.objects.filter(
            role=role, staff__organisation_id=organisation_id, staff__user__is_active=True
        ).select_related("staff__user")
    ]
