"""Writes to the organisation: its structure, people, roles, accounts and the access log."""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from organisation.models import (
    AccessLogEntry,
    Notification,
    Organisation,
    Role,
    RoleAssignment,
    Service,
    StaffMember,
    Team,
    TeamMembership,
    User,
)
from organisation.selectors import user_scope
from qa_system.errors import ApplicationError


def organisation_create(*, la_code: str, name: str) -> Organisation:
    """Create the organisation, or rename it if the LA code exists (idempotent)."""
    organisation, created = Organisation.objects.get_or_create(
        la_code=la_code, defaults={"name": name}
    )
    if not created and organisation.name != name:
        organisation.name = name
        organisation.save(update_fields=["name"])
    return organisation


def service_upsert(*, organisation: Organisation, code: str, name: str) -> Service:
    service, _ = Service.objects.update_or_create(
        organisation=organisation, code=code, defaults={"name": name}
    )
    return service


def team_upsert(*, service: Service, code: str, name: str) -> Team:
    team, _ = Team.objects.update_or_create(
        organisation_id=service.organisation_id,
        code=code,
        defaults={"name": name, "service": service},
    )
    return team


def staff_member_upsert(
    *,
    organisation: Organisation,
    worker_id: str,
    name: str,
    email: str | None = None,
    password: str | None = None,
) -> StaffMember:
    """Create or update a staff member, with a login when an email address is given.

    The password, when given, is only set on a new login; an existing one keeps its own.
    """
    with transaction.atomic():
        staff, _ = StaffMember.objects.update_or_create(
            organisation=organisation, worker_id=worker_id, defaults={"name": name}
        )
        if email and staff.user_id is None:
            email = email.lower()
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=password)
            elif StaffMember.objects.filter(user=user).exclude(pk=staff.pk).exists():
                raise ApplicationError(
                    "That email address already belongs to another staff member.",
                    {"field": "email"},
                )
            staff.user = user
            staff.save(update_fields=["user"])
    return staff


def team_membership_start(*, staff: StaffMember, team: Team, start_date: date) -> TeamMembership:
    """Put a staff member in a team from a date, ending their current team the day before.

    Idempotent: starting the same team on the same date again changes nothing. A start
    before the person's latest membership began is refused, so history never overlaps.
    """
    if team.organisation_id != staff.organisation_id:
        raise ApplicationError("The team belongs to another organisation.", {"field": "team"})
    with transaction.atomic():
        memberships = TeamMembership.objects.select_for_update().filter(staff=staff)
        existing = memberships.filter(start_date=start_date).first()
        if existing is not None:
            if existing.team_id != team.pk:
                raise ApplicationError(
                    "This person already joins another team on that date.",
                    {"field": "start_date"},
                )
            return existing
        if memberships.filter(start_date__gt=start_date).exists():
            raise ApplicationError(
                "This person has a later team membership; record moves in date order.",
                {"field": "start_date"},
            )
        open_before = memberships.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=start_date), start_date__lt=start_date
        )
        open_before.update(end_date=start_date - timedelta(days=1))
        return TeamMembership.objects.create(staff=staff, team=team, start_date=start_date)


def role_assign(
    *,
    staff: StaffMember,
    role: Role,
    team: Team | None = None,
    service: Service | None = None,
) -> RoleAssignment:
    """Give a staff member a role (idempotent). The scope must suit the role."""
    for unit in (team, service):
        if unit is not None and unit.organisation_id != staff.organisation_id:
            raise ApplicationError("The unit belongs to another organisation.")
    if role == Role.TEAM_MANAGER and (team is None or service is not None):
        raise ApplicationError("A team manager manages one team.")
    if role == Role.SERVICE_MANAGER and (service is None or team is not None):
        raise ApplicationError("A service manager manages one service.")
    if role not in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER) and (team or service):
        raise ApplicationError(f"The {Role(role).label} role is held on the whole organisation.")
    assignment, _ = RoleAssignment.objects.get_or_create(
        staff=staff, role=role, team=team, service=service
    )
    return assignment


def user_sessions_end(*, user: User) -> int:
    """End every session of a user. Returns how many were ended."""
    ended = 0
    for session in UserSession.objects.filter(user=user):
        session.end()
        ended += 1
    # Sessions that allauth did not record (made before it tracked them) are found by
    # reading the session data: only done when ending a user's sessions, which is rare.
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def user_deactivate(*, user: User, by: User) -> User:
    """Deactivate a login and end its sessions. Only an administrator of the same
    organisation may do it, and not to themselves."""
    by_scope = user_scope(user=by)
    if not by_scope.has_role(Role.ADMINISTRATOR) and not by.is_superuser:
        raise ApplicationError("Only an administrator can deactivate a user.")
    if user.pk == by.pk:
        raise ApplicationError("You cannot deactivate your own account.")
    target_scope_org = (
        StaffMember.objects.filter(user=user).values_list("organisation_id", flat=True).first()
    )
    if not by.is_superuser and target_scope_org != by_scope.organisation_id:
        raise ApplicationError("That user belongs to another organisation.")
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        user_sessions_end(user=user)
    return user


def access_log_record(
    *,
    user: User,
    obj: models.Model,
    route: str,
    action: str = AccessLogEntry.Action.VIEW,
    organisation_id: int | None = None,
) -> AccessLogEntry:
    """Record that a user saw (or exported) one record of child-level data.

    `route` is the URL name or command that showed it, never a URL with parameters. The
    organisation is the record's own, falling back to the user's.
    """
    organisation_id = (
        organisation_id
        or getattr(obj, "organisation_id", None)
        or user_scope(user=user).organisation_id
    )
    if organisation_id is None:
        raise ApplicationError("An access log entry needs an organisation.")
    return AccessLogEntry.objects.create(
        organisation_id=organisation_id,
        user=user,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        route=route,
    )


def access_log_record_many(
    *,
    user: User,
    objects: Iterable[models.Model],
    route: str,
    action: str = AccessLogEntry.Action.VIEW,
) -> list[AccessLogEntry]:
    """Record that a user saw (or exported) several records of child-level data at once:
    one entry per record, as `access_log_record` writes them, in one bulk insert (so a
    page's queries do not grow with its list; the database's own limit on parameters
    may split a very long one). A record shown twice on the same page is logged once."""
    entries: dict[tuple[str, str], AccessLogEntry] = {}
    for obj in objects:
        organisation_id = (
            getattr(obj, "organisation_id", None) or user_scope(user=user).organisation_id
        )
        if organisation_id is None:
            raise ApplicationError("An access log entry needs an organisation.")
        key = (obj._meta.label_lower, str(obj.pk))
        entries.setdefault(
            key,
            AccessLogEntry(
                organisation_id=organisation_id,
                user=user,
                action=action,
                object_type=key[0],
                object_id=key[1],
                route=route,
            ),
        )
    return AccessLogEntry.objects.bulk_create(list(entries.values()))


def notification_send(
    *,
    recipient: User,
    organisation_id: int,
    kind: str,
    subject: str,
    body: str = "",
    url: str = "",
    email: bool = True,
    dedupe_key: str = "",
) -> Notification | None:
    """Notify one person in the app and, when `email`, by email after the transaction
    commits (the `notify_by_email` task, on the notifications queue).

    Idempotent by `dedupe_key`: when the person already has a notification with that key,
    nothing is sent and None is returned. Keys name the event, not the text (for example
    "audit-assigned:123", "action-overdue:45:2026-11-21"). A recipient without an active
    login is skipped (None).
    """
    if not recipient.is_active:
        return None
    if (
        dedupe_key
        and Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key).exists()
    ):
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                organisation_id=organisation_id,
                recipient=recipient,
                kind=kind,
                subject=subject[:200],
                body=body,
                url=url,
                dedupe_key=dedupe_key,
                email_requested=email and bool(recipient.email),
            )
    except IntegrityError:  # the same key sent at the same moment by another worker
        return None
    if notification.email_requested:
        from organisation.tasks import notify_by_email  # noqa: PLC0415 (tasks import services)

        transaction.on_commit(lambda: notify_by_email.delay(notification.pk))
    return notification


def notification_email_deliver(*, notification_id: int) -> bool:
    """Send one notification's email, once: True when sent now, False when it had been
    sent already or no longer exists. The email holds the subject, the body and a link
    to the page; the link needs a sign-in."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True, email_requested=True)
            .first()
        )
        if notification is None:
            return False
        link = f"{settings.SITE_URL.rstrip('/')}{notification.url}" if notification.url else ""
        text = "\n\n".join(part for part in (notification.body, link) if part)
        send_mail(
            subject=f"{settings.SERVICE_NAME}: {notification.subject}",
            message=text or notification.subject,
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
