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


QA_UNIT_VIEWS = frozenset(
    {"qa:unit_organisation", "qa:unit_service", "qa:unit_team", "qa:unit_practitioner",
     "qa:my_practice"}
)  # fmt: skip


def _quality_item(scope: UserScope, current_view: str) -> NavItem | None:
    """The QA page of the widest unit the person oversees ("Quality"), or their own
    ("My practice") for a practitioner who manages nothing."""
    active = current_view in QA_UNIT_VIEWS
    if scope.sees_whole_organisation:
        return NavItem("Quality", reverse("qa:unit_organisation"), active)
    if scope.managed_service_ids:
        url = reverse("qa:unit_service", args=[min(scope.managed_service_ids)])
        return NavItem("Quality", url, active)
    if scope.managed_team_ids:
        url = reverse("qa:unit_team", args=[min(scope.managed_team_ids)])
        return NavItem("Quality", url, active)
    if scope.has_role(Role.PRACTITIONER):
        return NavItem("My practice", reverse("qa:my_practice"), active)
    return None


def _has_audit_pages(scope: UserScope) -> bool:
    """Practitioners, managers and QA leads take part in audits; other roles see only
    their results."""
    return bool(
        scope.has_role(Role.PRACTITIONER)
        or scope.has_role(Role.QA_LEAD)
        or scope.managed_team_ids
        or scope.managed_service_ids
    )


def navigation_for_user(*, user: Any, current_view: str) -> dict[str, Any]:
    scope = user_scope(user=user)
    items = [_item("Home", "home", current_view)]
    quality = _quality_item(scope, current_view)
    if quality:
        items.append(quality)
    if scope.sees_whole_organisation or scope.managed_team_ids or scope.managed_service_ids:
        items.append(_item("Teams and services", "organisation:structure", current_view))
    core_data = _core_data_url(scope)
    if core_data:
        items.append(NavItem("Core data", core_data, current_view.startswith(CORE_DATA_VIEWS)))
    if _has_audit_pages(scope):
        items.append(NavItem("Audits", reverse("audits:index"), current_view.startswith("audits:")))
    # Surveys: campaigns, results and alerts for everyone but those who only load data.
    if scope.organisation_id is not None and scope.roles - {Role.DATA_OFFICER}:
        surveys = current_view.startswith("surveys:")
        items.append(NavItem("Surveys", reverse("surveys:campaign_list"), surveys))
    if scope.has_role(Role.DATA_OFFICER) or scope.has_role(Role.ADMINISTRATOR):
        items.append(_item("Imports", "coredata:import_list", current_view))
    if scope.has_role(Role.ADMINISTRATOR):
        items.append(_item("Administration", "admin:index", current_view))
        items.append(_item("Retention", "qa:retention", current_view))
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
