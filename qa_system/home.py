"""What is waiting for each person on their home page, by role.

Each later part of the product (audits, surveys, core data) adds its own lists here;
until then each role's lists say plainly that nothing is waiting.
"""

from dataclasses import dataclass, field

from organisation.models import Role
from organisation.selectors import UserScope


@dataclass(frozen=True)
class WaitingList:
    title: str
    empty_text: str
    items: list[str] = field(default_factory=list)


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


def home_lists_for_scope(*, scope: UserScope) -> list[tuple[str, list[WaitingList]]]:
    """For each role the person holds, in a fixed order, its waiting lists."""
    return [
        (Role(role).label, ROLE_LISTS[role])
        for role in Role
        if scope.has_role(role) and role in ROLE_LISTS
    ]
