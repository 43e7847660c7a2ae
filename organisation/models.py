"""Organisations, their services and teams, the people in them, and the access log.

A user account belongs to at most one staff member, and a staff member to exactly one
organisation, so every signed-in person acts within one organisation.
"""

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A login. Signs in with an email address; names live on the staff member."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    def __str__(self) -> str:
        return self.email


la_code_validator = RegexValidator(r"^\d{3}$", "A DfE LA code is three digits.")


class Organisation(models.Model):
    """A local authority (or children's trust)."""

    name = models.CharField(max_length=200)
    la_code = models.CharField(
        "DfE LA code", max_length=3, unique=True, validators=[la_code_validator]
    )
    ons_area_code = models.CharField(
        "ONS area code",
        max_length=9,
        blank=True,
        help_text="The GSS code of the authority's area (e.g. E10000016), used to pick its "
        "row from ONS population estimates.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.la_code})"


class Service(models.Model):
    """A service (locality) of an organisation: a group of teams."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services"
    )
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="service_code_unique_in_organisation"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="teams")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="team_code_unique_in_organisation"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StaffMember(models.Model):
    """A person who works for the organisation, with or without a login.

    `worker_id` is the authority's own identifier, the one its data files use.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="staff")
    user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="staff_member"
    )
    worker_id = models.CharField(max_length=64)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "worker_id"], name="worker_id_unique_in_organisation"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    """A staff member's time in a team: start and end inclusive, end empty while current.

    People move teams; the history attributes past work to the team of the time. One
    person's memberships do not overlap (checked by `team_membership_create`).
    """

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["staff", "start_date"], name="membership_start_unique_per_staff"
            ),
        ]

    def __str__(self) -> str:
        end = self.end_date.isoformat() if self.end_date else "now"
        return f"{self.staff} in {self.team}, {self.start_date.isoformat()} to {end}"


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    TEAM_MANAGER = "team_manager", "Team manager"
    SERVICE_MANAGER = "service_manager", "Service manager"
    QA_LEAD = "qa_lead", "Auditor / QA lead"
    SENIOR_LEADER = "senior_leader", "Senior leader"
    DATA_OFFICER = "data_officer", "Data officer"
    ADMINISTRATOR = "administrator", "Administrator"


# Roles held on one team or one service; every other role is held on the organisation.
TEAM_ROLES = frozenset({Role.TEAM_MANAGER})
SERVICE_ROLES = frozenset({Role.SERVICE_MANAGER})
ORGANISATION_ROLES = frozenset(Role) - TEAM_ROLES - SERVICE_ROLES


class RoleAssignment(models.Model):
    """A role a staff member holds. A person may hold several.

    A team manager holds the role on a team, a service manager on a service (the
    locality they manage: they see every team in it, including teams added later); every
    other role is held on the whole organisation.
    """

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=32, choices=Role.choices)
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="role_assignments"
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(TEAM_ROLES), team__isnull=False, service__isnull=True)
                    | Q(role__in=sorted(SERVICE_ROLES), service__isnull=False, team__isnull=True)
                    | Q(
                        role__in=sorted(ORGANISATION_ROLES), team__isnull=True, service__isnull=True
                    )
                ),
                name="role_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["staff", "role"],
                condition=Q(team__isnull=True, service__isnull=True),
                name="organisation_role_unique",
            ),
            models.UniqueConstraint(
                fields=["staff", "role", "team"],
                condition=Q(team__isnull=False),
                name="team_role_unique",
            ),
            models.UniqueConstraint(
                fields=["staff", "role", "service"],
                condition=Q(service__isnull=False),
                name="service_role_unique",
            ),
        ]

    def __str__(self) -> str:
        scope = self.team or self.service
        label = Role(self.role).label
        return f"{self.staff}: {label} of {scope}" if scope else f"{self.staff}: {label}"


class AccessLogQuerySet(models.QuerySet["AccessLogEntry"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("The access log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The access log is append-only.")


class AccessLogEntry(models.Model):
    """One view of child-level data: who, when, which record, through which route.

    Append-only: written by `access_log_record`, never updated or deleted by the app (on
    PostgreSQL a trigger refuses it in the database too).
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        EXPORT = "export", "Exported"
        DOWNLOAD = "download", "Downloaded"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="access_log"
    )
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="access_log")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=16, choices=Action.choices, default=Action.VIEW)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    route = models.CharField(max_length=200)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = "access log entry"
        verbose_name_plural = "access log"
        indexes = [models.Index(fields=["object_type", "object_id"], name="access_log_object")]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.object_type} {self.object_id} at {self.at}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise PermissionError("The access log is append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("The access log is append-only.")


class Notification(models.Model):
    """A message to one person: shown in the app, and sent by email when asked.

    Written only by `organisation.services.notification_send`. The subject and link carry
    no child's name; a case reference (the authority's own child ID) may appear in the
    body of a safeguarding or safety alert, which is what the person must act on.
    `dedupe_key`, when set, makes sending idempotent: a repeated job (a reminder run
    twice, a task retried) never notifies the same person twice about the same thing.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="notifications"
    )
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True, help_text="A path inside the app.")
    dedupe_key = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_requested = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient}: {self.subject}"
