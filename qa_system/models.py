from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class Heartbeat(models.Model):
    """The last time the scheduled heartbeat task ran: one row per beat-driven job name.

    Beat enqueues the task and a worker runs it, so a recent time proves both are alive.
    """

    name = models.CharField(max_length=64, unique=True)
    last_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.last_run_at:%Y-%m-%d %H:%M:%S}"


class MeasureSource(models.TextChoices):
    """Where a flag rule's measure is read from: the stored per-unit results of each."""

    COREDATA = "coredata", "Core data indicator"
    AUDITS = "audits", "Audit measure"
    SURVEYS = "surveys", "Survey measure"


class Comparison(models.TextChoices):
    LT = "lt", "is below"
    LE = "le", "is at most"
    GT = "gt", "is above"
    GE = "ge", "is at least"
    # Too few responses to show a figure (surveys suppress fewer than 5) cannot be judged
    # either way; for a response rate, that is itself what the rule is about.
    LT_OR_TOO_FEW = "lt_or_too_few", "is below, or too few responses to show"


class SecondCondition(models.TextChoices):
    NONE = "none", "No second measure"
    THRESHOLD = "threshold", "Measure B compared with a threshold"
    RISING = "rising", "Measure B rising over the last N periods"
    FALLING = "falling", "Measure B falling over the last N periods"
    ORGANISATION = "organisation", "Measure B compared with the organisation's value"


UNIT_TYPES = ("organisation", "service", "team", "practitioner")


class FlagRule(models.Model):
    """A rule that compares signals and raises a plain-language flag: measure A meets its
    condition and measure B meets its own (a threshold, a trend, or the organisation's
    value). Rules are data: QA leads adjust them in the app.

    A measure is (source, code, breakdown): a core data indicator (`P2`,
    `tier=CP;view=open;min=2y`), an audit measure or a survey measure (their codes are
    in audits/INTERFACE.md and surveys/INTERFACE.md). Thresholds are in the measure's
    shown unit (percentages 0 to 100). `wording` is the sentence a flag shows, with
    placeholders for the numbers (`qa_system.flags.PLACEHOLDERS`).
    """

    organisation = models.ForeignKey(
        "organisation.Organisation", on_delete=models.CASCADE, related_name="flag_rules"
    )
    # Set on the rules loaded from default_flag_rules.json, so loading them is idempotent.
    default_key = models.SlugField(max_length=60, blank=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    unit_types = models.JSONField(default=list, help_text="The units the rule looks at.")

    a_source = models.CharField(max_length=16, choices=MeasureSource.choices)
    a_code = models.CharField(max_length=120)
    a_breakdown = models.CharField(max_length=120, blank=True)
    a_comparison = models.CharField(max_length=16, choices=Comparison.choices)
    a_threshold = models.FloatField()
    a_min_base = models.PositiveIntegerField(
        default=0, help_text="Judge only when measure A counts at least this many."
    )

    b_condition = models.CharField(
        max_length=16, choices=SecondCondition.choices, default=SecondCondition.NONE
    )
    b_source = models.CharField(max_length=16, choices=MeasureSource.choices, blank=True)
    b_code = models.CharField(max_length=120, blank=True)
    b_breakdown = models.CharField(max_length=120, blank=True)
    b_comparison = models.CharField(max_length=16, choices=Comparison.choices, blank=True)
    b_threshold = models.FloatField(null=True, blank=True)
    b_periods = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For a trend: over how many periods."
    )
    b_min_base = models.PositiveIntegerField(default=0)

    wording = models.TextField()
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "default_key"],
                condition=~models.Q(default_key=""),
                name="flag_rule_default_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("qa:rule_edit", args=[self.pk])


class Flag(models.Model):
    """One rule raised for one unit and period: the sentence and the numbers behind it.

    `unit_type` and `unit_id` name the unit as audit and survey results do (the pk of
    the Organisation, Service, Team or StaffMember); `unit_name` is the name at the
    time. `numbers` holds each measure's values (see `qa_system.flags.Evaluation`).
    Recomputing replaces an organisation's flags for a period in one transaction.
    """

    organisation = models.ForeignKey(
        "organisation.Organisation", on_delete=models.CASCADE, related_name="flags"
    )
    rule = models.ForeignKey(FlagRule, on_delete=models.CASCADE, related_name="flags")
    unit_type = models.CharField(max_length=16)
    unit_id = models.PositiveIntegerField()
    unit_name = models.CharField(max_length=200)
    period_type = models.CharField(max_length=8, default="quarter")
    period_start = models.DateField()
    period_end = models.DateField()
    numbers = models.JSONField(default=dict)
    text = models.TextField()
    raised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_end", "unit_type", "unit_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "unit_type", "unit_id", "period_type", "period_start"],
                name="flag_once_per_rule_unit_period",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "unit_type", "unit_id", "period_end"], name="flag_unit"
            ),
            models.Index(fields=["organisation", "raised_at"], name="flag_raised"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} on {self.unit_type} {self.unit_id} ({self.period_label})"

    def get_absolute_url(self) -> str:
        return reverse("qa:flag_detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        """'Q1 2025-26' for a financial quarter, else the dates."""
        if self.period_type == "quarter":
            last = self.period_end.year + (1 if self.period_end.month > 3 else 0)
            quarter = (self.period_end.month - 4) % 12 // 3 + 1
            return f"Q{quarter} {last - 1}-{last % 100:02d}"
        return f"{self.period_start:%d %b %Y} to {self.period_end:%d %b %Y}"


class RetentionPolicy(models.Model):
    """How long an organisation keeps child-level records (DESIGN.md: retention). A
    scheduled job (`qa_system.services_retention.retention_apply`) removes what is past
    it every night. The access log is kept. Stored results (indicators, audit and
    survey results, flags) hold no child-level data, but their nightly jobs work them
    out again from what is kept: periods older than a retention period lose their
    figures, so periods should be longer than the history managers compare.

    - Audits: closed or cancelled audits, counted from when they were closed (or, for a
      cancelled one, last changed), with their ratings, history, actions, moderation and
      escalations.
    - Survey responses: family and child responses from the day they were sent (with
      their invitation and any safety alert), staff responses from their week, and
      invitations never answered from when they expired.
    - Imported data: statutory return rows by collection year (a year is past when the
      31 March that ends it is), local records that ended (or, for visits, vacancies and
      snapshots, happened) before the cutoff, import runs no record comes from any more,
      and children nothing refers to any more.
    """

    organisation = models.OneToOneField(
        "organisation.Organisation", on_delete=models.CASCADE, related_name="retention_policy"
    )
    audit_months = models.PositiveSmallIntegerField(default=72)
    survey_response_months = models.PositiveSmallIntegerField(default=36)
    imported_data_months = models.PositiveSmallIntegerField(default=84)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Retention for organisation {self.organisation_id}"


class RetentionRun(models.Model):
    """One night's removal for one organisation: the cutoffs used and how many records
    of each kind went (counts only: what was removed is gone)."""

    organisation = models.ForeignKey(
        "organisation.Organisation", on_delete=models.CASCADE, related_name="retention_runs"
    )
    ran_at = models.DateTimeField(default=timezone.now)
    audits_before = models.DateField()
    survey_responses_before = models.DateField()
    imported_data_before = models.DateField()
    removed = models.JSONField(default=dict)

    class Meta:
        ordering = ["-ran_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "ran_at"], name="retention_run_org")]

    def __str__(self) -> str:
        return f"Retention run for organisation {self.organisation_id} at {self.ran_at:%Y-%m-%d}"

    @property
    def removed_total(self) -> int:
        return sum(int(n) for n in self.removed.values())

    @property
    def removed_named(self) -> list[tuple[str, int]]:
        """(what, how many) in plain words: "audits 12", "referrals 340"."""
        named = []
        for label, count in self.removed.items():
            try:
                name = str(apps.get_model(label)._meta.verbose_name_plural)
            except (LookupError, ValueError):
                name = label
            named.append((name, int(count)))
        return named
