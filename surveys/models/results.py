"""Stored survey results, per unit and period (written by the results job, read by the
survey results pages and the linked QA views)."""

from django.db import models
from django.utils import timezone

from organisation.models import Organisation


class SurveyResultsRun(models.Model):
    """One run of the results job for an organisation (status, counts, error)."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    rows = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Survey results run {self.pk} ({self.status})"


class SurveyUnitResult(models.Model):
    """One measure for one unit and period.

    - `unit_type`: organisation, service, team or practitioner; `unit_id` the pk of the
      Organisation, Service, Team or StaffMember.
    - `period_type`: month, quarter or year (financial year, April to March).
    - `measure`: a SurveyIndicator code ("child_safe_home"...), a question
      ("q:<template key>:<question code>", value = % positive answers, `distribution`
      the count per answer), or a response rate ("rate:family", "rate:staff":
      numerator responses, denominator invitations).
    - `respondents`: the responses counted. When fewer than the organisation's minimum,
      or suppressed so that nothing can be recovered by subtraction, `suppressed` is
      true and every count, the value and the distribution are empty.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    unit_type = models.CharField(max_length=16)
    unit_id = models.PositiveBigIntegerField()
    period_type = models.CharField(max_length=8)
    period_start = models.DateField()
    period_end = models.DateField()
    measure = models.CharField(max_length=120)
    respondents = models.PositiveIntegerField(null=True, blank=True)
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    distribution = models.JSONField(default=dict, blank=True)
    suppressed = models.BooleanField(default=False)

    class Meta:
        ordering = ["measure", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organisation",
                    "unit_type",
                    "unit_id",
                    "period_type",
                    "period_start",
                    "measure",
                ],
                name="survey_unit_result_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "unit_type", "unit_id"], name="survey_result_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} for {self.unit_type} {self.unit_id} from {self.period_start}"
