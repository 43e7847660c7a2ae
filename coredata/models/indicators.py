"""Indicator results and the refresh runs that compute them.

A refresh computes every indicator for every unit and period and stores them as one
`UnitResults` row per unit: the unit's results in the engine's results format, column by
column (a few thousand values), so a page reads one row. Readers always see the latest
succeeded run, complete: a refresh writes its rows in one transaction, and a failed or
killed one leaves the previous run's results in place.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from organisation.models import Organisation


class RefreshRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Done"
        FAILED = "failed", "Failed"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="refresh_runs"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The imports whose data this run computed from (the succeeded ones before it).
    import_run_ids = models.JSONField(default=list)
    first_month_end = models.DateField(null=True, blank=True)
    last_month_end = models.DateField(null=True, blank=True)
    unit_count = models.PositiveIntegerField(default=0)
    result_count = models.PositiveIntegerField(default=0)
    failure_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # At most one refresh waits and one runs per organisation: several imports
            # in a minute cause one refresh, and two refreshes never interleave.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="queued"),
                name="one_queued_refresh_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="running"),
                name="one_running_refresh_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"Refresh {self.pk} of {self.organisation_id}: {self.get_status_display()}"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


# The results format's columns as a unit's row stores them (the unit itself is the row's).
RESULT_FIELDS = [
    "indicator", "breakdown", "period_start", "period_end", "numerator", "denominator", "value",
]  # fmt: skip


class UnitResults(models.Model):
    """Every indicator result of one unit in one refresh run.

    `results` holds the results format's columns as lists of equal length (indicator,
    breakdown, period_start, period_end, numerator, denominator, value; dates ISO)."""

    run = models.ForeignKey(RefreshRun, on_delete=models.CASCADE, related_name="units")
    unit_type = models.CharField(max_length=16)
    unit_code = models.CharField(max_length=64)
    results = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "unit_type", "unit_code"], name="unit_results_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_type} {self.unit_code} (refresh {self.run_id})"
