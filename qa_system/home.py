"""What is waiting for each person on their home page, by role.

Each later part of the product (audits, surveys, core data) adds its own lists here;
until then each role's lists say plainly that nothing is waiting.
"""

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone

from coredata.selectors import import_run_list_for_user
from organisation.models import Role
from organisation.selectors import user_scope


@dataclass(frozen=True)
class WaitingItem:
    text: str
    url: str


@dataclass(frozen=True)
class WaitingList:
    title: str
    empty_text: str
    items: list[WaitingItem] = field(default_factory=list)


ROLE_LISTS: dict[str, list[WaitingList]] = {
    Role.PRACTITIONER: [
        WaitingList("Audits waiting for your reflection", "No audits are waiting for you."),
        WaitingList("Your actions", "You have no open actions from audits."),
    ],
    Role.TEAM_MANAGER: [
        WaitingList("Audit conversations to hold", "No audit conversations are due."),
        WaitingList("Alerts to acknowledge", "No safeguarding or survey alerts."),
        WaitingList("Your team's overdue actions", "No actions are overdue."),
    ],
    Role.SERVICE_MANAGER: [
        WaitingList("Escalations in your service", "Nothing has been escalated to you."),
        WaitingList("Follow-up audits to schedule", "No follow-up audits are due."),
    ],
    Role.QA_LEAD: [
        WaitingList("This month's audit programme", "No audit programme has been set up yet."),
        WaitingList("Audits to moderate", "No audits are waiting for moderation."),
    ],
    Role.SENIOR_LEADER: [
        WaitingList("Flags where the measures disagree", "No flags have been raised."),
    ],
    Role.DATA_OFFICER: [
        WaitingList("Imports", "No data has been imported yet."),
        WaitingList("Validation errors to fix", "No imports have errors."),
    ],
    Role.ADMINISTRATOR: [
        WaitingList("Accounts", "Manage accounts and roles in Administration."),
    ],
}


def home_lists_for_user(*, user: Any) -> list[tuple[str, list[WaitingList]]]:
    """For each role the person holds, in a fixed order, its waiting lists."""
    scope = user_scope(user=user)
    lists = []
    for role in Role:
        if not scope.has_role(role) or role not in ROLE_LISTS:
            continue
        role_lists = ROLE_LISTS[role]
        if role == Role.DATA_OFFICER:
            role_lists = [_recent_imports(user), *role_lists[1:]]
        lists.append((Role(role).label, role_lists))
    return lists


def _recent_imports(user: Any) -> WaitingList:
    runs = import_run_list_for_user(user=user)[:5]
    return WaitingList(
        "Imports",
        "No data has been imported yet.",
        [
            WaitingItem(
                f"{timezone.localtime(run.created_at):%d %b %Y %H:%M}: "
                f"{', '.join(f['name'] for f in run.files)}: {run.get_status_display()}",
                reverse("coredata:import_detail", args=[run.pk]),
            )
            for run in runs
        ],
    )
