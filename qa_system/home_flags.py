"""The flags list on the home page, by role (for `qa_system.home`): the latest flags raised
for the units each person oversees, newest first (one query, at most `LIMIT` items)."""

from typing import Any

from organisation.models import Role
from organisation.selectors import UserScope
from organisation.waiting import WaitingItem, WaitingList
from qa_system.selectors_flags import flag_list_for_user

LIMIT = 10
TITLE = "Flags where the measures disagree"
EMPTY = "No flags have been raised."
ROLES = (Role.SENIOR_LEADER, Role.QA_LEAD, Role.SERVICE_MANAGER, Role.TEAM_MANAGER)


def flag_waiting_lists(*, user: Any, scope: UserScope) -> dict[str, list[WaitingList]]:
    """{role: [the flags list]} for each role that reads flags and the person holds."""
    held = [role for role in ROLES if scope.has_role(role)]
    if not held:
        return {}
    flags = flag_list_for_user(user=user).order_by("-raised_at", "-period_end", "pk")[:LIMIT]
    items = [
        WaitingItem(
            f"{flag.unit_name}, {flag.period_label}: {flag.rule.name}", flag.get_absolute_url()
        )
        for flag in flags
    ]
    # One list, under the first role that reads flags: a person holding two of these
    # roles sees it once.
    return {held[0]: [WaitingList(TITLE, EMPTY, items)]}
