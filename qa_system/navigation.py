"""The navigation each person sees, by role: only links to pages they may open."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from organisation.models import Organisation, Role
from organisation.selectors import UserScope, notification_unread_count, user_scope


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


CORE_DATA_VIEWS = "coredata:indicators_"


def _core_data_url(scope: UserScope) -> str | None:
    """Core data at the widest unit the person oversees: the organisation, their service,
    their team, or their own caseload."""
    if scope.sees_whole_organisation:
        return reverse("coredata:indicators_organisation")
    if scope.managed_service_ids:
        return reverse("coredata:indicators_service", args=[min(scope.managed_service_ids)])
    if scope.managed_team_ids:
        return reverse("coredata:indicators_team", args=[min(scope.managed_team_ids)])
    if scope.has_role(Role.PRACTITIONER):
        return reverse("coredata:indicators_me")
    return None


def navigation_for_user(*, user: Any, current_view: str) -> dict[str, Any]:
    scope = user_scope(user=user)
    items = [_item("Home", "home", current_view)]
    if scope.sees_whole_organisation or scope.managed_team_ids or scope.managed_service_ids:
        items.append(_item("Teams and services", "organisation:structure", current_view))
    core_data = _core_data_url(scope)
    if core_data:
        items.append(NavItem("Core data", core_data, current_view.startswith(CORE_DATA_VIEWS)))
    if scope.has_role(Role.DATA_OFFICER) or scope.has_role(Role.ADMINISTRATOR):
        items.append(_item("Imports", "coredata:import_list", current_view))
    if scope.has_role(Role.ADMINISTRATOR):
        items.append(_item("Administration", "admin:index", current_view))
    unread = notification_unread_count(user=user)
    items.append(
        NavItem(
            f"Notifications ({unread} new)" if unread else "Notifications",
            reverse("organisation:notifications"),
            current_view == "organisation:notifications",
        )
    )
    items.append(_item("Your account", "organisation:my_account", current_view))
    organisation = (
        Organisation.objects.only("name").get(pk=scope.organisation_id)
        if scope.organisation_id
        else None
    )
    return {"current_organisation": organisation, "nav_items": items}


def _item(label: str, name: str, current_view: str) -> NavItem:
    return NavItem(label, reverse(name), current_view == name)
