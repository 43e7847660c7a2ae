"""The survey lists on each person's home page, by role (read by `qa_system.home`)."""

from typing import Any

from organisation.models import Role
from organisation.selectors import UserScope
from organisation.waiting import WaitingList


def survey_waiting_lists(*, user: Any, scope: UserScope) -> dict[str, list[WaitingList]]:
    """For each role the surveys app has lists for, those lists for this person."""
    return {
        Role.TEAM_MANAGER: [
            WaitingList("Child safety alerts to acknowledge", "No child safety alerts."),
        ],
        Role.SERVICE_MANAGER: [
            WaitingList("Child safety alerts escalated to you", "No alerts have been escalated."),
        ],
    }
