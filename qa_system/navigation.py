"""The navigation each person sees, by role: only links to pages they may open."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from organisation.models import Organisation, Role
from organisation.selectors import user_scope


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def navigation_for_user(*, user: Any, current_view: str) -> dict[str, Any]:
    scope = user_scope(user=user)
    links: list[tuple[str, str]] = [("Home", "home")]
    if scope.sees_whole_organisation or scope.managed_team_ids or scope.managed_service_ids:
        links.append(("Teams and services", "organisation:structure"))
    if scope.has_role(Role.DATA_OFFICER) or scope.has_role(Role.ADMINISTRATOR):
        links.append(("Imports", "coredata:import_list"))
    if scope.has_role(Role.ADMINISTRATOR):
        links.append(("Administration", "admin:index"))
    links.append(("Your account", "organisation:my_account"))
    organisation = (
        Organisation.objects.only("name").get(pk=scope.organisation_id)
        if scope.organisation_id
        else None
    )
    return {
        "current_organisation": organisation,
        "nav_items": [NavItem(label, reverse(name), current_view == name) for label, name in links],
    }
