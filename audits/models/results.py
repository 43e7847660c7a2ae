"""Audit results stored per unit and period by `audits.services_results` (read by the
audit results pages and the linked QA views)."""

from django.db import models
from django.utils import timezone

from organisation.models import Organisation


class AuditUnitResult(models.Model):
    """One measure of one unit over one period.

    `unit_type`: organisation, service, team or practitioner; `unit_id` the pk of the
    Organisation, Service, Team or StaffMember. `period_type`: month, quarter or year
    (financial year, April to March). `measure` and `breakdown` are documented in
    audits/INTERFACE.md ("Results"). `value` is numerator / denominator (a share, 0 to 1)
    or, for counts, the count; null when the denominator is 0.
    """

    class UnitType(models.TextChoices):
        ORGANISATION = "organisation", "Organisation"
        SERVICE = "service", "Service"
        TEAM = "team", "Team"
        PRACTITIONER = "practitioner", "Practitioner"

    class PeriodType(models.TextChoices):
        MONTH = "month", "Month"
        QUARTER = "quarter", "Quarter"
        YEAR = "year", "Financial year"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="audit_results"
    )
    unit_type = models.CharField(max_length=16, choices=UnitType.choices)
    unit_id = models.PositiveIntegerField()
    period_type = models.CharField(max_length=8, choices=PeriodType.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    measure = models.CharField(max_length=40)
    breakdown = models.CharField(max_length=60, blank=True)
    numerator = models.FloatField()
    denominator = models.FloatField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["unit_type", "unit_id", "period_type", "period_start", "measure", "breakdown"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organisation",
                    "unit_type",
                    "unit_id",
                    "period_type",
                    "period_start",
                    "measure",
                    "breakdown",
                ],
                name="audit_result_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "unit_type", "unit_id", "period_type"],
                name="audit_result_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_type} {self.unit_id} {self.period_start} {self.measure}"
