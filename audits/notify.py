"""Sending audit notifications through `organisation.services.notification_send` (in the
app, plus one email after commit). Subjects carry no child's details; only a
safeguarding escalation's body names the child's LA reference, which its recipients
must act on."""

from collections.abc import Iterable
from typing import Any

from organisation.models import Role, RoleAssignment, StaffMember
from organisation.selectors import (
    staff_current_team,
    users_managing_service,
    users_managing_team,
    users_with_organisation_role,
)
from organisation.services import notification_send


def user_of(staff: StaffMember | None) -> Any:
    """The active login of a staff member, or None (staff without a login are skipped)."""
    if staff is None or staff.user_id is None:
        return None
    user = staff.user
    return user if user is not None and user.is_active else None


def notify(
    *,
    recipients: Iterable[Any],
    organisation_id: int,
    kind: str,
    subject: str,
    body: str,
    url: str,
    dedupe_key: str,
    email: bool = True,
) -> int:
    """Notify each distinct recipient once per `dedupe_key`; returns how many were newly
    notified (0 when every one had it already)."""
    sent = 0
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        notification = notification_send(
            recipient=user,
            organisation_id=organisation_id,
            kind=kind,
            subject=subject,
            body=body,
            url=url,
            email=email,
            dedupe_key=dedupe_key,
        )
        sent += notification is not None
    return sent


def managers_of_team(team_id: int) -> list[Any]:
    return list(users_managing_team(team_id=team_id))


def managers_of_service(service_id: int) -> list[Any]:
    return list(users_managing_service(service_id=service_id))


def managers_of_staff(staff: StaffMember) -> list[Any]:
    """The next managers up from a person: their current team's managers (leaving the
    person out), else that team's service managers, else the QA leads."""
    team = staff_current_team(staff=staff)
    if team is not None:
        managers = [u for u in managers_of_team(team.pk) if u.pk != staff.user_id]
        if managers:
            return managers
        managers = [u for u in managers_of_service(team.service_id) if u.pk != staff.user_id]
        if managers:
            return managers
    return qa_leads(staff.organisation_id)


def qa_leads(organisation_id: int) -> list[Any]:
    return list(users_with_organisation_role(organisation_id=organisation_id, role=Role.QA_LEAD))


def staff_holding(role: str, **scope: Any) -> list[StaffMember]:
    """Staff holding a role on a team, a service or the organisation (stable order)."""
    return [
        assignment.staff
        for assignment in RoleAssignment.objects.filter(role=role, **scope)
        .select_related("staff")
        .order_by("staff_id")
    ]
