"""What is waiting for each person on their home page, by role.

Audits and surveys supply their own lists (audits/home.py, surveys/home.py); an empty
list says plainly that nothing is waiting.
"""

from typing import Any

from django.urls import reverse
from django.utils import timezone

from audits.home import audit_waiting_lists
from coredata.selectors import import_run_list_for_user
from organisation.models import Role
from organisation.selectors import user_scope
from organisation.waiting import WaitingItem, WaitingList
from qa_system.home_flags import flag_waiting_lists
from surveys.home import survey_waiting_lists

# The lists qa_system owns; audits, surveys and flags supply theirs (home_lists_for_user).
ROLE_LISTS: dict[str, list[WaitingList]] = {
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
    by_role: dict[str, list[WaitingList]] = {}
    for provided in (
        audit_waiting_lists(user=user, scope=scope),
        survey_waiting_lists(user=user, scope=scope),
        flag_waiting_lists(user=user, scope=scope),
        ROLE_LISTS,
    ):
        for role, role_lists in provided.items():
            if scope.has_role(role):
                by_role.setdefault(role, []).extend(role_lists)
    if Role.DATA_OFFICER in by_role:
        by_role[Role.DATA_OFFICER] = [_recent_imports(user), *by_role[Role.DATA_OFFICER][1:]]
    return [(Role(role).label, by_role[role]) for role in Role if role in by_role]


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
