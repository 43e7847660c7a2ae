"""The audit programme: what the monthly draw samples, and a record of each draw."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from audits.models.tools import AuditTool
from coredata.models import Child
from organisation.models import Organisation, Team


class Tier(models.TextChoices):
    """The plan tiers of core data (INDICATORS.md "Plans"), highest last."""

    EH = "EH", "Early help"
    CIN = "CIN", "Child in need"
    CP = "CP", "Child protection"
    LAC = "LAC", "Looked after"


class AuditSettings(models.Model):
    """An organisation's audit settings (one row, created with defaults when first read
    by `audit_settings_for`)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="audit_settings"
    )
    follow_up_weeks = models.PositiveSmallIntegerField(
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="An inadequate audit is followed up by another within this many weeks.",
    )
    moderation_percent = models.PositiveSmallIntegerField(
        default=10,
        validators=[MaxValueValidator(100)],
        help_text="The share of completed audits sampled for moderation (inadequate ones "
        "always are).",
    )
    reminder_days = models.PositiveSmallIntegerField(
        default=3, help_text="Reminders are sent this many days before a due date."
    )

    class Meta:
        verbose_name_plural = "audit settings"

    def __str__(self) -> str:
        return f"Audit settings of {self.organisation}"


class AuditProgramme(models.Model):
    """What the monthly draw samples for one organisation.

    Each month (`audits.tasks.draw_monthly_samples`) an active programme draws
    `audits_per_unit` cases per team (or per practitioner) from the cases eligible on
    the first of the month: open (allocated to a worker), of the chosen tiers (none
    chosen: every tier), in the chosen teams (none chosen: every team). A thematic
    programme draws only from its chosen children. Weights raise a case's chance of
    being drawn: a case's weight is 1 plus each factor's weight where the factor holds
    (CP plan open 18 months or more; a referral in the last 12 months that followed an
    earlier one within 12 months; not seen within its plan's visiting interval).
    """

    class Unit(models.TextChoices):
        TEAM = "team", "Per team"
        PRACTITIONER = "practitioner", "Per practitioner"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="audit_programmes"
    )
    name = models.CharField(max_length=200)
    tool = models.ForeignKey(AuditTool, on_delete=models.PROTECT, related_name="programmes")
    unit = models.CharField(max_length=16, choices=Unit.choices, default=Unit.TEAM)
    audits_per_unit = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    tiers = models.JSONField(default=list, blank=True, help_text="Tier codes; empty: all.")
    teams = models.ManyToManyField(Team, blank=True, related_name="+")
    weight_long_cp = models.PositiveSmallIntegerField(default=0)
    weight_re_referral = models.PositiveSmallIntegerField(default=0)
    weight_not_seen = models.PositiveSmallIntegerField(default=0)
    is_thematic = models.BooleanField(default=False)
    theme = models.CharField(max_length=200, blank=True)
    thematic_children = models.ManyToManyField(Child, blank=True, related_name="+")
    deadline_days = models.PositiveSmallIntegerField(
        default=28, validators=[MinValueValidator(1), MaxValueValidator(180)]
    )
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="programme_name_unique_in_organisation"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SampleDraw(models.Model):
    """One month's draw of a programme. The seed makes it reproducible: the same seed on
    the same data draws the same cases. One per programme and month (idempotent)."""

    programme = models.ForeignKey(AuditProgramme, on_delete=models.CASCADE, related_name="draws")
    month = models.DateField(help_text="The first day of the month drawn for.")
    seed = models.BigIntegerField()
    drawn_at = models.DateTimeField(default=timezone.now)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    eligible_count = models.PositiveIntegerField(default=0)
    selected_count = models.PositiveIntegerField(default=0)
    # Why fewer were drawn than asked for (for example a team with no eligible case).
    shortfalls = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-month", "programme"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "month"], name="draw_once_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.programme}, {self.month:%B %Y}"
