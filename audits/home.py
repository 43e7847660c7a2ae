"""The audit lists on each person's home page, by role (read by `qa_system.home`)."""

from typing import Any

from organisation.models import Role
from organisation.selectors import UserScope
from organisation.waiting import WaitingList


def audit_waiting_lists(*, user: Any, scope: UserScope) -> dict[str, list[WaitingList]]:
    """For each role the audits app has lists for, those lists for this person."""
    return {
        Role.PRACTITIONER: [
            WaitingList("Audits waiting for your reflection", "No audits are waiting for you."),
            WaitingList("Your actions", "You have no open actions from audits."),
        ],
        Role.TEAM_MANAGER: [
            WaitingList("Audit conversations to hold", "No audit conversations are due."),
            WaitingList("Safeguarding escalations to acknowledge", "No escalations."),
            WaitingList("Your team's overdue actions", "No actions are overdue."),
        ],
        Role.SERVICE_MANAGER: [
            WaitingList("Escalations in your service", "Nothing has been escalated to you."),
            WaitingList("Follow-up audits to schedule", "No follow-up audits are due."),
        ],
        Role.QA_LEAD: [
            WaitingList("This month's audit programme", "No audit programme has been set up."),
            WaitingList("Audits to moderate", "No audits are waiting for moderation."),
        ],
    }
