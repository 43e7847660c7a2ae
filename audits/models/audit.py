"""An audit of one child's case, its ratings, history, actions, escalations and
moderation."""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from audits.models.programme import AuditProgramme, SampleDraw
from audits.models.tools import AuditToolItem, AuditToolSection, AuditToolVersion, Grade
from coredata.models import Child
from organisation.models import Organisation, StaffMember, Team


class AuditState(models.TextChoices):
    PLANNED = "planned", "Planned"
    REFLECTION = "reflection", "Practitioner reflection"
    CONVERSATION = "conversation", "Audit conversation"
    COMPLETED = "completed", "Completed"
    MODERATED = "moderated", "Moderated"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATES = frozenset({AuditState.PLANNED, AuditState.REFLECTION, AuditState.CONVERSATION})
FINISHED_STATES = frozenset({AuditState.COMPLETED, AuditState.MODERATED, AuditState.CLOSED})


class Audit(models.Model):
    """A collaborative audit of one child's case against one tool version.

    `practitioner` is the worker allocated to the child when the audit was created;
    `auditor` is by default their team manager and never the practitioner. `team` is the
    allocated team at creation (visibility and results follow it). `context` is section
    A, filled from core data at creation: keys `tier`, `team`, `worker`, `referral_date`,
    `plan_start_date`, `last_visit_date` (ISO dates or null). Edits are versioned per
    section (`AuditSectionState`), including sections H, I and J whose answers are
    fields of the audit.
    """

    class Kind(models.TextChoices):
        PROGRAMME = "programme", "Programme"
        THEMATIC = "thematic", "Thematic"
        FOLLOW_UP = "follow_up", "Follow-up"
        AD_HOC = "ad_hoc", "Ad hoc"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="audits")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="audits")
    tool_version = models.ForeignKey(AuditToolVersion, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.AD_HOC)
    programme = models.ForeignKey(
        AuditProgramme, on_delete=models.SET_NULL, null=True, blank=True, related_name="audits"
    )
    draw = models.ForeignKey(
        SampleDraw, on_delete=models.SET_NULL, null=True, blank=True, related_name="audits"
    )
    follow_up_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups"
    )
    state = models.CharField(
        max_length=16, choices=AuditState.choices, default=AuditState.PLANNED, db_index=True
    )
    practitioner = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    auditor = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="The first day of the month the audit belongs to.")
    due_date = models.DateField()
    context = models.JSONField(default=dict, blank=True)

    overall_grade = models.CharField(max_length=24, choices=Grade.choices, blank=True)
    practice_scale = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    working_well = models.TextField("what's working well", blank=True)
    worries = models.TextField("what are we worried about", blank=True)
    next_steps = models.TextField("what needs to happen", blank=True)
    appreciative_notes = models.TextField(blank=True)
    family_feedback = models.TextField(blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    reflection_started_at = models.DateTimeField(null=True, blank=True)
    conversation_started_at = models.DateTimeField(null=True, blank=True)
    reflection_skipped_reason = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-month", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(practitioner=models.F("auditor")), name="audit_not_self_audited"
            ),
            models.CheckConstraint(
                condition=Q(practice_scale__isnull=True) | Q(practice_scale__lte=10),
                name="audit_practice_scale_0_10",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "state"], name="audit_org_state"),
            models.Index(fields=["team", "state"], name="audit_team_state"),
            models.Index(fields=["practitioner", "state"], name="audit_practitioner_state"),
            models.Index(fields=["auditor", "state"], name="audit_auditor_state"),
        ]

    def __str__(self) -> str:
        return f"Audit {self.pk} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.state in OPEN_STATES and self.due_date < today


class AuditSectionState(models.Model):
    """The edit state of one section of one audit: its version number (optimistic
    concurrency: a save naming an older version is refused) and who saved it last."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="section_states")
    section = models.ForeignKey(AuditToolSection, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["audit", "section"], name="section_state_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.audit} section {self.section_id} v{self.version}"


class AuditRating(models.Model):
    """One item of one audit: the practitioner's view, the auditor's view and what they
    agreed. Where they disagree the agreed rating may stay empty and both views are kept."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="ratings")
    item = models.ForeignKey(AuditToolItem, on_delete=models.PROTECT, related_name="+")
    practitioner_rating = models.CharField(max_length=24, blank=True)
    practitioner_comment = models.TextField(blank=True)
    auditor_rating = models.CharField(max_length=24, blank=True)
    auditor_comment = models.TextField(blank=True)
    agreed_rating = models.CharField(max_length=24, blank=True)
    agreed_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["item__section__order", "item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "item"], name="rating_once_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.audit} item {self.item_id}"

    @property
    def disagrees(self) -> bool:
        """Both rated, differently."""
        return bool(
            self.practitioner_rating
            and self.auditor_rating
            and self.practitioner_rating != self.auditor_rating
        )


class AuditEvent(models.Model):
    """The history of an audit: one row per change (who, when, what: old to new)."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        STATE = "state", "State changed"
        FIELD = "field", "Field changed"
        RATING = "rating", "Rating changed"
        ACTION = "action", "Action"
        ESCALATION = "escalation", "Safeguarding escalation"
        MODERATION = "moderation", "Moderation"
        ASSIGNMENT = "assignment", "Assignment"

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    field = models.CharField(max_length=100, blank=True, help_text="A field, or item code.")
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.audit}: {self.kind} {self.field}"


class AuditAction(models.Model):
    """An action agreed in an audit: listed for its owner and their manager until done."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["owner", "status"], name="action_owner_status")]

    def __str__(self) -> str:
        return f"Action {self.pk} ({self.get_status_display()})"

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.OPEN and self.due_date < today

    @property
    def done_on_time(self) -> bool | None:
        """True when done by its due date, False when done late; None while not done."""
        if self.status != self.Status.DONE or self.completed_at is None:
            return None
        return timezone.localdate(self.completed_at) <= self.due_date


class SafeguardingEscalation(models.Model):
    """Section K: a child found at current risk, escalated at once to the team manager and
    service manager, who must acknowledge it (reminded until one does)."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="escalations")
    concern = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(acknowledged_by__isnull=False),
                name="escalation_acknowledged_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Escalation {self.pk} on audit {self.audit_id}"

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class AuditModeration(models.Model):
    """A completed audit selected for moderation (a share at random, and every inadequate
    one). Pending while `moderated_at` is empty: the moderation queue."""

    class Reason(models.TextChoices):
        SAMPLE = "sample", "Sampled"
        INADEQUATE = "inadequate", "Graded inadequate"
        REQUESTED = "requested", "Requested"

    audit = models.OneToOneField(Audit, on_delete=models.CASCADE, related_name="moderation")
    selected_because = models.CharField(max_length=16, choices=Reason.choices)
    selected_at = models.DateTimeField(default=timezone.now)
    moderator = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    original_grade = models.CharField(max_length=24, choices=Grade.choices)
    agrees = models.BooleanField(null=True)
    moderated_grade = models.CharField(max_length=24, choices=Grade.choices, blank=True)
    reason = models.TextField(blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["selected_at", "pk"]

    def __str__(self) -> str:
        return f"Moderation of audit {self.audit_id}"

    @property
    def is_pending(self) -> bool:
        return self.moderated_at is None
